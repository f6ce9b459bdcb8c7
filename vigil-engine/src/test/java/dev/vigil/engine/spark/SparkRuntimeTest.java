package dev.vigil.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runtime's session cannot read files through SQL, in every per-run session made from it. */
class SparkRuntimeTest {
    @Test
    void sqlCannotNameAFileAsATable(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "vigil-secret-line\n");
        SparkSession run =
                SparkRuntime.local("local[*]").session().newSession(); // a run's session, as DatasetProfiler makes it
        assertThat(run.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
        assertThat(run.conf().get("spark.sql.variable.substitute")).isEqualTo("false");

        assertThatThrownBy(() ->
                        run.sql("SELECT * FROM text.`" + secret.toUri() + "`").collectAsList())
                .hasMessageContaining("text");
        assertThatThrownBy(() -> run.range(1)
                        .selectExpr("(SELECT max(value) FROM text.`" + secret.toUri() + "`) AS v")
                        .collectAsList())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("vigil-secret-line"));
    }
}
