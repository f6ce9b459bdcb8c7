package dev.vigil.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed token checks per remote address, shared by the API and the dashboard's sign-in ({@link
 * TokenRepository#attempts()}), so that guessing tokens costs the metastore nothing after a few tries (review F14):
 * past {@link #LIMIT} failures in a minute, an address is turned away without a lookup until the minute ends.
 * Generated tokens carry 256 bits, so this protects the metastore's connection pool more than the tokens.
 */
public final class FailedAttempts {
    /** Failures one address may make in one minute. */
    static final int LIMIT = 60;

    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Addresses remembered at most; past it, finished minutes are forgotten first, then everything. */
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    private record Tally(Instant windowStart, int failures) {}

    FailedAttempts(Clock clock) {
        this.clock = clock;
    }

    /** Seconds until {@code address} may try again, or 0 when it may now. */
    public long retryAfterSeconds(String address) {
        Tally t = tallies.get(address);
        Instant now = clock.instant();
        if (t == null || t.failures() < LIMIT || !now.isBefore(t.windowStart().plus(WINDOW))) {
            return 0;
        }
        return Math.max(1, Duration.between(now, t.windowStart().plus(WINDOW)).toSeconds());
    }

    /** Counts a failed attempt from {@code address}. */
    public void failed(String address) {
        Instant now = clock.instant();
        if (tallies.size() >= MAX_ADDRESSES) {
            tallies.values().removeIf(t -> !now.isBefore(t.windowStart().plus(WINDOW)));
            if (tallies.size() >= MAX_ADDRESSES) {
                tallies.clear();
            }
        }
        tallies.merge(
                address,
                new Tally(now, 1),
                (old, one) -> now.isBefore(old.windowStart().plus(WINDOW))
                        ? new Tally(old.windowStart(), old.failures() + 1)
                        : one);
    }
}
