package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.store.SecretCipher;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil rotate-key} on the data directory of a stopped server: a server started afterwards opens the stored
 * password with the new key (it connects to PostgreSQL with it); a key that does not open the secrets, or a missing
 * option, changes nothing.
 */
class RotateKeyIT {
    private static final String TOKEN = "vgl_rotate_key_it_admin_token_0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestDatabase db;
    private static TestDatabase.Credentials reader;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void createSource() {
        db = PostgresTestServer.fromEnvironment().createDatabase("rotatekey_it");
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.predictions (id bigint, ts timestamptz, amount double precision, proba double"
                        + " precision)",
                "INSERT INTO ml.predictions VALUES (1, '2026-03-01T10:00:00Z', 12.5, 0.25)");
        reader = db.createReadOnlyUser("ml", List.of("predictions"));
    }

    @AfterAll
    static void dropSource() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aServerStartedAfterTheRotationOpensThePasswordWithTheNewKey() throws Exception {
        Path data = dir.resolve("data");
        connectDatasetAndStop(data);
        Path keyFile = data.resolve("master.key");
        String oldKey = Files.readString(keyFile);

        Result r = run(Map.of(), "rotate-key", "--data-dir", data.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String newKey = Files.readString(keyFile);
        assertThat(r.out())
                .startsWith("Re-encrypted 1 secret (1 dataset password, 0 monitor action URLs) under the new master"
                        + " key (fingerprint " + sha256Prefix(newKey) + "; the old key's was " + sha256Prefix(oldKey)
                        + ").")
                .contains("the old one is kept in " + data.toAbsolutePath().resolve("master.key.old"));
        assertThat(Base64.getDecoder().decode(newKey.strip())).hasSize(32);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(Files.readString(data.resolve("master.key.old"))).isEqualTo(oldKey);
        assertThat(data.resolve("master.key.new")).doesNotExist();
        for (Path p : List.of(keyFile, data.resolve("master.key.old"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                    .isEqualTo("rw-------");
        }
        for (String s : List.of(oldKey.strip(), newKey.strip(), reader.password())) {
            assertThat(r.out() + r.err()).doesNotContain(s);
        }

        try (VigilServer server = start(data, Map.of())) {
            assertPasswordOpensAndConnects(server);
        }
        // and the old key no longer opens it
        try (VigilServer server = start(data, Map.of(SecretCipher.MASTER_KEY_ENV, oldKey.strip()))) {
            HttpResponse<String> refused = get(server, datasetPath());
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("under another master key");
        }
    }

    @Test
    void aCurrentKeyThatDoesNotOpenTheSecretsChangesNothing() throws Exception {
        Path data = dir.resolve("data");
        connectDatasetAndStop(data);
        String oldKey = Files.readString(data.resolve("master.key"));
        Path newKeyFile = newKeyFile();
        String wrongKey = Base64.getEncoder().encodeToString(SecretCipher.newKey());

        Result r = run(
                Map.of(SecretCipher.MASTER_KEY_ENV, wrongKey),
                "rotate-key",
                "--data-dir",
                data.toString(),
                "--new-key-file",
                newKeyFile.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("vigil: cannot rotate the master key: the password of dataset shop/v1/serving does not"
                        + " decrypt with the current master key; nothing was changed" + System.lineSeparator());
        assertThat(Files.readString(data.resolve("master.key"))).isEqualTo(oldKey);
        assertThat(fileNames(data)).doesNotContain("master.key.old", "master.key.new");
        try (VigilServer server = start(data, Map.of())) {
            assertPasswordOpensAndConnects(server);
        }
    }

    @Test
    void aKeyInTheEnvironmentNeedsANewKeyFileAndNothingIsTouchedWithoutIt() throws Exception {
        Path data = dir.resolve("data");
        connectDatasetAndStop(data);
        String oldKey = Files.readString(data.resolve("master.key"));
        List<String> before = fileNames(data);

        Result r =
                run(Map.of(SecretCipher.MASTER_KEY_ENV, oldKey.strip()), "rotate-key", "--data-dir", data.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("vigil: --new-key-file: is required when VIGIL_MASTER_KEY holds the current key");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(fileNames(data)).isEqualTo(before);
        try (VigilServer server = start(data, Map.of())) {
            assertPasswordOpensAndConnects(server);
        }
    }

    @Test
    void withTheKeyInTheEnvironmentTheNewKeyFileIsTheKeyToSetAfterwards() throws Exception {
        Path data = dir.resolve("data");
        connectDatasetAndStop(data);
        String oldKey = Files.readString(data.resolve("master.key")).strip();
        Path newKeyFile = newKeyFile();

        Result r = run(
                Map.of(SecretCipher.MASTER_KEY_ENV, oldKey),
                "rotate-key",
                "--data-dir",
                data.toString(),
                "--new-key-file",
                newKeyFile.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Set VIGIL_MASTER_KEY to the key in " + newKeyFile);
        assertThat(Files.readString(data.resolve("master.key")).strip())
                .as("the unused key file is left alone")
                .isEqualTo(oldKey);
        try (VigilServer server = start(
                data,
                Map.of(SecretCipher.MASTER_KEY_ENV, Files.readString(newKeyFile).strip()))) {
            assertPasswordOpensAndConnects(server);
        }
    }

    @Test
    void aPostgresMetastoreIsRotatedThroughStore() throws Exception {
        Path data = dir.resolve("data");
        try (TestDatabase store = PostgresTestServer.fromEnvironment().createDatabase("rotatekey_store")) {
            connectDatasetAndStop(data, store);
            String oldKey = Files.readString(data.resolve("master.key"));

            Result r = run(
                    Map.of(
                            "VIGIL_STORE_USER", store.server().adminUser(),
                            "VIGIL_STORE_PASSWORD", store.server().adminPassword()),
                    "rotate-key",
                    "--store",
                    store.url(),
                    "--data-dir",
                    data.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Re-encrypted 1 secret (1 dataset password, 0 monitor action URLs)");
            assertThat(r.out() + r.err()).doesNotContain(store.server().adminPassword());
            assertThat(Files.readString(data.resolve("master.key.old"))).isEqualTo(oldKey);
            assertThat(data.resolve("metastore.mv.db")).as("no H2 metastore").doesNotExist();
            try (VigilServer server = start(data, Map.of(), store)) {
                assertPasswordOpensAndConnects(server);
            }
        }
    }

    /**
     * A running server holds the H2 file's lock; rotate-key, as its own process as a user runs it (within one JVM H2
     * shares an open database instead), is refused and changes nothing.
     */
    @Test
    void aRunningServersDataDirectoryIsRefusedAndNothingChanges() throws Exception {
        Path data = dir.resolve("data");
        connectDatasetAndStop(data);
        String oldKey = Files.readString(data.resolve("master.key"));
        try (VigilServer server = start(data, Map.of())) {
            ProcessBuilder builder = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElseThrow(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            VigilCli.class.getName(),
                            "rotate-key",
                            "--data-dir",
                            data.toString())
                    .redirectOutput(dir.resolve("out.txt").toFile())
                    .redirectError(dir.resolve("err.txt").toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("VIGIL_"));
            Process process = builder.start();
            assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES))
                    .isTrue();

            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(process.exitValue()).as(err).isEqualTo(1);
            assertThat(err)
                    .isEqualTo(
                            "vigil: the data directory " + data.toAbsolutePath().normalize()
                                    + " is in use by another Vigil server (or vigil rotate-key); stop it, or give this one"
                                    + " another --data-dir" + System.lineSeparator());
            assertThat(err.lines()).as(err).hasSize(1);
            assertThat(Files.readString(dir.resolve("out.txt"))).isEmpty();
            // (H2 may leave a metastore.trace.db of the refused connection: only the key files matter here)
            assertThat(fileNames(data).stream().filter(f -> f.startsWith("master.key")))
                    .as("no master.key.new or .old left behind")
                    .containsExactly("master.key");
            assertThat(Files.readString(data.resolve("master.key"))).isEqualTo(oldKey);
            assertPasswordOpensAndConnects(server);
        }
    }

    @Test
    void aDataDirectoryWithoutAMetastoreIsRefusedAndNoneIsCreated() {
        Path empty = dir.resolve("empty");

        Result r = run(Map.of(), "rotate-key", "--data-dir", empty.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("vigil: --data-dir: " + empty.toAbsolutePath() + " holds no metastore (metastore.mv.db);"
                        + " give the data directory of the stopped server, or --store for a PostgreSQL metastore"
                        + System.lineSeparator());
        assertThat(empty).doesNotExist();
    }

    /** Starts a server on {@code data}, connects shop/v1/serving with the reader's password, and stops it. */
    private void connectDatasetAndStop(Path data) throws Exception {
        connectDatasetAndStop(data, null);
    }

    private void connectDatasetAndStop(Path data, TestDatabase store) throws Exception {
        try (VigilServer server = start(data, Map.of(), store)) {
            assertThat(put(server, "/api/v1/models/shop", "{\"name\": \"Shop\"}")
                            .statusCode())
                    .isEqualTo(201);
            String version = "{\"model_type\": \"regression\", \"features\": {\"amount\": \"numeric\"},"
                    + " \"predictions\": {\"proba\": \"numeric\"}}";
            HttpResponse<String> v = put(server, "/api/v1/models/shop/versions/v1", version);
            assertThat(v.statusCode()).as(v.body()).isEqualTo(201);
            HttpResponse<String> d = put(server, datasetPath(), datasetBody(true));
            assertThat(d.statusCode()).as(d.body()).isEqualTo(201);
        }
    }

    /**
     * The stored password opens: the dataset says password_set, and a PUT without a password, which makes the server
     * connect to PostgreSQL with the stored one, succeeds.
     */
    private void assertPasswordOpensAndConnects(VigilServer server) throws Exception {
        HttpResponse<String> got = get(server, datasetPath());
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        assertThat(SpecCodec.json()
                        .readTree(got.body())
                        .path("data_source")
                        .path("password_set")
                        .asBoolean())
                .isTrue();
        HttpResponse<String> again = put(server, datasetPath(), datasetBody(false));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(SpecCodec.json().readTree(again.body()).path("change").asText())
                .isEqualTo("unchanged");
    }

    private static String datasetPath() {
        return "/api/v1/models/shop/versions/v1/datasets/serving";
    }

    private static String datasetBody(boolean withPassword) {
        ObjectNode body = SpecCodec.json().createObjectNode();
        ObjectNode source = body.putObject("data_source");
        source.put("type", "postgres-jdbc");
        source.put("url", db.url());
        source.put("query", "SELECT * FROM ml.predictions");
        source.put("user", reader.user());
        if (withPassword) {
            source.put("password", reader.password());
        }
        body.put("id_column", "id");
        body.put("timestamp_column", "ts");
        return body.toString();
    }

    private Path newKeyFile() {
        Path file = dir.resolve("new.key");
        SecretCipher.writeKeyFile(file, SecretCipher.newKey());
        return file;
    }

    private static VigilServer start(Path data, Map<String, String> env) {
        return start(data, env, null);
    }

    /** A server on {@code data}, its metastore in {@code store} (a PostgreSQL database) when not null. */
    private static VigilServer start(Path data, Map<String, String> env, TestDatabase store) {
        ServerConfig config = ServerConfig.defaults()
                .withPort(0)
                .withDataDir(data)
                .withAdminToken(TOKEN)
                .withSchedulerTick(Duration.ZERO);
        if (store != null) {
            config = config.withStore(
                    store.url(), store.server().adminUser(), store.server().adminPassword());
        }
        return VigilServer.start(config, env, Clock.systemUTC());
    }

    private static HttpResponse<String> get(VigilServer server, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(VigilServer server, String path, String json) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first 8 hex digits of the SHA-256 of the key in a key file's text, computed here, not by SecretCipher. */
    private static String sha256Prefix(String keyFileText) throws Exception {
        byte[] key = Base64.getDecoder().decode(keyFileText.strip());
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(key))
                .substring(0, 8);
    }

    private static List<String> fileNames(Path data) throws Exception {
        try (Stream<Path> files = Files.list(data)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
