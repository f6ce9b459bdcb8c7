package dev.vigil.engine.spark;

import dev.vigil.core.VigilException;
import dev.vigil.core.VigilStateException;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.stats.DatasetProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jars a cluster's executors need to run Vigil's tasks and that Spark's own jars lack: vigil-core, vigil-stats,
 * vigil-engine (the partition profiler and what it builds), the PostgreSQL driver (Spark's JDBC reader connects
 * from the executors), and MLlib's spark-mllib and spark-mllib-local, whose gradient-boosted trees DLE's loss models
 * predict with on the executors (ADR 0028; a Spark installation without MLlib lacks them, one with it uses its own,
 * which come first on its executors' class path). They are found where this JVM loaded those classes from, so they are right however the
 * server was started: the distribution's {@code lib/*.jar}, or a build's {@code target/classes} directories (tests,
 * the launcher), which Spark cannot ship ({@code addJar} refuses a directory) and are jarred once per JVM into a
 * temporary file named after the module.
 */
final class ExecutorJars {
    /** One class of each code source executors need. */
    private static final List<Class<?>> NEEDED = List.of(
            VigilException.class,
            DatasetProfile.class,
            DatasetProfiler.class,
            org.postgresql.Driver.class,
            org.apache.spark.ml.regression.GBTRegressionModel.class,
            org.apache.spark.ml.linalg.Vectors.class);

    private static final Map<Path, Path> JARRED = new LinkedHashMap<>();

    private ExecutorJars() {}

    /** The paths of the jars to ship, directories replaced by jars of them. */
    static synchronized List<String> paths() {
        List<String> paths = new ArrayList<>();
        for (Class<?> c : NEEDED) {
            Path source = codeSource(c);
            Path jar = Files.isDirectory(source) ? JARRED.computeIfAbsent(source, ExecutorJars::jar) : source;
            if (!paths.contains(jar.toString())) {
                paths.add(jar.toString());
            }
        }
        return paths;
    }

    private static Path codeSource(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new VigilStateException("Cannot find where " + c.getName() + " was loaded from, to ship it to"
                    + " Spark's executors; set spark.jars to the jar holding it");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new VigilStateException(
                    "Cannot read where " + c.getName() + " was loaded from: " + source.getLocation(), e);
        }
    }

    /**
     * A jar of a classes directory, named after its module ({@code …/vigil-engine/target/classes} gives
     * {@code vigil-engine-classes.jar}): Spark serves every added jar by its file name, so names must differ.
     */
    private static Path jar(Path classes) {
        Path module = classes.getParent() != null && classes.getParent().getParent() != null
                ? classes.getParent().getParent().getFileName()
                : classes.getFileName();
        try {
            Path dir = Files.createTempDirectory("vigil-executor-jars");
            dir.toFile().deleteOnExit(); // registered first: deleted last, once empty
            Path jar = dir.resolve(module + "-classes.jar");
            jar.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out);
                    Stream<Path> files = Files.walk(classes)) {
                for (Path file :
                        (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    zip.putNextEntry(
                            new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new VigilStateException("Cannot jar " + classes + " to ship it to Spark's executors: " + e, e);
        }
    }
}
