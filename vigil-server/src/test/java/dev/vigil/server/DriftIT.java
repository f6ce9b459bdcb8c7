package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.stats.FieldProfile;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift end to end: a training set and two days of serving rows (the second drifted) in a real
 * PostgreSQL, profiled with Spark, and every drift query answered from the stored profiles checked
 * against {@code src/test/resources/drift/expected.json}, which numpy and scipy computed from the
 * same rows ({@code src/test/python/make_drift_expected.py}).
 */
class DriftIT extends AbstractServerIT {
    /** The 768-dimension embedding, computed by PostgreSQL exactly as make_drift_expected.py's emb(). */
    private static final String EMBEDDING_SQL = "ARRAY(SELECT (((id * 7919 + d * 104729) % 1000) / 1000.0)::float8"
            + " - 0.5 + emb_shift FROM generate_series(1, 768) AS d ORDER BY d) AS emb";

    private final JsonNode expected = ItSupport.json("drift/expected.json");
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        for (String table : List.of("training", "serving")) {
            db.execute(
                    "CREATE SCHEMA IF NOT EXISTS ml",
                    "CREATE TABLE ml." + table + " (id bigint, ts timestamptz,"
                            + " amount double precision, owner text, is_new boolean, note text, emb_shift double precision,"
                            + " score double precision)");
            ItSupport.copyCsv(db, "ml." + table, "drift/" + table + ".csv");
        }
        reader = db.createReadOnlyUser("ml", List.of("training", "serving"));
    }

    @BeforeAll
    void loadProfileAndRun() throws Exception {
        Instant start = Instant.parse(expected.path("start").asText());
        vigil().createModel("drift", "Drift");
        vigil().apply(new ModelVersion(
                "drift",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .rawInput("note", FieldType.text())
                        .feature("amount", FieldType.numeric())
                        .feature("owner", FieldType.string())
                        .feature("is_new", FieldType.bool())
                        .feature(
                                "emb", FieldType.embedding(expected.path("dims").asInt()))
                        .prediction("score", FieldType.numeric())
                        .build(),
                List.of(Segment.byValue("owner"))));
        for (String table : List.of("training", "serving")) {
            PostgresJdbcDataSource source = ItSupport.source(
                    db(),
                    reader,
                    "SELECT id, ts, amount, owner, is_new, note, score, " + EMBEDDING_SQL + " FROM ml." + table);
            if (table.equals("training")) {
                vigil().version("drift", "v1").connectTraining(source, "id", "ts");
            } else {
                vigil().version("drift", "v1").connectServing(source, "id", "ts");
            }
        }
        runToSuccess("drift", "v1", "training", null, null);
        runToSuccess("drift", "v1", "serving", start, start.plus(Duration.ofDays(2)));
    }

    /** METRICS.md's tolerance for a metric whose sketches are no longer exact. */
    private static double tolerance(String metric, double expected, boolean exact) {
        if (exact
                || !List.of("js_distance", "hellinger", "psi", "ks", "wasserstein_normed", "drift_score")
                        .contains(metric)) {
            return Math.max(1e-9 * Math.abs(expected), 1e-12);
        }
        return switch (metric) {
            case "ks" -> 0.01;
            case "wasserstein_normed" -> Math.max(0.05 * Math.abs(expected), 0.01);
            default -> 0.02;
        };
    }

    @Test
    void everyQueryMatchesScipy() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (JsonNode q : expected.path("queries")) {
            Map<String, String> params = new LinkedHashMap<>();
            q.path("params")
                    .fields()
                    .forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            String baseline = params.getOrDefault("baseline", "training");
            JsonNode answer = vigil().drift("drift", "v1", params);
            Map<String, JsonNode> rows = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (JsonNode row : answer) {
                String key = row.path("window_start").asText() + "|"
                        + row.path("segment").asText() + "|" + row.path("field").asText() + "|"
                        + row.path("metric").asText();
                rows.put(key, row);
                order.add(key);
                if (!row.path("baseline").asText().equals(baseline)) {
                    mismatches.add(q.path("name").asText() + " " + key + ": baseline " + row.path("baseline"));
                }
            }
            List<String> wantedOrder = new ArrayList<>();
            for (JsonNode e : q.path("rows")) {
                String segment =
                        e.path("segment").isNull() ? "null" : e.path("segment").asText();
                String key = e.path("window_start").asText() + "|" + segment + "|"
                        + e.path("field").asText() + "|" + e.path("metric").asText();
                wantedOrder.add(key);
                String where = q.path("name").asText() + " " + key;
                JsonNode row = rows.get(key);
                checked++;
                if (row == null) {
                    mismatches.add(where + ": missing");
                    continue;
                }
                JsonNode want = e.path("value");
                JsonNode got = row.path("value");
                if (want.isNull()) {
                    if (!got.isNull()
                            || !row.path("reason")
                                    .asText()
                                    .contains(e.path("reason").asText())) {
                        mismatches.add(
                                where + ": " + got + " (" + row.path("reason").asText() + "), expected null ("
                                        + e.path("reason").asText() + "…)");
                    }
                } else if (got.isNull()
                        || Math.abs(got.asDouble() - want.asDouble())
                                > tolerance(
                                        e.path("metric").asText(),
                                        want.asDouble(),
                                        e.path("exact").asBoolean())) {
                    mismatches.add(
                            where + ": " + got + " (" + row.path("reason").asText("") + ") != scipy " + want);
                }
            }
            if (q.path("ordered").asBoolean()) {
                assertThat(order).as(q.path("name").asText()).isEqualTo(wantedOrder);
            } else {
                assertThat(rows.keySet()).as(q.path("name").asText()).containsExactlyInAnyOrderElementsOf(wantedOrder);
            }
        }
        assertThat(mismatches).as("of %d values checked", checked).isEmpty();
    }

    @Test
    void theDriftedDayRanksTheMovedFieldsFirstAndTheQuietDayStaysLow() {
        Instant start = Instant.parse(expected.path("start").asText());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("granularity", "day");
        params.put("from", start.toString());
        params.put("to", start.plus(Duration.ofDays(2)).toString());
        params.put("metric", "drift_score");
        params.put("field", "amount");
        Iterator<JsonNode> days = vigil().drift("drift", "v1", params).elements();
        double quiet = days.next().path("value").asDouble();
        double drifted = days.next().path("value").asDouble();
        assertThat(quiet).as("day 1 drew amount from the training distribution").isLessThan(0.2);
        assertThat(drifted).as("day 2 moved amount by 1.5 sd").isGreaterThan(0.4);
    }

    @Test
    void aBaselineThatIsNotConnectedOrNotABaselineIsRefusedClearly() {
        assertThatThrownBy(() -> vigil().drift("drift", "v1", Map.of("baseline", "testing")))
                .hasMessageContaining("has no testing dataset connected to be the baseline");
        assertThatThrownBy(() -> vigil().drift("drift", "v1", Map.of("baseline", "last-week")))
                .hasMessageContaining("baseline: expected training, testing, previous or a serving period");
        assertThatThrownBy(() -> vigil().drift("drift", "v1", Map.of("top", "three")))
                .hasMessageContaining("top: expected a whole number");
    }

    @Test
    void aMisspeltFieldMetricOrSegmentIsRefusedWithTheClosestNameNotAnsweredEmpty() {
        Map<String, String> range = Map.of("from", expected.path("start").asText(), "granularity", "day");
        assertThatThrownBy(() -> vigil().drift("drift", "v1", with(range, "field", "amuont")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("field: 'amuont' is not a field of drift/v1 (did you mean 'amount'? fields: note, amount,"
                        + " owner, is_new, emb, score)");
        assertThatThrownBy(() -> vigil().metrics("drift", "v1", with(range, "field", "amount", "metric", "meen")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("metric: 'meen' is not a metric of amount (did you mean 'mean'? metrics: "
                        + String.join(", ", FieldProfile.metricNames(FieldType.Kind.NUMERIC)) + ")");
        assertThatThrownBy(() -> vigil().drift("drift", "v1", with(range, "field", "owner", "metric", "ks")))
                .as("ks is a numeric drift metric: a string field has none")
                .hasMessage("metric: 'ks' is not a drift metric of owner (metrics: js_distance, hellinger, psi,"
                        + " chi2_pvalue, new_value_count, new_value_ratio, drift_score)");
        assertThatThrownBy(() -> vigil().drift("drift", "v1", with(range, "segment", "ownr=direct")))
                .hasMessage("segment: 'ownr' is not a segment of drift/v1 (did you mean 'owner'? segments:"
                        + " owner=<a value of owner>)");
        assertThatThrownBy(() -> vigil().metrics("drift", "v1", with(range, "segment", "owner=Direct")))
                .as("the values serving.csv has")
                .hasMessage("segment: 'owner=Direct' has no profiles in this range (owner's values: agent, broker,"
                        + " direct, marketplace, web)");
        assertThatThrownBy(() -> vigil().performance("drift", "v1", with(range, "field", "amount")))
                .hasMessage("field: 'amount' is a feature; performance is computed for the predictions score");
        // what is there still answers, and an existing value of a declared segment is not refused
        assertThat(vigil().drift("drift", "v1", with(range, "field", "note.length", "metric", "drift_score")))
                .hasSize(2);
        assertThat(vigil().metrics("drift", "v1", with(range, "segment", "owner=direct", "metric", "count")))
                .isNotEmpty();
        assertThat(vigil().metrics("drift", "v1", with(range, "field", "owner", "metric", "value_count[direct]")))
                .hasSize(2);
    }

    @Test
    void topRanksWithinEachScaleSoTheEmbeddingNeverHidesAmount() {
        Instant start = Instant.parse(expected.path("start").asText());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("granularity", "day");
        params.put("from", start.toString());
        params.put("to", start.plus(Duration.ofDays(2)).toString());
        params.put("top", "1");
        List<String> got = new ArrayList<>();
        vigil().drift("drift", "v1", params)
                .forEach(r -> got.add(r.path("window_start").asText().substring(0, 10) + " "
                        + r.path("field").asText()));
        // per day: the highest of the distributions (note.length, amount, score), of the categories (owner,
        // is_new) and the embedding, in that order; expected.json's drift_score rows (scipy) say which is highest
        List<String> want = new ArrayList<>();
        for (String day :
                List.of(start.toString(), start.plus(Duration.ofDays(1)).toString())) {
            Map<String, Double> scores = new HashMap<>();
            for (JsonNode q : expected.path("queries")) {
                if (q.path("name").asText().equals("day vs training")) {
                    for (JsonNode e : q.path("rows")) {
                        if (e.path("window_start").asText().equals(day)
                                && e.path("metric").asText().equals("drift_score")) {
                            scores.put(e.path("field").asText(), e.path("value").asDouble());
                        }
                    }
                }
            }
            for (List<String> scale :
                    List.of(List.of("amount", "note.length", "score"), List.of("is_new", "owner"), List.of("emb"))) {
                want.add(day.substring(0, 10) + " "
                        + scale.stream()
                                .max(java.util.Comparator.comparing(scores::get))
                                .orElseThrow());
            }
        }
        assertThat(got).isEqualTo(want);
    }

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> out = new LinkedHashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put(keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
