package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.server.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PEM reader against keys and certificates that keytool made: what it reads is byte for byte what keytool
 * stored, and each file it cannot use gets its own sentence naming the file.
 */
class PemFilesTest {
    @TempDir
    static Path dir;

    private static TestCertificates.Generated ec;
    private static TestCertificates.Generated rsa;

    @BeforeAll
    static void generate() throws Exception {
        ec = TestCertificates.generate(dir, "ec", "EC");
        rsa = TestCertificates.generate(dir, "rsa", "RSA");
    }

    @Test
    void readsAnEcCertificateAndPkcs8KeyAsKeytoolStoredThem() {
        assertThat(PemFiles.certificates(ec.certPem())).containsExactly(ec.certificate());
        assertThat(PemFiles.privateKey(ec.keyPem()).getEncoded())
                .isEqualTo(ec.key().getEncoded());
        assertThat(PemFiles.privateKey(ec.keyPem()).getAlgorithm()).isEqualTo("EC");
        assertThat(PemFiles.privateKey(rsa.keyPem()).getEncoded())
                .isEqualTo(rsa.key().getEncoded());
    }

    @Test
    void readsAPkcs1RsaKeyAsTheSameKey() throws Exception {
        Path pkcs1 = Files.writeString(
                dir.resolve("rsa-pkcs1.pem"),
                TestCertificates.pem("RSA PRIVATE KEY", pkcs1Of(rsa.key().getEncoded())));
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PemFiles.privateKey(pkcs1).getEncoded()).isEqualTo(rsa.key().getEncoded());
    }

    @Test
    void keepsTheChainInTheFilesOrderWhateverTheLineEndings() throws Exception {
        String both = (Files.readString(rsa.certPem()) + "some text between blocks\n" + Files.readString(ec.certPem()))
                .replace("\n", "\r\n");
        Path chain = Files.writeString(dir.resolve("chain.pem"), both);
        assertThat(PemFiles.certificates(chain)).containsExactly(rsa.certificate(), ec.certificate());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nowhere.pem");
        assertThatThrownBy(() -> PemFiles.certificates(missing))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(missing + ": does not exist (expected a PEM certificate (-----BEGIN CERTIFICATE-----))");
        assertThatThrownBy(() -> PemFiles.privateKey(missing))
                .hasMessage(missing + ": does not exist (expected a PEM private key (-----BEGIN PRIVATE KEY-----))");
    }

    @Test
    void aKeyGivenAsTheCertificateAndTheOtherWayRoundAreNamed() {
        assertThatThrownBy(() -> PemFiles.certificates(ec.keyPem()))
                .hasMessage(ec.keyPem()
                        + ": is not a PEM certificate (it holds PRIVATE KEY; expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> PemFiles.privateKey(ec.certPem()))
                .hasMessage(ec.certPem()
                        + ": is not a PEM private key (it holds CERTIFICATE; expected -----BEGIN PRIVATE KEY-----)");
    }

    @Test
    void derBytesAreNotPem() throws Exception {
        Path der = Files.write(dir.resolve("cert.der"), ec.certificate().getEncoded());
        assertThatThrownBy(() -> PemFiles.certificates(der))
                .hasMessage(der
                        + ": is not a PEM certificate (it holds no PEM block; expected -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void aBrokenCertificateBlockIsNamed() throws Exception {
        byte[] broken = Arrays.copyOf(ec.certificate().getEncoded(), 40);
        Path file = Files.writeString(dir.resolve("broken.pem"), TestCertificates.pem("CERTIFICATE", broken));
        assertThatThrownBy(() -> PemFiles.certificates(file))
                .hasMessageStartingWith(file + ": certificate 1 is not a valid X.509 certificate (");
    }

    @Test
    void encryptedKeysAreRefusedWithHowToDecryptThem() throws Exception {
        byte[] random = new byte[300];
        new SecureRandom().nextBytes(random);
        Path pkcs8 = Files.writeString(
                dir.resolve("encrypted-pkcs8.pem"), TestCertificates.pem("ENCRYPTED PRIVATE KEY", random));
        assertThatThrownBy(() -> PemFiles.privateKey(pkcs8))
                .hasMessage(pkcs8 + ": the key is encrypted, which is not supported (expected an unencrypted PKCS#8"
                        + " key; convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`)");
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n"
                + Base64.getMimeEncoder().encodeToString(random) + "\n-----END RSA PRIVATE KEY-----\n";
        Path pkcs1 = Files.writeString(dir.resolve("encrypted-pkcs1.pem"), legacy);
        assertThatThrownBy(() -> PemFiles.privateKey(pkcs1))
                .hasMessageStartingWith(pkcs1 + ": the key is encrypted, which is not supported");
    }

    @Test
    void anSec1EcKeyIsRefusedWithHowToConvertIt() throws Exception {
        byte[] random = new byte[121];
        new SecureRandom().nextBytes(random);
        Path sec1 = Files.writeString(dir.resolve("sec1.pem"), TestCertificates.pem("EC PRIVATE KEY", random));
        assertThatThrownBy(() -> PemFiles.privateKey(sec1))
                .hasMessage(sec1 + ": holds a EC PRIVATE KEY, which is not supported (expected -----BEGIN PRIVATE"
                        + " KEY-----; convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`)");
    }

    @Test
    void aPkcs8BlockThatIsNoKeyIsNamed() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), TestCertificates.pem("PRIVATE KEY", new byte[] {1, 2}));
        assertThatThrownBy(() -> PemFiles.privateKey(junk))
                .hasMessage(junk + ": is not an RSA or EC private key the JDK can read (expected PKCS#8, RSA or EC)");
    }

    /**
     * The PKCS#1 key inside a PKCS#8 RSA key (RFC 5208): the content of the OCTET STRING that follows the version
     * and the algorithm identifier. Read here by walking the DER, independently of the code that wraps it.
     */
    private static byte[] pkcs1Of(byte[] pkcs8) {
        int[] at = {0};
        header(pkcs8, at); // SEQUENCE
        int version = header(pkcs8, at); // INTEGER version
        at[0] += version;
        int algorithm = header(pkcs8, at); // SEQUENCE algorithm
        at[0] += algorithm;
        assertThat(pkcs8[at[0]]).as("OCTET STRING tag").isEqualTo((byte) 0x04);
        int length = header(pkcs8, at);
        return Arrays.copyOfRange(pkcs8, at[0], at[0] + length);
    }

    /** Reads the tag and length at {@code at[0]}, leaves {@code at[0]} on the content and returns its length. */
    private static int header(byte[] der, int[] at) {
        at[0]++; // tag
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }
}
