package dev.vigil.engine.source;

import dev.vigil.core.spec.SqlQueries;

/**
 * Every piece of SQL text Vigil writes for the user's PostgreSQL, in one place (Trino's {@code QueryBuilder}
 * role): the wrapped query, the probe, the session setup and the catalog queries of the privilege report.
 */
final class SourceSql {
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

    private SourceSql() {}

    /** The session's statement timeout, in milliseconds. */
    static String statementTimeout(long millis) {
        return "SET statement_timeout = " + millis;
    }

    /** The query as Vigil runs it: {@code SELECT * FROM (\n<query>\n) AS vigil_src}; {@code key} names it in errors. */
    static String wrap(String query, String key) {
        return "SELECT * FROM (\n" + SqlQueries.normalize(query, key) + "\n) AS " + ALIAS;
    }

    /** At most {@code rows} rows of a wrapped query. */
    static String limit(String wrapped, int rows) {
        return wrapped + " LIMIT " + rows;
    }

    /** The plan of the query, with the relations it reads, without running it. */
    static String explain(String query) {
        return "EXPLAIN (VERBOSE, FORMAT JSON) " + wrap(query, "data_source.query");
    }
}
