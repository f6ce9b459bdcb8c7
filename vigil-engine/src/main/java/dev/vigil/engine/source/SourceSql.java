package dev.vigil.engine.source;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.GrantSql;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Every piece of SQL text Vigil writes for the user's PostgreSQL, in one place (Trino's {@code QueryBuilder}
 * role): the wrapped query, the predicates Spark reads windows with, the time range and the id lookup, the probe,
 * the session setup and the catalog queries of the privilege report.
 *
 * <p>The user's query is wrapped as {@code (<query>) AS vigil_src}. Column names are quoted here, from the names
 * the dataset declares; besides the user's own query, the only literals are instants and numbers Vigil formats
 * itself, and ids travel as a bound array parameter. Public only for the profiler's Spark reads ({@link #table},
 * {@link #window}, {@link #since}, {@link #isNull}, {@link #NO_ROWS}); the rest stays in this package.
 */
public final class SourceSql {
    /** Reads no row: for a frame's schema only. */
    public static final String NO_ROWS = "1 = 0";

    /** How a user's query is wrapped so that Vigil can add its own limits and predicates. */
    static final String ALIAS = "vigil_src";

    /** Read-only a third time over: the driver's {@code readOnly} and {@code default_transaction_read_only}. */
    static final String READ_ONLY = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";

    /** Who the session is: the user, the database and whether the user is a superuser. */
    static final String WHO_AM_I =
            "SELECT current_user, current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)";

    /**
     * A relation's owner, whether the user is (a member of) the owner, and whether it may {@code INSERT},
     * {@code UPDATE}, {@code DELETE} and {@code TRUNCATE} it; parameters: the schema and the relation's name.
     */
    static final String TABLE_ACCESS =
            "SELECT pg_get_userbyid(c.relowner), pg_has_role(current_user, c.relowner, 'USAGE'), "
                    + "has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'UPDATE'), "
                    + "has_table_privilege(c.oid, 'DELETE'), has_table_privilege(c.oid, 'TRUNCATE') "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = ? AND c.relname = ?";

    /** The session's role and its attributes: superuser, {@code CREATEROLE}, {@code CREATEDB}, {@code BYPASSRLS}. */
    static final String ROLE_ATTRIBUTES = "SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls"
            + " FROM pg_roles r WHERE r.rolname = current_user";

    /**
     * Of the schemas named in the text-array parameter: the name, whether the role is (a member of) the owner, and
     * whether it may {@code CREATE} in it.
     */
    static final String SCHEMA_POWERS = "SELECT n.nspname, pg_has_role(current_user, n.nspowner, 'USAGE'),"
            + " has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = ANY (?)";

    /**
     * Every table, view, materialized view, foreign table and sequence of the schemas named in the text-array
     * parameter: schema, name, whether the role is (a member of) the owner, and whether it may {@code INSERT},
     * {@code UPDATE} (any column, or a sequence's {@code nextval}/{@code setval}), {@code DELETE} and
     * {@code TRUNCATE} it.
     */
    static final String RELATION_POWERS = "SELECT n.nspname, c.relname, pg_has_role(current_user, c.relowner, 'USAGE'),"
            + " CASE WHEN c.relkind = 'S' THEN false ELSE has_any_column_privilege(c.oid, 'INSERT') END,"
            + " CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'UPDATE')"
            + " OR has_sequence_privilege(c.oid, 'USAGE') ELSE has_any_column_privilege(c.oid, 'UPDATE') END,"
            + " CASE WHEN c.relkind = 'S' THEN false ELSE has_table_privilege(c.oid, 'DELETE') END,"
            + " CASE WHEN c.relkind = 'S' THEN false ELSE has_table_privilege(c.oid, 'TRUNCATE') END"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')";

    private SourceSql() {}

    /**
     * {@code column::type}, the cast a user may write in their query (shown in a hint, never run), the column quoted
     * unless it is a plain lower-case name.
     */
    static String cast(String column, String type) {
        String quoted = column.matches("[a-z_][a-z0-9_]*") ? column : "\"" + column.replace("\"", "\"\"") + "\"";
        return quoted + "::" + type;
    }

    /** The source's query as a table to read from: {@code (\n<query>\n) AS vigil_src}. */
    public static String table(PostgresJdbcDataSource source) {
        return table(source.query(), "data_source.query");
    }

    private static String table(String query, String key) {
        return tableChecked(SourceQueryGate.normalize(query, key));
    }

    private static String tableChecked(String normalized) {
        return "(\n" + normalized + "\n) AS " + ALIAS;
    }

    /** A query that {@link SourceQueryGate} has normalized, wrapped as {@link #wrap} does: for the gate's split. */
    static String wrapChecked(String normalized) {
        return "SELECT * FROM " + tableChecked(normalized);
    }

    /** The query as Vigil runs it: {@code SELECT * FROM (\n<query>\n) AS vigil_src}; {@code key} names it in errors. */
    static String wrap(String query, String key) {
        return "SELECT * FROM " + table(query, key);
    }

    /** At most {@code rows} rows of a wrapped query. */
    static String limit(String wrapped, int rows) {
        return wrapped + " LIMIT " + rows;
    }

    /**
     * The rows of window [{@code start}, {@code end}) by the timestamp column {@code column} of PostgreSQL type
     * {@code pgType}: {@code "<ts>" >= '<start>'::timestamptz AND "<ts>" < '<end>'::timestamptz}.
     */
    public static String window(String column, String pgType, Instant start, Instant end) {
        return compare(column, pgType, ">=", start) + " AND " + compare(column, pgType, "<", end);
    }

    /** The rows at or after {@code since} by the timestamp column {@code column} of PostgreSQL type {@code pgType}. */
    public static String since(String column, String pgType, Instant since) {
        return compare(column, pgType, ">=", since);
    }

    /** The rows whose {@code column} is NULL. */
    public static String isNull(String column) {
        return GrantSql.quote(column) + " IS NULL";
    }

    private static String compare(String column, String pgType, String operator, Instant t) {
        String quoted = GrantSql.quote(column);
        String type = pgType.toLowerCase(Locale.ROOT);
        if (type.equals("timestamptz")) {
            return quoted + " " + operator + " '" + t + "'::timestamptz";
        }
        if (type.equals("timestamp") || type.equals("date")) {
            // A timestamp without time zone is taken as UTC.
            return quoted + " " + operator + " '" + utc(t) + "'::timestamp";
        }
        // An epoch number, in the unit its size says (SourceTimestamps.seconds).
        return epochSeconds(quoted) + " " + operator + " " + t.getEpochSecond();
    }

    /** {@link SourceTimestamps#seconds} as PostgreSQL computes it for the (quoted) numeric column {@code quoted}. */
    private static String epochSeconds(String quoted) {
        return "(CASE WHEN abs(" + quoted + ") > " + (long) SourceTimestamps.EPOCH_NANOS_ABOVE + " THEN " + quoted
                + " / 1e9 WHEN abs(" + quoted + ") > " + (long) SourceTimestamps.EPOCH_MICROS_ABOVE + " THEN "
                + quoted + " / 1e6 WHEN abs(" + quoted + ") > " + (long) SourceTimestamps.EPOCH_MILLIS_ABOVE
                + " THEN " + quoted + " / 1000.0 ELSE " + quoted + " END)";
    }

    private static String utc(Instant i) {
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC).toString().replace('T', ' ');
    }

    /** The first and last value of the timestamp column {@code column} over the source's rows. */
    static String timeRange(PostgresJdbcDataSource source, String column) {
        String ts = GrantSql.quote(column);
        return "SELECT min(" + ts + "), max(" + ts + ") FROM " + table(source);
    }

    /**
     * For each id of the array parameter (as text), the id, the timestamp of the serving row with that id and
     * whether there is none; the ids are cast to the id column's type {@code idType}, so that its index is used.
     */
    static String idLookup(DatasetConnection serving, String idType) {
        String id = GrantSql.quote(serving.idColumn());
        String ts = GrantSql.quote(serving.timestampColumn());
        return "SELECT vigil_ids.k, " + ALIAS + "." + ts + ", " + ALIAS + "." + id
                + " IS NULL FROM unnest(?::text[]) AS vigil_ids(k) LEFT JOIN " + table(serving.source()) + " ON "
                + ALIAS + "." + id + " = vigil_ids.k::" + GrantSql.quote(castType(idType));
    }

    /** The type a serial column holds (a {@code serial} is an {@code int4}), for a cast. */
    static String castType(String pgType) {
        return switch (pgType.toLowerCase(Locale.ROOT)) {
            case "serial", "serial4" -> "int4";
            case "bigserial", "serial8" -> "int8";
            case "smallserial", "serial2" -> "int2";
            default -> pgType;
        };
    }

    /** The session's statement timeout, in milliseconds. */
    static String statementTimeout(long millis) {
        return "SET statement_timeout = " + millis;
    }

    /**
     * Where the normalized user query starts (0-based) in each statement that Vigil itself sends with it to check a
     * source: the wrapped query with its limits, and its plan. Spark's reads frame it otherwise, and are not listed.
     */
    static List<Integer> queryOffsets(String normalized) {
        String wrapped = wrapChecked(normalized);
        int offset = wrapped.indexOf("(\n" + normalized) + 2;
        return List.of(offset, "EXPLAIN (VERBOSE, FORMAT JSON) ".length() + offset);
    }

    /** The plan of the query, with the relations it reads, without running it. */
    static String explain(String query, String key) {
        return "EXPLAIN (VERBOSE, FORMAT JSON) " + wrap(query, key);
    }
}
