package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST JSON of metrics, drift and performance pinned as it is, so that a reshaping of the server can show it
 * answers exactly as before: status and body of each query in {@link #queries()} must equal the golden file
 * {@code src/test/resources/golden/<name>.json} as a JSON tree, field order, row order and every number included.
 * Data: the "shop" set of MonitorIT and DashboardIT (no labels, so its performance is pinned empty) and the labeled
 * "insurance" set of PerformanceIT (realized and CBPE-estimated performance). Profiles are deterministic (format v3,
 * decision 0020): the same rows and the same query give the same numbers, quantiles and drift included, with nothing
 * seeded.
 *
 * <p>The golden files were written by this test from the code as it was. To write them again (only when a change
 * of the JSON is meant), run it with the system property {@code vigil.golden.update=true}:
 *
 * <pre>
 * ./mvnw -B -pl vigil-server -am verify -Dit.test=RestGoldenIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.failIfNoSpecifiedTests=false -Dvigil.golden.update=true
 * </pre>
 *
 * (with the {@code VIGIL_TEST_PG_*} variables of the other ITs) and review the diff. Without it a missing golden
 * file fails the test, and so does a golden file that no query reads (delete it when its query goes).
 */
class RestGoldenIT extends AbstractServerIT {
    private static final boolean UPDATE = Boolean.getBoolean("vigil.golden.update");
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    // the serving days profiled: the shop's four, the insurance's two (actuals for its first 40 hours)
    private static final Instant SHOP_START = Instant.parse("2026-03-10T00:00:00Z");
    private static final Instant SHOP_END = Instant.parse("2026-03-14T00:00:00Z");
    private static final Instant INSURANCE_START = Instant.parse("2026-03-07T00:00:00Z");
    private static final Instant INSURANCE_END = Instant.parse("2026-03-09T00:00:00Z");
    /** Within the shop's days: both ends in the middle of an hour, by hour and across days. */
    private static final String[] SHOP_CUTS = {
        "from=2026-03-12T10:30:00Z", "to=2026-03-12T13:15:00Z", "from=2026-03-10T12:30:00Z", "to=2026-03-12T06:45:00Z"
    };
    /** Within the insurance's days, both ends in the middle of an hour, across the hour its actuals stop (16:00). */
    private static final String[] INSURANCE_CUTS = {
        "from=2026-03-08T14:30:00Z", "to=2026-03-08T17:45:00Z", "from=2026-03-07T12:30:00Z", "to=2026-03-08T17:45:00Z"
    };

    private TestDatabase.Credentials shopReader;
    private TestDatabase insuranceDb;
    private TestDatabase.Credentials insuranceReader;

    /** The shop in the class's database; the insurance, whose tables have the same names, in a second one. */
    @Override
    protected void createSource(TestDatabase db) throws Exception {
        shopReader = ItSupport.loadShop(db);
        insuranceDb = closeAfterClass(PostgresTestServer.fromEnvironment().createDatabase("rest_golden_insurance_it"));
        insuranceReader = ItSupport.loadInsurance(insuranceDb);
    }

    @BeforeAll
    void profile() throws Exception {
        ItSupport.createShop(vigil(), db(), shopReader);
        runTrainingAndServing("shop", "v1", SHOP_START, SHOP_END);
        ItSupport.createInsurance(vigil(), insuranceDb, insuranceReader);
        runTrainingAndServing("insurance", "v1", INSURANCE_START, INSURANCE_END);
    }

    /** The pinned queries: golden file name, model, endpoint and query parameters ({@code key=value}, unencoded). */
    Stream<Query> queries() {
        return Stream.of(
                        granularities("shop", "metrics"),
                        cuts("shop", "metrics", "", SHOP_CUTS),
                        Stream.of(
                                shop("metrics", "segment", "granularity=day", "segment=owner=web"),
                                shop("metrics", "field", "granularity=day", "field=amount"),
                                shop("metrics", "metric-mean", "granularity=day", "metric=mean"),
                                shop("metrics", "metric-value-count", "granularity=day", "metric=value_count"),
                                shop("metrics", "metric-distinct-count", "granularity=all", "metric=distinct_count"),
                                shop("metrics", "error-range", "from=2026-03-12T00:00:00Z", "to=2026-03-11T00:00:00Z"),
                                shop("metrics", "error-from", "from=yesterday"),
                                shop("metrics", "error-segment", "segment=web"),
                                shop("metrics", "error-dataset", "dataset=testing")),
                        granularities("shop", "drift"),
                        cuts("shop", "drift", "", SHOP_CUTS),
                        Stream.of(
                                shop("drift", "segment", "granularity=day", "segment=owner=partner"),
                                shop("drift", "field", "granularity=day", "field=amount"),
                                shop("drift", "metric-drift-score", "granularity=day", "metric=drift_score"),
                                shop("drift", "metric-psi", "granularity=all", "metric=psi"),
                                shop("drift", "previous-day", "baseline=previous", "granularity=day")),
                        cuts("shop", "drift", "previous-", SHOP_CUTS, "baseline=previous"),
                        Stream.of(
                                shop(
                                        "drift",
                                        "period",
                                        "baseline=2026-03-10T00:00:00Z/2026-03-11T00:00:00Z",
                                        "granularity=day"),
                                shop("drift", "top2", "granularity=day", "top=2"),
                                shop("drift", "min-baseline-rows", "granularity=all", "min_baseline_rows=1420"),
                                shop("drift", "error-baseline", "baseline=last-week"),
                                shop("drift", "error-baseline-testing", "baseline=testing"),
                                shop("drift", "error-previous-all", "baseline=previous", "granularity=all"),
                                shop("drift", "error-top", "top=three"),
                                shop("drift", "error-min-baseline-rows", "min_baseline_rows=-1"),
                                // the shop has no labels: no performance
                                shop("performance", "default"),
                                shop("performance", "error-baseline", "baseline=previous"),
                                shop("performance", "error-baseline-testing", "baseline=testing")),
                        // realized performance, and estimated with std and reference
                        granularities("insurance", "performance"),
                        cuts("insurance", "performance", "", INSURANCE_CUTS),
                        Stream.of(
                                insurance("performance", "field", "granularity=day", "field=will_buy"),
                                insurance(
                                        "performance", "metric-estimated-f1", "granularity=day", "metric=estimated_f1"),
                                insurance("performance", "metric-precision", "granularity=day", "metric=precision"),
                                insurance("performance", "baseline-training", "granularity=all", "baseline=training"),
                                insurance("performance", "error-baseline-testing", "baseline=testing"),
                                insurance("performance", "error-baseline", "baseline=previous"),
                                // metrics and drift leave the performance profiles out
                                insurance("metrics", "all", "granularity=all"),
                                insurance("drift", "all", "granularity=all")))
                .flatMap(queries -> queries);
    }

    /** No parameters, each granularity over all windows, the training dataset whole, and an unknown granularity. */
    private static Stream<Query> granularities(String model, String endpoint) {
        return Stream.of(
                query(model, endpoint, "default"),
                query(model, endpoint, "day", "granularity=day"),
                query(model, endpoint, "week", "granularity=week"),
                query(model, endpoint, "month", "granularity=month"),
                query(model, endpoint, "all", "granularity=all"),
                query(model, endpoint, "training-all", "dataset=training", "granularity=all"),
                query(model, endpoint, "error-granularity", "granularity=fortnight"));
    }

    /**
     * Ranges whose ends cut windows, with {@code more} parameters: by hour from {@code range[0]} to {@code range[1]},
     * and by day, by month and over all from {@code range[2]} to {@code range[3]}.
     */
    private static Stream<Query> cuts(String model, String endpoint, String prefix, String[] range, String... more) {
        return Stream.of(
                query(model, endpoint, prefix + "hour-cut", params("granularity=hour", range[0], range[1], more)),
                query(model, endpoint, prefix + "day-cut", params("granularity=day", range[2], range[3], more)),
                query(model, endpoint, prefix + "month-cut", params("granularity=month", range[2], range[3], more)),
                query(model, endpoint, prefix + "all-cut", params("granularity=all", range[2], range[3], more)));
    }

    private static String[] params(String granularity, String from, String to, String... more) {
        return Stream.concat(Stream.of(granularity, from, to), Stream.of(more)).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void answersAsPinned(Query query) throws Exception {
        HttpResponse<String> response = ItSupport.get(server(), TOKEN, query.path());
        JsonNode body = SpecCodec.json().readTree(response.body());
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(
                    GOLDEN.resolve(query.file()),
                    render(query.path(), response.statusCode(), body),
                    StandardCharsets.UTF_8);
            return;
        }
        // read where it is written, not from the classpath: a stale copy in target/test-classes must not pass
        Path file = GOLDEN.resolve(query.file());
        assertThat(file)
                .as("golden/%s is missing: write it with -Dvigil.golden.update=true", query.file())
                .exists();
        JsonNode golden = SpecCodec.json().readTree(file.toFile());
        assertThat(golden.path("request").asText()).isEqualTo("GET " + query.path());
        assertThat(response.statusCode())
                .as(response.body())
                .isEqualTo(golden.path("status").asInt());
        List<String> differences = new ArrayList<>();
        diff("body", golden.path("body"), body, differences);
        assertThat(differences).as("differences from golden/%s", query.file()).isEmpty();
    }

    @Test
    void everyGoldenFileIsAQuery() throws Exception {
        if (UPDATE) {
            return;
        }
        List<String> files;
        try (Stream<Path> listed = Files.list(GOLDEN)) {
            files = listed.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(files)
                .containsExactlyInAnyOrderElementsOf(queries().map(Query::file).toList());
    }

    /** One pinned GET and the file holding its answer. */
    record Query(String file, String path) {
        @Override
        public String toString() {
            return file;
        }
    }

    private static Query shop(String endpoint, String name, String... params) {
        return query("shop", endpoint, name, params);
    }

    private static Query insurance(String endpoint, String name, String... params) {
        return query("insurance", endpoint, name, params);
    }

    /** The query encoded as the SDK encodes it ({@code Vigil.metrics} and the like). */
    private static Query query(String model, String endpoint, String name, String... params) {
        StringBuilder path = new StringBuilder("/api/v1/models/" + model + "/versions/v1/" + endpoint);
        for (String param : params) {
            int eq = param.indexOf('=');
            path.append(path.indexOf("?") < 0 ? '?' : '&')
                    .append(param, 0, eq)
                    .append('=')
                    .append(URLEncoder.encode(param.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return new Query(model + "-" + endpoint + "-" + name + ".json", path.toString());
    }

    /** The golden file: request, status and body, a row a line so that a diff names the rows that changed. */
    private static String render(String path, int status, JsonNode body) throws IOException {
        StringBuilder out = new StringBuilder("{\n  \"request\": ")
                .append(SpecCodec.json().writeValueAsString("GET " + path))
                .append(",\n  \"status\": ")
                .append(status)
                .append(",\n  \"body\": ");
        if (body.isArray() && !body.isEmpty()) {
            out.append("[\n");
            for (Iterator<JsonNode> rows = body.elements(); rows.hasNext(); ) {
                out.append("    ")
                        .append(SpecCodec.json().writeValueAsString(rows.next()))
                        .append(rows.hasNext() ? ",\n" : "\n");
            }
            out.append("  ]");
        } else {
            out.append(SpecCodec.json()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(body)
                    .replace("\n", "\n  "));
        }
        return out.append("\n}\n").toString();
    }

    /**
     * Adds to {@code out} where {@code actual} differs from {@code expected}: a value, a type, the order of an
     * object's fields or an array's length. {@link JsonNode#equals} would pass fields in another order.
     */
    private static void diff(String where, JsonNode expected, JsonNode actual, List<String> out) {
        if (out.size() >= 20) {
            return;
        }
        if (expected.getNodeType() != actual.getNodeType() || expected.isValueNode() && !expected.equals(actual)) {
            out.add(where + ": expected " + expected + " but was " + actual);
        } else if (expected.isObject()) {
            List<String> expectedFields = new ArrayList<>();
            expected.fieldNames().forEachRemaining(expectedFields::add);
            List<String> actualFields = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualFields::add);
            if (!expectedFields.equals(actualFields)) {
                out.add(where + ": expected fields " + expectedFields + " but was " + actualFields);
                return;
            }
            expectedFields.forEach(f -> diff(where + "." + f, expected.get(f), actual.get(f), out));
        } else if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(where + ": expected " + expected.size() + " elements but was " + actual.size());
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                diff(where + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
        }
    }
}
