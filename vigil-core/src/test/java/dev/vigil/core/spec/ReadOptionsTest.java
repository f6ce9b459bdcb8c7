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
                                "100"),
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

    @Test
    void fetchSizeIsAWholeNumberFromOneHundredToOneHundredThousand() {
        String path = "serving.data_source.read_options";
        assertThat(ReadOptions.problems(Map.of("fetchsize", "100"), path)).isEmpty();
        assertThat(ReadOptions.problems(Map.of("fetchsize", "100000"), path)).isEmpty();
        assertThat(ReadOptions.problems(Map.of("fetchsize", "99"), path))
                .containsExactly("serving.data_source.read_options.fetchsize: '99' is not a whole number from 100 to"
                        + " 100000 (rows read per round trip, all held in memory)");
        assertThat(ReadOptions.problems(Map.of("fetchsize", "100001"), path))
                .singleElement()
                .asString()
                .startsWith("serving.data_source.read_options.fetchsize: '100001' is not a whole number from 100");
        assertThat(ReadOptions.problems(Map.of("fetchsize", "0"), path)).hasSize(1);
        assertThat(ReadOptions.problems(Map.of("fetchsize", "1e4"), path)).hasSize(1);
    }
}
