package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the defaults and the full environment mapping (as Trino's TestPostgreSqlConfig does). */
class ServerConfigTest {
    @Test
    void defaults() {
        assertThat(ServerConfig.fromEnvironment(Map.of()))
                .isEqualTo(new ServerConfig(
                        "127.0.0.1",
                        7070,
                        Path.of("vigil-data"),
                        null,
                        null,
                        null,
                        "local[*]",
                        Map.of(),
                        null,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(300),
                        Duration.ofSeconds(30),
                        new NotifySettings(
                                null,
                                null,
                                587,
                                null,
                                null,
                                "vigil@localhost",
                                true,
                                6,
                                Duration.ofSeconds(30),
                                new AllowedHosts(List.of()),
                                4),
                        new ServerConfig.Limits(1_048_576, 10_000, 100, 7_200, 60),
                        new ServerConfig.TlsSettings(null, null, null, null, null),
                        false));
        assertThat(ServerConfig.defaults().tls().enabled()).isFalse();
        assertThat(ServerConfig.defaults()).isEqualTo(ServerConfig.fromEnvironment(Map.of()));
    }

    @Test
    void everyEnvironmentVariable() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("VIGIL_HOST", "0.0.0.0"),
                Map.entry("VIGIL_PORT", "8080"),
                Map.entry("VIGIL_DATA_DIR", "/var/lib/vigil"),
                Map.entry("VIGIL_STORE_URL", "jdbc:postgresql://db:5432/vigil"),
                Map.entry("VIGIL_STORE_USER", "vigil_meta"),
                Map.entry("VIGIL_STORE_PASSWORD", "meta-secret"),
                Map.entry("VIGIL_SPARK_MASTER", "spark://master:7077"),
                Map.entry(
                        "VIGIL_SPARK_CONF",
                        " spark.executor.memory=2g\nspark.jars=/opt/a.jar,/opt/b.jar; spark.driver.host = vigil.svc\n"),
                Map.entry("VIGIL_ADMIN_TOKEN", "vgl_admin"),
                Map.entry("VIGIL_SOURCE_CONNECT_TIMEOUT", "7"),
                Map.entry("VIGIL_SOURCE_STATEMENT_TIMEOUT", "90"),
                Map.entry("VIGIL_SCHEDULER_TICK", "0"),
                Map.entry("VIGIL_PUBLIC_URL", "https://vigil.example.com"),
                Map.entry("VIGIL_SMTP_HOST", "smtp.example.com"),
                Map.entry("VIGIL_SMTP_PORT", "2525"),
                Map.entry("VIGIL_SMTP_USER", "alerts"),
                Map.entry("VIGIL_SMTP_PASSWORD", "smtp-secret"),
                Map.entry("VIGIL_SMTP_FROM", "vigil@example.com"),
                Map.entry("VIGIL_SMTP_STARTTLS", "false"),
                Map.entry("VIGIL_NOTIFY_MAX_ATTEMPTS", "3"),
                Map.entry("VIGIL_NOTIFY_FIRST_RETRY", "5"),
                Map.entry("VIGIL_NOTIFY_ALLOW_HOSTS", " Hooks.Internal.example, 10.0.0.0/8,,[fd00::1] "),
                Map.entry("VIGIL_NOTIFY_THREADS", "8"),
                Map.entry("VIGIL_MAX_BODY_BYTES", "65536"),
                Map.entry("VIGIL_MAX_RUN_WINDOWS", "500"),
                Map.entry("VIGIL_MAX_QUEUED_RUNS", "3"),
                Map.entry("VIGIL_RUN_LEASE", "900"),
                Map.entry("VIGIL_SERVER_LEASE", "15"),
                Map.entry("VIGIL_TLS_CERT", "/etc/vigil/cert.pem"),
                Map.entry("VIGIL_TLS_KEY", "/etc/vigil/key.pem"),
                Map.entry("VIGIL_TLS_KEYSTORE_PASSWORD_FILE", "/etc/vigil/keystore.pass"),
                Map.entry("VIGIL_TLS_KEYSTORE_PASSWORD", "keystore-secret"),
                Map.entry("VIGIL_METRICS_SEGMENTS", "true"));
        ServerConfig config = ServerConfig.fromEnvironment(env).validate();
        assertThat(config)
                .isEqualTo(new ServerConfig(
                        "0.0.0.0",
                        8080,
                        Path.of("/var/lib/vigil"),
                        "jdbc:postgresql://db:5432/vigil",
                        "vigil_meta",
                        "meta-secret",
                        "spark://master:7077",
                        Map.of(
                                "spark.executor.memory", "2g",
                                "spark.jars", "/opt/a.jar,/opt/b.jar",
                                "spark.driver.host", "vigil.svc"),
                        "vgl_admin",
                        Duration.ofSeconds(7),
                        Duration.ofSeconds(90),
                        Duration.ZERO,
                        new NotifySettings(
                                "https://vigil.example.com",
                                "smtp.example.com",
                                2525,
                                "alerts",
                                "smtp-secret",
                                "vigil@example.com",
                                false,
                                3,
                                Duration.ofSeconds(5),
                                new AllowedHosts(List.of("hooks.internal.example", "10.0.0.0/8", "fd00::1")),
                                8),
                        new ServerConfig.Limits(65_536, 500, 3, 900, 15),
                        new ServerConfig.TlsSettings(
                                Path.of("/etc/vigil/cert.pem"),
                                Path.of("/etc/vigil/key.pem"),
                                null,
                                Path.of("/etc/vigil/keystore.pass"),
                                "keystore-secret"),
                        true));
        assertThat(config.tls().enabled()).isTrue();
        assertThat(ServerConfig.fromEnvironment(Map.of("VIGIL_TLS_KEYSTORE", "/etc/vigil/vigil.p12"))
                        .tls())
                .isEqualTo(ServerConfig.TlsSettings.keystore(Path.of("/etc/vigil/vigil.p12"), null));
        assertThat(config.toString())
                .contains("certFile=/etc/vigil/cert.pem")
                .doesNotContain("keystore-secret")
                .doesNotContain("meta-secret")
                .doesNotContain("vgl_admin")
                .doesNotContain("smtp-secret");
    }

    @Test
    void malformedValuesNameTheirVariable() {
        assertThatThrownBy(() ->
                        ServerConfig.fromEnvironment(Map.of("VIGIL_PORT", "70a", "VIGIL_SOURCE_CONNECT_TIMEOUT", "x")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("2 problems: VIGIL_PORT: '70a' is not a whole number; "
                        + "VIGIL_SOURCE_CONNECT_TIMEOUT: 'x' is not a whole number");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(
                        Map.of("VIGIL_NOTIFY_ALLOW_HOSTS", "10.0.0.0/33, https://hooks.example.com")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("2 problems: VIGIL_NOTIFY_ALLOW_HOSTS: '10.0.0.0/33' is not an address range: the prefix"
                        + " length '33' is not 0 to 32 (expected a host name such as hooks.example.com, or an address"
                        + " range such as 10.0.0.0/8, 192.168.1.5 or fd00::/8); VIGIL_NOTIFY_ALLOW_HOSTS:"
                        + " 'https://hooks.example.com' is neither a host name nor an address range (expected a host"
                        + " name such as hooks.example.com, or an address range such as 10.0.0.0/8, 192.168.1.5 or"
                        + " fd00::/8)");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("VIGIL_NOTIFY_THREADS", "0"))
                        .validate())
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("VIGIL_NOTIFY_THREADS: must be 1 to 64, got 0");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("VIGIL_NOTIFY_THREADS", "65"))
                        .validate())
                .hasMessage("VIGIL_NOTIFY_THREADS: must be 1 to 64, got 65");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(
                        Map.of("VIGIL_SPARK_CONF", "spark.executor.memory=2g;spark.executor.cores")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("VIGIL_SPARK_CONF: 'spark.executor.cores' is not key=value (such as"
                        + " spark.executor.memory=2g)");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(
                                Map.of("VIGIL_SPARK_CONF", "executor.memory=2g\nspark.sql.runSQLOnFiles=true"))
                        .validate())
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("2 problems: spark-conf: executor.memory is not a Spark setting (keys start with spark.);"
                        + " spark-conf: spark.sql.runSQLOnFiles cannot be changed (Vigil runs user SQL, which is"
                        + " untrusted)");
        assertThatThrownBy(() -> ServerConfig.defaults().withPort(70000).validate())
                .hasMessage("port: 70000 is out of range (expected 0 to 65535)");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withStore("jdbc:mysql://x/y", null, null)
                        .validate())
                .hasMessageStartingWith("store: 'jdbc:mysql://x/y' is not a supported metastore URL");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withLimits(new ServerConfig.Limits(0, 10, 0))
                        .validate())
                .hasMessage("2 problems: VIGIL_MAX_BODY_BYTES: must be at least 1, got 0; "
                        + "VIGIL_MAX_QUEUED_RUNS: must be at least 1, got 0");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withLimits(new ServerConfig.Limits(1, 1, 1, 0))
                        .validate())
                .hasMessage("VIGIL_RUN_LEASE: must be at least 1 second, got 0");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("VIGIL_SERVER_LEASE", "2"))
                        .validate())
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("VIGIL_SERVER_LEASE: must be at least 3 seconds (the heartbeat renews it every third),"
                        + " got 2");
        assertThat(ServerConfig.fromEnvironment(Map.of("VIGIL_SERVER_LEASE", "3", "VIGIL_SCHEDULER_TICK", "600"))
                        .validate()
                        .limits()
                        .serverLeaseSeconds())
                .as("shorter than the tick: the heartbeat has its own thread")
                .isEqualTo(3);
    }

    @Test
    void tlsNeedsACertificateWithItsKeyOrAKeystoreWithItsPassword() {
        Path cert = Path.of("cert.pem");
        Path key = Path.of("key.pem");
        Path p12 = Path.of("vigil.p12");
        assertThat(ServerConfig.defaults()
                        .withTls(ServerConfig.TlsSettings.pem(cert, key))
                        .validate()
                        .tls())
                .isEqualTo(new ServerConfig.TlsSettings(cert, key, null, null, null));
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withTls(new ServerConfig.TlsSettings(cert, null, null, null, null))
                        .validate())
                .hasMessage("--tls-key (VIGIL_TLS_KEY): is missing (expected the private key of --tls-cert cert.pem)");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withTls(new ServerConfig.TlsSettings(null, key, null, null, null))
                        .validate())
                .hasMessage("--tls-cert (VIGIL_TLS_CERT): is missing (expected the certificate of --tls-key key.pem)");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withTls(new ServerConfig.TlsSettings(cert, key, p12, null, "pw"))
                        .validate())
                .hasMessage("--tls-keystore (VIGIL_TLS_KEYSTORE): is set together with --tls-cert/--tls-key"
                        + " (expected one or the other)");
        assertThatThrownBy(() -> ServerConfig.defaults()
                        .withTls(ServerConfig.TlsSettings.keystore(p12, null))
                        .validate())
                .hasMessage("--tls-keystore-password-file (VIGIL_TLS_KEYSTORE_PASSWORD_FILE): is missing (expected"
                        + " the password of --tls-keystore vigil.p12, from a file or VIGIL_TLS_KEYSTORE_PASSWORD)");
    }
}
