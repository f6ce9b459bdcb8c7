package dev.vigil.client.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a server URL sends the API token in clear text across a network: {@code http://} to a host other than this
 * machine. Loopback is judged from the URL alone (localhost, 127.0.0.0/8, ::1); no name is looked up in DNS.
 */
final class ClearText {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ClearText() {}

    /** The warning to show for {@code url}, if the token it is sent with would travel in clear text. */
    static Optional<String> warning(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the request itself will say what is wrong with the URL
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || isLoopback(uri.getHost())) {
            return Optional.empty();
        }
        return Optional.of("The Vigil server " + url + " is reached over plain http:// on another host: the API token"
                + " and every request travel in clear text; use https:// (vigil server --tls-cert/--tls-key, or a TLS"
                + " reverse proxy).");
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (!IPV4.matcher(h).matches() && !h.contains(":")) {
            return false; // a name: not looked up, so counted as another machine
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // an address literal: parsed, not resolved
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
