package dev.vigil.core.spec;

import dev.vigil.core.VigilArgumentException;
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
    /**
     * Every PostgreSQL 15 keyword that is not unreserved ({@code SELECT word FROM pg_get_keywords() WHERE catcode <>
     * 'U'}: reserved, column-name and type-or-function keywords), lower-case. Unquoted, such a word is SQL, not a
     * name: {@code GRANT ... TO current_user} grants to the invoking role (review F20). Unreserved keywords are plain
     * names wherever {@link #ident} puts one.
     */
    private static final Set<String> RESERVED = Set.of(
            ("all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean "
                            + "both case cast char character check coalesce collate collation column concurrently constraint create "
                            + "cross current_catalog current_date current_role current_schema current_time current_timestamp "
                            + "current_user dec decimal default deferrable desc distinct do else end except exists extract false "
                            + "fetch float for foreign freeze from full grant greatest group grouping having ilike in initially "
                            + "inner inout int integer intersect interval into is isnull join lateral leading least left like limit "
                            + "localtime localtimestamp national natural nchar none normalize not notnull null nullif numeric "
                            + "offset on only or order out outer overlaps overlay placing position precision primary real "
                            + "references returning right row select session_user setof similar smallint some substring symmetric "
                            + "table tablesample then time timestamp to trailing treat trim true union unique user using values "
                            + "varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists "
                            + "xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable ")
                    .strip()
                    .split(" "));

    /**
     * Role names that {@code GRANT ... TO} reads as something else, quoted or not: {@code public} is every role, and
     * {@code none} is refused by PostgreSQL.
     */
    private static final Set<String> SPECIAL_ROLES = Set.of("public", "none");

    private GrantSql() {}

    /**
     * The statements for {@code user} reading {@code tables} ({@code schema.table} or a bare name in
     * {@code defaultSchema}); {@code withCreateUser} adds the {@code CREATE USER} line with a
     * placeholder password.
     */
    public static List<String> statements(
            String user, String database, String defaultSchema, List<String> tables, boolean withCreateUser) {
        if (SPECIAL_ROLES.contains(user.toLowerCase(Locale.ROOT))) {
            throw new VigilArgumentException("user: '" + user + "' cannot name Vigil's role: GRANT ... TO " + user
                    + (user.equalsIgnoreCase("public") ? " grants to every role" : " is refused by PostgreSQL")
                    + "; choose another name, such as vigil_reader");
        }
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
