package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingTest {
    private final Retrying retrying = new Retrying(4, Duration.ofMillis(1));

    @Test
    void aWriteThatFailsTwiceIsTriedAThirdTime() {
        AtomicInteger calls = new AtomicInteger();
        boolean done = retrying.run("write", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("the metastore is down");
            }
        });
        assertThat(done).isTrue();
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aWriteThatAlwaysFailsIsTriedTheBoundedNumberOfTimes() {
        AtomicInteger calls = new AtomicInteger();
        boolean done = retrying.run("write", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("the metastore is down");
        });
        assertThat(done).isFalse();
        assertThat(calls.get()).isEqualTo(4);
    }

    @Test
    void anInterruptedThreadStopsWaiting() {
        AtomicInteger calls = new AtomicInteger();
        Thread.currentThread().interrupt();
        boolean done = retrying.run("write", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("the metastore is down");
        });
        assertThat(Thread.interrupted()).isTrue();
        assertThat(done).isFalse();
        assertThat(calls.get()).isEqualTo(1);
    }
}
