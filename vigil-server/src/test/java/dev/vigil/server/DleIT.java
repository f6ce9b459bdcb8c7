package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.ColumnMapping;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DLE end to end (ADR 0028): a regression model whose noise grows with a feature, rows in a real PostgreSQL, a
 * training run that fits the loss models with Spark MLlib, a serving run whose last three hours have no actual yet,
 * and {@code estimated_mae}, {@code estimated_mse}, {@code estimated_rmse} served by {@code GET …/performance} for
 * every hour. The truth is PostgreSQL's own mean of |prediction − truth| per hour over a column Vigil never reads
 * (the actual column is NULL where it has not "arrived").
 */
class DleIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final int HOURS = 6;
    private static final int ROWS_PER_HOUR = 4000;
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        // x ~ U(0, 1), noise ~ N(0, (0.2 + 2x)²) by Box-Muller, prediction the true mean 3x + 1; the serving
        // hours 3-5 have no actual yet (truth kept apart, for the test only)
        String rows = "SELECT g AS id, %s AS ts, x, 3 * x + 1 AS prediction, 3 * x + 1 + e AS truth FROM ("
                + " SELECT g, u1 AS x, (0.2 + 2 * u1) * sqrt(-2 * ln(1 - u2)) * cos(2 * pi() * u3) AS e FROM ("
                + " SELECT g, random() AS u1, random() AS u2, random() AS u3 FROM generate_series(1, %d) g) r) s";
        db.execute(
                "CREATE SCHEMA IF NOT EXISTS ml",
                "SELECT setseed(0.19)",
                "CREATE TABLE ml.training AS " + String.format(rows, "TIMESTAMPTZ '2026-03-01 00:00:00Z'", 8000),
                "ALTER TABLE ml.training ADD COLUMN actual double precision",
                "UPDATE ml.training SET actual = truth",
                "CREATE TABLE ml.serving AS "
                        + String.format(
                                rows,
                                "TIMESTAMPTZ '2026-03-02 00:00:00Z' + ((g - 1) / " + ROWS_PER_HOUR
                                        + ") * INTERVAL '1 hour'",
                                HOURS * ROWS_PER_HOUR),
                "ALTER TABLE ml.serving ADD COLUMN actual double precision",
                "UPDATE ml.serving SET actual = CASE WHEN ts < TIMESTAMPTZ '2026-03-02 03:00:00Z' THEN truth END");
        reader = db.createReadOnlyUser("ml", List.of("training", "serving"));
    }

    @BeforeAll
    void createProfileAndRun() throws Exception {
        vigil().createModel("price", "Price");
        vigil().apply(new ModelVersion(
                "price",
                "v1",
                ModelType.REGRESSION,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("x", FieldType.numeric())
                        .prediction("prediction", FieldType.numeric())
                        .build()));
        ColumnMapping labels =
                ColumnMapping.builder().label("prediction", "actual").build();
        for (DatasetKind kind : List.of(DatasetKind.TRAINING, DatasetKind.SERVING)) {
            vigil().version("price", "v1")
                    .connect(
                            kind,
                            ItSupport.source(
                                    db(), reader, "SELECT id, ts, x, prediction, actual FROM ml." + kind.specName()),
                            "id",
                            "ts",
                            labels);
        }
        runTrainingAndServing("price", "v1", START, START.plus(Duration.ofHours(HOURS)));
    }

    /** PostgreSQL's MAE of each serving hour against the truth, actuals arrived or not. */
    private Map<Instant, Double> trueMae() throws Exception {
        Map<Instant, Double> out = new HashMap<>();
        try (Connection c = db().connectAsAdmin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT date_trunc('hour', ts) AS h, avg(abs(prediction - truth))"
                        + " FROM ml.serving GROUP BY 1")) {
            while (rs.next()) {
                out.put(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), rs.getDouble(2));
            }
        }
        return out;
    }

    private List<JsonNode> performance(Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", START.toString());
        query.put("to", START.plus(Duration.ofHours(HOURS)).toString());
        query.put("granularity", "hour");
        query.putAll(extra);
        List<JsonNode> rows = new java.util.ArrayList<>();
        vigil().performance("price", "v1", query).forEach(rows::add);
        return rows;
    }

    @Test
    void everyHourHasDleEstimatesNearTheTruthActualsOrNot() throws Exception {
        Map<Instant, Double> truth = trueMae();
        Map<Instant, Map<String, JsonNode>> byHour = new HashMap<>();
        for (JsonNode row : performance(Map.of())) {
            byHour.computeIfAbsent(Instant.parse(row.path("window_start").asText()), h -> new HashMap<>())
                    .put(row.path("metric").asText(), row);
        }
        assertThat(byHour).hasSize(HOURS);
        for (int h = 0; h < HOURS; h++) {
            Instant hour = START.plus(Duration.ofHours(h));
            Map<String, JsonNode> rows = byHour.get(hour);
            for (String metric : List.of("estimated_mae", "estimated_mse", "estimated_rmse")) {
                JsonNode e = rows.get(metric);
                assertThat(e).as("%s of %s", metric, hour).isNotNull();
                assertThat(e.path("reference").asText()).isEqualTo("training");
                assertThat(e.path("std").asDouble()).isPositive();
            }
            double estimate = rows.get("estimated_mae").path("value").asDouble();
            // 4,000 rows an hour: the realized MAE's own sampling error is about 1.3%
            assertThat(estimate)
                    .as("estimated_mae of %s", hour)
                    .isCloseTo(truth.get(hour), within(0.05 * truth.get(hour)));
            assertThat(rows.get("estimated_rmse").path("value").asDouble())
                    .isCloseTo(Math.sqrt(rows.get("estimated_mse").path("value").asDouble()), within(1e-9));
            // realized metrics only where the actuals arrived
            assertThat(rows.containsKey("mae")).as("realized mae of %s", hour).isEqualTo(h < 3);
            if (h < 3) {
                assertThat(rows.get("mae").path("value").asDouble()).isCloseTo(truth.get(hour), within(1e-9));
            }
        }
    }

    @Test
    void theMetricFilterAsksForOneEstimate() {
        List<JsonNode> rows = performance(Map.of("metric", "estimated_mae"));
        assertThat(rows).hasSize(HOURS);
        assertThat(rows).allSatisfy(r -> assertThat(r.path("metric").asText()).isEqualTo("estimated_mae"));
    }

    @Test
    void aPerformanceDegradationMonitorWatchesTheEstimate() throws Exception {
        // the estimated MAE is about 0.96 every hour (E|e| = √(2/π) · E[0.2 + 2x]): above 0.5, the monitor fires
        String monitor = "{\"type\": \"performance_degradation\", \"fields\": [\"prediction\"], \"metric\":"
                + " \"estimated_mae\", \"detection\": {\"method\": \"absolute\", \"max\": 0.5}}";
        java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        server().url() + "/api/v1/models/price/versions/v1/monitors/mae-estimate"))
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(monitor))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        JsonNode summary = vigil().evaluateMonitors("price", "v1", START, START.plus(Duration.ofHours(HOURS)));
        assertThat(summary.path("fired").asInt()).as(summary.toString()).isPositive();
    }

    @Test
    void withoutALabeledReferenceThereIsNoEstimateAndTheRunSaysWhy() throws Exception {
        vigil().apply(new ModelVersion(
                "price",
                "v2",
                ModelType.REGRESSION,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("x", FieldType.numeric())
                        .prediction("prediction", FieldType.numeric())
                        .build()));
        vigil().version("price", "v2")
                .connect(
                        DatasetKind.SERVING,
                        ItSupport.source(db(), reader, "SELECT id, ts, x, prediction, actual FROM ml.serving"),
                        "id",
                        "ts",
                        ColumnMapping.builder().label("prediction", "actual").build());
        JsonNode run = runToSuccess("price", "v2", "serving", START, START.plus(Duration.ofHours(HOURS)));
        assertThat(run.path("note").asText()).contains("no DLE estimate: no labeled training or testing dataset");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", START.toString());
        query.put("to", START.plus(Duration.ofHours(HOURS)).toString());
        query.put("granularity", "hour");
        List<String> metrics = new java.util.ArrayList<>();
        vigil().performance("price", "v2", query)
                .forEach(r -> metrics.add(r.path("metric").asText()));
        assertThat(metrics).contains("mae").noneMatch(m -> m.startsWith("estimated_"));
    }
}
