package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.TestDatabase;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Which segment is worst, end to end: rows in PostgreSQL where only {@code region=east}'s amounts moved and only
 * {@code region=west}'s predictions got worse, profiled by Spark per declared segment ({@code region}, and {@code
 * big: amount > 120}), and {@code GET …/drift/explain} and {@code …/performance/explain}, through the SDK and through
 * {@code vigil drift --explain} and {@code vigil performance --explain}, checked against numpy
 * ({@code src/test/python/make_explain_expected.py}). Fewer than 350 values a side: exact.
 */
class ExplainIT extends AbstractServerIT {
    private static final double EXACT = 1e-9;

    @TempDir
    static Path dir;

    private final JsonNode expected = read("explain/expected.json");
    private final Instant from = Instant.parse(expected.path("start").asText());
    private final Instant to = Instant.parse(expected.path("end").asText());
    private TestDatabase.Credentials reader;

    record Result(int code, String out, String err) {}

    private static JsonNode read(String resource) {
        try (InputStream in = ExplainIT.class.getClassLoader().getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (Exception e) {
            throw new IllegalStateException(resource, e);
        }
    }

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        for (String table : List.of("training", "serving")) {
            db.execute(
                    "CREATE SCHEMA IF NOT EXISTS ml",
                    "CREATE TABLE ml." + table + " (id bigint, ts timestamptz, region text, amount double precision,"
                            + " channel text, pred boolean, label boolean)");
            try (Connection c = db.connectAsAdmin();
                    InputStream csv =
                            ExplainIT.class.getClassLoader().getResourceAsStream("explain/" + table + ".csv")) {
                c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "COPY ml." + table + " FROM STDIN WITH (FORMAT csv, HEADER true, NULL '\\N')",
                                new InputStreamReader(csv, StandardCharsets.UTF_8));
            }
        }
        reader = db.createReadOnlyUser("ml", List.of("training", "serving"));
    }

    @BeforeAll
    void applyAndRun() throws Exception {
        // v1 declares region and samples no rows: declared segments only; v2 declares only big and samples every
        // row (320 serving rows, fewer than the sample's 1,000): region is discovered, its numbers exact
        apply("v1", "sample: {rows: 0}", "- {field: region}");
        apply("v2", "", "");
    }

    private void apply(String version, String sample, String region) throws Exception {
        Path file = dir.resolve("shop-" + version + ".yaml");
        Files.writeString(
                file,
                """
                model: {id: shop, name: Shop}
                version:
                  model_version: %3$s
                  model_type: binary
                  %4$s
                  features: {region: string, amount: numeric, channel: string}
                  predictions: {pred: boolean}
                  segments:
                    %5$s
                    - {name: big, where: "amount > 120"}
                serving:
                  data_source: {type: postgres-jdbc, url: "%1$s", query: "SELECT * FROM ml.serving", user: %2$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: id
                  timestamp_column: ts
                  labels: {pred: label}
                training:
                  data_source: {url: "%1$s", query: "SELECT * FROM ml.training", user: %2$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: id
                  timestamp_column: ts
                  labels: {pred: label}
                """
                        .formatted(db().url(), reader.user(), version, sample, region));
        Result applied = run("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.err()).isZero();
        runToSuccess("shop", version, "training", null, null);
        runToSuccess("shop", version, "serving", from, to);
    }

    private Result run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.put("VIGIL_PG_PASSWORD", reader.password());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result cli(String command, String... more) {
        return cliOn("v1", command, more);
    }

    private Result cliOn(String version, String command, String... more) {
        List<String> args = new ArrayList<>(List.of(
                command, "--model", "shop", "--version", version, "--from", from.toString(), "--to", to.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private Map<String, String> range(String key, String value) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(key, value);
        q.put("from", from.toString());
        q.put("to", to.toString());
        return q;
    }

    /** The expected rows of one field (every declared key not cut on the field), by segment. */
    private static Map<String, JsonNode> rowsOf(JsonNode keys) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        keys.fields().forEachRemaining(k -> k.getValue()
                .path("rows")
                .forEach(r -> out.put(r.path("segment").asText(), r)));
        return out;
    }

    @Test
    void driftSplitsAsNumpyAndTheShiftedRegionComesFirst() {
        int checked = 0;
        for (JsonNode fe : expected.path("fields")) {
            String field = fe.path("field").asText();
            JsonNode answer = vigil().explainDrift("shop", "v1", range("field", field));
            Map<String, JsonNode> want = rowsOf(fe.path("keys"));
            assertThat(answer).as(field).hasSize(want.size());
            double previous = Double.POSITIVE_INFINITY;
            for (JsonNode row : answer) {
                String segment = row.path("segment").asText();
                JsonNode w = want.get(segment);
                assertThat(w).as(field + " " + segment).isNotNull();
                String key = segment.substring(0, segment.indexOf('='));
                assertThat(row.path("metric").asText()).isEqualTo("psi");
                assertThat(row.path("source").asText()).isEqualTo("declared");
                assertThat(row.path("baseline").asText()).isEqualTo("training");
                assertThat(row.path("total").asDouble())
                        .as(segment + " psi")
                        .isCloseTo(fe.path("keys").path(key).path("psi").asDouble(), within(EXACT));
                for (String name : List.of("share", "own", "own_psi", "contribution", "contribution_share")) {
                    assertThat(row.path(name).asDouble())
                            .as(field + " " + segment + " " + name)
                            .isCloseTo(w.path(name).asDouble(), within(EXACT));
                }
                assertThat(row.path("contribution").asDouble()).isLessThanOrEqualTo(previous);
                previous = row.path("contribution").asDouble();
                checked++;
            }
            if (field.equals("amount")) {
                // big (amount > 120) is cut on amount itself: it explains amount's drift by construction, and is left
                // out
                assertThat(answer.get(0).path("segment").asText()).isEqualTo("region=east");
                assertThat(want).doesNotContainKey("big=true");
            }
        }
        assertThat(checked).isEqualTo(5 + 5 + 2);
    }

    /** numpy's discovered splits of one field ({@code COLUMN=VALUE} rows), but those on the field itself. */
    private static Map<String, JsonNode> discoveredOf(JsonNode fe) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String list : List.of("discovered", "discovered_boolean")) {
            for (JsonNode d : fe.path(list)) {
                if (!d.path("column").asText().equals(fe.path("field").asText())) {
                    out.put(d.path("column").asText() + "=" + d.path("value").asText(), d);
                }
            }
        }
        return out;
    }

    @Test
    void anUndeclaredRegionIsDiscoveredInTheSampleFirstWithNumpysNumbers() {
        int checked = 0;
        for (JsonNode fe : expected.path("fields")) {
            String field = fe.path("field").asText();
            JsonNode answer = vigil().explainDrift("shop", "v2", range("field", field));
            Map<String, JsonNode> want = discoveredOf(fe);
            // v2 declares only big, which is cut on amount: amount's rows are all discovered; channel's add big's
            Map<String, JsonNode> declared = new LinkedHashMap<>();
            fe.path("keys")
                    .path("big")
                    .path("rows")
                    .forEach(r -> declared.put(r.path("segment").asText(), r));
            assertThat(answer).as(field).hasSize(want.size() + declared.size());
            List<String> discovered = new ArrayList<>();
            // each source ranked on its own, the declared rows first
            double previous = Double.POSITIVE_INFINITY;
            String previousSource = "declared";
            for (JsonNode row : answer) {
                String segment = row.path("segment").asText();
                String source = row.path("source").asText();
                if (!source.equals(previousSource)) {
                    assertThat(source).as("after the declared rows").isEqualTo("discovered");
                    previousSource = source;
                    previous = Double.POSITIVE_INFINITY;
                }
                assertThat(row.path("contribution").asDouble()).isLessThanOrEqualTo(previous);
                previous = row.path("contribution").asDouble();
                if (source.equals("declared")) {
                    assertThat(declared).as(field + " " + segment).containsKey(segment);
                    assertThat(row.has("sample_rows")).isFalse();
                    continue;
                }
                assertThat(row.path("source").asText()).isEqualTo("discovered");
                JsonNode d = want.get(segment);
                assertThat(d).as(field + " " + segment).isNotNull();
                JsonNode w = d.path("rows").get(0);
                assertThat(w.path("segment").asText()).isEqualTo(segment);
                // the sample holds all 320 serving rows: the discovered numbers are exact
                assertThat(row.path("sample_rows").asInt()).isEqualTo(320);
                assertThat(row.path("total").asDouble())
                        .as(segment + " psi")
                        .isCloseTo(d.path("psi").asDouble(), within(EXACT));
                for (String name : List.of("share", "own", "own_psi", "contribution", "contribution_share")) {
                    assertThat(row.path(name).asDouble())
                            .as(field + " " + segment + " " + name)
                            .isCloseTo(w.path(name).asDouble(), within(EXACT));
                }
                discovered.add(segment);
                checked++;
            }
            assertThat(discovered).as(field).containsExactlyInAnyOrderElementsOf(want.keySet());
            assertThat(discovered).as(field).noneMatch(seg -> seg.startsWith(field + "="));
            if (field.equals("amount")) {
                assertThat(discovered.get(0)).isEqualTo("region=east");
                assertThat(answer.get(0).path("contribution").asDouble()).isCloseTo(0.152, within(0.001));
            }
        }
        // amount: channel's 4 values, region's 4, pred's 2; channel: region's 4, pred's 2
        assertThat(checked).isEqualTo(10 + 6);
    }

    @Test
    void aVersionThatSamplesNoRowsGivesItsDeclaredSegmentsOnly() {
        for (String field : List.of("amount", "channel")) {
            JsonNode answer = vigil().explainDrift("shop", "v1", range("field", field));
            assertThat(answer).as(field).isNotEmpty();
            answer.forEach(row -> {
                assertThat(row.path("source").asText()).as(row.toString()).isEqualTo("declared");
                assertThat(row.has("sample_rows")).as(row.toString()).isFalse();
            });
        }
        Result table = cli("drift", "--explain", "amount");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines().toList().get(1).split("\\s+")).doesNotContain("SOURCE");
        assertThat(table.out()).contains("(no discovered segments: the range has no row sample of the field");
    }

    @Test
    void theCliMarksDiscoveredSegmentsAndSaysTheirSample() {
        Result table = cliOn("v2", "drift", "--explain", "amount");
        assertThat(table.code()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(1).split("\\s+"))
                .containsExactly("SEGMENT", "SHARE", "DRIFT_SCORE", "CONTRIBUTION", "OF_PSI", "SOURCE");
        assertThat(lines.get(2)).startsWith("region=east ").contains(" discovered");
        assertThat(lines.get(lines.size() - 1))
                .startsWith("discovered: 10 segments found in the range's row sample")
                .contains("a sample of 320 rows");
        Result performance = cliOn("v2", "performance", "--explain", "accuracy");
        assertThat(performance.code()).as(performance.err()).isZero();
        assertThat(performance.out().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("(declared segments only: discovering segments in a performance drop needs each sampled"
                        + " row's actual");
    }

    @Test
    void theAccuracyDropSplitsExactlyAndTheWorseRegionComesFirst() {
        JsonNode perf = expected.path("performance");
        JsonNode answer = vigil().explainPerformance("shop", "v1", range("metric", "accuracy"));
        Map<String, JsonNode> want = rowsOf(perf.path("keys"));
        assertThat(answer).hasSize(want.size());
        assertThat(answer.get(0).path("segment").asText()).isEqualTo("region=west");
        Map<String, Double> sums = new HashMap<>();
        for (JsonNode row : answer) {
            String segment = row.path("segment").asText();
            JsonNode w = want.get(segment);
            assertThat(row.path("exact").asBoolean()).isTrue();
            assertThat(row.path("reference").asDouble())
                    .isCloseTo(perf.path("reference").asDouble(), within(EXACT));
            assertThat(row.path("total").asDouble())
                    .isCloseTo(
                            perf.path("reference").asDouble()
                                    - perf.path("window").asDouble(),
                            within(EXACT));
            for (String name : List.of("share", "own", "contribution", "contribution_share")) {
                assertThat(row.path(name).asDouble())
                        .as(segment + " " + name)
                        .isCloseTo(w.path(name).asDouble(), within(EXACT));
            }
            sums.merge(
                    segment.substring(0, segment.indexOf('=')),
                    row.path("contribution").asDouble(),
                    Double::sum);
        }
        // each key's contributions add up to the drop
        sums.values().forEach(s -> assertThat(s)
                .isCloseTo(perf.path("keys").path("region").path("drop").asDouble(), within(1e-12)));
        assertThat(sums).containsOnlyKeys("region", "big");
    }

    @Test
    void aRatioMetricRanksButSaysItIsNoExactSplit() {
        JsonNode answer = vigil().explainPerformance("shop", "v1", range("metric", "f1"));
        assertThat(answer).isNotEmpty();
        for (JsonNode row : answer) {
            assertThat(row.path("exact").asBoolean()).as(row.toString()).isFalse();
            if (row.path("segment").asText().endsWith("=__rest__")) {
                // a ratio's value over the rest does not follow from the whole and the parts
                assertThat(row.path("own").isNull()).as(row.toString()).isTrue();
                assertThat(row.path("contribution").isNull()).as(row.toString()).isTrue();
            }
        }
        assertThat(answer.get(answer.size() - 1).path("contribution").isNull()).isTrue();
        Result table = cli("performance", "--explain", "f1");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow())
                .endsWith("(a ratio metric: a ranking, not an exact split)");
    }

    @Test
    void aRangeWithoutOneBaselineOrAnExplainWithoutItsSubjectIsRefused() {
        Map<String, String> previous = range("field", "amount");
        previous.put("baseline", "previous");
        assertThatThrownBy(() -> vigil().explainDrift("shop", "v1", previous))
                .hasMessageStartingWith("baseline: previous changes from window to window");
        assertThatThrownBy(() -> vigil().explainDrift("shop", "v1", range("from", from.toString())))
                .hasMessageStartingWith("field: explain needs the field whose drift it splits");
        assertThatThrownBy(() -> vigil().explainPerformance("shop", "v1", range("from", from.toString())))
                .hasMessageStartingWith("metric: explain needs the performance metric");
        assertThatThrownBy(() -> vigil().explainPerformance("shop", "v1", range("metric", "mean_error")))
                .hasMessageStartingWith("metric: 'mean_error' is not a performance metric of shop/v1");
    }

    @Test
    void theCliPrintsTheTableTopFirstAndJsonAsTheRestRoute() throws Exception {
        Result table = cli("drift", "--explain", "amount");
        assertThat(table.code()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).startsWith("amount: psi 0.2").contains("against training");
        assertThat(lines.get(1).split("\\s+"))
                .containsExactly("SEGMENT", "SHARE", "DRIFT_SCORE", "CONTRIBUTION", "OF_PSI");
        assertThat(lines.get(2)).startsWith("region=east ");
        Result json = cli("drift", "--explain", "amount", "--format=json");
        assertThat(new ObjectMapper().readTree(json.out()))
                .isEqualTo(vigil().explainDrift("shop", "v1", range("field", "amount")));
        Result csv = cli("drift", "--explain", "amount", "--format=csv");
        assertThat(csv.out().lines().findFirst().orElseThrow()).startsWith("dataset,field,metric,segment,source,");

        Result performance = cli("performance", "--explain", "accuracy");
        assertThat(performance.code()).as(performance.err()).isZero();
        List<String> p = performance.out().lines().toList();
        assertThat(p.get(0)).startsWith("pred: accuracy worsened by 0.1").contains("on training");
        assertThat(p.get(1).split("\\s+")).containsExactly("SEGMENT", "SHARE", "ACCURACY", "CONTRIBUTION", "OF_DROP");
        assertThat(p.get(2)).startsWith("region=west ");
    }

    @Test
    void aMisspeltFieldOrAMetricThatCannotDropIsOneLineAndExit2WithNothingPrinted() {
        Result field = cli("drift", "--explain", "amuont");
        assertThat(field.code()).isEqualTo(2);
        assertThat(field.out()).isEmpty();
        assertThat(field.err())
                .isEqualTo("vigil: field: 'amuont' is not a field of shop/v1 (did you mean 'amount'?"
                        + " fields: region, amount, channel, pred)" + System.lineSeparator());
        Result metric = cli("performance", "--explain", "acuracy");
        assertThat(metric.code()).isEqualTo(2);
        assertThat(metric.out()).isEmpty();
        assertThat(metric.err())
                .startsWith("vigil: metric: 'acuracy' is not a performance metric of shop/v1 (did you"
                        + " mean 'accuracy'?");
        Result count = cli("performance", "--explain", "tp_count");
        assertThat(count.code()).isEqualTo(2);
        assertThat(count.out()).isEmpty();
        assertThat(count.err()).startsWith("vigil: metric: 'tp_count' is a count of rows");
        Result segment = cli("drift", "--explain", "amount", "--segment", "region=east");
        assertThat(segment.code()).isEqualTo(2);
        assertThat(segment.out()).isEmpty();
        assertThat(segment.err()).startsWith("vigil: --segment: --explain splits over every declared segment");
    }
}
