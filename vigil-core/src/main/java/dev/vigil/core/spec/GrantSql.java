package dev.vigil.core.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SQL that creates Vigil's read-only PostgreSQL user: CONNECT on the database, USAGE on each
 * schema and SELECT on each table, nothing more (DESIGN.md, "The user's words").
 */
public final class GrantSql {
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    private static final Set<String> RESERVED = Set.of(
            "all",
            "analyse",
            "analyze",
            "and",
            "any",
            "array",
            "as",
            "asc",
            "both",
            "case",
            "cast",
            "check",
            "collate",
            "column",
            "constraint",
            "create",
            "default",
            "desc",
            "distinct",
            "do",
            "else",
            "end",
            "except",
            "false",
            "for",
            "foreign",
            "from",
            "grant",
            "group",
            "having",
            "in",
            "into",
            "leading",
            "limit",
            "not",
            "null",
            "offset",
            "on",
            "only",
            "or",
            "order",
            "primary",
            "references",
            "select",
            "table",
            "then",
            "to",
            "trailing",
            "true",
            "union",
            "unique",
            "user",
            "using",
            "when",
            "where",
            "window",
            "with");

    private GrantSql() {}

    /**
     * The statements for {@code user} reading {@code tables} ({@code schema.table} or a bare name in
     * {@code defaultSchema}); {@code withCreateUser} adds the {@code CREATE USER} line with a
     * placeholder password.
     */
    public static List<String> statements(
            String user, String database, String defaultSchema, List<String> tables, boolean withCreateUser) {
        List<String> out = new ArrayList<>();
        if (withCreateUser) {
            out.add("CREATE USER " + ident(user) + " WITH PASSWORD '<strong password>';");
        }
        out.add("GRANT CONNECT ON DATABASE " + ident(database) + " TO " + ident(user) + ";");
        Set<String> schemas = new LinkedHashSet<>();
        List<String> qualified = new ArrayList<>();
        for (String table : tables) {
            int dot = table.indexOf('.');
            String schema = dot < 0 ? defaultSchema : table.substring(0, dot);
            String name = dot < 0 ? table : table.substring(dot + 1);
            schemas.add(schema);
            qualified.add(ident(schema) + "." + ident(name));
        }
        if (tables.isEmpty() && defaultSchema != null) {
            schemas.add(defaultSchema);
        }
        for (String schema : schemas) {
            out.add("GRANT USAGE ON SCHEMA " + ident(schema) + " TO " + ident(user) + ";");
        }
        if (!qualified.isEmpty()) {
            out.add("GRANT SELECT ON " + String.join(", ", qualified) + " TO " + ident(user) + ";");
        }
        return out;
    }

    /** A PostgreSQL identifier, double-quoted when it is not a plain lower-case name. */
    public static String ident(String name) {
        if (PLAIN.matcher(name).matches() && !RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            return name;
        }
        return quote(name);
    }

    /** Always double-quotes, doubling embedded quotes. */
    public static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
