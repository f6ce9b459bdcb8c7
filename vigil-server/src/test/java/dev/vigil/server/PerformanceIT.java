package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Performance end to end: a binary model whose actuals are a nullable column of the serving query (still NULL
 * for the last eight hours), profiled with Spark from a real PostgreSQL, realized metrics checked against
 * scikit-learn ({@code src/test/python/make_performance_expected.py}), and CBPE estimates beside them,
 * calibrated on the training set.
 */
class PerformanceIT extends AbstractServerIT {
    private final JsonNode expected = ItSupport.json("performance/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end =
            start.plus(Duration.ofHours(expected.path("hours").asInt()));
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        reader = ItSupport.loadInsurance(db);
    }

    @BeforeAll
    void loadProfileAndRun() throws Exception {
        ItSupport.createInsurance(vigil(), db(), reader);
        runTrainingAndServing("insurance", "v1", start, end);
    }

    private List<JsonNode> performance(String granularity, Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", start.toString());
        query.put("to", end.toString());
        query.put("granularity", granularity);
        query.putAll(extra);
        List<JsonNode> rows = new ArrayList<>();
        vigil().performance("insurance", "v1", query).forEach(rows::add);
        return rows;
    }

    @Test
    void realizedMetricsMatchScikitLearnPerHourDayAndAll() {
        Map<String, Map<String, JsonNode>> answers = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (JsonNode e : expected.path("expected")) {
            String granularity = e.path("granularity").asText();
            Map<String, JsonNode> rows = answers.computeIfAbsent(granularity, g -> {
                Map<String, JsonNode> byKey = new HashMap<>();
                for (JsonNode row : performance(g, Map.of())) {
                    if (!row.has("std")) {
                        byKey.put(
                                row.path("window_start").asText() + "|"
                                        + row.path("field").asText() + "|"
                                        + row.path("metric").asText(),
                                row);
                    }
                }
                return byKey;
            });
            String key = e.path("window_start").asText() + "|" + e.path("field").asText() + "|"
                    + e.path("metric").asText();
            JsonNode row = rows.remove(key);
            String where = granularity + " " + key;
            if (row == null) {
                mismatches.add(where + ": missing");
                continue;
            }
            checked++;
            JsonNode want = e.path("value");
            JsonNode got = row.path("value");
            if (want.isNull() || got.isNull()) {
                if (want.isNull() != got.isNull()) {
                    mismatches.add(where + ": expected " + want + " but was " + got);
                }
                continue;
            }
            double tolerance = e.path("metric").asText().equals("auc_roc")
                    ? 0.002
                    : Math.max(1e-9 * Math.abs(want.asDouble()), 1e-12);
            if (Math.abs(want.asDouble() - got.asDouble()) > tolerance) {
                mismatches.add(where + ": expected " + want + " but was " + got);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(checked).isEqualTo(expected.path("expected").size());
    }

    @Test
    void hoursWithoutActualsHaveOnlyTheirCountsAndAnEstimate() {
        Instant unlabeled =
                start.plus(Duration.ofHours(expected.path("unlabeled_from").asInt()));
        Map<String, String> query = Map.of("field", "will_buy");
        List<JsonNode> rows = performance("hour", query);
        Map<String, Double> realized = new HashMap<>();
        Map<String, JsonNode> estimated = new HashMap<>();
        for (JsonNode row : rows) {
            assertThat(row.path("field").asText()).isEqualTo("will_buy");
            String key =
                    row.path("window_start").asText() + "|" + row.path("metric").asText();
            if (row.has("std")) {
                assertThat(row.path("reference").asText()).isEqualTo("training");
                estimated.put(key, row);
            } else {
                realized.put(
                        key,
                        row.path("value").isNull() ? null : row.path("value").asDouble());
            }
        }
        for (Instant h = start; h.isBefore(end); h = h.plus(Duration.ofHours(1))) {
            boolean arrived = h.isBefore(unlabeled);
            if (arrived) {
                assertThat(realized.get(h + "|actuals_count"))
                        .as("actuals of %s", h)
                        .isPositive();
            } else {
                assertThat(realized.get(h + "|actuals_count"))
                        .as("actuals of %s", h)
                        .isZero();
                assertThat(realized.get(h + "|count"))
                        .as("predictions of %s", h)
                        .isPositive();
            }
            assertThat(realized.containsKey(h + "|accuracy"))
                    .as("accuracy of %s", h)
                    .isEqualTo(arrived);
            JsonNode estimate = estimated.get(h + "|estimated_accuracy");
            assertThat(estimate).as("estimated accuracy of %s", h).isNotNull();
            assertThat(estimate.path("std").asDouble()).isPositive();
            if (arrived) {
                // Actuals were drawn with P(bought) = proba^1.4 in training and serving alike: the estimate
                // calibrated on training holds, so the realized accuracy lies within 4 standard deviations.
                double z = (estimate.path("value").asDouble() - realized.get(h + "|accuracy"))
                        / estimate.path("std").asDouble();
                assertThat(Math.abs(z)).as("z-score of %s", h).isLessThan(4);
            }
        }
    }

    @Test
    void metricFilterAndBadBaselines() {
        List<JsonNode> rows = performance("day", Map.of("metric", "estimated_f1"));
        assertThat(rows).hasSize(2 * 2); // two days x two prediction fields
        assertThat(rows).allSatisfy(r -> assertThat(r.path("metric").asText()).isEqualTo("estimated_f1"));
        assertThatThrownBy(() -> performance("day", Map.of("baseline", "previous")))
                .hasMessageContaining("baseline: expected training or testing");
        assertThatThrownBy(() -> performance("day", Map.of("baseline", "testing")))
                .hasMessageContaining("has no testing dataset connected");
    }

    @Test
    void metricsAndDriftLeaveThePerformanceProfilesAlone() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", start.toString());
        query.put("to", end.toString());
        query.put("granularity", "all");
        for (JsonNode row : vigil().metrics("insurance", "v1", query)) {
            assertThat(row.path("field").asText()).doesNotStartWith("#");
        }
        for (JsonNode row : vigil().drift("insurance", "v1", query)) {
            assertThat(row.path("field").asText()).doesNotStartWith("#");
        }
    }
}
