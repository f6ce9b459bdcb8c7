package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIGIL_NOTIFY_ALLOW_HOSTS: names match exactly, ranges by their prefix bits, bad entries are named. */
class AllowedHostsTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // a literal: no DNS
    }

    @Test
    void entriesAreStrippedLowerCasedAndBracketsDropped() {
        assertThat(AllowedHosts.parse(" Hooks.Internal.Example ,, 10.0.0.0/8, [FD00::1] ")
                        .entries())
                .containsExactly("hooks.internal.example", "10.0.0.0/8", "fd00::1");
        assertThat(AllowedHosts.parse(null)).isEqualTo(AllowedHosts.none());
        assertThat(AllowedHosts.parse("  ")).isEqualTo(AllowedHosts.none());
    }

    @Test
    void aNameIsAllowedExactlyAndOnlyAsAName() throws Exception {
        AllowedHosts allowed = AllowedHosts.parse("hooks.internal.example");
        assertThat(allowed.allowsName("HOOKS.internal.example")).isTrue();
        assertThat(allowed.allowsName("evil.hooks.internal.example")).isFalse();
        assertThat(allowed.allowsName("hooks.internal.example.evil.test")).isFalse();
        assertThat(allowed.allowsAddress(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void ipv4RangesMatchByPrefix() throws Exception {
        AllowedHosts allowed = AllowedHosts.parse("10.1.0.0/16, 192.168.7.9, 172.16.0.0/13");
        assertThat(allowed.allowsAddress(ip("10.1.0.0"))).isTrue();
        assertThat(allowed.allowsAddress(ip("10.1.255.255"))).isTrue();
        assertThat(allowed.allowsAddress(ip("10.2.0.0"))).isFalse();
        assertThat(allowed.allowsAddress(ip("10.0.255.255"))).isFalse();
        assertThat(allowed.allowsAddress(ip("192.168.7.9")))
                .as("a bare address is a range of one")
                .isTrue();
        assertThat(allowed.allowsAddress(ip("192.168.7.10"))).isFalse();
        // /13 does not end on a byte: 172.16.0.0 to 172.23.255.255
        assertThat(allowed.allowsAddress(ip("172.23.255.255"))).isTrue();
        assertThat(allowed.allowsAddress(ip("172.24.0.0"))).isFalse();
        assertThat(allowed.allowsName("192.168.7.9"))
                .as("an address is not a name")
                .isFalse();
        assertThat(allowed.allowsAddress(ip("::ffff:10.1.2.3")))
                .as("IPv4-mapped")
                .isTrue();
        assertThat(AllowedHosts.parse("0.0.0.0/0").allowsAddress(ip("127.0.0.1")))
                .isTrue();
        assertThat(AllowedHosts.parse("0.0.0.0/0").allowsAddress(ip("::1")))
                .as("IPv4 ranges hold no IPv6")
                .isFalse();
    }

    @Test
    void ipv6RangesMatchByPrefix() throws Exception {
        AllowedHosts allowed = AllowedHosts.parse("fd00:abcd::/32, ::1");
        assertThat(allowed.allowsAddress(ip("fd00:abcd:ffff::1"))).isTrue();
        assertThat(allowed.allowsAddress(ip("fd00:abce::1"))).isFalse();
        assertThat(allowed.allowsAddress(ip("::1"))).isTrue();
        assertThat(allowed.allowsAddress(ip("::2"))).isFalse();
        assertThat(allowed.allowsAddress(ip("10.0.0.1"))).isFalse();
        assertThat(AllowedHosts.parse("fe80::/10").allowsAddress(ip("febf::1"))).isTrue();
        assertThat(AllowedHosts.parse("fe80::/10").allowsAddress(ip("fec0::1"))).isFalse();
    }

    @Test
    void aBadEntryIsNamedWithWhatWasExpected() {
        String expected = " (expected a host name such as hooks.example.com, or an address range such as 10.0.0.0/8,"
                + " 192.168.1.5 or fd00::/8)";
        for (String[] c : List.of(
                new String[] {
                    "10.0.0.0/33", "'10.0.0.0/33' is not an address range: the prefix length '33' is not 0" + " to 32"
                },
                new String[] {
                    "fd00::/129", "'fd00::/129' is not an address range: the prefix length '129' is not 0" + " to 128"
                },
                new String[] {
                    "10.0.0.0/x", "'10.0.0.0/x' is not an address range: the prefix length 'x' is not 0 to" + " 32"
                },
                new String[] {
                    "300.1.1.1", "'300.1.1.1' is not an address range: '300.1.1.1' is not an IPv4 or IPv6" + " address"
                },
                new String[] {"hooks.example.com/8", "'hooks.example.com/8' is neither a host name nor an address range"
                },
                new String[] {"10.1/8", "'10.1/8' is not an address range: '10.1' is not an IPv4 or IPv6 address"},
                new String[] {
                    "https://hooks.example.com",
                    "'https://hooks.example.com' is neither a host name nor an" + " address range"
                },
                new String[] {
                    "hooks.example.com:443", "'hooks.example.com:443' is neither a host name nor an address" + " range"
                },
                new String[] {"*.example.com", "'*.example.com' is neither a host name nor an address range"})) {
            assertThatThrownBy(() -> AllowedHosts.parse(c[0]))
                    .as(c[0])
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessage("VIGIL_NOTIFY_ALLOW_HOSTS: " + c[1] + expected);
        }
    }
}
