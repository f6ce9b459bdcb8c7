package dev.vigil.server.web;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.server.ServerConfig.TlsSettings;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's HTTPS connector: the certificate and key, read and checked before anything listens, and a Jetty
 * connector that speaks TLS 1.2 or 1.3 only (no plain HTTP on the port) and adds {@code Strict-Transport-Security}
 * to every answer. The key store is built in memory, so the PEM key is never written anywhere else.
 */
public final class Tls {
    /**
     * How long a browser keeps to HTTPS for this host after an answer: one day, short so that an operator who turns
     * TLS off again locks nobody out for long.
     */
    public static final Duration HSTS_MAX_AGE = Duration.ofDays(1);

    private static final String ALIAS = "vigil";
    private final KeyStore keyStore;
    private final String password;
    private final String host;
    private final int port;

    private Tls(KeyStore keyStore, String password, String host, int port) {
        this.keyStore = keyStore;
        this.password = password;
        this.host = host;
        this.port = port;
    }

    /**
     * Reads and checks the certificate and key of {@code settings} for a server on {@code host:port}; empty when TLS is
     * off. A missing or malformed file, an encrypted key or a key that does not match the certificate throws one
     * sentence naming the file.
     */
    public static Optional<Tls> load(TlsSettings settings, String host, int port) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        return Optional.of(
                settings.keystoreFile() != null
                        ? fromKeystore(settings, host, port)
                        : fromPem(settings.certFile(), settings.keyFile(), host, port));
    }

    private static Tls fromPem(Path certFile, Path keyFile, String host, int port) {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        requireMatch(
                key,
                chain.get(0),
                keyFile + ": the key does not match the certificate " + certFile
                        + " (expected the private key of its first certificate)");
        try {
            String password = randomPassword();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(new Certificate[0]));
            return new Tls(store, password, host, port);
        } catch (GeneralSecurityException | IOException e) {
            throw new VigilArgumentException(
                    certFile + ": cannot be used as the server's certificate (" + e.getMessage() + ")", e);
        }
    }

    private static Tls fromKeystore(TlsSettings settings, String host, int port) {
        Path file = settings.keystoreFile();
        String password = settings.keystorePasswordFile() != null
                ? passwordFrom(settings.keystorePasswordFile())
                : settings.keystorePassword();
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12"); // reads JKS too (keystore.type.compat)
            store.load(in, password.toCharArray());
        } catch (NoSuchFileException e) {
            throw new VigilArgumentException(file + ": does not exist (expected a PKCS#12 keystore)");
        } catch (IOException e) {
            String why = e.getCause() instanceof UnrecoverableKeyException
                    ? "the password is wrong"
                    : "it is not a PKCS#12 keystore (" + e.getMessage() + ")";
            throw new VigilArgumentException(file + ": cannot be opened: " + why, e);
        } catch (GeneralSecurityException e) {
            throw new VigilArgumentException(file + ": cannot be opened (" + e.getMessage() + ")", e);
        }
        try {
            List<String> keys = Collections.list(store.aliases()).stream()
                    .filter(a -> isKeyEntry(store, a))
                    .toList();
            if (keys.size() != 1) {
                throw new VigilArgumentException(
                        file + ": holds " + keys.size() + " private keys (expected one, with its certificate chain)");
            }
            String alias = keys.get(0);
            PrivateKey key = (PrivateKey) store.getKey(alias, password.toCharArray());
            requireMatch(
                    key,
                    (X509Certificate) store.getCertificate(alias),
                    file + ": the key '" + alias + "' does not match its certificate");
            return new Tls(store, password, host, port);
        } catch (UnrecoverableKeyException e) {
            throw new VigilArgumentException(
                    file + ": the key cannot be opened with the keystore's password (expected one password for both)",
                    e);
        } catch (GeneralSecurityException e) {
            throw new VigilArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Adds the HTTPS connector to the server {@code cfg} configures: the only connector, so no plain HTTP. */
    public void install(JavalinConfig cfg) {
        cfg.jetty.addConnector((server, http) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(keyStore);
            ssl.setKeyStorePassword(password);
            ssl.setKeyManagerPassword(password);
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            HttpConfiguration https = new HttpConfiguration(http);
            https.setSecureScheme("https");
            // sets the request's scheme to https (so cookies get Secure) and adds Strict-Transport-Security
            https.addCustomizer(new SecureRequestCustomizer(true, HSTS_MAX_AGE.toSeconds(), false));
            ServerConnector connector = new ServerConnector(
                    server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
    }

    /**
     * Whether {@code key} is the private half of {@code certificate}'s public key: a random message signed with one
     * must verify with the other.
     */
    private static void requireMatch(PrivateKey key, X509Certificate certificate, String mismatch) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            throw new VigilArgumentException(mismatch);
        }
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            if (!verifier.verify(signature)) {
                throw new VigilArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new VigilArgumentException(mismatch, e);
        }
    }

    private static String passwordFrom(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new VigilArgumentException(file + ": does not exist (expected the keystore's password)");
        } catch (IOException e) {
            throw new VigilArgumentException(
                    file + ": cannot be read (" + e.getMessage() + "; expected the keystore's password)", e);
        }
    }

    private static boolean isKeyEntry(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The password of the in-memory key store: random, as it never leaves this process. */
    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
