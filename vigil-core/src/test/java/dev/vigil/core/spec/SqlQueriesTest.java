package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlQueriesTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT * FROM t",
                "select 1;",
                "  WITH x AS (SELECT 1) SELECT * FROM x ;  -- done",
                "SELECT ';' AS semi, \"a;b\" FROM t",
                "SELECT $$a;b$$, $tag$ ; $tag$ FROM t",
                "SELECT E'it\\'s;' FROM t",
                "/* leading ; comment /* nested */ */ SELECT 1",
                "(SELECT 1)",
                "SELECT a$x$ FROM t",
                "SELECT $€$ ; $€$ FROM t",
            })
    void acceptsOneSelectStatement(String sql) {
        assertThat(SqlQueries.problem(sql, "q")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DELETE FROM t",
                "SELECT 1; SELECT 2",
                "SELECT 1; DROP TABLE t; ",
                "UPDATE t SET a = 1",
                "",
                "-- only a comment",
                "SELECT 'unterminated",
                "COPY t TO PROGRAM 'x'",
                // security review F2: '$' continues an identifier, and a tag may hold any non-ASCII character
                "SELECT 1 AS a$x$) AS s; COMMIT; BEGIN READ WRITE; ALTER ROLE CURRENT_USER PASSWORD 'x'; "
                        + "COMMIT; SELECT * FROM (SELECT 1 AS b$x$",
                "SELECT $€$'$€$; COMMIT; BEGIN READ WRITE; ALTER ROLE CURRENT_USER PASSWORD 'x'; SELECT '",
                "SELECT 1$x$; DELETE FROM t; SELECT $x$",
            })
    void rejectsAnythingElse(String sql) {
        assertThat(SqlQueries.problem(sql, "q")).isPresent();
    }

    @Test
    void normalizeDropsTheTrailingSemicolonOnly() {
        assertThat(SqlQueries.normalize("SELECT ';' FROM t ; ", "q")).isEqualTo("SELECT ';' FROM t");
        assertThat(SqlQueries.normalize("SELECT 1 -- trailing comment", "q")).isEqualTo("SELECT 1 -- trailing comment");
    }

    @Test
    void messagesNameTheKey() {
        assertThat(SqlQueries.problem("SELECT 1; SELECT 2", "serving.data_source.query"))
                .hasValue(
                        "serving.data_source.query: holds more than one statement (expected one SELECT or WITH statement, "
                                + "without a ';' in the middle)");
    }
}
