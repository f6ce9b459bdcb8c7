package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.ColumnMapping;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory bounds reachable through the API (issue 14 item 6, review F11 and F13), on a real server: each refusal is
 * a 400 with one sentence naming the key, the limit and the value, and nothing is stored.
 */
class LimitsIT extends AbstractServerIT {
    private static final String VERSIONS = "/api/v1/models/limits/versions/";
    private TestDatabase.Credentials reader;
    private ObjectNode validVersion;

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        reader = db.createReadOnlyUser("ml", List.of("model_predictions"));
    }

    @BeforeAll
    void createVersion() throws Exception {
        vigil().createModel("limits", "Limits");
        vigil().createModelVersion("limits", "v1", ModelType.BINARY, ExampleSource.schema());
        validVersion = (ObjectNode) read(api("GET", VERSIONS + "v1", "").body());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server().url() + path))
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode read(String json) throws Exception {
        return SpecCodec.json().readTree(json);
    }

    /** The one sentence of a 400 answer. */
    private static String refusal(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        return read(answer.body()).at("/error/message").asText();
    }

    private ObjectNode versionCopy() {
        ObjectNode copy = validVersion.deepCopy();
        copy.remove(List.of("model_version", "change", "created_at", "updated_at"));
        return copy;
    }

    @Test
    void aTensorOfMoreThan262144ValuesPerRowIsRefusedAndNoVersionStored() throws Exception {
        ObjectNode huge = versionCopy();
        ObjectNode tensor = ((ObjectNode) huge.path("features")).putObject("embeddings");
        tensor.put("type", "tensor");
        tensor.putArray("dimensions").add(2_147_483_647).add(2_147_483_647);
        assertThat(refusal(api("PUT", VERSIONS + "huge", huge.toString())))
                .isEqualTo("features.embeddings.dimensions: [2147483647, 2147483647] makes 4611686014132420609 values"
                        + " per row, more than the 262144 a tensor or embedding may have");
        assertThat(api("GET", VERSIONS + "huge", "").statusCode()).isEqualTo(404);

        ObjectNode atLimit = versionCopy();
        ObjectNode fits = ((ObjectNode) atLimit.path("features")).putObject("embeddings");
        fits.put("type", "tensor");
        fits.putArray("dimensions").add(512).add(512);
        assertThat(api("PUT", VERSIONS + "widest", atLimit.toString()).statusCode())
                .as("exactly 262,144 values per row: created")
                .isEqualTo(201);
    }

    @Test
    void twentyOneSegmentsAreRefusedAndNoVersionStored() throws Exception {
        ObjectNode many = versionCopy();
        ArrayNode segments = many.putArray("segments");
        for (int i = 0; i < 21; i++) {
            segments.addObject().put("name", "s" + i).put("where", "amount > " + i);
        }
        assertThat(refusal(api("PUT", VERSIONS + "segmented", many.toString())))
                .isEqualTo("segments: has 21 segments, more than the 20 a version may have");
        assertThat(api("GET", VERSIONS + "segmented", "").statusCode()).isEqualTo(404);
    }

    @Test
    void aFetchSizeOutsideOneHundredToOneHundredThousandIsRefusedAndNoDatasetStored() throws Exception {
        var source = dev.vigil.core.model.PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT * FROM ml.model_predictions")
                .user(reader.user())
                .password(reader.password())
                .readOptions(java.util.Map.of("fetchsize", "0"))
                .build();
        ColumnMapping mapping =
                ColumnMapping.builder().feature("owner", "owner_name").build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> vigil().version("limits", "v1")
                        .connectServing(source, "prediction_id", "prediction_timestamp", mapping)))
                .hasMessageContaining("data_source.read_options.fetchsize: '0' is not a whole number from 100 to 100000"
                        + " (rows read per round trip, all held in memory)");
        assertThat(api("GET", VERSIONS + "v1/datasets/serving", "").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aCustomMetricOverTheLimitsIsRefusedAndNoMonitorStored() throws Exception {
        String monitors = VERSIONS + "v1/monitors/";
        String longest = "1 + ".repeat(500) + "1"; // 2,001 characters
        HttpResponse<String> tooLong = api(
                "PUT",
                monitors + "long",
                "{\"type\": \"custom_metric\", \"expression\": \"" + longest
                        + "\", \"detection\": {\"method\": \"absolute\", \"max\": 1}}");
        assertThat(refusal(tooLong))
                .endsWith("expression: is 2001 characters, more than the 2000 an expression may have");
        String tooMany = "mean(amount) + ".repeat(32) + "count()";
        HttpResponse<String> manyRefs = api(
                "PUT",
                monitors + "many",
                "{\"type\": \"custom_metric\", \"expression\": \"" + tooMany
                        + "\", \"detection\": {\"method\": \"absolute\", \"max\": 1}}");
        assertThat(refusal(manyRefs))
                .endsWith("expression: has 33 metric references, more than the 32 an expression may have");
        assertThat(read(api("GET", VERSIONS + "v1/monitors", "").body()))
                .as("no monitor stored")
                .isEmpty();

        String most = "mean(amount) + ".repeat(31) + "count()";
        HttpResponse<String> atLimit = api(
                "PUT",
                monitors + "most",
                "{\"type\": \"custom_metric\", \"expression\": \"" + most
                        + "\", \"detection\": {\"method\": \"absolute\", \"max\": 1}}");
        assertThat(atLimit.statusCode()).as(atLimit.body()).isEqualTo(200);
        api("DELETE", monitors + "most", "");
    }
}
