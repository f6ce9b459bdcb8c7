package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Multiclass CBPE end to end: a model whose prediction is a jsonb dict of class → probability, its training set
 * (20,000 rows with actuals) and six serving hours of 2,000 rows (actuals NULL for the last three) in a real
 * PostgreSQL, profiled with Spark; the performance route's estimated rows against scikit-learn's
 * ({@code src/test/python/make_cbpe_multiclass_it.py}, from vigil-stats' case), within the tolerance of
 * vigil-stats' MulticlassCalibrationTest (score buckets of relative width 2.4e-4 against raw scores).
 */
class MulticlassCbpeIT extends AbstractServerIT {
    private static final List<String> ESTIMATED = List.of(
            "estimated_accuracy",
            "estimated_precision_macro",
            "estimated_precision_micro",
            "estimated_recall_macro",
            "estimated_recall_micro",
            "estimated_f1_macro",
            "estimated_f1_micro");

    private final JsonNode expected = ItSupport.json("cbpe/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end =
            start.plus(Duration.ofHours(expected.path("hours").asInt()));
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        db.execute("CREATE SCHEMA IF NOT EXISTS ml");
        for (String table : List.of("training", "serving")) {
            db.execute(
                    "CREATE TABLE ml." + table + " (id bigint, ts timestamptz, probs jsonb, klass text, actual text)");
            try (Connection c = db.connectAsAdmin();
                    InputStream csv = new GZIPInputStream(ItSupport.resource("cbpe/" + table + ".csv.gz"))) {
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
    void profile() throws Exception {
        vigil().createModel("flowers", "Flowers");
        vigil().apply(new ModelVersion(
                "flowers",
                "v1",
                ModelType.MULTICLASS,
                AggregationPeriod.HOURLY,
                Schema.builder().prediction("probs", FieldType.dict()).build()));
        ColumnMapping labels = ColumnMapping.builder().label("probs", "actual").build();
        for (DatasetKind kind : List.of(DatasetKind.TRAINING, DatasetKind.SERVING)) {
            vigil().version("flowers", "v1")
                    .connect(
                            kind,
                            ItSupport.source(db(), reader, "SELECT id, ts, probs, actual FROM ml." + kind.specName()),
                            "id",
                            "ts",
                            labels);
        }
        vigil().version("flowers", "v1")
                .createMonitor("{name: estimate-low, type: performance_degradation, fields: [probs], metric:"
                        + " estimated_accuracy, detection: {method: absolute, min: 0.9}}");
        vigil().version("flowers", "v1")
                .createMonitor("{name: estimate-fine, type: performance_degradation, fields: [probs], metric:"
                        + " estimated_f1_macro, detection: {method: absolute, min: 0.5}}");
        runTrainingAndServing("flowers", "v1", start, end);
    }

    private List<JsonNode> performance(Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", start.toString());
        query.put("to", end.toString());
        query.put("granularity", "hour");
        query.putAll(extra);
        List<JsonNode> rows = new ArrayList<>();
        vigil().performance("flowers", "v1", query).forEach(rows::add);
        return rows;
    }

    @Test
    void everyHourIsEstimatedAsScikitLearnAndLabeledHoursAreRealizedToo() {
        Map<String, JsonNode> estimated = new HashMap<>();
        Map<String, JsonNode> realized = new HashMap<>();
        for (JsonNode row : performance(Map.of())) {
            assertThat(row.path("field").asText()).isEqualTo("probs");
            String key = Instant.parse(row.path("window_start").asText()) + "|"
                    + row.path("metric").asText();
            if (row.has("std")) {
                assertThat(row.path("reference").asText()).isEqualTo("training");
                estimated.put(key, row);
            } else {
                realized.put(key, row.path("value"));
            }
        }
        assertThat(expected.path("windows")).hasSize(6);
        for (JsonNode w : expected.path("windows")) {
            Instant hour = Instant.parse(w.path("window_start").asText());
            for (String name : ESTIMATED) {
                JsonNode row = estimated.remove(hour + "|" + name);
                assertThat(row).as("%s %s", hour, name).isNotNull();
                JsonNode want = w.path("estimated").path(name);
                assertThat(row.path("value").asDouble())
                        .as("%s %s", hour, name)
                        .isCloseTo(want.path("value").asDouble(), within(1e-3));
                assertThat(row.path("std").asDouble())
                        .as("%s %s std", hour, name)
                        .isCloseTo(
                                want.path("std").asDouble(),
                                within(0.01 * want.path("std").asDouble()));
            }
            if (w.path("realized").isNull()) {
                assertThat(realized.get(hour + "|actuals_count").asDouble()).isZero();
                assertThat(realized).doesNotContainKey(hour + "|accuracy");
            } else {
                w.path("realized").fields().forEachRemaining(e -> assertThat(
                                realized.get(hour + "|" + e.getKey()).asDouble())
                        .as("%s realized %s", hour, e.getKey())
                        .isCloseTo(e.getValue().asDouble(), within(1e-9)));
            }
        }
        assertThat(estimated).as("estimated rows beyond the expected ones").isEmpty();
    }

    @Test
    void theMetricFilterKnowsTheEstimatedNames() {
        List<JsonNode> rows = performance(Map.of("metric", "estimated_f1_macro"));
        assertThat(rows).hasSize(6);
        assertThat(rows).allSatisfy(r -> assertThat(r.path("metric").asText()).isEqualTo("estimated_f1_macro"));
        assertThatThrownBy(() -> performance(Map.of("metric", "estimated_auc_roc")))
                .hasMessageContaining("estimated_auc_roc")
                .hasMessageContaining("estimated_f1_macro");
    }

    @Test
    void aPerformanceDegradationMonitorWatchesAnEstimate() {
        Map<String, Double> estimates = new HashMap<>();
        for (JsonNode w : expected.path("windows")) {
            estimates.put(
                    Instant.parse(w.path("window_start").asText()).toString(),
                    w.path("estimated").path("estimated_accuracy").path("value").asDouble());
        }
        List<JsonNode> alerts = new ArrayList<>();
        vigil().alerts(Map.of("model", "flowers")).forEach(alerts::add);
        // the estimated accuracy, about 0.70, is below 0.9 in every hour, above 0.5 in none: only estimate-low fires
        assertThat(alerts).isNotEmpty();
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.path("monitor").asText()).isEqualTo("estimate-low");
            assertThat(a.path("metric").asText()).isEqualTo("estimated_accuracy");
            Double want =
                    estimates.get(Instant.parse(a.path("window_start").asText()).toString());
            assertThat(want).as("an alert of a serving hour: %s", a).isNotNull();
            assertThat(a.path("value").asDouble()).as("%s", a).isCloseTo(want, within(1e-3));
        });
    }
}
