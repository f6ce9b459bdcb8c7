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
