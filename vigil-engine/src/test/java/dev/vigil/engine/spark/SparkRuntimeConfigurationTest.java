package dev.vigil.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What a runtime starts Spark with, without starting it: loopback and no shipping in local mode; on a cluster the
 * user's settings over Vigil's defaults, and Vigil's jars and the PostgreSQL driver after the user's {@code spark.jars}.
 */
class SparkRuntimeConfigurationTest {
    @Test
    void localModeBindsToLoopbackAndShipsNothing() {
        Map<String, String> conf = SparkRuntime.local("local[2]").configuration();
        assertThat(conf)
                .containsEntry("spark.driver.host", "127.0.0.1")
                .containsEntry("spark.driver.bindAddress", "127.0.0.1")
                .containsEntry("spark.ui.enabled", "false")
                .containsEntry("spark.sql.session.timeZone", "UTC")
                .containsEntry("spark.sql.runSQLOnFiles", "false")
                .containsEntry("spark.sql.variable.substitute", "false")
                .doesNotContainKey("spark.jars");
    }

    @Test
    void aClusterGetsTheUsersSettingsAndVigilsJarsAfterTheirs() throws IOException {
        SparkRuntime runtime = new SparkRuntime(
                "spark://spark-master:7077",
                Map.of(
                        "spark.driver.host", "vigil.internal",
                        "spark.executor.memory", "2g",
                        "spark.ui.enabled", "true",
                        "spark.jars", "/opt/extra.jar"));
        Map<String, String> conf = runtime.configuration();
        assertThat(conf)
                .containsEntry("spark.driver.host", "vigil.internal")
                .doesNotContainKey("spark.driver.bindAddress")
                .containsEntry("spark.executor.memory", "2g")
                .containsEntry("spark.ui.enabled", "true")
                .containsEntry("spark.sql.runSQLOnFiles", "false");
        List<String> jars = Arrays.asList(conf.get("spark.jars").split(","));
        assertThat(jars.get(0)).isEqualTo("/opt/extra.jar");
        List<Path> shipped = jars.subList(1, jars.size()).stream().map(Path::of).toList();
        // Vigil's core, stats and engine, the PostgreSQL driver, and MLlib's two jars (DLE's trees, ADR 0028)
        assertThat(shipped).hasSize(6).allSatisfy(p -> assertThat(p).isRegularFile());
        assertThat(shipped.stream().map(p -> p.getFileName().toString()).distinct())
                .as("Spark serves added jars by file name")
                .hasSize(6);
        assertThat(classes(shipped))
                .contains(
                        "dev/vigil/core/VigilException.class",
                        "dev/vigil/stats/DatasetProfile.class",
                        "dev/vigil/engine/profile/PartitionProfiler.class",
                        "org/postgresql/Driver.class",
                        "org/apache/spark/ml/regression/GBTRegressionModel.class");
        assertThat(runtime.configuration().get("spark.jars"))
                .as("jarred once per JVM")
                .isEqualTo(conf.get("spark.jars"));
    }

    @Test
    void onlySparkSettingsAreTakenAndUserSqlStaysLocked() {
        assertThatThrownBy(() -> new SparkRuntime("spark://m:7077", Map.of("executor.memory", "2g")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("spark-conf: executor.memory is not a Spark setting (keys start with spark.)");
        assertThatThrownBy(() -> new SparkRuntime("local[*]", Map.of("spark.sql.variable.substitute", "true")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("spark-conf: spark.sql.variable.substitute cannot be changed (Vigil runs user SQL, which is"
                        + " untrusted)");
        assertThatThrownBy(() -> new SparkRuntime(" ", Map.of()))
                .hasMessage("spark-master: is empty (expected local[*] or spark://host:port)");
    }

    @Test
    void theMasterTheDeployModeAndTheTimeZoneAreVigilsToSet() {
        // spark.master here would win over --spark-master in Spark's builder, while Vigil decided from the flag
        // whether to ship its jars and bind to loopback: a cluster master would get neither
        assertThatThrownBy(() -> new SparkRuntime("local[*]", Map.of("spark.master", "spark://m:7077")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("spark-conf: spark.master is set with --spark-master (VIGIL_SPARK_MASTER), not here");
        assertThatThrownBy(() -> new SparkRuntime("spark://m:7077", Map.of("spark.submit.deployMode", "cluster")))
                .hasMessage("spark-conf: spark.submit.deployMode cannot be changed (the server is Spark's driver:"
                        + " client mode)");
        assertThatThrownBy(() -> new SparkRuntime("local[*]", Map.of("spark.sql.session.timeZone", "Europe/Paris")))
                .hasMessage("spark-conf: spark.sql.session.timeZone cannot be changed (Vigil's windows are UTC"
                        + " instants)");
    }

    private static List<String> classes(List<Path> jars) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().forEach(e -> names.add(e.getName()));
            }
        }
        return names;
    }
}
