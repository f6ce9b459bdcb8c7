package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Delayed actuals from a separate actuals query, joined to the serving predictions on the id, arriving in two
 * batches on later days: each actuals run recomputes the performance of exactly the prediction windows its
 * actuals belong to, counts the ids no prediction has, and the result equals scikit-learn's on the joined rows
 * ({@code src/test/python/make_actuals_expected.py}). The predictions' id is a {@code bigserial}, the actuals'
 * an {@code integer}; one actual was recorded before its prediction's window and must not count. The tests run
 * in order: they are one story.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActualsIT extends AbstractServerIT {
    private final JsonNode expected = ItSupport.json("actuals/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end =
            start.plus(Duration.ofHours(expected.path("hours").asInt()));
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        db.execute(
                "CREATE SCHEMA IF NOT EXISTS ml",
                "CREATE TABLE ml.predictions (id bigserial PRIMARY KEY, ts timestamptz, proba double precision,"
                        + " will_buy boolean)",
                // integer ids where the predictions have bigint: joined as values, not as types
                "CREATE TABLE ml.outcomes (prediction_id integer, labeled_at timestamptz, bought boolean)");
        ItSupport.copyCsv(db, "ml.predictions", "actuals/serving.csv");
        ItSupport.copyCsv(db, "ml.outcomes", "actuals/outcomes1.csv");
        reader = db.createReadOnlyUser("ml", List.of("predictions", "outcomes"));
    }

    @BeforeAll
    void connect() {
        vigil().createModel("upsell", "Upsell");
        vigil().apply(new ModelVersion(
                "upsell",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .prediction("will_buy", FieldType.bool())
                        .prediction("proba", FieldType.numeric())
                        .build()));
        vigil().version("upsell", "v1")
                .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.predictions"), "id", "ts");
        vigil().version("upsell", "v1")
                .connectActuals(
                        ItSupport.source(db(), reader, "SELECT * FROM ml.outcomes"),
                        "prediction_id",
                        "labeled_at",
                        Map.of("will_buy", "bought", "proba", "bought"));
    }

    private JsonNode run(String dataset, Instant from, Instant to) throws InterruptedException {
        return runToSuccess("upsell", "v1", dataset, from, to);
    }

    /** Every realized performance row of the day and of all, by granularity|window|field|metric. */
    private Map<String, JsonNode> performance() {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String granularity : List.of("hour", "all")) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("from", start.toString());
            query.put("to", end.toString());
            query.put("granularity", granularity);
            for (JsonNode row : vigil().performance("upsell", "v1", query)) {
                out.put(
                        granularity + "|" + row.path("window_start").asText() + "|"
                                + row.path("field").asText() + "|"
                                + row.path("metric").asText(),
                        row.path("value"));
            }
        }
        return out;
    }

    /** The mismatches between the stored performance and scikit-learn's values in {@code expected.<name>}. */
    private List<String> mismatches(String name) {
        Map<String, JsonNode> got = performance();
        List<String> out = new ArrayList<>();
        Set<String> windowsWithAccuracy = new HashSet<>();
        for (JsonNode e : expected.path(name)) {
            String window = e.path("granularity").asText() + "|"
                    + e.path("window_start").asText() + "|" + e.path("field").asText();
            String key = window + "|" + e.path("metric").asText();
            if (e.path("metric").asText().equals("accuracy")) {
                windowsWithAccuracy.add(window);
            }
            JsonNode value = got.get(key);
            JsonNode want = e.path("value");
            if (value == null) {
                out.add(key + ": missing");
            } else if (want.isNull() || value.isNull()) {
                if (want.isNull() != value.isNull()) {
                    out.add(key + ": expected " + want + " but was " + value);
                }
            } else {
                double tolerance = e.path("metric").asText().equals("auc_roc")
                        ? 0.002
                        : Math.max(1e-9 * Math.abs(want.asDouble()), 1e-12);
                if (Math.abs(want.asDouble() - value.asDouble()) > tolerance) {
                    out.add(key + ": expected " + want + " but was " + value);
                }
            }
        }
        // A window without actuals has its counts only: no accuracy, precision... (metrics absent).
        got.keySet().stream()
                .filter(k -> k.endsWith("|accuracy"))
                .map(k -> k.substring(0, k.length() - "|accuracy".length()))
                .filter(w -> !windowsWithAccuracy.contains(w))
                .forEach(w -> out.add(w + ": has an accuracy but no actual"));
        return out;
    }

    private void assertCounts(JsonNode run, JsonNode batch) {
        assertThat(run.path("rows_read").asLong())
                .isEqualTo(batch.path("rows_read").asLong());
        assertThat(run.path("rows_with_problems").asLong())
                .isEqualTo(batch.path("rows_with_problems").asLong());
        assertThat(run.path("null_timestamp_count").asLong())
                .isEqualTo(batch.path("null_timestamp_count").asLong());
        assertThat(run.path("unmatched_actuals_count").asLong())
                .isEqualTo(batch.path("unmatched_actuals_count").asLong());
        assertThat(run.path("windows_total").asInt())
                .as("prediction windows recomputed")
                .isEqualTo(batch.path("hours").size());
    }

    @Test
    @Order(1)
    void servingRunJoinsTheActualsRecordedSoFar() throws Exception {
        run("serving", start, end);
        assertThat(mismatches("after_batch1")).isEmpty();
    }

    @Test
    @Order(2)
    void actualsRunRecomputesTheWindowsItsActualsBelongToAndChangesNothingElse() throws Exception {
        Map<String, JsonNode> before = performance();
        JsonNode batch = expected.path("batch1");
        JsonNode run = run(
                "actuals",
                Instant.parse(batch.path("from").asText()),
                Instant.parse(batch.path("to").asText()));
        assertCounts(run, batch);
        assertThat(performance()).as("recomputing from the same actuals").isEqualTo(before);
    }

    @Test
    @Order(3)
    void lateActualsChangeExactlyTheirWindowsAndUnknownIdsAreCounted() throws Exception {
        Map<String, JsonNode> before = performance();
        ItSupport.copyCsv(db(), "ml.outcomes", "actuals/outcomes2.csv");
        JsonNode batch = expected.path("batch2");
        JsonNode run = run(
                "actuals",
                Instant.parse(batch.path("from").asText()),
                Instant.parse(batch.path("to").asText()));
        assertCounts(run, batch);
        assertThat(mismatches("after_batch2")).isEmpty();
        Set<String> touched = new HashSet<>();
        batch.path("hours")
                .forEach(
                        h -> touched.add(start.plus(Duration.ofHours(h.asInt())).toString()));
        Map<String, JsonNode> after = performance();
        Set<String> changedHours = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : after.entrySet()) {
            String[] key = e.getKey().split("\\|");
            if (key[0].equals("hour") && !e.getValue().equals(before.get(e.getKey()))) {
                changedHours.add(key[1]);
            }
        }
        for (String key : before.keySet()) {
            if (key.startsWith("hour|") && !after.containsKey(key)) {
                changedHours.add(key.split("\\|")[1]);
            }
        }
        assertThat(changedHours).isEqualTo(touched);
    }

    @Test
    @Order(4)
    void aServingRerunAfterwardsAgreesWithTheRecomputedWindows() throws Exception {
        Map<String, JsonNode> before = performance();
        run("serving", start, end);
        assertThat(performance()).isEqualTo(before);
        assertThat(mismatches("after_batch2")).isEmpty();
    }

    @Test
    @Order(5)
    void aPredictionLabeledTwiceIsRefused() {
        TestDatabase.Credentials reader = new TestDatabase.Credentials("x", "y");
        assertThatThrownBy(() -> vigil().version("upsell", "v1")
                        .connectServing(
                                ItSupport.source(db(), reader, "SELECT *, true AS bought FROM ml.predictions"),
                                "id",
                                "ts",
                                dev.vigil.client.ColumnMapping.builder()
                                        .label("will_buy", "bought")
                                        .build()))
                .hasMessageContaining("serving.labels.will_buy: prediction 'will_buy' is already labeled by the"
                        + " actuals dataset (actuals.labels.will_buy: bought)");
    }
}
