package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.generated.ApiClient;
import dev.vigil.generated.ApiException;
import dev.vigil.generated.api.DriftApi;
import dev.vigil.generated.api.MetricsApi;
import dev.vigil.generated.api.ModelsApi;
import dev.vigil.generated.api.VersionsApi;
import dev.vigil.generated.model.DriftRow;
import dev.vigil.generated.model.Error;
import dev.vigil.generated.model.MetricRow;
import dev.vigil.generated.model.Model;
import dev.vigil.generated.model.ModelPut;
import dev.vigil.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server through a client that openapi-generator made from {@code docs/openapi.json} at build time (java,
 * native), as a user would make one: so that the document is one a client can be generated from, and what the
 * generated client reads is what the server sends. Rows read through it must equal the rows {@link RestGoldenIT}
 * pins for the same queries over the same profiled shop days.
 */
class GeneratedClientIT extends AbstractServerIT {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    private TestDatabase.Credentials reader;
    private ApiClient client;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        reader = ItSupport.loadShop(db);
    }

    @BeforeAll
    void profileTheShop() throws Exception {
        ItSupport.createShop(vigil(), db(), reader);
        runTrainingAndServing(
                "shop", "v1", Instant.parse("2026-03-10T00:00:00Z"), Instant.parse("2026-03-14T00:00:00Z"));
        client = new ApiClient();
        client.updateBaseUri(server().url());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + TOKEN));
    }

    @Test
    void createsAModelAndAVersionAndListsThem() throws Exception {
        ModelsApi models = new ModelsApi(client);
        Model created = models.putModel("generated", new ModelPut().name("Made by a generated client"));
        assertThat(created.getId()).isEqualTo("generated");
        assertThat(created.getChange()).isEqualTo("created");

        Map<String, Object> version = Map.of(
                "model_type",
                "binary",
                "aggregation_period",
                "daily",
                "features",
                Map.of("amount", "numeric"),
                "predictions",
                Map.of("score", "numeric"));
        Map<String, Object> stored = new VersionsApi(client).putVersion("generated", "v1", version, null);
        assertThat(stored).containsEntry("model_version", "v1").containsEntry("change", "created");

        assertThat(models.getModels())
                .extracting(Model::getId, Model::getName)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("generated", "Made by a generated client"),
                        org.assertj.core.groups.Tuple.tuple("shop", "Shop"));
        assertThat(models.getModel("generated").getVersions()).containsExactly("v1");
        // what the SDK reads back is what the generated client stored
        assertThat(vigil().getVersion("generated", "v1")
                        .orElseThrow()
                        .aggregationPeriod()
                        .specName())
                .isEqualTo("daily");
    }

    @Test
    void readsTheMetricsOfTheProfiledDaysAsPinned() throws Exception {
        List<MetricRow> rows =
                new MetricsApi(client).getVersionMetrics("shop", "v1", null, null, null, null, null, "all", null);
        JsonNode golden = golden("shop-metrics-all.json");
        assertThat(rows).hasSize(golden.size());
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            MetricRow r = rows.get(i);
            JsonNode g = golden.get(i);
            compare(i, "dataset", r.getDataset(), g.path("dataset").asText(), differences);
            compare(i, "segment", r.getSegment(), text(g.get("segment")), differences);
            compare(i, "field", r.getField(), text(g.get("field")), differences);
            compare(i, "metric", r.getMetric(), g.path("metric").asText(), differences);
            compare(i, "window_start", r.getWindowStart().toInstant(), instant(g, "window_start"), differences);
            compare(i, "window_end", r.getWindowEnd().toInstant(), instant(g, "window_end"), differences);
            compare(i, "value", r.getValue(), number(g.get("value")), differences);
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void readsTheDriftOfTheProfiledDaysAsPinned() throws Exception {
        List<DriftRow> rows = new DriftApi(client)
                .getVersionDrift("shop", "v1", null, null, null, null, null, "all", null, null, null, null);
        JsonNode golden = golden("shop-drift-all.json");
        assertThat(rows).hasSize(golden.size());
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            DriftRow r = rows.get(i);
            JsonNode g = golden.get(i);
            compare(i, "field", r.getField(), text(g.get("field")), differences);
            compare(i, "metric", r.getMetric(), g.path("metric").asText(), differences);
            compare(i, "window_start", r.getWindowStart().toInstant(), instant(g, "window_start"), differences);
            compare(i, "value", r.getValue(), number(g.get("value")), differences);
            compare(i, "baseline", r.getBaseline(), g.path("baseline").asText(), differences);
            compare(i, "reason", r.getReason(), text(g.get("reason")), differences);
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void aRefusalIsATypedError() throws Exception {
        ApiException missing =
                catchThrowableOfType(ApiException.class, () -> new ModelsApi(client).getModel("no-such-model"));
        assertThat(missing.getCode()).isEqualTo(404);
        Error notFound = client.getObjectMapper().readValue(missing.getResponseBody(), Error.class);
        assertThat(notFound.getError().getCode()).isEqualTo("not_found");
        assertThat(notFound.getError().getMessage())
                .isEqualTo(
                        "model 'no-such-model' does not exist (vigil models lists them; vigil apply -f spec.yaml creates one)");

        ApiException refused = catchThrowableOfType(ApiException.class, () -> new DriftApi(client)
                .getVersionDrift("shop", "v1", null, null, null, null, null, "fortnight", null, null, null, null));
        assertThat(refused.getCode()).isEqualTo(400);
        Error bad = client.getObjectMapper().readValue(refused.getResponseBody(), Error.class);
        JsonNode pinned = SpecCodec.json()
                .readTree(GOLDEN.resolve("shop-drift-error-granularity.json").toFile())
                .path("body")
                .path("error");
        assertThat(bad.getError().getCode()).isEqualTo(pinned.path("code").asText());
        assertThat(bad.getError().getMessage()).isEqualTo(pinned.path("message").asText());
        assertThat(bad.getError().getDetails().getProblems())
                .containsExactly(pinned.path("details").path("problems").get(0).asText());
        // refused before anything was stored: the version still has no model of that name
        assertThat(vigil().listModels()).extracting(m -> m.id()).doesNotContain("no-such-model");
    }

    private static JsonNode golden(String file) throws Exception {
        return SpecCodec.json().readTree(GOLDEN.resolve(file).toFile()).path("body");
    }

    private static void compare(int row, String key, Object actual, Object expected, List<String> differences) {
        if (!java.util.Objects.equals(actual, expected)) {
            differences.add("row " + row + " " + key + ": " + actual + " instead of " + expected);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Double number(JsonNode node) {
        return node == null || node.isNull() ? null : node.asDouble();
    }

    private static Instant instant(JsonNode row, String key) {
        return Instant.parse(row.path(key).asText());
    }
}
