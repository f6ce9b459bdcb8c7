package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.Parser;

/** The source query gate, against pgjdbc's own splitter (no database: nothing is sent anywhere). */
class SourceQueryGateTest {
    static final String ATTACK = "SELECT 1 AS a$x$) AS s; COMMIT; BEGIN READ WRITE; "
            + "ALTER ROLE CURRENT_USER PASSWORD 'x'; COMMIT; SELECT * FROM (SELECT 1 AS b$x$";

    @ParameterizedTest
    @ValueSource(
            strings = {
                // what vigil-core's SqlQueriesTest accepts stays accepted
                "SELECT * FROM t",
                "select 1;",
                "  WITH x AS (SELECT 1) SELECT * FROM x ;  -- done",
                "SELECT ';' AS semi, \"a;b\" FROM t",
                "SELECT $$a;b$$, $tag$ ; $tag$ FROM t",
                "SELECT E'it\\'s;' FROM t",
                "/* leading ; comment /* nested */ */ SELECT 1",
                "(SELECT 1)",
                // and more plain selects
                "SELECT a$x, \"into\", \"update\" FROM t WHERE s = 'for update; delete' -- into; ",
                "SELECT substring(name FOR 3), $€$ ; $€$ FROM t;;",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r",
                "SELECT \"a\"\"b;\" FROM t /* ) ; ( */",
            })
    void acceptsOnePlainSelect(String sql) {
        assertThat(SourceQueryGate.problem(sql, "q")).isEmpty();
    }

    @Test
    void theIssuesAttackIsRefusedAlthoughItSplitsIntoOneStatementAlone() throws Exception {
        // pgjdbc does not split inside parentheses: alone it is "one" statement, wrapped it is six
        assertThat(Parser.parseJdbcSql(ATTACK, true, true, true, false, true)).hasSize(1);
        assertThat(Parser.parseJdbcSql(
                        "SELECT * FROM (\n" + ATTACK + "\n) AS vigil_src", true, true, true, false, true))
                .hasSize(6);
        assertThat(SourceQueryGate.problem(ATTACK, "serving.data_source.query"))
                .hasValue("serving.data_source.query: holds more than one statement (expected one SELECT or WITH "
                        + "statement, without a ';' in the middle)");
        assertThatThrownBy(() -> SourceSql.wrap(ATTACK, "serving.data_source.query"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.query: ");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ATTACK,
                // a non-letter dollar tag: a dollar quote to pgjdbc and PostgreSQL
                "SELECT $€$'$€$; COMMIT; BEGIN READ WRITE; ALTER ROLE CURRENT_USER PASSWORD 'x'; SELECT '",
                "SELECT 1 AS a$x$ FROM t; DELETE FROM t; SELECT $x$",
                "SELECT 1); DELETE FROM t; SELECT (1",
                "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
                "WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM u",
                "WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM i",
                "WITH m AS (MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE) SELECT 1",
                "SELECT * INTO copy FROM t",
                "SELECT * FROM t FOR UPDATE",
                "SELECT * FROM t FOR NO KEY UPDATE",
                "SELECT * FROM t for share",
                "SELECT * FROM t FOR KEY SHARE",
                "SELECT set_config('standard_conforming_strings', 'off', false)",
                "SELECT 1; SELECT 2",
                "SELECT 1 /* unterminated",
                "SELECT $q$ unterminated",
                "SELECT \"unterminated",
                "DELETE FROM t",
            })
    void refusesEverythingElse(String sql) {
        assertThat(SourceQueryGate.problem(sql, "serving.data_source.query"))
                .hasValueSatisfying(p -> assertThat(p).startsWith("serving.data_source.query: "));
    }

    @Test
    void sentencesNameWhatIsWrong() {
        assertThat(SourceQueryGate.problem("SELECT * FROM t FOR UPDATE", "q"))
                .hasValue(
                        "q: has a locking clause (FOR UPDATE); expected one plain SELECT/WITH query that takes no row locks");
        assertThat(SourceQueryGate.problem("SELECT * INTO x FROM t", "q"))
                .hasValue("q: has INTO (expected one plain SELECT/WITH query that writes nowhere;"
                        + " quote a column named into)");
        assertThat(SourceQueryGate.problem("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "q"))
                .hasValue("q: has DELETE (expected one plain SELECT/WITH query, no data-modifying"
                        + " WITH; quote a column named delete)");
    }

    @Test
    void acceptedQueriesAreOneSelectToPgjdbcAlsoWhenWrapped() throws Exception {
        for (String sql : List.of("SELECT $$a;b$$ FROM t;", "SELECT a$x$ FROM t", "SELECT 'a\\' FROM t")) {
            assertThat(SourceQueryGate.problem(sql, "q")).isEmpty();
            assertThat(Parser.parseJdbcSql(SourceSql.wrap(sql, "q"), true, true, true, false, true))
                    .hasSize(1);
        }
    }

    @Test
    void normalizeDropsTheTrailingSemicolon() {
        assertThat(SourceQueryGate.normalize("SELECT ';' FROM t ; ", "q")).isEqualTo("SELECT ';' FROM t");
    }
}
