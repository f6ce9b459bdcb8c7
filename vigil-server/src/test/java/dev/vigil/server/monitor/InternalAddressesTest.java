package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every internal range, by its first and last address and the public neighbours just outside it, written by hand
 * from the IANA special-purpose registries (RFC 6890, RFC 1918, RFC 6598, RFC 4193, RFC 4291), not from the code.
 */
class InternalAddressesTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(
            delimiter = '|',
            nullValues = "public",
            value = {
                "0.0.0.0          | an unspecified address (0.0.0.0/8)",
                "0.255.255.255    | an unspecified address (0.0.0.0/8)",
                "1.0.0.0          | public",
                "126.255.255.255  | public",
                "127.0.0.0        | a loopback address",
                "127.0.0.1        | a loopback address",
                "127.255.255.255  | a loopback address",
                "128.0.0.0        | public",
                "9.255.255.255    | public",
                "10.0.0.0         | a private address (RFC 1918)",
                "10.255.255.255   | a private address (RFC 1918)",
                "11.0.0.0         | public",
                "172.15.255.255   | public",
                "172.16.0.0       | a private address (RFC 1918)",
                "172.31.255.255   | a private address (RFC 1918)",
                "172.32.0.0       | public",
                "192.167.255.255  | public",
                "192.168.0.0      | a private address (RFC 1918)",
                "192.168.255.255  | a private address (RFC 1918)",
                "192.169.0.0      | public",
                "100.63.255.255   | public",
                "100.64.0.0       | a carrier-grade NAT address (100.64.0.0/10)",
                "100.127.255.255  | a carrier-grade NAT address (100.64.0.0/10)",
                "100.128.0.0      | public",
                "169.253.255.255  | public",
                "169.254.0.0      | a link-local address",
                "169.254.169.254  | a link-local address",
                "169.254.255.255  | a link-local address",
                "169.255.0.0      | public",
                "192.0.0.0        | a reserved address (192.0.0.0/24)",
                "192.0.0.255      | a reserved address (192.0.0.0/24)",
                "192.0.1.0        | public",
                "198.17.255.255   | public",
                "198.18.0.0       | a reserved address (198.18.0.0/15)",
                "198.19.255.255   | a reserved address (198.18.0.0/15)",
                "198.20.0.0       | public",
                "223.255.255.255  | public",
                "224.0.0.0        | a multicast address",
                "239.255.255.255  | a multicast address",
                "240.0.0.0        | a reserved address (240.0.0.0/4, broadcast included)",
                "255.255.255.255  | a reserved address (240.0.0.0/4, broadcast included)",
                "8.8.8.8          | public",
                "93.184.216.34    | public",
                "::               | an unspecified address (::)",
                "::1              | a loopback address",
                "::2              | an unspecified address (0.0.0.0/8) (IPv4-compatible)",
                "::1:0:0:0        | public",
                "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | public",
                "fc00::           | a unique-local address (fc00::/7)",
                "fd00:ec2::254    | a unique-local address (fc00::/7)",
                "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | a unique-local address (fc00::/7)",
                "fe00::1          | public",
                "fe80::           | a link-local address",
                "fe80::1          | a link-local address",
                "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff | a link-local address",
                "fec0::1          | a site-local address (fec0::/10)",
                "ff02::1          | a multicast address",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | a multicast address",
                "2001:4860:4860::8888 | public",
                "2606:4700:4700::1111 | public",
                "::ffff:127.0.0.1 | a loopback address",
                "::ffff:169.254.169.254 | a link-local address",
                "::ffff:8.8.8.8   | public",
                "::10.0.0.1       | a private address (RFC 1918) (IPv4-compatible)",
                "64:ff9b::a9fe:a9fe | a link-local address (NAT64)",
                "64:ff9b::7f00:1  | a loopback address (NAT64)",
                "64:ff9b::808:808 | public",
                "64:ff9b:1::1     | a local-use NAT64 address (64:ff9b:1::/48)",
                "2002:7f00:1::    | a loopback address (6to4)",
                "2002:a9fe:a9fe:: | a link-local address (6to4)",
                "2002:808:808::   | public",
            })
    void kind(String literal, String expected) throws Exception {
        // a literal: InetAddress parses it and asks no DNS server
        assertThat(InternalAddresses.kind(InetAddress.getByName(literal))).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void anIpv4MappedAddressKeptAsIpv6IsJudgedByItsIpv4Address() throws Exception {
        // InetAddress.getByName turns ::ffff:a.b.c.d into an IPv4 address; a socket API may hand over the 16 bytes
        byte[] metadata = new byte[16];
        metadata[10] = (byte) 0xff;
        metadata[11] = (byte) 0xff;
        metadata[12] = (byte) 169;
        metadata[13] = (byte) 254;
        metadata[14] = (byte) 169;
        metadata[15] = (byte) 254;
        assertThat(InternalAddresses.kind(Inet6Address.getByAddress(null, metadata, -1)))
                .contains("a link-local address (IPv4-mapped)");
        byte[] loopback = metadata.clone();
        loopback[12] = 127;
        loopback[13] = 0;
        loopback[14] = 0;
        loopback[15] = 1;
        assertThat(InternalAddresses.kind(Inet6Address.getByAddress(null, loopback, -1)))
                .contains("a loopback address (IPv4-mapped)");
        byte[] google = metadata.clone();
        google[12] = 8;
        google[13] = 8;
        google[14] = 8;
        google[15] = 8;
        assertThat(InternalAddresses.kind(Inet6Address.getByAddress(null, google, -1)))
                .isEmpty();
    }

    @Test
    void otherSpellingsOfLoopbackAreStillLoopback() throws Exception {
        // What Java parses as a literal is what the socket connects to: the bytes decide, not the text
        assertThat(InternalAddresses.kind(InetAddress.getByName("127.1"))).contains("a loopback address");
        assertThat(InternalAddresses.kind(InetAddress.getByName("2130706433"))).contains("a loopback address");
        assertThat(InternalAddresses.kind(InetAddress.getByName("0:0:0:0:0:0:0:1")))
                .contains("a loopback address");
    }
}
