package dev.vigil.engine.source;

import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.GrantSql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which tables the query reads (from its plan: {@code EXPLAIN (VERBOSE, FORMAT JSON)} plans without executing),
 * whether the user could write them, and the grant SQL that would suffice.
 */
final class PrivilegeProbe {

    private final ReadOnlySessions sessions;

    PrivilegeProbe(ReadOnlySessions sessions) {
        this.sessions = sessions;
    }

    PrivilegeReport privileges(PostgresJdbcDataSource source) {
        String key = "data_source.query";
        try (Connection c = sessions.open(source)) {
            String user;
            String database;
            boolean superuser;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(SourceSql.WHO_AM_I)) {
                rs.next();
                user = rs.getString(1);
                database = rs.getString(2);
                superuser = rs.getBoolean(3);
            }
            Set<List<String>> relations = SourceRoleCheck.relationsRead(c, source, key);
            List<TableAccess> tables = new ArrayList<>();
            for (List<String> relation : relations) {
                tables.add(tableAccess(c, relation.get(0), relation.get(1)));
            }
            List<String> qualified =
                    tables.stream().map(TableAccess::qualifiedName).toList();
            List<String> warnings = SourceRoleCheck.powers(c, SourceRoleCheck.schemas(relations)).phrases().stream()
                    .map(phrase -> "role \"" + user + "\" " + phrase)
                    .toList();
            return new PrivilegeReport(
                    user,
                    database,
                    superuser,
                    tables,
                    GrantSql.statements(user, database, "public", qualified, false),
                    warnings);
        } catch (SQLException e) {
            throw sessions.failures().queryFailure(source, key, e);
        } catch (IOException e) {
            throw SourceFailures.unreadablePlan(key, e);
        }
    }

    private static TableAccess tableAccess(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SourceSql.TABLE_ACCESS)) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new TableAccess(schema, table, "?", false, Set.of());
                }
                Set<String> writes = new TreeSet<>();
                for (int i = 0; i < SourceRoleCheck.WRITES.size(); i++) {
                    if (rs.getBoolean(3 + i)) {
                        writes.add(SourceRoleCheck.WRITES.get(i));
                    }
                }
                return new TableAccess(schema, table, rs.getString(1), rs.getBoolean(2), writes);
            }
        }
    }
}
