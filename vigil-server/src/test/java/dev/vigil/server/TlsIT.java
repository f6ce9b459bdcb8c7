package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.Model;
import dev.vigil.server.ServerConfig.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server on HTTPS with a self-signed certificate made at test time: the SDK reaches it only when told to
 * trust that certificate, nothing is answered in clear on its port, its sign-in cookie is {@code Secure} and its
 * answers carry HSTS; bad certificate files stop the start before anything listens or is opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    private Path dir;

    private TestCertificates.Generated certificate;
    private TestCertificates.Generated other;
    private VigilServer server;
    private SSLContext trusted;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        certificate = TestCertificates.generate(dir, "server", "EC");
        other = TestCertificates.generate(dir, "other", "EC");
        server = VigilServer.start(
                AbstractServerIT.config(dir.resolve("data"))
                        .withTls(TlsSettings.pem(certificate.certPem(), certificate.keyPem())),
                Map.of(),
                Clock.systemUTC());
        trusted = Vigil.trustOnly(certificate.certPem());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSdkTrustingTheServersCertificateListsModels() {
        assertThat(server.url()).isEqualTo("https://127.0.0.1:" + server.port());
        Vigil vigil = Vigil.connect(server.url(), AbstractServerIT.TOKEN, trusted);
        vigil.createModel("over_tls", "Over TLS");
        assertThat(vigil.listModels()).extracting(Model::id).contains("over_tls");
    }

    @Test
    void theSdkRefusesACertificateItWasNotToldToTrust() {
        Vigil jvmTrustStore = Vigil.connect(server.url(), AbstractServerIT.TOKEN);
        assertThatThrownBy(() -> jvmTrustStore.createModel("untrusted_jvm", "x"))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("did not pass the TLS handshake")
                .hasMessageContaining("--ca-cert / VIGIL_CA_CERT");
        Vigil otherCa = Vigil.connect(server.url(), AbstractServerIT.TOKEN, Vigil.trustOnly(other.certPem()));
        assertThatThrownBy(() -> otherCa.createModel("untrusted_other", "x"))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("did not pass the TLS handshake");
        assertThat(Vigil.connect(server.url(), AbstractServerIT.TOKEN, trusted).listModels())
                .extracting(Model::id)
                .as("neither request reached the server")
                .doesNotContain("untrusted_jvm", "untrusted_other");
    }

    @Test
    void plainHttpOnTheTlsPortIsAnsweredWithNothing() throws Exception {
        String answer;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answer = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).doesNotStartWith("HTTP/").doesNotContain("\"status\"");
        String http = server.url().replace("https://", "http://");
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(http + "/healthz"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(https("GET", "/healthz", null).statusCode())
                .as("the server still answers over https")
                .isEqualTo(200);
    }

    @Test
    void theSignInCookieIsSecureAndAnswersCarryHsts() throws Exception {
        HttpResponse<String> signIn = https("POST", "/signin", "token=" + AbstractServerIT.TOKEN);
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
                .startsWith("vigil_session=")
                .contains("; HttpOnly", "; SameSite=Strict")
                .endsWith("; Secure"));
        assertThat(signIn.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=86400");
        assertThat(https("GET", "/healthz", null).headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=86400");
    }

    @Test
    void overPlainHttpTheCookieIsSecureOnlyBehindAnHttpsProxy() throws Exception {
        try (VigilServer plain =
                VigilServer.start(AbstractServerIT.config(dir.resolve("plain")), Map.of(), Clock.systemUTC())) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest.Builder signIn = HttpRequest.newBuilder(URI.create(plain.url() + "/signin"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + AbstractServerIT.TOKEN));
            HttpResponse<String> direct = client.send(signIn.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(direct.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(
                            c -> assertThat(c).startsWith("vigil_session=").doesNotContain("Secure"));
            assertThat(direct.headers().firstValue("Strict-Transport-Security")).isEmpty();
            HttpResponse<String> proxied = client.send(
                    signIn.header("X-Forwarded-Proto", "https").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(proxied.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(c -> assertThat(c).endsWith("; Secure"));
        }
    }

    @Test
    void aKeystoreServesHttpsToo() throws Exception {
        Path password = Files.writeString(dir.resolve("keystore.pass"), TestCertificates.PASSWORD + "\n");
        try (VigilServer fromKeystore = VigilServer.start(
                AbstractServerIT.config(dir.resolve("keystore"))
                        .withTls(TlsSettings.keystore(certificate.keystore(), password)),
                Map.of(),
                Clock.systemUTC())) {
            assertThat(fromKeystore.url()).startsWith("https://");
            assertThat(Vigil.connect(fromKeystore.url(), AbstractServerIT.TOKEN, trusted)
                            .listModels())
                    .isEmpty();
        }
    }

    @Test
    void badCertificateFilesAreRefusedBeforeAnythingListensOrIsOpened() throws Exception {
        Path encrypted = Files.writeString(
                dir.resolve("encrypted.pem"), TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[64]));
        Map<TlsSettings, String> cases = Map.of(
                TlsSettings.pem(dir.resolve("missing.pem"), certificate.keyPem()),
                dir.resolve("missing.pem")
                        + ": does not exist (expected a PEM certificate (-----BEGIN CERTIFICATE-----))",
                TlsSettings.pem(certificate.keyPem(), certificate.keyPem()),
                certificate.keyPem() + ": is not a PEM certificate (it holds PRIVATE KEY;"
                        + " expected -----BEGIN CERTIFICATE-----)",
                TlsSettings.pem(certificate.certPem(), other.keyPem()),
                other.keyPem() + ": the key does not match the certificate " + certificate.certPem()
                        + " (expected the private key of its first certificate)",
                TlsSettings.pem(certificate.certPem(), encrypted),
                encrypted + ": the key is encrypted, which is not supported (expected an unencrypted PKCS#8 key;"
                        + " convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`)");
        for (Map.Entry<TlsSettings, String> c : cases.entrySet()) {
            int port = freePort();
            Path data = Files.createDirectories(dir.resolve("refused-" + port));
            assertThatThrownBy(() -> VigilServer.start(
                            AbstractServerIT.config(data).withPort(port).withTls(c.getKey()),
                            Map.of(),
                            Clock.systemUTC()))
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessage(c.getValue());
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .as("nothing listens on port %d after: %s", port, c.getValue())
                    .isInstanceOf(ConnectException.class);
            try (Stream<Path> files = Files.list(data)) {
                assertThat(files).as("no metastore was opened").isEmpty();
            }
        }
    }

    private HttpResponse<String> https(String method, String path, String form) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        request.method(
                method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return HttpClient.newBuilder()
                .sslContext(trusted)
                .build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketTimeoutException | java.net.SocketException e) {
            return new byte[0]; // the server said nothing, or reset the connection
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
