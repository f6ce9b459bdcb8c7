package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrantSqlTest {
    @Test
    void grantsExactlyConnectUsageAndSelectAsTheDesignSays() {
        assertThat(GrantSql.statements("vigil", "shop", "ml", List.of("model_predictions", "ml.training"), true))
                .containsExactly(
                        "CREATE USER vigil WITH PASSWORD '<strong password>';",
                        "GRANT CONNECT ON DATABASE shop TO vigil;",
                        "GRANT USAGE ON SCHEMA ml TO vigil;",
                        "GRANT SELECT ON ml.model_predictions, ml.training TO vigil;");
    }

    @Test
    void quotesIdentifiersThatNeedIt() {
        assertThat(GrantSql.ident("Shop")).isEqualTo("\"Shop\"");
        assertThat(GrantSql.ident("user")).isEqualTo("\"user\"");
        assertThat(GrantSql.ident("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(GrantSql.ident("model_predictions")).isEqualTo("model_predictions");
    }

    /** Review F20: a keyword left unquoted is SQL (GRANT ... TO current_user grants to the invoking role). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "current_user",
                "session_user",
                "current_role",
                "current_schema",
                "current_catalog",
                "lateral",
                "returning",
                "variadic",
                "authorization",
                "concurrently",
                "xmltable",
                "between",
            })
    void everyKeywordThatIsNotUnreservedIsQuoted(String keyword) {
        assertThat(GrantSql.ident(keyword)).isEqualTo("\"" + keyword + "\"");
        assertThat(GrantSql.statements(keyword, "shop", "ml", List.of("t"), false))
                .contains("GRANT SELECT ON ml.t TO \"" + keyword + "\";");
    }

    @Test
    void unreservedKeywordsStayPlainNames() {
        assertThat(GrantSql.ident("name")).isEqualTo("name");
        assertThat(GrantSql.ident("events")).isEqualTo("events");
    }

    @Test
    void publicIsRefusedAsTheRoleName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> GrantSql.statements("PUBLIC", "shop", "ml", List.of("t"), true))
                .isInstanceOf(dev.vigil.core.VigilArgumentException.class)
                .hasMessage("user: 'PUBLIC' cannot name Vigil's role: GRANT ... TO PUBLIC grants to every role; choose"
                        + " another name, such as vigil_reader");
    }
}
