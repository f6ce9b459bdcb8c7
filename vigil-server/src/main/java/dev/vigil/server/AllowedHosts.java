package dev.vigil.server;

import dev.vigil.core.VigilArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The internal destinations an operator lets notifications reach ({@code VIGIL_NOTIFY_ALLOW_HOSTS}): host names,
 * matched exactly and whatever they resolve to, and address ranges in CIDR notation (IPv4 or IPv6; a bare address is
 * a range of one). Everything else that resolves to a loopback, private, link-local or otherwise internal address is
 * refused (decision 0016).
 *
 * @param entries the list as given, each entry stripped and lower-cased
 */
public record AllowedHosts(List<String> entries) {
    private static final String KEY = "VIGIL_NOTIFY_ALLOW_HOSTS";
    /** A DNS name: letters, digits, hyphens and dots, no scheme, port or path. */
    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*\\.?");
    /** What may be handed to {@link InetAddress#getByName} without it asking DNS: digits, dots, hex and colons. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9a-f:.]+");

    public AllowedHosts {
        entries = List.copyOf(entries);
        List<String> problems = new ArrayList<>();
        for (String e : entries) {
            problem(e).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
    }

    /** Nothing internal is allowed: the default. */
    public static AllowedHosts none() {
        return new AllowedHosts(List.of());
    }

    /** The allowlist of a comma-separated {@code value} (null or blank: none); a bad entry is named in one sentence. */
    public static AllowedHosts parse(String value) {
        if (value == null || value.isBlank()) {
            return none();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String e = part.strip().toLowerCase(Locale.ROOT);
            if (e.startsWith("[") && e.endsWith("]")) {
                e = e.substring(1, e.length() - 1); // an IPv6 literal as a URL writes it
            }
            if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return new AllowedHosts(out);
    }

    /** Whether {@code host} (a URL's host, IPv6 literals without brackets) is listed by name. */
    public boolean allowsName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return entries.stream().anyMatch(e -> !isRange(e) && e.equals(h));
    }

    /** Whether {@code address} lies in a listed range (an IPv4 range also covers its IPv4-mapped IPv6 form). */
    public boolean allowsAddress(InetAddress address) {
        byte[] a = address.getAddress();
        for (String e : entries) {
            if (isRange(e)) {
                Range r = Range.of(e);
                if (r.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An address, or an address and a prefix length: what is before any '/' is digits and dots, or has a colon. */
    private static boolean isRange(String entry) {
        String address = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
        return ADDRESS.matcher(address).matches() && (address.contains(":") || address.matches("[0-9.]+"));
    }

    /** Four dotted decimal numbers: an IPv4 address, not a name like {@code 1e100.net}. */
    private static boolean isDotted(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static Optional<String> problem(String entry) {
        String expected = " (expected a host name such as hooks.example.com, or an address range such as 10.0.0.0/8,"
                + " 192.168.1.5 or fd00::/8)";
        if (isRange(entry)) {
            try {
                Range.of(entry);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(KEY + ": '" + entry + "' is not an address range: " + e.getMessage() + expected);
            }
        }
        if (!HOST_NAME.matcher(entry).matches()) {
            return Optional.of(KEY + ": '" + entry + "' is neither a host name nor an address range" + expected);
        }
        return Optional.empty();
    }

    /** An address range: the first {@code prefix} bits of {@code network}. */
    private record Range(byte[] network, int prefix) {
        static Range of(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!address.contains(":") && !isDotted(address)) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
            }
            if (isDotted(address)) {
                for (String octet : address.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) { // else InetAddress would take it for a name and ask DNS
                        throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
                    }
                }
            }
            byte[] network;
            try {
                network = InetAddress.getByName(address).getAddress(); // a literal: no DNS lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
            }
            int bits = network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = cidr.substring(slash + 1);
                try {
                    prefix = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits || !p.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException("the prefix length '" + p + "' is not 0 to " + bits);
                }
            }
            return new Range(network, prefix);
        }

        boolean contains(byte[] address) {
            byte[] a = address;
            if (a.length != network.length) {
                if (network.length == 4 && a.length == 16 && isMapped(a)) {
                    a = Arrays.copyOfRange(a, 12, 16);
                } else {
                    return false;
                }
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    /** The IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d}. */
    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
