package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code method: test} through the real evaluation path (decision 0031): rows in PostgreSQL, profiled by Spark, a
 * {@code data_drift} monitor with {@code method: test} over five features and the segments of {@code region}, the
 * alerts read through the API.
 *
 * <p>Training has 4,000 rows, the one served day 2,000 (1,000 a region). {@code x_stable} and {@code c_stable} are
 * drawn alike on both sides; {@code x_shift} moves by 0.3 on a uniform [0, 1) (KS 0.3) and {@code c_shift} puts 68%
 * of its values on A instead of 20% (χ² p ≈ 0). So exactly x_shift and c_shift alarm, for all rows and for each
 * region: 6 alerts out of 15 tests (5 fields × all rows and 2 regions), each naming p, q, the effect and the 15.
 */
class DriftTestMonitorIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-02-02T00:00:00Z");
    /** frac(g·φ): a uniform [0, 1) sequence without a random generator, the same in every run. */
    private static final String UNIFORM = "(g * 0.6180339887498949 - floor(g * 0.6180339887498949))";

    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        String columns = "id bigint, ts timestamptz, x_stable double precision, x_shift double precision,"
                + " c_stable text, c_shift text, region text, score double precision";
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.training (" + columns + ")",
                "CREATE TABLE ml.serving (" + columns + ")",
                "INSERT INTO ml.training SELECT g, timestamptz '" + START + "' - interval '30 days' + g * interval"
                        + " '1 minute', " + UNIFORM + ", " + UNIFORM + ", chr(65 + (g / 2) % 5), chr(65 + (g / 2) % 5),"
                        + " CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, " + UNIFORM
                        + " FROM generate_series(0, 3999) g",
                "INSERT INTO ml.serving SELECT g, timestamptz '" + START + "' + (g - 10000) * interval '40 seconds', "
                        + UNIFORM + ", " + UNIFORM + " + 0.3, chr(65 + (g / 2) % 5), CASE WHEN (g / 2) % 10 < 6 THEN"
                        + " 'A' ELSE chr(65 + (g / 2) % 5) END, CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, "
                        + UNIFORM + " FROM generate_series(10000, 11999) g");
        reader = db.createReadOnlyUser("ml", List.of("training", "serving"));
    }

    @BeforeAll
    void runAndEvaluate() throws Exception {
        vigil().createModel("drifty", "Drifty");
        vigil().apply(new ModelVersion(
                "drifty",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("x_stable", FieldType.numeric())
                        .feature("x_shift", FieldType.numeric())
                        .feature("c_stable", FieldType.string())
                        .feature("c_shift", FieldType.string())
                        .feature("region", FieldType.string())
                        .prediction("score", FieldType.numeric())
                        .build(),
                List.of(Segment.byValue("region"))));
        vigil().version("drifty", "v1")
                .connectTraining(ItSupport.source(db(), reader, "SELECT * FROM ml.training"), "id", "ts");
        vigil().version("drifty", "v1")
                .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.serving"), "id", "ts");
        JsonNode monitor = SpecCodec.parseYaml(
                "{name: drift-test, type: data_drift, focal: {window: 1d}, detection: {method: test}}", "m.yaml");
        vigil().version("drifty", "v1").createMonitor(monitor.toString());
        runTrainingAndServing("drifty", "v1", START, START.plus(Duration.ofDays(1)));
    }

    private List<JsonNode> alerts() {
        List<JsonNode> out = new ArrayList<>();
        vigil().alerts(Map.of("model", "drifty")).forEach(out::add);
        return out;
    }

    @Test
    void theShiftedFieldsAlarmInEverySegmentAndTheStableOnesDoNot() {
        List<JsonNode> alerts = alerts();
        Set<String> got = new TreeSet<>();
        for (JsonNode a : alerts) {
            got.add(a.path("field").asText() + "|" + a.path("segment").asText(""));
        }
        assertThat(got)
                .containsExactlyInAnyOrder(
                        "c_shift|",
                        "c_shift|region=north",
                        "c_shift|region=south",
                        "x_shift|",
                        "x_shift|region=north",
                        "x_shift|region=south");
    }

    @Test
    void anAlertCarriesPQTheEffectAndTheNumberOfTests() {
        for (JsonNode a : alerts()) {
            String reason = a.path("reason").asText();
            assertThat(a.path("metric").asText()).isEqualTo("drift_score");
            assertThat(a.path("threshold").asDouble()).as("alpha").isEqualTo(0.01);
            assertThat(reason)
                    .as(reason)
                    .startsWith("drift_score ")
                    .contains(a.path("field").asText().startsWith("x") ? "KS p = " : "χ² p = ")
                    .contains("Benjamini–Hochberg q = ")
                    .endsWith(" over 15 tests (below alpha 0.01)");
            assertThat(a.path("value").asDouble()).as("the effect: drift_score").isGreaterThan(0.1);
        }
    }

    /** A bad test or seasonal key is refused over HTTP in one sentence naming it, and nothing is stored. */
    @Test
    void badTestAndSeasonalKeysAreRefusedAndNothingIsStored() throws Exception {
        String[][] cases = {
            {
                "{\"type\": \"data_drift\", \"detection\": {\"method\": \"test\", \"alpha\": 2}}",
                "monitor.detection.alpha: expected a number above 0 and below 1, got 2.0"
            },
            {
                "{\"type\": \"data_drift\", \"detection\": {\"method\": \"test\", \"min_effect\": -1}}",
                "monitor.detection.min_effect: expected 0 or more, got -1.0"
            },
            {
                "{\"type\": \"model_activity\", \"detection\": {\"method\": \"anomaly\", \"seasonal\":"
                        + " \"month\"}}",
                "monitor.detection.seasonal: expected week (the same hour of the week, or weekday), got 'month'"
            },
            {
                "{\"type\": \"missing_values\", \"detection\": {\"method\": \"test\"}}",
                "monitor.detection.method: a missing_values monitor cannot use test"
            }
        };
        for (String[] c : cases) {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                            server().url() + "/api/v1/models/drifty/versions/v1/monitors/bad"))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .header("Content-Type", "application/json")
                                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(c[0]))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(SpecCodec.json()
                            .readTree(response.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .contains(c[1]);
        }
        assertThat(vigil().monitors("drifty", "v1"))
                .extracting(m -> m.path("name").asText())
                .containsExactly("drift-test");
    }
}
