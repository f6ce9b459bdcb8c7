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
}
