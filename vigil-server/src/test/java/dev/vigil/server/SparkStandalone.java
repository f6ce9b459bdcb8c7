package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on loopback, for the tests: a master and one worker, each its own JVM, started from the
 * Spark jars of the test's classpath (Maven's repository, no Spark download), never with a Vigil class or the
 * PostgreSQL driver, so that whatever Vigil's tasks need on the executors must be shipped by Vigil.
 *
 * <p>A worker launches its executors from {@code $SPARK_HOME/jars}, finds its Scala version in
 * {@code SPARK_SCALA_VERSION} when {@code $SPARK_HOME} is not a Spark build, and needs an empty {@code RELEASE} file to
 * take {@code $SPARK_HOME} for an installation: the fake home here has all three, its jars symbolic links to the
 * repository's. Executors log to {@code work/<app>/<executor>/stderr}; {@link #logs()} gathers everything for a
 * failing test.
 */
final class SparkStandalone implements AutoCloseable {
    private final Path dir;
    private final int masterPort;
    private final List<Process> processes = new ArrayList<>();

    private SparkStandalone(Path dir, int masterPort) {
        this.dir = dir;
        this.masterPort = masterPort;
    }

    /** Starts the master and one worker ({@code cores} cores, 1 GiB for executors) under {@code dir}. */
    static SparkStandalone start(Path dir, int cores) throws Exception {
        Path home = fakeSparkHome(dir.resolve("spark-home"));
        SparkStandalone cluster = new SparkStandalone(dir, freePort());
        try {
            cluster.launch(
                    home,
                    "master",
                    List.of("-Dspark.master.rest.enabled=false"), // no submission endpoint on a fixed port 6066
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(cluster.masterPort),
                    "--webui-port",
                    String.valueOf(freePort()));
            cluster.awaitLog("master", "I have been elected leader");
            Path work = Files.createDirectories(dir.resolve("work"));
            cluster.launch(
                    home,
                    "worker",
                    List.of(),
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--webui-port",
                    String.valueOf(freePort()),
                    "--cores",
                    String.valueOf(cores),
                    "--memory",
                    "1G",
                    "--work-dir",
                    work.toString(),
                    cluster.masterUrl());
            cluster.awaitLog("worker", "Successfully registered with master");
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:<port>}. */
    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The jars the worker launches executors from (the fake {@code $SPARK_HOME/jars}). */
    List<String> workerJars() throws IOException {
        try (var files = Files.list(dir.resolve("spark-home").resolve("jars"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** The master's, the worker's and every executor's log, for a failure message. */
    String logs() {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>)
                    files.filter(p -> p.getFileName().toString().endsWith(".log")
                                    || p.getFileName().toString().equals("stderr"))
                            .sorted()::iterator) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                out.append("==== ")
                        .append(dir.relativize(f))
                        .append('\n')
                        .append(text, Math.max(0, text.length() - 6000), text.length());
            }
        } catch (IOException e) {
            out.append("(cannot read the logs: ").append(e).append(')');
        }
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) { // the worker (and its executors) first
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        processes.clear();
    }

    private void launch(Path home, String name, List<String> properties, String mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.add("-Xmx256m");
        command.addAll(properties);
        command.add("-cp");
        command.add(home.resolve("jars") + File.separator + "*");
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        for (String inherited : List.of(
                "SPARK_TESTING",
                "SPARK_PREPEND_CLASSES",
                "SPARK_CONF_DIR",
                "SPARK_DIST_CLASSPATH",
                "HADOOP_CONF_DIR")) {
            env.remove(inherited);
        }
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home")); // executors run on this test's JDK too
        processes.add(builder.start());
    }

    private void awaitLog(String name, String line) throws Exception {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
                return;
            }
            if (!processes.get(processes.size() - 1).isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Spark " + name + " did not log '" + line + "' in time:\n" + logs());
    }

    /**
     * {@code home} with {@code jars/} linking every jar of the test classpath but Vigil's, the PostgreSQL driver's and MLlib's
     * (Spark and its dependencies; the few test libraries among them are harmless), and an empty {@code RELEASE}.
     */
    private static Path fakeSparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("RELEASE"), "");
        List<Path> classpath = Arrays.stream(
                        System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .toList();
        assertThat(classpath)
                .as("Spark's jars on the test classpath")
                .anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("spark-core_2.13-4.1.1"));
        for (Path p : classpath) {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            String path = p.toString().replace('\\', '/');
            boolean vigil = name.startsWith("vigil-") || path.contains("/dev/vigil/");
            boolean driver = name.startsWith("postgresql-") || path.contains("/org/postgresql/");
            // nor MLlib: DLE's trees run on executors only if Vigil ships it (ExecutorJars)
            boolean mllib = name.startsWith("spark-mllib");
            if (Files.isRegularFile(p) && name.endsWith(".jar") && !vigil && !driver && !mllib) {
                Path link = jars.resolve(p.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            }
        }
        return home;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
