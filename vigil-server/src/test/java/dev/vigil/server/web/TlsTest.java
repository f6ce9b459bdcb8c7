package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.server.ServerConfig.TlsSettings;
import dev.vigil.server.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Tls#load} accepts and the sentence it gives for each thing it refuses, without starting a server. */
class TlsTest {
    @TempDir
    static Path dir;

    private static TestCertificates.Generated ec;
    private static TestCertificates.Generated otherEc;
    private static TestCertificates.Generated rsa;
    private static Path passwordFile;

    @BeforeAll
    static void generate() throws Exception {
        ec = TestCertificates.generate(dir, "ec", "EC");
        otherEc = TestCertificates.generate(dir, "other", "EC");
        rsa = TestCertificates.generate(dir, "rsa", "RSA");
        passwordFile = Files.writeString(dir.resolve("password.txt"), TestCertificates.PASSWORD + "\n");
    }

    @Test
    void offIsPlainHttp() {
        assertThat(Tls.load(TlsSettings.off(), "127.0.0.1", 0)).isEmpty();
    }

    @Test
    void aCertificateWithItsKeyLoads() {
        assertThat(Tls.load(TlsSettings.pem(ec.certPem(), ec.keyPem()), "127.0.0.1", 0))
                .isPresent();
        assertThat(Tls.load(TlsSettings.pem(rsa.certPem(), rsa.keyPem()), "127.0.0.1", 0))
                .isPresent();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        String sentence = ": the key does not match the certificate " + ec.certPem()
                + " (expected the private key of its first certificate)";
        assertThatThrownBy(() -> Tls.load(TlsSettings.pem(ec.certPem(), otherEc.keyPem()), "127.0.0.1", 0))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(otherEc.keyPem() + sentence);
        assertThatThrownBy(() -> Tls.load(TlsSettings.pem(ec.certPem(), rsa.keyPem()), "127.0.0.1", 0))
                .hasMessage(rsa.keyPem() + sentence);
    }

    @Test
    void aKeystoreLoadsWithItsPasswordFromAFileOrTheEnvironment() {
        assertThat(Tls.load(TlsSettings.keystore(ec.keystore(), passwordFile), "127.0.0.1", 0))
                .isPresent();
        assertThat(Tls.load(
                        new TlsSettings(null, null, rsa.keystore(), null, TestCertificates.PASSWORD), "127.0.0.1", 0))
                .isPresent();
    }

    @Test
    void aKeystoreThatCannotBeOpenedIsNamed() throws Exception {
        assertThatThrownBy(() ->
                        Tls.load(new TlsSettings(null, null, ec.keystore(), null, "wrong password"), "127.0.0.1", 0))
                .hasMessage(ec.keystore() + ": cannot be opened: the password is wrong");
        Path missing = dir.resolve("missing.p12");
        assertThatThrownBy(() -> Tls.load(TlsSettings.keystore(missing, passwordFile), "127.0.0.1", 0))
                .hasMessage(missing + ": does not exist (expected a PKCS#12 keystore)");
        assertThatThrownBy(() -> Tls.load(TlsSettings.keystore(ec.certPem(), passwordFile), "127.0.0.1", 0))
                .hasMessageStartingWith(ec.certPem() + ": cannot be opened: it is not a PKCS#12 keystore (");
        Path noPassword = dir.resolve("no-such-password.txt");
        assertThatThrownBy(() -> Tls.load(TlsSettings.keystore(ec.keystore(), noPassword), "127.0.0.1", 0))
                .hasMessage(noPassword + ": does not exist (expected the keystore's password)");
    }
}
