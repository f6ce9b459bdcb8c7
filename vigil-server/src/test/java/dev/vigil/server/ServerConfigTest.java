package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.nio.file.Path;
import java.time.Duration;
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
                        null,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(300),
                        Duration.ofSeconds(30),
                        new NotifySettings(
                                null, null, 587, null, null, "vigil@localhost", true, 6, Duration.ofSeconds(30)),
                        new ServerConfig.Limits(1_048_576, 10_000, 100, 7_200)));
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
                Map.entry("VIGIL_MAX_BODY_BYTES", "65536"),
                Map.entry("VIGIL_MAX_RUN_WINDOWS", "500"),
                Map.entry("VIGIL_MAX_QUEUED_RUNS", "3"),
                Map.entry("VIGIL_RUN_LEASE", "900"));
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
                                Duration.ofSeconds(5)),
                        new ServerConfig.Limits(65_536, 500, 3, 900)));
        assertThat(config.toString())
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
    }
}
