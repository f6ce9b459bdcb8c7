package dev.vigil.server.monitor;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.server.AllowedHosts;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where notifications may go (decision 0016). A webhook or Slack URL whose host resolves to an internal address
 * ({@link InternalAddresses}) is refused, unless {@code VIGIL_NOTIFY_ALLOW_HOSTS} lists its name or a range holding
 * the address: when the monitor is PUT, and again before each delivery, which then connects only to the addresses
 * vetted here (so a name that resolves elsewhere the second time cannot steer the request). E-mail goes through the
 * operator's SMTP server, so only its recipients are checked: each must be one plain address.
 */
public final class Destinations {
    private static final String WHY =
            "; Vigil does not send notifications to internal addresses unless" + " VIGIL_NOTIFY_ALLOW_HOSTS lists it";

    /** Host name to addresses: the system's DNS, or a test's table. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final AllowedHosts allowed;
    private final Resolver resolver;

    /** Destinations checked against {@code allowed}, resolved by the system's DNS. */
    public Destinations(AllowedHosts allowed) {
        this(allowed, InetAddress::getAllByName);
    }

    Destinations(AllowedHosts allowed, Resolver resolver) {
        this.allowed = allowed;
        this.resolver = resolver;
    }

    /** A destination Vigil does not send to, in one sentence without the URL (which may be a credential). */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Refuses {@code monitor} (under {@code key}, e.g. {@code monitor}) when one of its actions goes where Vigil does
     * not send: one sentence per action, naming it ({@code monitor.actions[0].url: host 169.254.169.254 is a
     * link-local address; …}).
     */
    public void check(Monitor monitor, String key) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < monitor.actions().size(); i++) {
            Action a = monitor.actions().get(i);
            String k = key + ".actions[" + i + "]";
            try {
                if (a.type() == Action.Type.EMAIL) {
                    a.to().forEach(Destinations::recipient);
                } else {
                    String host = host(a.url());
                    if (!allowed.allowsName(host)) { // a listed name is the operator's word: not resolved here
                        vet(host);
                    }
                }
            } catch (Refused e) {
                problems.add(k + (a.type() == Action.Type.EMAIL ? ".to: " : ".url: ") + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
    }

    /** The host of an http(s) URL, an IPv6 literal without its brackets; {@link Refused} when there is none. */
    static String host(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            // the value is not echoed: a webhook URL is a credential
            throw new Refused("expected an http:// or https:// URL with a host name (the value is not shown: it may be"
                    + " a secret)");
        }
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * The addresses of {@code host} to connect to: all of them when each is public or allowed (or the name is
     * allowed); else {@link Refused}, naming the host and the first internal kind found. Resolved once, here: the
     * caller connects to these addresses, never to the name.
     */
    List<InetAddress> vet(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("host " + host + " does not resolve to an address; Vigil sends notifications only to"
                    + " hosts whose addresses it can check");
        }
        if (addresses.length == 0) {
            throw new Refused("host " + host + " does not resolve to an address");
        }
        if (allowed.allowsName(host)) {
            return List.of(addresses);
        }
        boolean literal = host.contains(":") || host.matches("[0-9.]+");
        for (InetAddress address : addresses) {
            Optional<String> kind = InternalAddresses.kind(address);
            if (kind.isPresent() && !allowed.allowsAddress(address)) {
                throw new Refused("host " + host + (literal ? " is " : " resolves to ") + kind.get() + WHY);
            }
        }
        return List.of(addresses);
    }

    /**
     * Refuses a recipient that is not one plain address ({@code oncall@example.com}): a list, a display name, a group
     * or a line break would let one action write other headers or reach other people than it says.
     */
    static void recipient(String to) {
        String shown = to.replaceAll("\\p{Cntrl}", "?");
        String expected = " is not a single e-mail address (expected one address such as oncall@example.com, without"
                + " a display name, list or line break)";
        if (!shown.equals(to)) {
            throw new Refused("'" + shown + "'" + expected);
        }
        try {
            InternetAddress parsed = new InternetAddress(to, true);
            if (parsed.isGroup() || parsed.getPersonal() != null || !to.equals(parsed.getAddress())) {
                throw new Refused("'" + shown + "'" + expected);
            }
        } catch (AddressException e) {
            throw new Refused("'" + shown + "'" + expected);
        }
    }
}
