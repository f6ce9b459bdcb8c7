package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.store.Metastore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's thread outlives a tick that throws an Error: the ticks after it still run. */
class SchedulerSurvivesErrorsTest {
    @Test
    void aTickThatThrowsAnErrorIsLoggedAndTheNextTicksStillRun(@TempDir Path dir) throws Exception {
        Clock clock = Clock.systemUTC();
        AtomicInteger ticks = new AtomicInteger();
        CountDownLatch threeMore = new CountDownLatch(3);
        Runnable onTick = () -> {
            if (ticks.incrementAndGet() == 1) {
                throw new StackOverflowError("the first tick overflows");
            }
            if (ticks.get() == 2) {
                throw new OutOfMemoryError("the second runs out of memory");
            }
            threeMore.countDown();
        };
        try (Metastore store = Metastore.openDefault(dir, Map.of(), clock);
                RunService runs = new RunService(
                        store,
                        () -> {
                            throw new AssertionError("no run is due");
                        },
                        clock);
                Scheduler scheduler = new Scheduler(store, runs, clock, onTick)) {
            scheduler.start(Duration.ofMillis(20));
            assertThat(threeMore.await(30, TimeUnit.SECONDS))
                    .as("ticks after the two that threw (%d so far)", ticks.get())
                    .isTrue();
        }
        assertThat(ticks.get()).isGreaterThanOrEqualTo(5);
    }
}
