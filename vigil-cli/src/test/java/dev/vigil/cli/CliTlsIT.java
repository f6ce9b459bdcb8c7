package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.TestCertificates;
import dev.vigil.server.VigilServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil} against an HTTPS server with a self-signed certificate: client commands reach it with {@code
 * --ca-cert} or {@code VIGIL_CA_CERT} and not without; {@code vigil server} refuses a key of another certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTlsIT {
    private static final String TOKEN = "vgl_cli_tls_it_admin_token_0123456789abcdef";

    private Path dir;
    private TestCertificates.Generated certificate;
    private VigilServer server;

    record Result(int code, String out, String err) {}

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        certificate = TestCertificates.generate(dir, "server", "EC");
        server = VigilServer.start(
                ServerConfig.defaults()
                        .withPort(0)
                        .withDataDir(dir.resolve("data"))
                        .withAdminToken(TOKEN)
                        .withSchedulerTick(Duration.ZERO)
                        .withTls(ServerConfig.TlsSettings.pem(certificate.certPem(), certificate.keyPem())),
                Map.of(),
                Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void clientCommandsTrustTheCaCertificateTheyAreGiven() {
        Result flag = run(Map.of(), "models", "--ca-cert", certificate.certPem().toString());
        assertThat(flag.code()).as(flag.err()).isZero();
        assertThat(flag.out()).contains("no models yet");
        Result env = run(Map.of("VIGIL_CA_CERT", certificate.certPem().toString()), "models");
        assertThat(env.code()).as(env.err()).isZero();
    }

    @Test
    void withoutTheCaCertificateTheServerIsNotTrusted() {
        Result r = run(Map.of(), "models");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("did not pass the TLS handshake", "--ca-cert / VIGIL_CA_CERT");
        Result missing =
                run(Map.of(), "models", "--ca-cert", dir.resolve("nope.pem").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("CA certificate " + dir.resolve("nope.pem") + ": does not exist");
    }

    @Test
    void theServerCommandRefusesAKeyOfAnotherCertificateBeforeListening() throws Exception {
        TestCertificates.Generated other = TestCertificates.generate(dir, "other", "EC");
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        Result r = run(
                Map.of("VIGIL_DATA_DIR", dir.resolve("refused").toString()),
                "server",
                "--port",
                Integer.toString(port),
                "--tls-cert",
                certificate.certPem().toString(),
                "--tls-key",
                other.keyPem().toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains(other.keyPem() + ": the key does not match the certificate " + certificate.certPem());
        int refusedPort = port;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", refusedPort).close())
                .isInstanceOf(ConnectException.class);
    }

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server.url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
