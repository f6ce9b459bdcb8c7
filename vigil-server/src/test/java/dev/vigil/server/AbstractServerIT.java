package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.testing.Closer;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the tests that run a whole server (as Trino's {@code AbstractTestQueryFramework}): once per class, a
 * test database ({@code <class>_it_<random>}), a server on a free port with its metastore in a temporary directory,
 * the scheduler idle (tests tick it by hand) and {@link #TOKEN} as admin, and the SDK connected to it. All of it is
 * closed in one place, {@link #closeAll()}, the last opened first.
 *
 * <p>A subclass fills the database in {@link #createSource}, may change the {@link #clock()} or the server's
 * {@link #configure configuration}, hands what else it opens to {@link #closeAfterClass}, and does the rest of its
 * setup in its own {@code @BeforeAll}, which JUnit runs after this class's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractServerIT {
    /** The admin token of the server under test. */
    protected static final String TOKEN = "vgl_server_it_admin_token_0123456789abcdef";

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private final Closer closer = new Closer();
    private TestDatabase db;
    private VigilServer server;
    private Vigil vigil;

    /** The configuration of every test server: a free port, {@code dataDir}, {@link #TOKEN}, the scheduler idle. */
    protected static ServerConfig config(Path dataDir) {
        return ServerConfig.defaults()
                .withPort(0)
                .withDataDir(dataDir)
                .withAdminToken(TOKEN)
                .withSchedulerTick(Duration.ZERO)
                .withNotifications(NotifySettings.defaults().withAllowHosts(AllowedHosts.parse("127.0.0.1")));
    }

    @BeforeAll
    protected final void startServer(@TempDir Path dataDir) throws Exception {
        String prefix = getClass().getSimpleName().replaceFirst("IT$", "").toLowerCase(Locale.ROOT) + "_it";
        db = closer.register(PostgresTestServer.fromEnvironment().createDatabase(prefix));
        createSource(db);
        server = closer.register(VigilServer.start(configure(config(dataDir)), Map.of(), clock()));
        vigil = Vigil.connect(server.url(), TOKEN);
    }

    @AfterAll
    protected final void closeAll() throws Exception {
        closer.close();
    }

    /** Creates the user's tables (and read-only users) in the test database, before the server starts. */
    protected abstract void createSource(TestDatabase db) throws Exception;

    /** The server's clock; the system's unless a test moves its own. */
    protected Clock clock() {
        return Clock.systemUTC();
    }

    /** The server's configuration, from {@link #config(Path)}; a test may add to it. */
    protected ServerConfig configure(ServerConfig config) throws Exception {
        return config;
    }

    /** Closes {@code resource} with the class: before everything opened earlier, the server and database included. */
    protected final <T extends AutoCloseable> T closeAfterClass(T resource) {
        return closer.register(resource);
    }

    protected final TestDatabase db() {
        return db;
    }

    protected final VigilServer server() {
        return server;
    }

    /** The SDK, connected to {@link #server()} as admin. */
    protected final Vigil vigil() {
        return vigil;
    }

    /** The run once it succeeded or failed; an assertion error after three minutes. */
    protected final JsonNode await(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = vigil.getRun(runId);
            String status = run.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " did not finish in 3 minutes");
    }

    /**
     * Runs {@code dataset} of {@code model}/{@code version} over [{@code from}, {@code to}) (null: all of it) and
     * returns the finished run; fails the test unless it succeeded.
     */
    protected final JsonNode runToSuccess(String model, String version, String dataset, Instant from, Instant to)
            throws InterruptedException {
        JsonNode started = vigil.startRun(model, version, dataset, from, to);
        JsonNode done = await(started.get(0).path("id").asText());
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        return done;
    }

    /** Runs all of training, then serving over [{@code from}, {@code to}); fails the test unless both succeed. */
    protected final void runTrainingAndServing(String model, String version, Instant from, Instant to)
            throws InterruptedException {
        runToSuccess(model, version, "training", null, null);
        runToSuccess(model, version, "serving", from, to);
    }
}
