package dev.vigil.engine.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.PostgresJdbcDataSource;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses a source role that can do more than read (decision 0003): the read-only session is only a default a
 * transaction could override, so the role itself must be unable to write. Asked on the session that will run the
 * query, before the query runs, when a dataset is connected and again when a run starts (both go through
 * {@link PostgresSource#check}).
 *
 * <p>The schemas looked at are those of the relations the query's plan reads ({@code EXPLAIN} plans without
 * executing). {@code TEMP} on the database is not refused: PostgreSQL grants it to {@code PUBLIC} by default, and the
 * read-only session refuses {@code CREATE TEMP TABLE} anyway.
 */
final class SourceRoleCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SourceRoleCheck() {}

    /**
     * Throws one sentence naming the role and what it may do unless it is read-only in the schemas {@code query}
     * reads, or {@code data_source.allow_writable_role} names exactly that role.
     */
    static void requireReadOnly(Connection c, PostgresJdbcDataSource source, String prefix)
            throws SQLException, IOException {
        RolePowers powers = powers(c, schemas(relationsRead(c, source, prefix + "data_source.query")));
        if (powers.readOnly()) {
            return;
        }
        String allowed = source.allowWritableRole();
        if (powers.role().equals(allowed)) {
            return;
        }
        String key = prefix + "data_source.";
        if (allowed != null) {
            throw new VigilArgumentException(key + "allow_writable_role: is \"" + allowed
                    + "\" but the source logs in as role \"" + powers.role() + "\", which " + powers.describe()
                    + "; it only accepts the role it names: connect Vigil with a read-only role (vigil grant-sql"
                    + " prints one) or set " + key + "allow_writable_role: " + powers.role());
        }
        throw new VigilArgumentException(key + "user: role \"" + powers.role() + "\" " + powers.describe()
                + "; connect Vigil with a read-only role (vigil grant-sql prints one) or set " + key
                + "allow_writable_role: " + powers.role());
    }

    /** The write privileges a role may hold on a relation, in the order {@link SourceSql} asks for them. */
    static final List<String> WRITES = List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");

    /** The {@code [schema, relation]} of every relation the query's plan reads, in plan order. */
    static Set<List<String>> relationsRead(Connection c, PostgresJdbcDataSource source, String key)
            throws SQLException, IOException {
        Set<List<String>> relations = new LinkedHashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SourceSql.explain(source.query(), key))) {
            rs.next();
            collectRelations(JSON.readTree(rs.getString(1)), relations);
        }
        return relations;
    }

    /** The schemas of {@code relations}. */
    static Set<String> schemas(Set<List<String>> relations) {
        Set<String> schemas = new TreeSet<>();
        relations.forEach(r -> schemas.add(r.get(0)));
        return schemas;
    }

    /** Adds the {@code [schema, relation]} of every relation a plan ({@code EXPLAIN (FORMAT JSON)}) reads. */
    private static void collectRelations(JsonNode node, Set<List<String>> out) {
        if (node.isObject() && node.has("Relation Name")) {
            out.add(List.of(
                    node.path("Schema").asText("public"),
                    node.get("Relation Name").asText()));
        }
        node.forEach(child -> collectRelations(child, out));
    }

    /** What the session's role may do beyond reading, in {@code schemas}. */
    static RolePowers powers(Connection c, Set<String> schemas) throws SQLException {
        String role;
        boolean superuser;
        boolean createRole;
        boolean createDb;
        boolean bypassRls;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SourceSql.ROLE_ATTRIBUTES)) {
            rs.next();
            role = rs.getString(1);
            superuser = rs.getBoolean(2);
            createRole = rs.getBoolean(3);
            createDb = rs.getBoolean(4);
            bypassRls = rs.getBoolean(5);
        }
        Set<String> ownedSchemas = new TreeSet<>();
        if (superuser) {
            // a superuser passes every privilege check: listing what it owns or may write would list everything
            return new RolePowers(role, true, createRole, createDb, bypassRls, Set.of(), Set.of(), Set.of(), Map.of());
        }
        Set<String> creatableSchemas = new TreeSet<>();
        Set<String> ownedRelations = new TreeSet<>();
        Map<String, Set<String>> writes = new HashMap<>();
        Array names = c.createArrayOf("text", schemas.toArray());
        try (PreparedStatement s = c.prepareStatement(SourceSql.SCHEMA_POWERS)) {
            s.setArray(1, names);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        ownedSchemas.add(rs.getString(1));
                    } else if (rs.getBoolean(3)) {
                        creatableSchemas.add(rs.getString(1));
                    }
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(SourceSql.RELATION_POWERS)) {
            s.setArray(1, names);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String relation = rs.getString(1) + "." + rs.getString(2);
                    if (rs.getBoolean(3)) {
                        ownedRelations.add(relation);
                        continue; // an owner can always write it: saying so once is enough
                    }
                    Set<String> held = new TreeSet<>();
                    for (int i = 0; i < WRITES.size(); i++) {
                        if (rs.getBoolean(4 + i)) {
                            held.add(WRITES.get(i));
                        }
                    }
                    if (!held.isEmpty()) {
                        writes.put(relation, held);
                    }
                }
            }
        }
        return new RolePowers(
                role,
                superuser,
                createRole,
                createDb,
                bypassRls,
                ownedSchemas,
                creatableSchemas,
                ownedRelations,
                writes);
    }
}
