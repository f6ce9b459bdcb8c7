package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.embeddedpg.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL the tests fall back to without {@code VIGIL_TEST_PG_URL} (started here whatever the
 * environment says): a real PostgreSQL 17 on loopback, where every login needs its password, the tests' login may
 * create databases and roles and is no superuser, and a read-only user made as {@code vigil grant-sql} prints it reads
 * and cannot write.
 */
class EmbeddedPostgresIT {
    private PostgresTestServer pg;

    @BeforeEach
    void startIt() {
        assumeTrue(
                EmbeddedPostgresServer.refusalHere().isEmpty(),
                "root without a user namespace: .ci/run checks this as an ordinary user");
        pg = PostgresTestServer.embedded();
    }

    @Test
    void itIsARealPostgreSqlOnLoopbackOnly() throws Exception {
        assertThat(pg.serverUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
        try (Connection c = pg.connectAsAdmin("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version(), current_setting('server_version_num')::int,"
                        + " current_setting('listen_addresses'), rolsuper, rolcreatedb, rolcreaterole"
                        + " FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("PostgreSQL 17.");
            assertThat(rs.getInt(2)).isBetween(170000, 179999);
            assertThat(rs.getString(3)).isEqualTo("127.0.0.1");
            assertThat(rs.getBoolean(4))
                    .as("the tests' login may create databases and roles, and is no superuser, as in CI")
                    .isFalse();
            assertThat(rs.getBoolean(5)).isTrue();
            assertThat(rs.getBoolean(6)).isTrue();
        }
    }

    @Test
    void everyLoginNeedsItsPassword() {
        for (String user : List.of(pg.adminUser(), "postgres")) {
            assertThatThrownBy(() -> PostgresTestServer.connect(pg.serverUrl() + "postgres", user, "wrong"))
                    .as(user)
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        }
    }

    @Test
    void aReadOnlyUserReadsAndCannotWrite() throws Exception {
        try (TestDatabase db = pg.createDatabase("embedded_it")) {
            db.execute(
                    "CREATE SCHEMA shop",
                    "CREATE TABLE shop.predictions (id int, proba double precision)",
                    "INSERT INTO shop.predictions VALUES (1, 0.25), (2, 0.75)");
            TestDatabase.Credentials reader = db.createReadOnlyUser("shop", List.of("predictions"));
            try (Connection c = PostgresTestServer.connect(db.url(), reader.user(), reader.password());
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT sum(proba) FROM shop.predictions")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(1.0);
                }
                for (String write : List.of(
                        "INSERT INTO shop.predictions VALUES (3, 0.5)",
                        "UPDATE shop.predictions SET proba = 0",
                        "DELETE FROM shop.predictions",
                        "TRUNCATE shop.predictions",
                        "CREATE TABLE shop.other (id int)")) {
                    assertThatThrownBy(() -> s.execute(write))
                            .as(write)
                            .isInstanceOf(SQLException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
                }
            }
            try (Connection c = db.connectAsAdmin();
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT count(*), sum(proba), to_regclass('shop.other') IS NULL"
                                    + " FROM shop.predictions")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("nothing was written").isEqualTo(2);
                assertThat(rs.getDouble(2)).isEqualTo(1.0);
                assertThat(rs.getBoolean(3)).isTrue();
            }
        }
    }
}
