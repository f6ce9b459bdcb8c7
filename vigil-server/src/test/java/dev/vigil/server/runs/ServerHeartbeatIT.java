package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.ServerId;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.SecretCipher;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A server's heartbeat on a PostgreSQL metastore, with no scheduler at all: it keeps both its running run and the run
 * queued behind it held past the server lease (6 s), while another server reaps; once it stops beating, the other
 * server fails both, quoting {@code VIGIL_SERVER_LEASE}. The run lease (an hour) plays no part. The engine never
 * profiles: a run blocks until the test ends. Real time: the beats are the heartbeat's own thread.
 */
class ServerHeartbeatIT {
    private static final int SERVER_LEASE_SECONDS = 6;

    @Test
    void theHeartbeatKeepsQueuedAndRunningRunsWithoutTicksAndTheirServerIsTakenForDeadOnceItStops() throws Exception {
        Clock clock = Clock.systemUTC();
        CountDownLatch testOver = new CountDownLatch(1);
        Supplier<DatasetProfiler> blocks = () -> {
            try {
                testOver.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new VigilStateException("the test is over");
        };
        ServerConfig.Limits limits = new ServerConfig.Limits(1 << 20, 10_000, 100, 3600, SERVER_LEASE_SECONDS);
        ServerId idA = new ServerId("srv_aaaaaaaa", "host-a", 101);
        ServerId idB = new ServerId("srv_bbbbbbbb", "host-b", 202);
        SecretCipher key = SecretCipher.of(SecretCipher.newKey());
        try (TestDatabase db = PostgresTestServer.fromEnvironment().createDatabase("serverheartbeat");
                Metastore storeA = open(db, key, clock);
                Metastore storeB = open(db, key, clock)) {
            ModelVersion v = ServingFixture.store(storeA);
            try (RunService runsA = new RunService(storeA, blocks, clock, (x, f, t) -> {}, limits, idA);
                    RunService runsB = new RunService(storeB, blocks, clock, (x, f, t) -> {}, limits, idB)) {
                Run running = runsA.submit(v, DatasetKind.SERVING, Optional.empty(), Optional.empty());
                Run queued = runsA.submit(v, DatasetKind.SERVING, Optional.empty(), Optional.empty());
                Instant submitted = clock.instant();
                awaitStatus(storeA, running.id(), Run.Status.RUNNING);
                ServerHeartbeat heartbeat = new ServerHeartbeat(runsA);
                try {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(2 * SERVER_LEASE_SECONDS));
                    runsB.reap(); // what server B's tick does
                    assertThat(storeB.runs().find(running.id()).orElseThrow().status())
                            .isEqualTo(Run.Status.RUNNING);
                    assertThat(storeB.runs().find(queued.id()).orElseThrow().status())
                            .as("queued, and held all the same without progress or ticks")
                            .isEqualTo(Run.Status.QUEUED);
                    assertThat(renewedAt(db, queued.id()))
                            .as("renewed by a beat, past the first lease")
                            .isAfter(submitted.plusSeconds(SERVER_LEASE_SECONDS));
                } finally {
                    heartbeat.close();
                }
                Instant lastBeat = renewedAt(db, queued.id());
                Thread.sleep(TimeUnit.SECONDS.toMillis(SERVER_LEASE_SECONDS) + 1_500);
                runsB.reap();
                for (Run r : new Run[] {running, queued}) {
                    Run failed = storeB.runs().find(r.id()).orElseThrow();
                    assertThat(failed.status()).isEqualTo(Run.Status.FAILED);
                    assertThat(failed.error())
                            .startsWith("server " + idA + " stopped renewing its lease at ")
                            .endsWith(" (VIGIL_SERVER_LEASE " + SERVER_LEASE_SECONDS + " seconds); another server"
                                    + " failed the run so that it can run again (a scheduled run is retried)");
                }
                assertThat(renewedAt(db, running.id()))
                        .as("one statement renewed both")
                        .isEqualTo(lastBeat);
            } finally {
                testOver.countDown();
            }
        }
    }

    private static void awaitStatus(Metastore store, String runId, Run.Status status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.runs().find(runId).orElseThrow().status() != status) {
            assertThat(System.nanoTime()).as("run " + runId + " is " + status).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Metastore open(TestDatabase db, SecretCipher key, Clock clock) {
        return Metastore.open(db.url(), db.server().adminUser(), db.server().adminPassword(), key, clock);
    }

    private static Instant renewedAt(TestDatabase db, String runId) throws Exception {
        try (var c = db.connectAsAdmin();
                var ps = c.prepareStatement("SELECT renewed_at FROM runs WHERE id = ?")) {
            ps.setString(1, runId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }
    }
}
