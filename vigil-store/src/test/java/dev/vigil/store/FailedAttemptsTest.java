package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final FailedAttempts attempts = new FailedAttempts(clock);

    @Test
    void anAddressIsTurnedAwayAfterTheLimitUntilItsMinuteEnds() {
        for (int i = 0; i < FailedAttempts.LIMIT - 1; i++) {
            attempts.failed("203.0.113.7");
        }
        assertThat(attempts.retryAfterSeconds("203.0.113.7")).isZero();
        attempts.failed("203.0.113.7");
        clock.advance(Duration.ofSeconds(15));
        assertThat(attempts.retryAfterSeconds("203.0.113.7")).isEqualTo(45);
        assertThat(attempts.retryAfterSeconds("203.0.113.8"))
                .as("another address")
                .isZero();
        clock.advance(Duration.ofSeconds(45));
        assertThat(attempts.retryAfterSeconds("203.0.113.7")).isZero();
    }

    @Test
    void anIpv6HostCountsAsItsWholeSlash64() {
        for (int i = 0; i < FailedAttempts.LIMIT; i++) {
            attempts.failed("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertThat(attempts.retryAfterSeconds("2001:db8:1:2:ffff::9")).isPositive();
        assertThat(attempts.retryAfterSeconds("[2001:db8:1:2::1]")).isPositive();
        assertThat(attempts.retryAfterSeconds("2001:db8:1:3::1"))
                .as("the next /64")
                .isZero();
        assertThat(FailedAttempts.key("2001:db8:1:2::1")).isEqualTo("20010db800010002/64");
        assertThat(FailedAttempts.key("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void aFloodOfNewAddressesDoesNotUnblockABlockedOne() {
        for (int i = 0; i < FailedAttempts.LIMIT; i++) {
            attempts.failed("198.51.100.1");
        }
        for (int i = 0; i < 20_000; i++) {
            attempts.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }
        assertThat(attempts.retryAfterSeconds("198.51.100.1")).isPositive();
    }
}
