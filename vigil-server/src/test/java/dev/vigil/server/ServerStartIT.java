package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilStateException;
import dev.vigil.store.Metastore;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the server starts, or refuses to (issue 18): a port in use is said in one sentence and uses up no admin token; a
 * heap Spark would refuse is refused at start.
 */
class ServerStartIT {
    @TempDir
    Path dir;

    private static ServerConfig config(Path dataDir, int port) {
        return ServerConfig.defaults()
                .withHost("127.0.0.1")
                .withPort(port)
                .withDataDir(dataDir)
                .withSchedulerTick(Duration.ZERO);
    }

    @Test
    void aPortInUseIsSaidInOneSentenceAndTheTokenIsMadeAtTheStartThatListens() throws Exception {
        Path data = dir.resolve("data");
        int port;
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = held.getLocalPort();
            assertThatThrownBy(() -> VigilServer.start(config(data, port), Map.of(), Clock.systemUTC()))
                    .isInstanceOf(VigilStateException.class)
                    .hasMessage("port " + port
                            + " on 127.0.0.1 is already in use (another Vigil server?); use --port or VIGIL_PORT");
        }
        assertThat(Files.exists(data.resolve("metastore.mv.db")))
                .as("refused before the metastore is made")
                .isFalse();
        try (Metastore store = Metastore.openDefault(data, Map.of(), Clock.systemUTC())) {
            assertThat(store.tokens().isEmpty()).as("no admin token used up").isTrue();
        }

        try (VigilServer server = VigilServer.start(config(data, 0), Map.of(), Clock.systemUTC())) {
            String token = server.generatedAdminToken().orElseThrow();
            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/models"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        }
        try (VigilServer again = VigilServer.start(config(data, 0), Map.of(), Clock.systemUTC())) {
            assertThat(again.generatedAdminToken()).as("made once only").isEmpty();
        }
    }

    @Test
    void aBindThatFailsInsideJavalinIsRecognised() {
        // as Javalin 6.7 throws it over Jetty's failure, should the port be taken between the check and the bind
        var javalin = new JavalinBindException(
                "Port already in use. Make sure no other process is using port 7070 and try again.",
                new IOException("Failed to bind to /127.0.0.1:7070", new BindException("Address already in use")));
        assertThat(VigilServer.isBindFailure(javalin)).isTrue();
        assertThat(VigilServer.isBindFailure(new RuntimeException(new BindException("Address already in use"))))
                .isTrue();
        assertThat(VigilServer.isBindFailure(new IllegalStateException("STOPPED")))
                .isFalse();
    }

    @Test
    void aHeapSparkWouldRefuseIsRefusedAtStart() {
        assertThatThrownBy(() -> VigilServer.requireHeap(384L << 20))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("the server needs a Java heap of at least 450 MB for Spark (it has 384 MB); raise -Xmx in"
                        + " VIGIL_JAVA_OPTS (e.g. -Xmx1g)");
        // Spark's own bound: 1.5 × its 300 MiB reserve (UnifiedMemoryManager.getMaxMemory)
        assertThatThrownBy(() -> VigilServer.requireHeap(471_859_200L - 1)).isInstanceOf(VigilStateException.class);
        VigilServer.requireHeap(471_859_200L);
    }
}
