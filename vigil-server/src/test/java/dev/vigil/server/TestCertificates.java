package dev.vigil.server;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Self-signed certificates made at test time by the JDK's own {@code keytool} (always there, unlike openssl), for
 * {@code CN=localhost} with the subject alternative names {@code IP:127.0.0.1} and {@code DNS:localhost}, valid one
 * day; written out as PEM by {@link #pem}, independently of the reader under test.
 */
public final class TestCertificates {
    /** The password of every keystore made here. */
    public static final String PASSWORD = "changeit";

    /**
     * One generated key pair: the PKCS#12 keystore keytool wrote, the same certificate and key as PEM files, and the
     * objects themselves.
     */
    public record Generated(Path keystore, Path certPem, Path keyPem, X509Certificate certificate, PrivateKey key) {}

    private TestCertificates() {}

    /** A new {@code keyAlgorithm} ("EC" on P-256, or "RSA" 2048) key and certificate, as files named {@code name.*}. */
    public static Generated generate(Path dir, String name, String keyAlgorithm) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        List<String> size =
                keyAlgorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                keyAlgorithm));
        command.addAll(size);
        command.addAll(List.of(
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD,
                "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate(name);
        PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
        Path certPem = Files.writeString(dir.resolve(name + ".crt.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve(name + ".key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        return new Generated(keystore, certPem, keyPem, certificate, key);
    }

    /** {@code der} as a PEM block with {@code label}: base64 in lines of 64 characters (RFC 7468). */
    public static String pem(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }
}
