package dev.vigil.client.internal;

import dev.vigil.core.VigilArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} that trusts only the certificates of one PEM file (a private CA, or a self-signed server
 * certificate), as {@code curl --cacert} does. Verification stays on: the server must present a chain to one of them,
 * for the host name in the URL.
 */
public final class CaCertificates {
    private static final String EXPECTED = "expected a PEM file with one or more -----BEGIN CERTIFICATE----- blocks";

    private CaCertificates() {}

    /** The context trusting the certificates of {@code pemFile}; a missing or empty file throws one sentence. */
    public static SSLContext trustOnly(Path pemFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new VigilArgumentException("CA certificate " + pemFile + ": does not exist (" + EXPECTED + ")");
        } catch (IOException | CertificateException e) {
            throw new VigilArgumentException(
                    "CA certificate " + pemFile + ": cannot be read (" + e.getMessage() + "; " + EXPECTED + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new VigilArgumentException("CA certificate " + pemFile + ": holds no certificate (" + EXPECTED + ")");
        }
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                trusted.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new VigilArgumentException(
                    "CA certificate " + pemFile + ": cannot be trusted (" + e.getMessage() + ")", e);
        }
    }
}
