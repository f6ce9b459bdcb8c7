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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
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
}
