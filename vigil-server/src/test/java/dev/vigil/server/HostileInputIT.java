package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.ColumnMapping;
import dev.vigil.client.VersionHandle;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile input (issue 14): each case asserts the refusal and that nothing happened because of it.
 */
class HostileInputIT extends AbstractServerIT {
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        // the training rows and one typo: a row of year 1
        db.execute("CREATE TABLE ml.outlier AS SELECT * FROM ml.training UNION ALL SELECT 999, timestamptz"
                + " '0001-01-01 00:00:00+00', raw_text, amount, owner, is_new, embeddings, will_buy_insurance, proba,"
                + " bought FROM ml.training WHERE id = 1");
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training", "outlier"));
    }

    private PostgresJdbcDataSource source(String url, String password) {
        return PostgresJdbcDataSource.builder()
                .url(url)
                .query("SELECT * FROM ml.model_predictions")
                .user(reader.user())
                .password(password)
                .build();
    }

    /** Two queued runs at most, so that a test can fill the queue. */
    @Override
    protected ServerConfig configure(ServerConfig config) {
        return config.withLimits(new ServerConfig.Limits(MIB, 10_000, 2));
    }

    private VersionHandle exampleVersion(String modelId) {
        vigil().createModel(modelId, "Hostile input");
        return vigil().createModelVersion(modelId, "v1", ModelType.BINARY, ExampleSource.schema());
    }

    private static ColumnMapping mapping() {
        return ColumnMapping.builder().feature("owner", "owner_name").build();
    }

    /** A listener on the source's own host that accepts, counts and closes every connection. */
    private static final class CountingListener implements AutoCloseable {
        private final ServerSocket socket;
        private final AtomicInteger accepted = new AtomicInteger();

        CountingListener(String host) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName(host));
            Thread t = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket s = socket.accept()) {
                                accepted.incrementAndGet();
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "counting-listener");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Item 3 (F3): the stored password is never sent to a changed port; a new password is needed first. */
    @Test
    void aChangedPortNeedsThePasswordAgainAndNothingConnectsThere() throws Exception {
        VersionHandle v1 = exampleVersion("moved");
        String url = db().url();
        v1.connectServing(source(url, reader.password()), "prediction_id", "prediction_timestamp", mapping());
        URI parsed = URI.create(url.substring("jdbc:".length()));
        CountingListener listener = closeAfterClass(new CountingListener(parsed.getHost()));
        String moved = url.replace(":" + parsed.getPort() + "/", ":" + listener.port() + "/");
        assertThat(moved).isNotEqualTo(url);

        assertThatThrownBy(() ->
                        v1.connectServing(source(moved, null), "prediction_id", "prediction_timestamp", mapping()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("serving.data_source.password: is required again because the URL's host, port,"
                        + " database or the user changed");
        assertThat(listener.accepted.get()).as("connections to the new port").isZero();
        JsonNode stored = vigil().getJson("/api/v1/models/moved/versions/v1/datasets/serving");
        assertThat(stored.toString()).contains(url).doesNotContain(moved);

        // the same user changed is refused too
        assertThatThrownBy(() -> v1.connectServing(
                        PostgresJdbcDataSource.builder()
                                .url(url)
                                .query("SELECT * FROM ml.model_predictions")
                                .user("postgres")
                                .build(),
                        "prediction_id",
                        "prediction_timestamp",
                        mapping()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("data_source.password: is required again");

        // the control: with a password given, the listener does count the connection
        assertThatThrownBy(() -> v1.connectServing(
                        source(moved, "not-the-password"), "prediction_id", "prediction_timestamp", mapping()))
                .isInstanceOf(VigilSourceException.class);
        assertThat(listener.accepted.get())
                .as("connections once a password is given")
                .isPositive();

        // and the same address without a password keeps the stored one
        assertThat(v1.connectServing(source(url, null), "prediction_id", "prediction_timestamp", mapping())
                        .change())
                .isEqualTo("unchanged");
    }

    private static final int MIB = 1 << 20;

    /** What the server sent back on a raw connection, read until it closed it. */
    private record Answer(String head, String body, boolean closedByServer) {
        int status() {
            return Integer.parseInt(head.split(" ")[1]);
        }
    }

    /**
     * POSTs {@code body} to {@code path} on a raw socket, without a token: with a Content-Length (past the cap,
     * only its first 64 KiB are sent, so a 413 proves the rest was not waited for), or chunked in 64 KiB chunks by a second thread while
     * this one reads the answer.
     */
    private Answer post(String path, byte[] body, boolean chunked) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server().port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                    + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = null;
            if (chunked) {
                writer = new Thread(() -> {
                    try {
                        for (int i = 0; i < body.length; i += 65536) {
                            int n = Math.min(65536, body.length - i);
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(body, i, n);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        // the server stopped reading: expected past the cap
                    }
                });
                writer.start();
            } else {
                // Jetty dispatches a request with a body once its first bytes arrive (delayDispatchUntilContent):
                // past the cap, only those 64 KiB are sent, and the 413 must come without the rest.
                out.write(body, 0, body.length <= MIB ? body.length : 65536);
                out.flush();
            }
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            boolean closed = false;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read.write(buffer, 0, n);
                    if (complete(read) && !read.toString(StandardCharsets.UTF_8).contains("Connection: close")) {
                        break; // a kept-alive connection: the answer is all there is
                    }
                }
                closed = n < 0;
            } catch (java.net.SocketTimeoutException e) {
                closed = false; // still open after 30 s
            } catch (IOException e) { // a reset after the answer is a close too (unsent body bytes)
                closed = true;
            }
            if (writer != null) {
                writer.join(30_000);
            }
            String text = read.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("an HTTP answer, got: %s", text).isPositive();
            return new Answer(text.substring(0, end), text.substring(end + 4), closed);
        }
    }

    private static boolean complete(ByteArrayOutputStream read) {
        String text = read.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String length = text.substring(0, end)
                .lines()
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .map(l -> l.substring(15).strip())
                .findFirst()
                .orElse(null);
        return length != null && text.length() - end - 4 >= Integer.parseInt(length);
    }

    private static byte[] form(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        byte[] prefix = "token=".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        return body;
    }

    private int healthz() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server().url() + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * Item 6 (F5): a 2 MiB body, with a Content-Length or chunked, to the unauthenticated sign-in and to an API
     * route, is answered 413 in the usual JSON shape and the connection closed; the server stays healthy.
     */
    @Test
    void oversizeBodiesAre413AndTheServerStaysHealthy() throws Exception {
        byte[] twoMib = form(2 * MIB);
        for (String path : List.of("/signin", "/api/v1/models/big/versions")) {
            for (boolean chunked : List.of(false, true)) {
                Answer answer = post(path, twoMib, chunked);
                String what = path + (chunked ? " chunked" : " with a Content-Length");
                assertThat(answer.status()).as(what).isEqualTo(413);
                assertThat(answer.head()).as(what).containsIgnoringCase("Connection: close");
                assertThat(answer.body())
                        .as(what)
                        .contains("\"code\":\"payload_too_large\"")
                        .contains("request body: ");
                assertThat(answer.closedByServer())
                        .as(what + ": the server closes the connection")
                        .isTrue();
                assertThat(healthz()).as("healthz after " + what).isEqualTo(200);
            }
        }
        // a fixed-length 413 comes after the first 64 KiB: post() never sent the rest

        // at the cap, chunked or not, a body is read as usual: the admin token signs in (302 to the dashboard)
        byte[] token = ("token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        byte[] atCap = Arrays.copyOf(token, MIB);
        Arrays.fill(atCap, token.length, MIB, (byte) 'x');
        atCap[token.length] = '&';
        for (boolean chunked : List.of(false, true)) {
            assertThat(post("/signin", atCap, chunked).status())
                    .as("chunked: " + chunked)
                    .isEqualTo(302);
        }
        assertThat(post("/signin", Arrays.copyOf(atCap, MIB + 1), true).status())
                .isEqualTo(413);
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

    private VersionHandle servingVersion(String modelId) {
        VersionHandle v1 = exampleVersion(modelId);
        v1.connectServing(source(db().url(), reader.password()), "prediction_id", "prediction_timestamp", mapping());
        return v1;
    }

    /**
     * Item 6 (F7): a run from year 1 to 9999 is refused with a sentence naming from/to, its window count and the
     * cap, and nothing is queued; a range under the cap is clamped to the source's first row.
     */
    @Test
    void runRangesAreCappedAndClampedToTheSource() throws Exception {
        servingVersion("ranges");
        String runs = "/api/v1/models/ranges/versions/v1/runs";
        HttpResponse<String> refused = api(
                "POST",
                runs,
                "{\"dataset\": \"serving\", \"from\": \"0001-01-01T00:00:00Z\", \"to\":"
                        + " \"9999-12-31T00:00:00Z\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(SpecCodecJson.read(refused.body()).at("/error/message").asText())
                .isEqualTo("from/to: 0001-01-01T00:00:00Z to 9999-12-31T00:00:00Z is 87649392 hourly windows,"
                        + " more than the 10000 one run may read (VIGIL_MAX_RUN_WINDOWS); run a shorter range");
        assertThat(SpecCodecJson.read(api("GET", runs, "").body()))
                .as("runs queued")
                .isEmpty();

        // the rows are 2026-01-01 00:01 to 00:20: a range from 2025-12-20 starts at their first window
        JsonNode started = SpecCodecJson.read(api(
                        "POST",
                        runs,
                        "{\"dataset\": \"serving\", \"from\": \"2025-12-20T00:00:00Z\", \"to\":"
                                + " \"2026-01-02T00:00:00Z\"}")
                .body());
        JsonNode done = await(started.get(0).path("id").asText());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("from").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(done.path("to").asText()).isEqualTo("2026-01-02T00:00:00Z");
        assertThat(done.path("windows_total").asInt()).isEqualTo(24);
        assertThat(done.path("rows_read").asInt()).isEqualTo(20);
    }

    /**
     * Item 6 (F7): without a range, a run reads from the source's first row; one row of year 1 makes that millions
     * of windows, and the run fails with a sentence instead of making them.
     */
    @Test
    void anOutlyingTimestampFailsTheRunInsteadOfMakingMillionsOfWindows() throws Exception {
        VersionHandle v1 = exampleVersion("outlier");
        v1.connectTraining(
                PostgresJdbcDataSource.builder()
                        .url(db().url())
                        .query("SELECT * FROM ml.outlier")
                        .user(reader.user())
                        .password(reader.password())
                        .build(),
                "id",
                "ts");
        JsonNode started = vigil().startRun("outlier", "v1", "training", null, null);
        JsonNode done = await(started.get(0).path("id").asText());
        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(done.path("error").asText())
                .startsWith("from/to: 0001-01-01T00:00:00Z to 2026-01-01T01:00:00Z (the source's rows, as clamped) is")
                .contains("more than the 10000 one run may read (VIGIL_MAX_RUN_WINDOWS)");
        assertThat(done.path("windows_total").asInt()).isZero();
    }

    /** Item 6 (F7): with the run thread busy and two runs queued, a third is answered 429 and not queued. */
    @Test
    void aFullRunQueueAnswers429() throws Exception {
        servingVersion("queue");
        String runs = "/api/v1/models/queue/versions/v1/runs";
        String body = "{\"dataset\": \"serving\"}";
        List<String> ids = new java.util.ArrayList<>();
        // the table locked: the first run waits on the source, in the run thread, until the lock is released
        try (java.sql.Connection lock = db().connectAsAdmin()) {
            lock.setAutoCommit(false);
            try (java.sql.Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE ml.model_predictions IN ACCESS EXCLUSIVE MODE");
            }
            HttpResponse<String> first = api("POST", runs, body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            ids.add(SpecCodecJson.read(first.body()).get(0).path("id").asText());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!vigil().getRun(ids.get(0)).path("status").asText().equals("running")) {
                assertThat(System.nanoTime()).as("the first run starts").isLessThan(deadline);
                Thread.sleep(50);
            }
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> queued = api("POST", runs, body);
                assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
                ids.add(SpecCodecJson.read(queued.body()).get(0).path("id").asText());
            }
            HttpResponse<String> full = api("POST", runs, body);
            assertThat(full.statusCode()).as(full.body()).isEqualTo(429);
            assertThat(SpecCodecJson.read(full.body()).at("/error/message").asText())
                    .isEqualTo("runs: 2 runs are already queued, the most the server holds (VIGIL_MAX_QUEUED_RUNS);"
                            + " start this one again once some have finished");
            assertThat(SpecCodecJson.read(api("GET", runs, "").body()))
                    .as("runs listed")
                    .hasSize(3);
            lock.rollback();
        }
        for (String id : ids) {
            assertThat(await(id).path("status").asText()).isEqualTo("succeeded");
        }
        assertThat(api("POST", runs, body).statusCode()).as("room again").isEqualTo(202);
    }

    /** JSON answers read as trees. */
    private static final class SpecCodecJson {
        static JsonNode read(String json) throws IOException {
            return dev.vigil.core.spec.SpecCodec.json().readTree(json);
        }
    }
}
