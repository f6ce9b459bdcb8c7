package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLeasesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-02T10:00:00Z"));
    private final RunLeases leases = new RunLeases(clock, Duration.ofMinutes(10));

    @Test
    void aRunningRunExpiresOnlyPastItsLeaseSinceItsLastProgressWithTheThreadToInterrupt() {
        leases.queued("run_a");
        clock.advance(Duration.ofHours(5));
        assertThat(leases.expire()).as("a queued run is not running yet").isEmpty();

        leases.started("run_a");
        clock.advance(Duration.ofMinutes(9));
        leases.doing("run_a", "profiling window 2026-02-02T09:00:00Z");
        clock.advance(Duration.ofMinutes(10));
        assertThat(leases.expire())
                .as("exactly the lease since its last progress")
                .isEmpty();
        assertThat(leases.activity("run_a")).isEqualTo("profiling window 2026-02-02T09:00:00Z");

        clock.advance(Duration.ofSeconds(1));
        assertThat(leases.expire()).containsExactly(Map.entry("run_a", Thread.currentThread()));
        assertThat(Thread.interrupted())
                .as("not interrupted yet: the reaper records the failure first, then interrupts")
                .isFalse();
        assertThat(leases.holds("run_a")).isFalse();
        assertThat(leases.expire()).as("expired once").isEmpty();
    }

    @Test
    void anEndedRunIsNeverInterrupted() {
        leases.queued("run_b");
        leases.started("run_b");
        leases.ended("run_b");
        clock.advance(Duration.ofDays(1));
        assertThat(leases.expire()).isEmpty();
        assertThat(Thread.interrupted()).isFalse();
        assertThat(leases.holds("run_b")).isFalse();
    }

    @Test
    void anUnrecordedResultWaitsUntilItIsRecorded() {
        leases.unrecorded("run_c", "the run ran out of memory");
        assertThat(leases.unrecorded()).isEqualTo(Map.of("run_c", "the run ran out of memory"));
        leases.recorded("run_c");
        assertThat(leases.unrecorded()).isEmpty();
    }

    @Test
    void aRunAnotherServerFailedIsLetGoWithItsThreadIfItHadStarted() {
        leases.queued("run_d");
        leases.queued("run_e");
        leases.started("run_e");
        assertThat(leases.held()).containsExactlyInAnyOrder("run_d", "run_e");
        assertThat(leases.letGo("run_d")).as("queued: no thread").isEmpty();
        assertThat(leases.letGo("run_e")).contains(Thread.currentThread());
        assertThat(leases.held()).isEmpty();
        assertThat(leases.letGo("run_e")).as("let go once").isEmpty();
        clock.advance(Duration.ofDays(1));
        assertThat(leases.expire()).as("nothing left to expire").isEmpty();
        assertThat(Thread.interrupted()).isFalse();
    }
}
