package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.query.Rollups;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.ServerId;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.RunRepository;
import dev.vigil.store.SecretCipher;
import dev.vigil.store.StaleRollup;
import dev.vigil.store.StoredProfile;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
            ModelVersion v = ServingFixture.store(storeA);
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

    /**
     * The race of review finding 2: server B's repair read no running run, and meanwhile a run of the dataset started
     * on server A. The run holds the dataset's roll-up lease from its start, so B's repair leaves the dataset (its
     * marks and its days) alone, and repairs it once the run has ended and given the lease back.
     */
    @Test
    void aRepairLeavesADatasetWhoseRunOnAnotherServerHoldsItsRollupLease() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-08T07:02:00Z"));
        CountDownLatch engineAsked = new CountDownLatch(1);
        CountDownLatch runMayEnd = new CountDownLatch(1);
        Supplier<DatasetProfiler> blocks = () -> {
            engineAsked.countDown();
            try {
                runMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new VigilStateException("the test is over");
        };
        ServerConfig.Limits limits = new ServerConfig.Limits(1 << 20, 10_000, 100, RUN_LEASE_SECONDS, LEASE_SECONDS);
        SecretCipher key = SecretCipher.of(SecretCipher.newKey());
        Instant day = Instant.parse("2026-03-07T00:00:00Z");
        String lease = Rollups.lease("m", "v1", "serving");
        try (TestDatabase db = PostgresTestServer.fromEnvironment().createDatabase("rollupleases");
                Metastore storeA = open(db, key, clock);
                Metastore storeB = open(db, key, clock)) {
            ModelVersion v = ServingFixture.store(storeA);
            // a failed run's hours: replaced, their day marked, never rolled up
            List<Instant> hours = List.of(day, day.plusSeconds(3600));
            storeA.profiles()
                    .replaceWindows(
                            "m", "v1", "serving", hours, profiles(hours, 10), Optional.empty(), Rollups.days(v, hours));
            try (RunService runsA = new RunService(
                    storeA, blocks, clock, (x, f, t) -> {}, limits, new ServerId("srv_aaaaaaaa", "host-a", 101))) {
                assertThat(dayMax(storeB, day))
                        .as("A's startup repaired the day")
                        .isEqualTo(12.0);
                storeA.profiles() // another failed run
                        .replaceWindows(
                                "m",
                                "v1",
                                "serving",
                                hours,
                                profiles(hours, 20),
                                Optional.empty(),
                                Rollups.days(v, hours));
                Run run = runsA.submit(v, DatasetKind.SERVING, Optional.empty(), Optional.empty());
                assertThat(engineAsked.await(30, TimeUnit.SECONDS))
                        .as("the run started")
                        .isTrue();
                assertThat(storeB.leases().acquire(lease, "a probe", Duration.ofSeconds(1)))
                        .as("the run holds the roll-up lease")
                        .isFalse();

                int repaired = Rollups.repair(
                        storeB, r -> false, Optional.of("repair on srv_bbbbbbbb"), Duration.ofSeconds(LEASE_SECONDS));
                assertThat(repaired).as("left to the run").isZero();
                assertThat(storeB.profiles().staleRollups())
                        .extracting(StaleRollup::day)
                        .containsExactly(day);
                assertThat(dayMax(storeB, day)).as("not written from the hours").isEqualTo(12.0);
                assertThat(storeB.leases().acquire(lease, "a probe", Duration.ofSeconds(1)))
                        .as("the repair did not give back the run's lease")
                        .isFalse();

                runMayEnd.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (storeA.runs().find(run.id()).orElseThrow().status() != Run.Status.FAILED) {
                    assertThat(System.nanoTime()).as("the run ended").isLessThan(deadline);
                    Thread.sleep(20);
                }
                while (repaired == 0) { // the lease is given back just after the failure is recorded
                    assertThat(System.nanoTime()).as("the lease was given back").isLessThan(deadline);
                    Thread.sleep(20);
                    repaired = Rollups.repair(
                            storeB,
                            r -> false,
                            Optional.of("repair on srv_bbbbbbbb"),
                            Duration.ofSeconds(LEASE_SECONDS));
                }
                assertThat(repaired).isEqualTo(1);
                assertThat(storeB.profiles().staleRollups()).isEmpty();
                assertThat(dayMax(storeB, day)).isEqualTo(22.0);
                assertThat(storeB.leases().acquire(lease, "a probe", Duration.ofSeconds(1)))
                        .as("the repair gave its lease back")
                        .isTrue();
            } finally {
                runMayEnd.countDown();
            }
        }
    }

    /** Each hour's profiles: one row, field a {@code base} in the first hour and {@code base + 2} in the second. */
    private static List<StoredProfile> profiles(List<Instant> hours, double base) {
        List<StoredProfile> profiles = new java.util.ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            Instant h = hours.get(i);
            FieldProfile a = FieldProfile.create(FieldType.numeric());
            a.addNumber(base + 2 * i);
            DatasetProfile rows = new DatasetProfile();
            rows.addRows(1);
            profiles.add(new StoredProfile(h, h.plusSeconds(3600), "", "", rows.toBytes()));
            profiles.add(new StoredProfile(h, h.plusSeconds(3600), "", "a", a.toBytes()));
        }
        return profiles;
    }

    /** The maximum of field a in the day's roll-up, or null when the day has none. */
    private static Double dayMax(Metastore store, Instant day) {
        return store
                .profiles()
                .find("m", "v1", "serving@day", day, day.plus(Duration.ofDays(1)), Optional.of(""), Optional.of("a"))
                .stream()
                .findFirst()
                .map(p -> FieldProfile.fromBytes(p.bytes()).metrics().get("max"))
                .orElse(null);
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
}
