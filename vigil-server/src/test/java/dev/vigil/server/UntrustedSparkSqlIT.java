package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.client.ColumnMapping;
import dev.vigil.client.VersionHandle;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Segment;
import dev.vigil.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 1 (security review F1): Spark SQL a token holder writes is checked against an allowlist before Spark
 * sees it. The server runs in this JVM, so a call that ran would show as a system property.
 */
class UntrustedSparkSqlIT extends AbstractServerIT {
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training"));
    }

    private PostgresJdbcDataSource source(String... selectExpr) {
        return PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT * FROM ml.model_predictions")
                .user(reader.user())
                .password(reader.password())
                .selectExpr(selectExpr)
                .build();
    }

    @Test
    void aSelectExpressionCallingJavaIsRefusedAndNothingRunsOrIsStored() {
        vigil().createModel("pwn-select", "Hostile select_expr");
        VersionHandle v1 = vigil().createModelVersion("pwn-select", "v1", ModelType.BINARY, ExampleSource.schema());
        String hostile = "reflect('java.lang.System','setProperty','vigil.pwned','1') AS p";

        assertThatThrownBy(() -> v1.connectServing(
                        source("*", hostile),
                        "prediction_id",
                        "prediction_timestamp",
                        ColumnMapping.builder()
                                .label("will_buy_insurance", "bought")
                                .build()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("serving.data_source.select_expr[1]: '" + hostile
                        + "' is refused: function reflect is not allowed");
        assertThat(System.getProperty("vigil.pwned"))
                .as("the method was not called")
                .isNull();
        assertThat(v1.datasets()).as("nothing stored").isEmpty();

        // the allowed expressions of the README still connect
        assertThat(v1.connectServing(
                                source("*", "amount / 100 AS amount_usd", "upper(owner_name) AS owner"),
                                "prediction_id",
                                "prediction_timestamp",
                                ColumnMapping.builder()
                                        .label("will_buy_insurance", "bought")
                                        .build())
                        .change())
                .isEqualTo("created");
    }

    @Test
    void aSegmentCallingJavaIsRefusedAndTheVersionIsNotStored() {
        vigil().createModel("pwn-where", "Hostile where");
        String hostile = "java_method('java.lang.System', 'setProperty', 'vigil.pwned.where', '1') IS NOT NULL";
        ModelVersion version = new ModelVersion(
                "pwn-where",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                ExampleSource.schema(),
                List.of(Segment.where("big", "amount > 500"), Segment.where("pwn", hostile)));

        assertThatThrownBy(() -> vigil().apply(version))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("segments[1].where: '" + hostile + "' is refused: function java_method is not allowed");
        assertThat(System.getProperty("vigil.pwned.where")).isNull();
        assertThat(vigil().getVersion("pwn-where", "v1")).as("nothing stored").isEmpty();
    }

    @Test
    void aSparkSettingOutsideTheAllowlistIsRefusedNamingTheKey() {
        vigil().createModel("pwn-options", "Hostile read_options");
        VersionHandle v1 = vigil().createModelVersion("pwn-options", "v1", ModelType.BINARY, ExampleSource.schema());
        PostgresJdbcDataSource src = PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT * FROM ml.model_predictions")
                .user(reader.user())
                .password(reader.password())
                .readOptions(Map.of("spark.sql.runSQLOnFiles", "true"))
                .build();

        assertThatThrownBy(() -> v1.connectServing(src, "prediction_id", "prediction_timestamp"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.read_options.spark.sql.runSQLOnFiles: is not a Spark"
                        + " setting a data source may change");
        assertThat(v1.datasets()).isEmpty();
    }
}
