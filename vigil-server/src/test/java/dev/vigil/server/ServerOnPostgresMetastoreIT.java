package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.client.VersionHandle;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.ModelType;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server with its metastore on PostgreSQL (--store jdbc:postgresql://...), surviving a restart. */
class ServerOnPostgresMetastoreIT {
    @Test
    void keepsModelsInPostgresAcrossRestarts(@TempDir Path dataDir) {
        PostgresTestServer pg = PostgresTestServer.fromEnvironment();
        try (TestDatabase store = pg.createDatabase("metastore_it")) {
            ServerConfig config = ServerConfig.defaults()
                    .withPort(0)
                    .withDataDir(dataDir)
                    .withStore(store.url(), pg.adminUser(), pg.adminPassword());
            String token;
            try (VigilServer server = VigilServer.start(config, Map.of(), Clock.systemUTC())) {
                assertThat(server.metastore().describe()).contains("PostgreSQL").doesNotContain(pg.adminPassword());
                token = server.generatedAdminToken().orElseThrow();
                Vigil vigil = Vigil.connect(server.url(), token);
                vigil.createModel("pg-model", "On PostgreSQL");
                VersionHandle v = vigil.createModelVersion("pg-model", "v1", ModelType.BINARY, ExampleSource.schema());
                assertThat(v.version()).isEqualTo("v1");
            }
            try (VigilServer again = VigilServer.start(config, Map.of(), Clock.systemUTC())) {
                assertThat(again.generatedAdminToken())
                        .as("the first admin token is kept, not replaced")
                        .isEmpty();
                Vigil vigil = Vigil.connect(again.url(), token);
                assertThat(vigil.getVersion("pg-model", "v1").orElseThrow().schema())
                        .isEqualTo(ExampleSource.schema());
            }
        }
    }
}
