package dev.vigil.server.monitor;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * Which addresses are internal: the ones a notification must not reach unless the operator allows them, because a
 * request from the server to them reaches what only the server should (its own admin port, the cloud metadata service
 * at 169.254.169.254 or fd00:ec2::254, services on the private network). Decided on the address bytes alone, so the
 * answer is the same however the address was written (decimal, octal, IPv4-mapped IPv6).
 */
final class InternalAddresses {
    private InternalAddresses() {}

    /** What kind of internal address {@code address} is ("a loopback address"), or empty for a public one. */
    static Optional<String> kind(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == 4 ? ipv4(a) : ipv6(a);
    }

    private static Optional<String> ipv4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 0) {
            return Optional.of("an unspecified address (0.0.0.0/8)");
        }
        if (b0 == 127) {
            return Optional.of("a loopback address");
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return Optional.of("a private address (RFC 1918)");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("a link-local address");
        }
        if (b0 == 192 && b1 == 0 && b2 == 0) {
            return Optional.of("a reserved address (192.0.0.0/24)");
        }
        if (b0 == 198 && (b1 & 0xfe) == 18) {
            return Optional.of("a reserved address (198.18.0.0/15)");
        }
        if ((b0 & 0xf0) == 224) {
            return Optional.of("a multicast address");
        }
        if ((b0 & 0xf0) == 240) {
            return Optional.of("a reserved address (240.0.0.0/4, broadcast included)");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6(byte[] a) {
        if (allZero(a, 0, 16)) {
            return Optional.of("an unspecified address (::)");
        }
        if (allZero(a, 0, 15) && a[15] == 1) {
            return Optional.of("a loopback address");
        }
        // An IPv4 address carried in IPv6 reaches that IPv4 host: judge the IPv4 address.
        if (allZero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
            return ipv4(Arrays.copyOfRange(a, 12, 16)).map(k -> k + " (IPv4-mapped)");
        }
        if (allZero(a, 0, 12)) {
            return ipv4(Arrays.copyOfRange(a, 12, 16)).map(k -> k + " (IPv4-compatible)");
        }
        if (word(a, 0) == 0x64 && word(a, 2) == 0xff9b && allZero(a, 4, 12)) {
            return ipv4(Arrays.copyOfRange(a, 12, 16)).map(k -> k + " (NAT64)");
        }
        if (word(a, 0) == 0x64 && word(a, 2) == 0xff9b && word(a, 4) == 1) {
            return Optional.of("a local-use NAT64 address (64:ff9b:1::/48)");
        }
        if (word(a, 0) == 0x2002) {
            return ipv4(Arrays.copyOfRange(a, 2, 6)).map(k -> k + " (6to4)");
        }
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return Optional.of("a unique-local address (fc00::/7)");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return Optional.of("a link-local address");
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return Optional.of("a site-local address (fec0::/10)");
        }
        if (b0 == 0xff) {
            return Optional.of("a multicast address");
        }
        return Optional.empty();
    }

    private static int word(byte[] a, int i) {
        return ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
