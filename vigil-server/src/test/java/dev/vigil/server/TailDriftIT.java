package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift in a heavy lognormal tail, end to end (issue 15): 20,000 training rows and three days of 150 serving rows an
 * hour in a real PostgreSQL, profiled with Spark, and the drift of each day and of the whole range against training
 * checked against {@code src/test/resources/tail/expected.json}, which numpy and scipy computed from the same rows
 * ({@code src/test/python/make_tail_expected.py}). Day 2 adds 5 values above the training max and 1 below its min;
 * day 3 has a heavier tail with several dozen values above the max.
 *
 * <p>What the exact tails (the 64 smallest and largest values of a profile) promise, METRICS.md: {@code
 * out_of_range_count} exact while at most 64 values lie outside, so a range never counts fewer than a day in it;
 * {@code wasserstein_normed} and {@code ks} within their tolerances though the rare values weigh on W1; p01 and p99
 * exact when their rank lies in a tail; and the same rows and the same query always give the same numbers.
 */
class TailDriftIT extends AbstractServerIT {
    private static final String FIELD = "value";

    private final JsonNode expected = ItSupport.json("tail/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end = Instant.parse(expected.path("end").asText());
    private TestDatabase.Credentials reader;
    /** The answers after the first serving run, by query name: {@link #answers()}. */
    private Map<String, JsonNode> firstRun;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS ml");
        for (String table : List.of("training", "serving")) {
            db.execute("CREATE TABLE ml." + table + " (id bigint, ts timestamptz, value double precision)");
            ItSupport.copyCsv(db, "ml." + table, "tail/" + table + ".csv");
        }
        reader = db.createReadOnlyUser("ml", List.of("training", "serving"));
    }

    @BeforeAll
    void declareAndRun() throws Exception {
        vigil().createModel("tail", "Tail");
        vigil().apply(new ModelVersion(
                "tail",
                "v1",
                ModelType.REGRESSION,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature(FIELD, FieldType.numeric())
                        .prediction("pred", FieldType.numeric())
                        .build(),
                List.of()));
        for (String table : List.of("training", "serving")) {
            PostgresJdbcDataSource source =
                    ItSupport.source(db(), reader, "SELECT id, ts, value, 0.5 * value AS pred FROM ml." + table);
            if (table.equals("training")) {
                vigil().version("tail", "v1").connectTraining(source, "id", "ts");
            } else {
                vigil().version("tail", "v1").connectServing(source, "id", "ts");
            }
        }
        runToSuccess("tail", "v1", "training", null, null);
        runToSuccess("tail", "v1", "serving", start, end);
        firstRun = answers();
    }

    /** The drift of {@link #FIELD} against training over the three days, by {@code granularity}. */
    private JsonNode drift(String granularity) {
        return vigil().drift("tail", "v1", params(granularity));
    }

    /** The serving metrics of {@link #FIELD} over the three days, by {@code granularity}. */
    private JsonNode metrics(String granularity) {
        return vigil().metrics("tail", "v1", params(granularity));
    }

    private Map<String, String> params(String granularity) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("granularity", granularity);
        params.put("from", start.toString());
        params.put("to", end.toString());
        params.put("field", FIELD);
        return params;
    }

    /** Every answer the determinism checks compare: drift and metrics by hour, by day and over the whole range. */
    private Map<String, JsonNode> answers() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String granularity : List.of("hour", "day", "all")) {
            out.put("drift by " + granularity, drift(granularity));
            out.put("metrics by " + granularity, metrics(granularity));
        }
        return out;
    }

    /** The value of {@code metric} for the window starting at {@code windowStart}; fails if there is not one. */
    private static double value(JsonNode rows, String windowStart, String metric) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode row : rows) {
            if (row.path("window_start").asText().equals(windowStart)
                    && row.path("field").asText().equals(FIELD)
                    && row.path("metric").asText().equals(metric)) {
                found.add(row);
            }
        }
        assertThat(found).as("%s at %s in %s", metric, windowStart, rows).hasSize(1);
        JsonNode value = found.get(0).path("value");
        assertThat(value.isNumber())
                .as("%s at %s: %s", metric, windowStart, found.get(0))
                .isTrue();
        return value.asDouble();
    }

    /** The expected windows: the three days, then the whole range. */
    private List<JsonNode> windows() {
        List<JsonNode> out = new ArrayList<>();
        expected.path("windows").forEach(out::add);
        assertThat(out).hasSize(4);
        return out;
    }

    @Test
    void outOfRangeCountsAreExactAndTheRangeCountsNoFewerThanAnyDay() {
        JsonNode days = drift("day");
        JsonNode range = drift("all");
        double rangeCount = value(range, start.toString(), "out_of_range_count");
        List<String> misses = new ArrayList<>();
        for (JsonNode w : windows()) {
            JsonNode rows = w.path("granularity").asText().equals("day") ? days : range;
            String at = w.path("window_start").asText();
            String name = w.path("name").asText();
            // exact only while at most 64 values lie outside: the data must stay so
            assertThat(w.path("below").asInt() + w.path("above").asInt())
                    .as(name + " out-of-range values in the data")
                    .isLessThanOrEqualTo(64);
            for (String metric : List.of("out_of_range_count", "out_of_range_ratio")) {
                double got = value(rows, at, metric);
                if (got != w.path(metric).asDouble()) {
                    misses.add(name + " " + metric + " " + got + " != numpy " + w.path(metric));
                }
            }
            double count = value(rows, at, "out_of_range_count");
            if (rangeCount < count) {
                misses.add(
                        "the whole range counts " + rangeCount + " out of range, fewer than " + name + "'s " + count);
            }
        }
        double day2 = value(days, windows().get(1).path("window_start").asText(), "out_of_range_count");
        if (day2 != 6) {
            misses.add("day 2 has 5 values above the training max and 1 below its min, not " + day2);
        }
        assertThat(misses).isEmpty();
    }

    /**
     * Day 1 (no drift) is the tight case: scipy's wasserstein_normed is 0.0185 and Vigil's was 0.0280 when this test
     * was written, 0.0095 of the 0.01 allowed. That error is the compactor's, between the 64-value exact tails (the
     * training sketch's values from about 5 to its 64th largest, 26.8, and the day's up to its own, 12.6); the rare
     * values of day 2 and the heavy tail of day 3 are within 1e-4 of scipy.
     */
    @Test
    void wassersteinAndKsAreWithinTheirTolerances() {
        JsonNode days = drift("day");
        JsonNode range = drift("all");
        List<String> misses = new ArrayList<>();
        for (JsonNode w : windows()) {
            JsonNode rows = w.path("granularity").asText().equals("day") ? days : range;
            String at = w.path("window_start").asText();
            double w1 = value(rows, at, "wasserstein_normed");
            double wantW1 = w.path("wasserstein_normed").asDouble();
            // METRICS.md: rel. error <= 5% or abs. <= 0.01
            if (Math.abs(w1 - wantW1) > Math.max(0.05 * Math.abs(wantW1), 0.01)) {
                misses.add(w.path("name").asText() + " wasserstein_normed " + w1 + " != scipy " + wantW1);
            }
            double ks = value(rows, at, "ks");
            double wantKs = w.path("ks").asDouble();
            if (Math.abs(ks - wantKs) > 0.01) {
                misses.add(w.path("name").asText() + " ks " + ks + " != scipy " + wantKs);
            }
        }
        assertThat(misses).isEmpty();
    }

    /**
     * p01 and p99 of a day (3,600 values) have ranks 36 and 3,564, within the 64 smallest and largest values kept
     * exactly: they must equal numpy's. Over the whole range (10,800 values) the ranks are 108 and 10,692, outside
     * the tails: within METRICS.md's normalized rank error of 1%.
     */
    @Test
    void p01AndP99AreExactInTheTailsAndWithinRankErrorBeyond() {
        JsonNode days = metrics("day");
        JsonNode range = metrics("all");
        List<String> misses = new ArrayList<>();
        int exact = 0;
        for (JsonNode w : windows()) {
            JsonNode rows = w.path("granularity").asText().equals("day") ? days : range;
            String at = w.path("window_start").asText();
            for (String metric : List.of("p01", "p99")) {
                JsonNode want = w.path(metric);
                double got = value(rows, at, metric);
                String where = w.path("name").asText() + " " + metric + " (rank " + want.path("rank") + ")";
                if (want.path("exact").asBoolean()) {
                    exact++;
                    if (got != want.path("value").asDouble()) {
                        misses.add(where + ": " + got + " != numpy " + want.path("value"));
                    }
                } else if (got < want.path("lowest").asDouble()
                        || got > want.path("highest").asDouble()) {
                    misses.add(where + ": " + got + " outside numpy's rank ± 1% [" + want.path("lowest") + ", "
                            + want.path("highest") + "]");
                }
            }
        }
        assertThat(exact).as("quantiles whose rank lies in an exact tail").isEqualTo(6);
        assertThat(misses).isEmpty();
    }

    @Test
    void theSameQueryAskedTwiceGivesTheSameAnswer() {
        Map<String, JsonNode> once = answers();
        Map<String, JsonNode> twice = answers();
        assertThat(differences(once, twice)).isEmpty();
    }

    /** A second serving run over the same range replaces every profile; every number stays the same, bit for bit. */
    @Test
    void aSecondRunOverTheSameRowsGivesTheSameNumbers() throws InterruptedException {
        runToSuccess("tail", "v1", "serving", start, end);
        Map<String, JsonNode> again = answers();
        assertThat(differences(firstRun, again)).isEmpty();
    }

    /**
     * Where two sets of {@link #answers()} differ (the first ten): a query answered with a different number of rows,
     * or a row (window, field, metric, value and all) that is not the same JSON, as "query: first row != second row".
     * Doubles are written in their shortest round-trip form, so equal JSON is equal bits.
     */
    private static List<String> differences(Map<String, JsonNode> first, Map<String, JsonNode> second) {
        List<String> out = new ArrayList<>();
        first.forEach((name, answer) -> {
            JsonNode other = second.get(name);
            assertThat(answer.size()).as(name).isPositive();
            if (other.size() != answer.size()) {
                out.add(name + ": " + answer.size() + " rows, then " + other.size());
                return;
            }
            for (int i = 0; i < answer.size(); i++) {
                if (!answer.get(i).toString().equals(other.get(i).toString())) {
                    out.add(name + ": " + answer.get(i) + " != " + other.get(i));
                }
            }
        });
        if (out.size() > 10) {
            int more = out.size() - 10;
            out.subList(10, out.size()).clear();
            out.add("… and " + more + " more");
        }
        return out;
    }
}
