package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadOptionsTest {
    @Test
    void listedSparkSettingsAreAccepted() {
        assertThat(ReadOptions.problems(
                        Map.of(
                                "spark.sql.shuffle.partitions",
                                "4",
                                "spark.sql.adaptive.enabled",
                                "true",
                                "fetchsize",
                                "10"),
                        "serving.data_source.read_options"))
                .isEmpty();
    }

    @Test
    void otherSparkSettingsAreRefusedNamingTheKey() {
        // each would widen what a run can do: read files, change the UTC windows, or load a class
        assertThat(ReadOptions.problems(Map.of("spark.sql.runSQLOnFiles", "true"), "serving.data_source.read_options"))
                .containsExactly("serving.data_source.read_options.spark.sql.runSQLOnFiles: is not a Spark setting a"
                        + " data source may change (allowed: spark.sql.adaptive.coalescePartitions.enabled,"
                        + " spark.sql.adaptive.enabled, spark.sql.ansi.enabled, spark.sql.caseSensitive,"
                        + " spark.sql.shuffle.partitions)");
        assertThat(ReadOptions.problems(Map.of("spark.sql.session.timeZone", "Europe/Paris"), "p"))
                .singleElement()
                .asString()
                .startsWith("p.spark.sql.session.timeZone: is not a Spark setting a data source may change");
        assertThat(ReadOptions.problems(Map.of("spark.sql.extensions", "x.Y"), "p"))
                .hasSize(1);
    }
}
