package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Detection;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.server.AllowedHosts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The destination check, with a table for DNS (so a name can answer what a test needs, the way a hostile DNS server
 * would) and the system's parser for literal addresses.
 */
class DestinationsTest {
    private static final String WHY =
            "; Vigil does not send notifications to internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it";

    private final List<String> lookups = new ArrayList<>();

    /** A resolver answering from {@code table}; a literal address is parsed, as the system resolver does. */
    private Destinations.Resolver dns(Map<String, String> table) {
        return host -> {
            lookups.add(host);
            if (host.contains(":") || host.matches("[0-9.]+")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            String answer = table.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> out = new ArrayList<>();
            for (String a : answer.split(",")) {
                out.add(InetAddress.getByAddress(host, InetAddress.getByName(a).getAddress()));
            }
            return out.toArray(InetAddress[]::new);
        };
    }

    private static Monitor monitor(Action... actions) {
        return new Monitor(
                "m",
                MonitorType.MODEL_ACTIVITY,
                List.of(),
                null,
                null,
                Duration.ofHours(1),
                new Detection(Detection.Method.ABSOLUTE, null, 1.0, null, Detection.DEFAULT_K, 1, 5),
                null,
                0,
                0,
                Arrays.asList(actions));
    }

    private static Action webhook(String url) {
        return new Action(Action.Type.WEBHOOK, url, List.of());
    }

    private static Action email(String... to) {
        return new Action(Action.Type.EMAIL, null, List.of(to));
    }

    @Test
    void anInternalLiteralIsRefusedNamingTheActionTheHostAndWhy() {
        Destinations d = new Destinations(AllowedHosts.none(), dns(Map.of("hooks.example.com", "93.184.216.34")));
        assertThatThrownBy(() -> d.check(
                        monitor(
                                webhook("https://hooks.example.com/ok"),
                                webhook("http://169.254.169.254/latest/meta-data/")),
                        "monitor"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("monitor.actions[1].url: host 169.254.169.254 is a link-local address" + WHY);
        assertThatThrownBy(() -> d.check(monitor(webhook("http://[fd00:ec2::254]/")), "monitor"))
                .hasMessage("monitor.actions[0].url: host fd00:ec2::254 is a unique-local address (fc00::/7)" + WHY);
        assertThatThrownBy(() -> d.check(monitor(webhook("http://user:pw@[::ffff:127.0.0.1]:7070/x")), "monitor"))
                .as("user info and a mapped form change nothing")
                .hasMessage("monitor.actions[0].url: host ::ffff:127.0.0.1 is a loopback address" + WHY);
    }

    @Test
    void everyAddressOfANameMustPassNotOnlyTheFirst() {
        Destinations d = new Destinations(
                AllowedHosts.none(), dns(Map.of("mixed.example", "93.184.216.34,10.0.0.7", "ok.example", "8.8.8.8")));
        assertThatThrownBy(() -> d.check(monitor(webhook("https://mixed.example/h")), "monitor"))
                .hasMessage(
                        "monitor.actions[0].url: host mixed.example resolves to a private address (RFC 1918)" + WHY);
        assertThatCode(() -> d.check(monitor(webhook("https://ok.example/h")), "monitor"))
                .doesNotThrowAnyException();
    }

    @Test
    void aNameThatDoesNotResolveIsRefused() {
        Destinations d = new Destinations(AllowedHosts.none(), dns(Map.of()));
        assertThatThrownBy(() -> d.check(monitor(webhook("https://nowhere.invalid/h")), "monitor"))
                .hasMessage("monitor.actions[0].url: host nowhere.invalid does not resolve to an address; Vigil sends"
                        + " notifications only to hosts whose addresses it can check");
    }

    @Test
    void aListedRangeOrNameIsAllowedAndAListedNameIsNotResolvedAtPut() {
        Destinations d =
                new Destinations(AllowedHosts.parse("10.0.0.0/8, hooks.corp"), dns(Map.of("inside.corp", "10.1.2.3")));
        assertThatCode(() -> d.check(monitor(webhook("http://inside.corp/h"), webhook("http://10.9.9.9/")), "monitor"))
                .doesNotThrowAnyException();
        lookups.clear();
        assertThatCode(() -> d.check(monitor(webhook("http://hooks.corp:8080/h")), "monitor"))
                .doesNotThrowAnyException();
        assertThat(lookups)
                .as("the operator's word: a DNS outage at PUT does not refuse it")
                .isEmpty();
        assertThatThrownBy(() -> d.check(monitor(webhook("http://192.168.1.1/")), "monitor"))
                .hasMessage("monitor.actions[0].url: host 192.168.1.1 is a private address (RFC 1918)" + WHY);
    }

    @Test
    void atDeliveryTheNameIsResolvedOnceAndThoseAddressesAreWhatToConnectTo() throws Exception {
        // A rebinding name: public when the monitor was PUT, loopback now. Delivery resolves it once and refuses.
        Map<String, String> table = new java.util.HashMap<>(Map.of("rebind.example", "93.184.216.34"));
        Destinations d = new Destinations(AllowedHosts.none(), dns(table));
        d.check(monitor(webhook("https://rebind.example/h")), "monitor");
        table.put("rebind.example", "127.0.0.1");
        lookups.clear();
        assertThatThrownBy(() -> d.vet("rebind.example"))
                .isInstanceOf(Destinations.Refused.class)
                .hasMessage("host rebind.example resolves to a loopback address" + WHY);
        assertThat(lookups).containsExactly("rebind.example");
        table.put("rebind.example", "93.184.216.34,2606:4700:4700::1111");
        lookups.clear();
        assertThat(d.vet("rebind.example"))
                .extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34", "2606:4700:4700:0:0:0:0:1111");
        assertThat(lookups)
                .as("one lookup: the caller connects to these, not to the name")
                .hasSize(1);
    }

    @Test
    void aUrlWithoutAHostIsRefusedWithoutEchoingIt() {
        Destinations d = new Destinations(AllowedHosts.none(), dns(Map.of()));
        assertThatThrownBy(() -> d.check(monitor(webhook("http:///secret-path")), "monitor"))
                .hasMessage("monitor.actions[0].url: expected an http:// or https:// URL with a host name (the value is"
                        + " not shown: it may be a secret)");
        assertThat(lookups).isEmpty();
    }

    @Test
    void anEmailRecipientMustBeOnePlainAddress() {
        Destinations d = new Destinations(AllowedHosts.none(), dns(Map.of()));
        assertThatCode(() -> d.check(monitor(email("oncall@example.com", "a.b+c@sub.example.org")), "monitor"))
                .doesNotThrowAnyException();
        String expected = " is not a single e-mail address (expected one address such as oncall@example.com, without a"
                + " display name, list or line break)";
        for (String[] c : List.of(
                new String[] {"a@example.com\r\nBcc: all@example.com", "'a@example.com??Bcc: all@example.com'"},
                new String[] {"a@example.com,b@example.com", "'a@example.com,b@example.com'"},
                new String[] {"Boss <a@example.com>", "'Boss <a@example.com>'"},
                new String[] {"team: a@example.com;", "'team: a@example.com;'"},
                new String[] {"a@example.com\n", "'a@example.com?'"})) {
            assertThatThrownBy(() -> d.check(monitor(email("ok@example.com", c[0])), "monitor"))
                    .as(c[0])
                    .hasMessage("monitor.actions[0].to: " + c[1] + expected);
        }
        assertThat(lookups)
                .as("a recipient is an address, not a connection: nothing is resolved")
                .isEmpty();
    }
}
