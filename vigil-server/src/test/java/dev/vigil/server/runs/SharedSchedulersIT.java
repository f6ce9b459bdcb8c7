package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.ServerId;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.RunRepository;
import dev.vigil.store.SecretCipher;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Two servers' schedulers on one PostgreSQL metastore, each with its own pool, run service and id, on one test clock:
 * a due time of the cron schedule is claimed once however the ticks interleave, nothing more is claimed while that
 * run is in flight, and when its holder stops renewing its lease the other fails it naming the holder and retries it
 * after the backoff. The engine never profiles: a run blocks until the test ends, so that it stays in flight.
 */
class SharedSchedulersIT {
    /**
     * The server lease: longer than the five minutes between due times, so that a run in flight at the next one is
     * within it.
     */
    private static final int LEASE_SECONDS = 600;
    /** The run lease (no progress for that long fails a run), longer than the whole test: it plays no part. */
    private static final int RUN_LEASE_SECONDS = 7200;

    @Test
    void aDueTimeIsClaimedOnceAndTheOtherServerRetriesTheRunOfOneThatStopped() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-08T07:02:00Z"));
        CountDownLatch testOver = new CountDownLatch(1);
        Supplier<DatasetProfiler> blocks = () -> {
            try {
                testOver.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new VigilStateException("the test is over");
        };
        ServerConfig.Limits limits = new ServerConfig.Limits(1 << 20, 10_000, 100, RUN_LEASE_SECONDS, LEASE_SECONDS);
        ServerId idA = new ServerId("srv_aaaaaaaa", "host-a", 101);
        ServerId idB = new ServerId("srv_bbbbbbbb", "host-b", 202);
        SecretCipher key = SecretCipher.of(SecretCipher.newKey());
        try (TestDatabase db = PostgresTestServer.fromEnvironment().createDatabase("sharedschedulers");
                Metastore storeA = open(db, key, clock);
                Metastore storeB = open(db, key, clock)) {
            ModelVersion v = version(storeA);
            try (RunService runsA = new RunService(storeA, blocks, clock, (x, f, t) -> {}, limits, idA);
                    RunService runsB = new RunService(storeB, blocks, clock, (x, f, t) -> {}, limits, idB);
                    Scheduler a = new Scheduler(storeA, runsA, clock);
                    Scheduler b = new Scheduler(storeB, runsB, clock)) {
                tickTogether(a, b); // first sight: nothing due before 07:05
                assertThat(storeA.runs().list("m", "v1", 10)).isEmpty();

                clock.set(Instant.parse("2026-03-08T07:05:30Z"));
                tickTogether(a, b);
                List<RunRepository.Scheduled> claimed = storeA.runs().scheduled("m", "v1", "serving", 10);
                assertThat(claimed).hasSize(1);
                assertThat(claimed.get(0).dueAt()).isEqualTo(Instant.parse("2026-03-08T07:05:00Z"));
                Run first = claimed.get(0).run();
                String holder = owner(db, first.id());
                boolean aHolds = holder.equals(idA.toString());
                assertThat(holder).isIn(idA.toString(), idB.toString());
                Scheduler survivor = aHolds ? b : a;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (storeA.runs().find(first.id()).orElseThrow().status() != Run.Status.RUNNING) {
                    assertThat(System.nanoTime()).as("the run started").isLessThan(deadline);
                    Thread.sleep(20);
                }
                ServerId dead = aHolds ? idA : idB;

                clock.advance(Duration.ofMinutes(5)); // 07:10 comes while the 07:05 run is in flight
                tickTogether(a, b);
                runsA.heartbeat(); // the heartbeats, which tick no longer stands in for
                runsB.heartbeat();
                assertThat(storeA.runs().scheduled("m", "v1", "serving", 10)).hasSize(1);

                // the holder stops beating (its last beat renewed the lease at 07:10:30): past it, the survivor reaps
                // it
                clock.advance(Duration.ofSeconds(LEASE_SECONDS - 1));
                survivor.tick();
                assertThat(storeA.runs().find(first.id()).orElseThrow().status())
                        .as("within the lease its holder's last tick renewed")
                        .isEqualTo(Run.Status.RUNNING);
                clock.advance(Duration.ofSeconds(2));
                survivor.tick();
                Run failed = storeA.runs().find(first.id()).orElseThrow();
                assertThat(failed.status()).isEqualTo(Run.Status.FAILED);
                assertThat(failed.error())
                        .isEqualTo("server " + dead + " stopped renewing its lease at 2026-03-08T07:10:30Z"
                                + " (VIGIL_SERVER_LEASE " + LEASE_SECONDS
                                + " seconds); another server failed the run so"
                                + " that it can run again (a scheduled run is retried)");
                assertThat(storeA.runs().scheduled("m", "v1", "serving", 10))
                        .as("retried after the backoff, not at once")
                        .hasSize(1);

                clock.advance(Duration.ofSeconds(31));
                survivor.tick();
                List<RunRepository.Scheduled> after = storeA.runs().scheduled("m", "v1", "serving", 10);
                assertThat(after).hasSize(2);
                assertThat(after.get(0).dueAt()).isEqualTo(failed.finishedAt().plusSeconds(30));
                assertThat(owner(db, after.get(0).run().id())).isEqualTo((aHolds ? idB : idA).toString());
            } finally {
                testOver.countDown();
            }
        }
    }

    /** Both schedulers tick at once, from two threads, as two servers would. */
    private static void tickTogether(Scheduler a, Scheduler b) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Thread other = new Thread(() -> {
            try {
                start.await(10, TimeUnit.SECONDS);
                b.tick();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        start.await(10, TimeUnit.SECONDS);
        a.tick();
        other.join(30_000);
    }

    private static Metastore open(TestDatabase db, SecretCipher key, MutableClock clock) {
        return Metastore.open(db.url(), db.server().adminUser(), db.server().adminPassword(), key, clock);
    }

    private static String owner(TestDatabase db, String runId) throws Exception {
        try (var c = db.connectAsAdmin();
                var ps = c.prepareStatement("SELECT owner FROM runs WHERE id = ?")) {
            ps.setString(1, runId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static ModelVersion version(Metastore store) {
        ModelVersion v = new ModelVersion(
                "m",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("a", FieldType.numeric())
                        .prediction("p", FieldType.numeric())
                        .build());
        store.models().upsert(new Model("m", "M"));
        store.versions().upsert(v);
        store.datasets()
                .upsert(
                        "m",
                        "v1",
                        new DatasetConnection(
                                DatasetKind.SERVING,
                                PostgresJdbcDataSource.builder()
                                        .url("jdbc:postgresql://db.example.com:5432/shop")
                                        .query("SELECT id, ts, a, p FROM predictions")
                                        .user("reader")
                                        .password("never-used")
                                        .build(),
                                "id",
                                "ts",
                                Map.of(),
                                Map.of()));
        return v;
    }
}
