package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilStateException;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The metastore contract on a real PostgreSQL: one database for the class, emptied before each test. */
class PostgresMetastoreIT extends MetastoreContractTest {
    private static final SecretCipher CIPHER = SecretCipher.of(SecretCipher.newKey());
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestServer.fromEnvironment().createDatabase("store");
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    Metastore openStore() {
        PostgresTestServer server = database.server();
        return Metastore.open(database.url(), server.adminUser(), server.adminPassword(), CIPHER, clock);
    }

    @Override
    SecretCipher storeKey() {
        return CIPHER;
    }

    @Override
    Metastore openStore(SecretCipher key) {
        PostgresTestServer server = database.server();
        return Metastore.open(database.url(), server.adminUser(), server.adminPassword(), key, clock);
    }

    @Override
    Connection connectRaw() throws SQLException {
        return database.connectAsAdmin();
    }

    @Test
    void profilesAreVacuumedAfterTwoPercentOfThemDied() throws SQLException {
        try (Connection c = connectRaw();
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT t.reloptions, toast.reloptions FROM pg_class t"
                        + " JOIN pg_class toast ON toast.oid = t.reltoastrelid"
                        + " WHERE t.oid = 'profiles'::regclass")) {
            assertThat(rs.next()).isTrue();
            assertThat((String[]) rs.getArray(1).getArray())
                    .contains(
                            "autovacuum_vacuum_scale_factor=0.02",
                            "autovacuum_vacuum_threshold=1000",
                            "autovacuum_vacuum_insert_scale_factor=0.02",
                            "autovacuum_analyze_scale_factor=0.05");
            assertThat((String[]) rs.getArray(2).getArray())
                    .contains(
                            "autovacuum_vacuum_scale_factor=0.02",
                            "autovacuum_vacuum_threshold=1000",
                            "autovacuum_vacuum_insert_scale_factor=0.02");
        }
    }

    @Test
    void compactingIsANoOpOnPostgreSQL() {
        assertThat(store.compactIfNeeded(java.time.Duration.ofSeconds(1))).isZero();
    }

    @Test
    void describeSaysPostgreSQLWithoutThePassword() {
        assertThat(store.describe())
                .isEqualTo("PostgreSQL at " + database.url())
                .doesNotContain(database.server().adminPassword());
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAStateErrorWithoutThePassword() {
        String url = database.url() + "_missing?password=hunter2";
        assertThatThrownBy(() -> Metastore.open(url, "vigil_test", "pw-in-config-9876", CIPHER, clock))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith(
                        "Cannot connect to the metastore at " + database.url() + "_missing?password=******")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("pw-in-config-9876");
    }
}
