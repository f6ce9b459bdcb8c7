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
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training"));
    }

    private PostgresJdbcDataSource source(String url, String password) {
        return PostgresJdbcDataSource.builder()
                .url(url)
                .query("SELECT * FROM ml.model_predictions")
                .user(reader.user())
                .password(password)
                .build();
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
}
