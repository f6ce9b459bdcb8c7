package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.ColumnMapping;
import dev.vigil.client.Connected;
import dev.vigil.client.UnauthorizedException;
import dev.vigil.client.VersionHandle;
import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTP with the SDK, checking datasets against a real PostgreSQL through a read-only user. */
class ServerIT extends AbstractServerIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training"));
    }

    private PostgresJdbcDataSource source(String table) {
        return PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT * FROM ml." + table)
                .user(reader.user())
                .password(reader.password())
                .readOptions(Map.of("fetchsize", "1000"))
                .build();
    }

    private VersionHandle exampleVersion(String modelId) {
        vigil().createModel(modelId, "Insurance upsell");
        return vigil().createModelVersion(modelId, "v1", ModelType.BINARY, ExampleSource.schema());
    }

    @Test
    void quickstartFromTheJavaSdk() {
        VersionHandle v1 = exampleVersion("insurance");
        Connected serving = v1.connectServing(
                source("model_predictions"),
                "prediction_id",
                "prediction_timestamp",
                ColumnMapping.builder()
                        .feature("owner", "owner_name")
                        .label("will_buy_insurance", "bought")
                        .build());
        Connected training = v1.connectTraining(source("training"), "id", "ts");

        assertThat(serving.change()).isEqualTo("created");
        assertThat(serving.columns())
                .contains("amount float8", "embeddings _float4", "prediction_timestamp timestamptz");
        assertThat(training.change()).isEqualTo("created");
        assertThat(v1.connectTraining(source("training"), "id", "ts").change()).isEqualTo("unchanged");

        List<JsonNode> datasets = v1.datasets();
        assertThat(datasets).extracting(d -> d.path("dataset").asText()).containsExactly("serving", "training");
        JsonNode servingJson = datasets.get(0);
        assertThat(servingJson.path("data_source").path("password_set").asBoolean())
                .isTrue();
        assertThat(servingJson.path("data_source").has("password")).isFalse();
        assertThat(servingJson.path("features").path("owner").asText()).isEqualTo("owner_name");
        assertThat(servingJson.path("labels").path("will_buy_insurance").asText())
                .isEqualTo("bought");
        assertThat(vigil().getVersion("insurance", "v1").orElseThrow().schema()).isEqualTo(ExampleSource.schema());
    }

    @Test
    void changingAVersionUpdatesItAndApplyingTheSameChangesNothing() {
        exampleVersion("versioned");
        assertThat(vigil().apply(vigil().getVersion("versioned", "v1").orElseThrow())
                        .change())
                .isEqualTo("unchanged");
        var daily = new dev.vigil.core.model.ModelVersion(
                "versioned",
                "v1",
                ModelType.BINARY,
                dev.vigil.core.model.AggregationPeriod.DAILY,
                ExampleSource.schema());
        assertThat(vigil().apply(daily).change()).isEqualTo("updated");
        assertThat(vigil().getVersion("versioned", "v1").orElseThrow().aggregationPeriod())
                .isEqualTo(dev.vigil.core.model.AggregationPeriod.DAILY);
    }

    @Test
    void everyProblemWithTheColumnsIsListedInOneError() {
        VersionHandle v1 = exampleVersion("broken-columns");
        PostgresJdbcDataSource src = source("model_predictions");
        assertThatThrownBy(() -> v1.connectServing(
                        src,
                        "no_such_id",
                        "prediction_timestamp",
                        ColumnMapping.builder()
                                .feature("amount", "raw_text")
                                .label("will_buy_insurance", "missing")
                                .build()))
                .isInstanceOfSatisfying(VigilArgumentException.class, e -> {
                    assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(4);
                    assertThat(String.join("\n", e.problems()))
                            .contains("no_such_id")
                            .contains("serving.features.amount")
                            .contains("raw_text")
                            .contains("owner")
                            .contains("missing");
                });
        assertThat(v1.datasets()).isEmpty();
    }

    @Test
    void aWrongPasswordFailsFastNamingTheUrlButNotThePassword() {
        VersionHandle v1 = exampleVersion("wrong-password");
        String wrong = "definitely-not-" + reader.password();
        long started = System.nanoTime();
        assertThatThrownBy(() -> v1.connectServing(
                        source("model_predictions").withPassword(wrong),
                        "prediction_id",
                        "prediction_timestamp",
                        ColumnMapping.builder().feature("owner", "owner_name").build()))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(VigilSourceException.Reason.AUTH_FAILED);
                    assertThat(e.getMessage())
                            .contains(db().url())
                            .contains(reader.user())
                            .doesNotContain(wrong);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anUnreachableHostFailsWithinSeconds() {
        VersionHandle v1 = exampleVersion("unreachable");
        PostgresJdbcDataSource src = PostgresJdbcDataSource.builder()
                .url("jdbc:postgresql://127.0.0.1:1/shop")
                .query("SELECT 1 AS x")
                .user("vigil")
                .password("pw")
                .build();
        long started = System.nanoTime();
        assertThatThrownBy(() -> v1.connectServing(src, "x", "x"))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(VigilSourceException.Reason.UNREACHABLE);
                    assertThat(e.getMessage()).contains("jdbc:postgresql://127.0.0.1:1/shop");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDataModifyingQueryIsRefusedEvenForTheTableOwner() throws Exception {
        VersionHandle v1 = exampleVersion("writer");
        PostgresJdbcDataSource owner = PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("WITH d AS (DELETE FROM ml.model_predictions RETURNING *) SELECT * FROM d")
                .user(db().server().adminUser())
                .password(db().server().adminPassword())
                .build();
        assertThatThrownBy(() -> v1.connectServing(owner, "prediction_id", "prediction_timestamp"))
                .as("refused by the query gate before any session (review F2)")
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.query: has DELETE");
        PostgresJdbcDataSource nextval = PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT nextval('ml.seq') AS prediction_id, prediction_timestamp FROM ml.model_predictions")
                .user(db().server().adminUser())
                .password(db().server().adminPassword())
                // a writer on purpose (decision 0003 opt-in): the read-only session must still stop nextval
                .allowWritableRole(db().server().adminUser())
                .build();
        assertThatThrownBy(() -> v1.connectServing(nextval, "prediction_id", "prediction_timestamp"))
                .isInstanceOf(VigilSourceException.class)
                .hasMessageContaining("read-only");
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT count(*), (SELECT last_value FROM ml.seq), (SELECT is_called FROM ml.seq) FROM ml.model_predictions")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(20);
            assertThat(rs.getBoolean(3)).as("sequence never advanced").isFalse();
        }
    }

    @Test
    void badInputIsA400NamingTheKey() throws Exception {
        vigil().createModel("bad-input", "Bad input");
        HttpResponse<String> r = send(
                "PUT",
                "/api/v1/models/bad-input/versions/v1",
                TOKEN,
                "{\"model_type\": \"binary\", \"features\": {\"emb\": {\"type\": \"tensor\", \"dimensions\": [-3]}},"
                        + " \"predictions\": {\"p\": \"text\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = SpecCodec.json().readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_argument");
        assertThat(error.path("message").asText()).contains("features.emb.dimensions: '-3' is not a positive integer");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");

        HttpResponse<String> malformed = send("PUT", "/api/v1/models/bad-input", TOKEN, "{\"name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("request body line 1");

        HttpResponse<String> missing = send("GET", "/api/v1/models/nope", TOKEN, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(SpecCodec.json()
                        .readTree(missing.body())
                        .path("error")
                        .path("message")
                        .asText())
                .isEqualTo(
                        "model 'nope' does not exist (vigil models lists them; vigil apply -f spec.yaml creates one)");
    }

    @Test
    void everyApiRouteNeedsAValidToken() throws Exception {
        for (Route e : server().routes()) {
            if (!e.path().startsWith("/api/")) {
                continue;
            }
            String path = e.path().replace("{dataset}", "serving").replaceAll("\\{[a-z_]+}", "x");
            String body = e.takesBody() ? "{}" : null;
            HttpResponse<String> none = send(e.method(), path, null, body);
            HttpResponse<String> wrong = send(e.method(), path, "vgl_wrong", body);
            assertThat(none.statusCode())
                    .as("%s %s without a token", e.method(), path)
                    .isEqualTo(401);
            assertThat(wrong.statusCode())
                    .as("%s %s with a wrong token", e.method(), path)
                    .isEqualTo(401);
            assertThat(SpecCodec.json()
                            .readTree(wrong.body())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("unauthorized");
        }
        assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Vigil.connect(server().url(), "vgl_wrong").listModels())
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void tokensAreCreatedShownOnceAndRevoked() throws Exception {
        JsonNode created = vigil().createToken("ci");
        String token = created.path("token").asText();
        assertThat(token).startsWith("vgl_");
        assertThat(Vigil.connect(server().url(), token).listModels()).isNotNull();
        HttpResponse<String> list = send("GET", "/api/v1/tokens", TOKEN, null);
        assertThat(list.body()).contains("\"ci\"").doesNotContain(token);
        assertThat(send("DELETE", "/api/v1/tokens/" + created.path("id").asText(), TOKEN, null)
                        .statusCode())
                .isEqualTo(204);
        assertThatThrownBy(() -> Vigil.connect(server().url(), token).listModels())
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void theOpenApiDocumentDescribesEveryRoute() throws Exception {
        JsonNode doc = SpecCodec.json()
                .readTree(send("GET", "/api/v1/openapi.json", TOKEN, null).body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        for (Route e : server().routes()) {
            assertThat(doc.path("paths").path(e.path()).has(e.method().toLowerCase(Locale.ROOT)))
                    .as("%s %s documented", e.method(), e.path())
                    .isTrue();
        }
        assertThat(server().routes()).hasSizeGreaterThanOrEqualTo(17);
    }

    /**
     * {@code docs/openapi.json} is the document the server serves, byte for byte. When a route or a record changes,
     * write it again and review the diff:
     *
     * <pre>
     * ./mvnw -B -pl vigil-server -am verify -Dit.test=ServerIT#theCheckedInOpenApiDocumentIsTheServedOne -Dtest=NONE \
     *     -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.openapi.update=true
     * </pre>
     */
    @Test
    void theCheckedInOpenApiDocumentIsTheServedOne() throws Exception {
        JsonNode served = SpecCodec.json()
                .readTree(send("GET", "/api/v1/openapi.json", TOKEN, null).body());
        String rendered = SpecCodec.json().writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n";
        if (Boolean.getBoolean("vigil.openapi.update")) {
            Files.writeString(OpenApiBodies.DOCUMENT, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(OpenApiBodies.DOCUMENT, StandardCharsets.UTF_8))
                .as("docs/openapi.json differs from the served document: write it with -Dvigil.openapi.update=true")
                .isEqualTo(rendered);
    }

    /** Real answers of the models, runs, tokens and audit routes fit their schemas in the checked-in document. */
    @Test
    void realAnswersFitTheirSchemas() throws Exception {
        VersionHandle v1 = exampleVersion("documented");
        v1.connectServing(
                source("model_predictions"),
                "prediction_id",
                "prediction_timestamp",
                ColumnMapping.builder()
                        .feature("owner", "owner_name")
                        .label("will_buy_insurance", "bought")
                        .build());
        // queued, not awaited: its answer (a run with no windows planned yet) is the body checked
        vigil().startRun("documented", "v1", "serving", null, null);
        OpenApiBodies bodies = OpenApiBodies.checkedIn();
        String created = send("POST", "/api/v1/tokens", TOKEN, "{\"name\": \"documented\", \"expires_in\": \"1d\"}")
                .body();
        assertThat(bodies.problems(
                        "POST", "/api/v1/tokens", 201, SpecCodec.json().readTree(created)))
                .isEmpty();
        for (String path : List.of(
                "/api/v1/models",
                "/api/v1/models/documented",
                "/api/v1/models/documented/versions/v1/runs",
                "/api/v1/tokens",
                "/api/v1/audit",
                "/api/v1/models/nothing",
                "/healthz")) {
            HttpResponse<String> r = send("GET", path, TOKEN, null);
            JsonNode body = SpecCodec.json().readTree(r.body());
            assertThat(body.isArray() ? body.size() : 1).as(path).isPositive();
            assertThat(bodies.problems("GET", path, r.statusCode(), body))
                    .as("%s: %s", path, r.body())
                    .isEmpty();
        }
    }

    @Test
    void theSourcePasswordAppearsNowhere(@TempDir Path ownDataDir) throws IOException {
        List<String> output = new ArrayList<>();
        // A server of its own, closed before its store files are read, so that nothing is left unflushed.
        try (VigilServer own = VigilServer.start(config(ownDataDir), Map.of(), Clock.systemUTC())) {
            Vigil client = Vigil.connect(own.url(), TOKEN);
            client.createModel("secrets", "Secrets");
            VersionHandle v1 = client.createModelVersion("secrets", "v1", ModelType.BINARY, ExampleSource.schema());
            v1.connectServing(
                    source("model_predictions"),
                    "prediction_id",
                    "prediction_timestamp",
                    ColumnMapping.builder().feature("owner", "owner_name").build());
            assertThat(v1.connectServing(
                                    source("model_predictions").withPassword(null),
                                    "prediction_id",
                                    "prediction_timestamp",
                                    ColumnMapping.builder()
                                            .feature("owner", "owner_name")
                                            .build())
                            .change())
                    .as("without a password the stored one is kept")
                    .isEqualTo("unchanged");
            for (String path : List.of(
                    "/api/v1/models",
                    "/api/v1/models/secrets",
                    "/api/v1/models/secrets/versions",
                    "/api/v1/models/secrets/versions/v1/datasets",
                    "/api/v1/models/secrets/versions/v1/datasets/serving",
                    "/api/v1/tokens",
                    "/api/v1/openapi.json")) {
                output.add(client.getJson(path).toString());
            }
        }
        assertThat(String.join("\n", output))
                .contains("secrets")
                .contains("password_set")
                .doesNotContain(reader.password());
        Path log = Path.of("target/test-logs/vigil-server-tests.log");
        assertThat(Files.readString(log)).contains("dataset secrets/v1/serving").doesNotContain(reader.password());
        byte[] utf8 = reader.password().getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = reader.password().getBytes(StandardCharsets.UTF_16BE);
        byte[] utf16le = reader.password().getBytes(StandardCharsets.UTF_16LE);
        try (Stream<Path> files = Files.walk(ownDataDir)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular).extracting(f -> f.getFileName().toString()).contains("master.key");
            assertThat(regular).anyMatch(f -> f.getFileName().toString().startsWith("metastore"));
            for (Path f : regular) {
                byte[] content = Files.readAllBytes(f);
                assertThat(indexOf(content, utf8)).as("password in %s", f).isEqualTo(-1);
                assertThat(indexOf(content, utf16))
                        .as("UTF-16 password in %s", f)
                        .isEqualTo(-1);
                assertThat(indexOf(content, utf16le))
                        .as("UTF-16LE password in %s", f)
                        .isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server().url() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
