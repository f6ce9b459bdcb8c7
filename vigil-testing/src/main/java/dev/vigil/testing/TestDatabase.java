package dev.vigil.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A throw-away database on the test PostgreSQL server; {@link #close()} drops it and the roles made
 * for it.
 */
public final class TestDatabase implements AutoCloseable {
    private final PostgresTestServer server;
    private final String name;
    private final List<String> roles = new ArrayList<>();

    TestDatabase(PostgresTestServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** {@code jdbc:postgresql://host:port/<name>}. */
    public String url() {
        return server.serverUrl() + name;
    }

    public PostgresTestServer server() {
        return server;
    }

    /** A connection as the owner of this database. */
    public Connection connectAsAdmin() throws SQLException {
        return server.connectAsAdmin(name);
    }

    /** Runs statements as the owner, in auto-commit. */
    public void execute(String... statements) {
        server.execute(url(), statements);
    }

    /**
     * A new login granted exactly CONNECT on this database, USAGE on {@code schema} and SELECT on
     * {@code tables}, as DESIGN.md's grant SQL; dropped with the database.
     */
    public Credentials createReadOnlyUser(String schema, List<String> tables) {
        String user = "vigil_ro_" + HexFormat.of().formatHex(PostgresTestServer.randomBytes(4));
        String password = PostgresTestServer.randomPassword();
        roles.add(user);
        server.createReadOnlyRole(this, user, password, schema, tables);
        return new Credentials(user, password);
    }

    @Override
    public void close() {
        server.dropDatabase(name);
        for (String role : roles) {
            server.dropRole(role);
        }
    }

    /** A login and its password. */
    public record Credentials(String user, String password) {}
}
