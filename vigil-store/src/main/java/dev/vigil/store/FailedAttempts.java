package dev.vigil.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
        Tally t = tallies.get(key(address));
        Instant now = clock.instant();
        if (t == null || t.failures() < LIMIT || !now.isBefore(t.windowStart().plus(WINDOW))) {
            return 0;
        }
        return Math.max(1, Duration.between(now, t.windowStart().plus(WINDOW)).toSeconds());
    }

    /**
     * Counts a failed attempt from {@code address}. When {@link #MAX_ADDRESSES} are remembered, finished minutes are
     * forgotten first, then addresses not (yet) turned away; a blocked address is never forgotten before its minute
     * ends, so that flooding from many addresses cannot unblock one.
     */
    public void failed(String address) {
        Instant now = clock.instant();
        String key = key(address);
        if (tallies.size() >= MAX_ADDRESSES && !tallies.containsKey(key)) {
            tallies.values().removeIf(t -> !now.isBefore(t.windowStart().plus(WINDOW)));
            if (tallies.size() >= MAX_ADDRESSES) {
                tallies.values().removeIf(t -> t.failures() < LIMIT);
            }
            if (tallies.size() >= MAX_ADDRESSES) {
                return; // ten thousand blocked addresses: the newest ones are simply not counted
            }
        }
        tallies.merge(
                key,
                new Tally(now, 1),
                (old, one) -> now.isBefore(old.windowStart().plus(WINDOW))
                        ? new Tally(old.windowStart(), old.failures() + 1)
                        : one);
    }

    /**
     * Whom a failure counts against: an IPv4 address, or the /64 of an IPv6 address (one host owns a whole /64, so
     * counting single IPv6 addresses would let it rotate through them for free).
     */
    static String key(String address) {
        String a =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.indexOf(':') < 0) {
            return a;
        }
        try {
            byte[] bytes = InetAddress.getByName(a).getAddress(); // an IPv6 literal: parsed, never looked up
            if (bytes.length == 16) {
                return HexFormat.of().formatHex(bytes, 0, 8) + "/64";
            }
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
