package dev.vigil.client.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CA file that cannot be trusted is named in one sentence (TlsIT shows a good one at work against a server). */
class CaCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("ca.pem");
        assertThatThrownBy(() -> CaCertificates.trustOnly(missing))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("CA certificate " + missing
                        + ": does not exist (expected a PEM file with one or more -----BEGIN CERTIFICATE----- blocks)");
    }

    @Test
    void aFileWithoutCertificatesIsNamed() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> CaCertificates.trustOnly(empty))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("CA certificate " + empty + ": ");
        Path key = Files.writeString(
                dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CaCertificates.trustOnly(key))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("CA certificate " + key + ": ");
    }
}
