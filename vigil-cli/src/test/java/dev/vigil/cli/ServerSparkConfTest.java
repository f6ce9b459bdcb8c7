package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil server} refuses a bad Spark setting with one line naming it, before it opens or binds anything. */
class ServerSparkConfTest {
    @TempDir
    Path dir;

    @Test
    void anEntryWithoutAValueIsRefused() {
        Path data = dir.resolve("data");
        StringWriter err = new StringWriter();
        int code =
                run(Map.of("VIGIL_DATA_DIR", data.toString()), err, "server", "--spark-conf", "spark.executor.memory");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .endsWith("--spark-conf: 'spark.executor.memory' is not key=value (such as spark.executor.memory=2g)")
                .doesNotContain("\n");
        assertThat(Files.exists(data)).as("no metastore opened").isFalse();
    }

    @Test
    void aKeyThatIsNotSparksIsRefusedFromTheFlagOrTheVariable() {
        Path data = dir.resolve("data");
        StringWriter err = new StringWriter();
        int code = run(
                Map.of("VIGIL_DATA_DIR", data.toString(), "VIGIL_SPARK_CONF", "spark.executor.cores=2"),
                err,
                "server",
                "--spark-conf",
                "executor.memory=2g");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .endsWith("spark-conf: executor.memory is not a Spark setting (keys start with spark.)")
                .doesNotContain("\n");
        StringWriter fromEnv = new StringWriter();
        code = run(
                Map.of("VIGIL_DATA_DIR", data.toString(), "VIGIL_SPARK_CONF", "spark.sql.runSQLOnFiles=true"),
                fromEnv,
                "server");
        assertThat(code).isEqualTo(2);
        assertThat(fromEnv.toString().strip())
                .endsWith("spark-conf: spark.sql.runSQLOnFiles cannot be changed (Vigil runs user SQL, which is"
                        + " untrusted)");
        assertThat(Files.exists(data)).as("no metastore opened").isFalse();
    }

    private static int run(Map<String, String> env, StringWriter err, String... args) {
        return VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)))
                .execute(args);
    }
}
