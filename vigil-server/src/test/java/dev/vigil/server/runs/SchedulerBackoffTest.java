package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulerBackoffTest {
    @Test
    void doublesFromThirtySecondsUpToAnHour() {
        assertThat(Scheduler.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Scheduler.backoff(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Scheduler.backoff(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Scheduler.backoff(7)).isEqualTo(Duration.ofSeconds(30 * 64));
        assertThat(Scheduler.backoff(8)).as("30 s x 128 is past the cap").isEqualTo(Duration.ofHours(1));
        assertThat(Scheduler.backoff(50)).isEqualTo(Duration.ofHours(1));
    }
}
