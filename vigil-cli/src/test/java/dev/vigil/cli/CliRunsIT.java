package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil runs}, {@code runs show}, {@code runs follow}, {@code vigil monitors} and {@code --format csv} against
 * a real server and PostgreSQL: one model whose runs succeed, one whose source table is dropped after it was applied,
 * so that its runs fail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliRunsIT extends AbstractServerIT {
    private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T03:00:00Z");

    @TempDir
    static Path dir;

    private TestDatabase.Credentials reader;
    private JsonNode succeeded;
    private JsonNode failed;

    record Result(int code, String out, String err) {}

    @Override
    protected void createSource(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.preds (prediction_id bigint, ts timestamptz, amount double precision, owner text,"
                        + " will_buy boolean, bought boolean)",
                // owners with a comma, a double quote and a line break: metric names carry them into CSV cells
                "INSERT INTO ml.preds SELECT g, timestamptz '2026-02-01 00:00:00+00' + g * interval '5 minutes',"
                        + " (g * 37) % 101, (ARRAY['plain', 'a,b', 'say \"hi\"', E'two\\nlines'])[g % 4 + 1],"
                        + " g % 2 = 0, CASE WHEN g % 5 = 0 THEN NULL ELSE g % 3 = 0 END"
                        + " FROM generate_series(0, 35) g",
                "CREATE TABLE ml.training AS SELECT * FROM ml.preds",
                "CREATE TABLE ml.broken AS SELECT * FROM ml.preds");
        reader = db.createReadOnlyUser("ml", List.of("preds", "training", "broken"));
    }

    @BeforeAll
    void applyAndRun() throws Exception {
        Result ok = run("apply", "-f", spec("runs-ok", "ml.preds").toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        Result bad = run("apply", "-f", spec("runs-bad", "ml.broken").toString());
        assertThat(bad.code()).as(bad.err()).isZero();
        db().execute("DROP TABLE ml.broken");
        runToSuccess("runs-ok", "v1", "training", null, null);
        succeeded = runToSuccess("runs-ok", "v1", "serving", FROM, TO);
        failed = await(vigil().startRun("runs-bad", "v1", "serving", FROM, TO)
                .get(0)
                .path("id")
                .asText());
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
    }

    private Path spec(String modelId, String table) throws Exception {
        Path file = dir.resolve(modelId + ".yaml");
        Files.writeString(
                file,
                """
                model: {id: %1$s, name: %1$s}
                version:
                  model_version: v1
                  model_type: binary
                  features: {amount: numeric, owner: string}
                  predictions: {will_buy: boolean}
                serving:
                  data_source: {type: postgres-jdbc, url: "%2$s", query: "SELECT * FROM %3$s", user: %4$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: prediction_id
                  timestamp_column: ts
                  labels: {will_buy: bought}
                training:
                  data_source: {url: "%2$s", query: "SELECT * FROM ml.training", user: %4$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: prediction_id
                  timestamp_column: ts
                monitors:
                  - {name: busy, type: model_activity, detection: {method: absolute, min: 1}, severity: low}
                  - name: drift-watch
                    type: data_drift
                    fields: [amount, owner]
                    focal: {window: 1h}
                    detection: {method: training, threshold: 0.1}
                    severity: high
                    actions: [{type: webhook, url: "http://127.0.0.1:9/hook"}]
                """
                        .formatted(modelId, db().url(), table, reader.user()));
        return file;
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

    private static JsonNode json(Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return SpecCodec.json().readTree(r.out());
    }

    private long servingRows() throws Exception {
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM ml.preds WHERE ts >= timestamptz '2026-02-01 00:00:00+00'"
                                + " AND ts < timestamptz '2026-02-01 03:00:00+00'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1) // before the follow test starts a run of its own
    void runsListsTheLatestRunsNewestFirstWithFilters() throws Exception {
        JsonNode all = json(run("runs", "--format", "json"));
        assertThat(all)
                .extracting(r -> r.path("model").asText() + "/"
                        + r.path("dataset").asText() + "=" + r.path("status").asText())
                .containsExactly("runs-bad/serving=failed", "runs-ok/serving=succeeded", "runs-ok/training=succeeded");
        List<String> columns = new ArrayList<>();
        all.get(0).fieldNames().forEachRemaining(columns::add);
        assertThat(columns)
                .containsExactly(
                        "id", "model", "version", "dataset", "status", "windows", "rows_read", "created_at", "error");
        JsonNode ok = all.get(1);
        assertThat(ok.path("id").asText()).isEqualTo(succeeded.path("id").asText());
        assertThat(ok.path("windows").asText()).isEqualTo("3/3");
        assertThat(ok.path("rows_read").asLong()).isEqualTo(servingRows());
        assertThat(ok.path("error").isNull()).isTrue();
        assertThat(all.get(0).path("error").asText())
                .isEqualTo(failed.path("error").asText());

        assertThat(json(run("runs", "--status", "failed", "--format", "json")))
                .extracting(r -> r.path("id").asText())
                .containsExactly(failed.path("id").asText());
        assertThat(json(run(
                        "runs", "--model", "runs-ok", "--version", "v1", "--dataset", "training", "--format", "json")))
                .extracting(
                        r -> r.path("model").asText() + "/" + r.path("dataset").asText())
                .containsExactly("runs-ok/training");
        assertThat(json(run("runs", "--limit", "1", "--format", "json")))
                .extracting(r -> r.path("id").asText())
                .containsExactly(failed.path("id").asText());
        Result none = run("runs", "--model", "runs-ok", "--dataset", "actuals");
        assertThat(none.out()).isEqualTo("no runs: start one with `vigil run`\n");

        Result table = run("runs", "--model", "runs-ok");
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out().lines().findFirst().orElseThrow())
                .matches("ID +MODEL +VERSION +DATASET +STATUS +WINDOWS +ROWS_READ +CREATED_AT +ERROR");

        Result versionAlone = run("runs", "--version", "v1");
        assertThat(versionAlone.code()).isEqualTo(2);
        assertThat(versionAlone.err()).isEqualTo("vigil: --version: v1 needs --model (a version belongs to a model)\n");
        Result badStatus = run("runs", "--status", "done");
        assertThat(badStatus.code()).isEqualTo(2);
        assertThat(badStatus.err())
                .isEqualTo(
                        "vigil: --status: 'done' is not a run status (expected queued, running, succeeded, failed)\n");
    }

    @Test
    void runsShowPrintsOneRun() throws Exception {
        String id = succeeded.path("id").asText();
        JsonNode shown = json(run("runs", "show", id, "--format", "json")).get(0);
        assertThat(shown.path("id").asText()).isEqualTo(id);
        assertThat(shown.path("status").asText()).isEqualTo("succeeded");
        assertThat(shown.path("from").asText()).isEqualTo(FROM.toString());
        assertThat(shown.path("to").asText()).isEqualTo(TO.toString());
        assertThat(shown.path("windows_total").asInt()).isEqualTo(3);
        assertThat(shown.path("rows_read").asLong()).isEqualTo(servingRows());

        List<String> table = run("runs", "show", id).out().lines().toList();
        assertThat(table.get(0)).matches("FIELD +VALUE");
        List<String> keys = new ArrayList<>();
        shown.fieldNames().forEachRemaining(keys::add);
        assertThat(table).hasSize(keys.size() + 1);
        String line = "%-" + (keys.stream().mapToInt(String::length).max().orElseThrow() + 2) + "s%s";
        assertThat(table)
                .contains(
                        String.format(line, "id", id),
                        String.format(line, "status", "succeeded"),
                        String.format(line, "rows_read", servingRows()));

        Result missing = run("runs", "show", "no-such-run");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("vigil: run 'no-such-run' does not exist\n");
    }

    @Test
    void runsFollowPrintsPlainProgressAndExitsNonZeroWithTheReasonOfAFailedRun() throws Exception {
        Result ok = run("runs", "follow", succeeded.path("id").asText(), "--format", "json");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err().lines().toList())
                .as("not a terminal: plain lines, no bar")
                .containsExactly("serving succeeded: 3/3 windows, " + servingRows() + " rows");
        assertThat(json(ok).get(0).path("status").asText()).isEqualTo("succeeded");

        String id = failed.path("id").asText();
        Result bad = run("runs", "follow", id);
        assertThat(bad.code()).isEqualTo(1);
        List<String> err = bad.err().lines().toList();
        assertThat(err).hasSize(2);
        assertThat(err.get(0)).startsWith("serving failed: 0/");
        assertThat(err.get(1))
                .isEqualTo("vigil: run " + id + " of runs-bad/v1 (serving) failed: "
                        + failed.path("error").asText());
        assertThat(failed.path("error").asText()).contains("ml.broken");

        // a run still going: follow waits for it and reports each step it sees
        String started = vigil().startRun("runs-ok", "v1", "serving", FROM, TO)
                .get(0)
                .path("id")
                .asText();
        Result followed = run("runs", "follow", started);
        assertThat(followed.code()).as(followed.err()).isZero();
        List<String> steps = followed.err().lines().toList();
        assertThat(steps).allMatch(l -> l.matches("serving (queued|running|succeeded): \\d+/\\d+ windows, \\d+ rows"));
        assertThat(steps.get(steps.size() - 1)).isEqualTo("serving succeeded: 3/3 windows, " + servingRows() + " rows");
    }

    @Test
    void monitorsListsEveryMonitorWithItsDetectionAndActions() throws Exception {
        JsonNode rows = json(run("monitors", "--format", "json"));
        assertThat(rows).hasSize(4);
        List<String> columns = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(columns::add);
        assertThat(columns)
                .containsExactly(
                        "name", "model", "version", "type", "metric", "field", "threshold", "severity", "actions");
        Map<String, JsonNode> byKey = new HashMap<>();
        rows.forEach(
                r -> byKey.put(r.path("model").asText() + "/" + r.path("name").asText(), r));
        assertThat(byKey)
                .containsOnlyKeys("runs-ok/busy", "runs-ok/drift-watch", "runs-bad/busy", "runs-bad/drift-watch");
        JsonNode drift = byKey.get("runs-ok/drift-watch");
        assertThat(drift.path("type").asText()).isEqualTo("data_drift");
        assertThat(drift.path("field").asText()).isEqualTo("amount,owner");
        assertThat(drift.path("threshold").asText()).isEqualTo("training threshold=0.1");
        assertThat(drift.path("severity").asText()).isEqualTo("high");
        assertThat(drift.path("actions").asText())
                .as("the host only: a webhook URL is a secret")
                .isEqualTo("webhook:127.0.0.1");
        JsonNode busy = byKey.get("runs-ok/busy");
        assertThat(busy.path("threshold").asText()).isEqualTo("absolute min=1.0");
        assertThat(busy.path("severity").asText()).isEqualTo("low");
        assertThat(busy.path("actions").asText()).isEmpty();

        Result one = run("monitors", "--model", "runs-bad", "--version", "v1");
        assertThat(one.out().lines().toList()).hasSize(3);
        assertThat(one.out()).startsWith("NAME").doesNotContain("runs-ok");
    }

    @Test
    void csvHasTheTableColumnsAndParsesBackToTheJsonRows() throws Exception {
        String[] range = {"--from", FROM.toString(), "--to", TO.toString()};
        List<List<String>> queries = List.of(
                List.of("metrics", "--model", "runs-ok", "--version", "v1", "--field", "owner"),
                List.of("metrics", "--model", "runs-ok", "--version", "v1", "--granularity", "all"),
                List.of("drift", "--model", "runs-ok", "--version", "v1", "--granularity", "hour"),
                List.of("performance", "--model", "runs-ok", "--version", "v1", "--granularity", "all"));
        boolean quoted = false;
        for (List<String> query : queries) {
            List<String> args = new ArrayList<>(query);
            args.addAll(List.of(range));
            Result csv = run(concat(args, "--format", "csv"));
            assertThat(csv.code()).as(csv.err()).isZero();
            JsonNode json = json(run(concat(args, "--format", "json")));
            assertThat(json).as("%s has rows", query).isNotEmpty();
            List<String> expectedHeader = new ArrayList<>();
            json.forEach(r -> r.fieldNames().forEachRemaining(k -> {
                if (!expectedHeader.contains(k)) {
                    expectedHeader.add(k);
                }
            }));

            List<List<String>> records = parseCsv(csv.out());
            assertThat(records.get(0)).as("%s header", query).isEqualTo(expectedHeader);
            assertThat(records).hasSize(json.size() + 1);
            for (int i = 0; i < json.size(); i++) {
                List<String> expected = new ArrayList<>();
                for (String column : expectedHeader) {
                    JsonNode v = json.get(i).path(column);
                    expected.add(v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
                }
                assertThat(records.get(i + 1)).as("%s row %d", query, i).isEqualTo(expected);
            }
            List<String> table = run(args.toArray(String[]::new)).out().lines().toList();
            assertThat(table.get(0).split(" +"))
                    .as("the table's columns, in the same order")
                    .containsExactly(expectedHeader.stream()
                            .map(c -> c.toUpperCase(java.util.Locale.ROOT))
                            .toArray(String[]::new));
            quoted |= csv.out().contains("\"say \"\"hi\"\"\"") || csv.out().contains("\"value_count[a,b]\"");
        }
        assertThat(quoted)
                .as("a metric named after a category with a comma or a quote was quoted")
                .isTrue();
        Result owner = run(
                "metrics",
                "--model",
                "runs-ok",
                "--version",
                "v1",
                "--field",
                "owner",
                "--from",
                FROM.toString(),
                "--to",
                TO.toString(),
                "--format",
                "csv");
        assertThat(owner.out())
                .contains("\"value_count[a,b]\"", "\"value_count[say \"\"hi\"\"]\"", "\"value_count[two\nlines]\"");
        assertThat(owner.out()).endsWith("\r\n");
    }

    private long count(String sql) throws Exception {
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A run's rows by dataset, from {@code run --format json}. */
    private static Map<String, JsonNode> byDataset(JsonNode rows) {
        Map<String, JsonNode> out = new HashMap<>();
        rows.forEach(r -> out.put(r.path("dataset").asText(), r));
        return out;
    }

    @Test
    @Order(2) // after the runs list, which counts this class's runs
    void runAllWithARangeReadsTheReferencesWholeAndSaysSo() throws Exception {
        Instant from = FROM.plusSeconds(3600);
        Instant to = FROM.plusSeconds(7200);
        Result all = run(
                "run",
                "--model",
                "runs-ok",
                "--version",
                "v1",
                "--dataset",
                "all",
                "--from",
                from.toString(),
                "--to",
                to.toString(),
                "--wait",
                "--format",
                "json");
        Map<String, JsonNode> runs = byDataset(json(all));
        assertThat(runs).containsOnlyKeys("serving", "training");
        assertThat(runs.get("serving").path("rows_read").asLong())
                .isEqualTo(count("SELECT count(*) FROM ml.preds WHERE ts >= timestamptz '" + from
                        + "' AND ts < timestamptz '" + to + "'"));
        assertThat(runs.get("serving").has("note")).isFalse();
        assertThat(runs.get("training").path("status").asText()).isEqualTo("succeeded");
        assertThat(runs.get("training").path("rows_read").asLong())
                .as("every training row, not the hour asked for")
                .isEqualTo(count("SELECT count(*) FROM ml.training"));
        assertThat(runs.get("training").path("note").asText())
                .isEqualTo("whole training set: with dataset all, from/to cut serving and actuals only (run this"
                        + " dataset alone to cut it)");

        // asked for alone, a reference is cut by the range, and a range before its rows reads none: a warning
        Result cut = run(
                "run",
                "--model",
                "runs-ok",
                "--version",
                "v1",
                "--dataset",
                "training",
                "--from",
                "2026-01-01T00:00:00Z",
                "--to",
                "2026-01-02T00:00:00Z",
                "--wait",
                "--format",
                "json");
        JsonNode training = json(cut).get(0);
        assertThat(training.path("status").asText()).isEqualTo("succeeded");
        assertThat(training.path("rows_read").asLong()).isZero();
        assertThat(training.path("warning").asText())
                .isEqualTo("read 0 rows: the training set has no rows in this range");
    }

    @Test
    void runsShowPrintsTheProblemsByFieldAndReasonAndTheWarning() throws Exception {
        // amount infinite on every row whose id is not a multiple of 4: most rows, not all
        vigil().createModel("runs-inf", "runs-inf");
        vigil().apply(new ModelVersion(
                "runs-inf",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("will_buy", FieldType.bool())
                        .build(),
                List.of()));
        vigil().version("runs-inf", "v1")
                .connectServing(
                        PostgresJdbcDataSource.builder()
                                .url(db().url())
                                .query("SELECT prediction_id, ts, CASE WHEN prediction_id % 4 = 0 THEN amount"
                                        + " ELSE 'Infinity'::float8 END AS amount, will_buy FROM ml.preds")
                                .user(reader.user())
                                .password(reader.password())
                                .build(),
                        "prediction_id",
                        "ts");
        long infinite = count("SELECT count(*) FROM ml.preds WHERE prediction_id % 4 <> 0");
        long rows = count("SELECT count(*) FROM ml.preds");
        Result ran = run(
                "run",
                "--model",
                "runs-inf",
                "--version",
                "v1",
                "--from",
                FROM.toString(),
                "--to",
                TO.toString(),
                "--wait");
        assertThat(ran.code()).as(ran.err()).isZero();
        assertThat(ran.out().lines().findFirst().orElseThrow()).contains("PROBLEMS", "WARNING");
        assertThat(ran.out()).contains("amount: non_finite " + infinite);

        JsonNode listed =
                vigil().getJson("/api/v1/models/runs-inf/versions/v1/runs").get(0);
        String id = listed.path("id").asText();
        assertThat(listed.path("problems").toString()).isEqualTo("{\"amount: non_finite\":" + infinite + "}");
        String warning = infinite + " of " + rows + " rows had a problem: amount: non_finite " + infinite;
        List<String> table = run("runs", "show", id).out().lines().toList();
        List<String> keys = new ArrayList<>();
        listed.fieldNames().forEachRemaining(keys::add);
        String line = "%-" + (keys.stream().mapToInt(String::length).max().orElseThrow() + 2) + "s%s";
        assertThat(table)
                .contains(
                        String.format(line, "status", "succeeded"),
                        String.format(line, "problems", "amount: non_finite " + infinite),
                        String.format(line, "warning", warning));
    }

    @Test
    void runAllOnAVersionWithoutDatasetsSaysHowToConnectOne() throws Exception {
        vigil().createModel("runs-none", "runs-none");
        vigil().apply(new ModelVersion(
                "runs-none",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("will_buy", FieldType.bool())
                        .build(),
                List.of()));
        Result none = run("run", "--model", "runs-none", "--version", "v1", "--dataset", "all");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err())
                .isEqualTo("vigil: runs-none/v1 has no dataset connected: apply a spec that connects serving or"
                        + " training (vigil apply -f spec.yaml)\n");
        assertThat(vigil().getJson("/api/v1/models/runs-none/versions/v1/runs")).isEmpty();
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /**
     * RFC 4180 by hand: records end with CRLF; a field in double quotes may hold commas, CR, LF and doubled quotes.
     * Anything else (a bare quote inside an unquoted field, a lone LF between records) is an error.
     */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        boolean fieldStarted = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0 && !fieldStarted) {
                i++;
                while (true) {
                    assertThat(i).as("an unterminated quoted field").isLessThan(text.length());
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(q);
                    i++;
                }
                fieldStarted = true;
                assertThat(i == text.length() || text.charAt(i) == ',' || text.charAt(i) == '\r')
                        .as("a quoted field ends at a comma or CRLF (offset %d)", i)
                        .isTrue();
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                i++;
            } else if (c == '\r') {
                assertThat(text.charAt(i + 1)).as("CR is followed by LF").isEqualTo('\n');
                record.add(field.toString());
                records.add(record);
                record = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
                i += 2;
            } else {
                assertThat(c)
                        .as("a bare quote or LF in an unquoted field (offset %d)", i)
                        .isNotIn('"', '\n');
                field.append(c);
                fieldStarted = true;
                i++;
            }
        }
        assertThat(record).as("the last record ends with CRLF").isEmpty();
        return records;
    }
}
