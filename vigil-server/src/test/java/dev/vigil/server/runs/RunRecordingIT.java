package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.SecretCipher;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run's failure survives a metastore that is away when the run fails: on a PostgreSQL metastore whose {@code runs}
 * table goes missing just as the run hits an Error, the failure is tried again, then kept, and the reaper records it
 * on the first tick after the metastore is back. Meanwhile the run stays running in the metastore.
 */
class RunRecordingIT {
    private static String status(TestDatabase db, String table, String runId) throws SQLException {
        try (Connection c = db.connectAsAdmin();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT status || ': ' || coalesce(error, '') FROM " + table + " WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aFailureTheMetastoreRefusedIsRecordedByTheReaperOnceItIsBack() throws Exception {
        Clock clock = Clock.systemUTC();
        try (TestDatabase db = PostgresTestServer.fromEnvironment().createDatabase("runrecording");
                Metastore store = Metastore.open(
                        db.url(),
                        db.server().adminUser(),
                        db.server().adminPassword(),
                        SecretCipher.of(SecretCipher.newKey()),
                        clock)) {
            ModelVersion v = ServingFixture.store(store);
            // the metastore loses its runs table just as the run runs out of memory
            RunService runs = new RunService(
                    store,
                    () -> {
                        db.execute("ALTER TABLE runs RENAME TO runs_away");
                        throw new OutOfMemoryError("Java heap space");
                    },
                    clock);
            try (runs;
                    Scheduler scheduler = new Scheduler(store, runs, clock)) {
                String id = runs.submit(
                                v,
                                DatasetKind.SERVING,
                                Optional.of(Instant.parse("2026-02-02T00:00:00Z")),
                                Optional.of(Instant.parse("2026-02-02T03:00:00Z")))
                        .id();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (runs.unrecordedResults() == 0) {
                    assertThat(System.nanoTime())
                            .as("the run gave up recording")
                            .isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(status(db, "runs_away", id)).isEqualTo("RUNNING: ");

                scheduler.tick(); // the metastore is still away: the failure waits
                assertThat(runs.unrecordedResults()).isEqualTo(1);
                assertThat(status(db, "runs_away", id)).isEqualTo("RUNNING: ");

                db.execute("ALTER TABLE runs_away RENAME TO runs");
                scheduler.tick();
                assertThat(runs.unrecordedResults()).isZero();
                assertThat(status(db, "runs", id))
                        .isEqualTo("FAILED: the run ran out of memory (OutOfMemoryError) while starting Spark; give the"
                                + " server more heap (-Xmx in VIGIL_JAVA_OPTS) or run a shorter range");
            }
        }
    }
}
