package dev.vigil.engine.spark;

import dev.vigil.core.VigilArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's Spark: the one {@link SparkSession} everything that needs Spark asks for (runs, schema checks of
 * {@code select_expr}), built from the configuration's master and {@code spark.*} settings on first use (a few
 * seconds) and built again for the next caller when its context has stopped (a cluster manager killed the
 * application, an executor failure stopped it).
 *
 * <p>Defaults suit one machine: Spark's UI off, UTC as the SQL session time zone (Vigil's windows are UTC instants),
 * a handful of shuffle partitions instead of 200, and for a {@code local} master the driver bound to the loopback
 * interface so that a machine without a resolvable host name still works. On a cluster master the driver keeps
 * Spark's own address rules (executors must reach it: set {@code spark.driver.host}), and Vigil's own jars and the
 * PostgreSQL driver are added to {@code spark.jars} ({@link ExecutorJars}), since executors run Vigil's code.
 * The user's settings come last and win, except that {@code spark.jars} is added to, not replaced.
 *
 * <p>User Spark SQL is untrusted ({@link UserExpressions}): SQL cannot name files as tables
 * ({@code spark.sql.runSQLOnFiles=false}), and {@code ${...}} in SQL text is not replaced by settings
 * ({@code spark.sql.variable.substitute=false}), so Spark parses exactly the text that was checked; these two cannot
 * be overridden.
 *
 * <p>Spark allows one context per JVM: a runtime reuses a running one that has its master and settings, and stops
 * one that has not before starting its own (in a server there is only one runtime; tests make several).
 */
public final class SparkRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkRuntime.class);
    /** How long a cluster's executors may take to register before the first run goes on without them. */
    private static final long EXECUTOR_WAIT_MILLIS = 30_000;

    private static final List<String> LOCKED = List.of("spark.sql.runSQLOnFiles", "spark.sql.variable.substitute");

    /**
     * Settings Vigil decides itself, each with why: the master comes from {@code --spark-master} (Vigil decides from
     * it whether to ship its jars and where to bind), the server is always Spark's driver, and windows are UTC.
     */
    private static final Map<String, String> FIXED = Map.of(
            "spark.master", "is set with --spark-master (VIGIL_SPARK_MASTER), not here",
            "spark.submit.deployMode", "cannot be changed (the server is Spark's driver: client mode)",
            "spark.sql.session.timeZone", "cannot be changed (Vigil's windows are UTC instants)");

    private final String master;
    private final Map<String, String> settings;
    private SparkSession session;
    /** The context whose executors a run has already waited for (so later runs do not wait again). */
    private SparkContext awaited;

    /**
     * A runtime for {@code master} (such as {@code local[*]}, {@code spark://host:7077}, {@code k8s://…},
     * {@code yarn}) with the user's {@code settings} (every key starting with {@code spark.}); nothing starts yet.
     */
    public SparkRuntime(String master, Map<String, String> settings) {
        if (master == null || master.isBlank()) {
            throw new VigilArgumentException("spark-master: is empty (expected local[*] or spark://host:port)");
        }
        List<String> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
        this.master = master;
        this.settings = Map.copyOf(settings);
    }

    /** What is wrong with the user's Spark {@code settings}, one sentence each: keys must start with {@code spark.}. */
    public static List<String> problems(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        settings.keySet().stream().sorted().forEach(key -> {
            if (!key.startsWith("spark.")) {
                problems.add("spark-conf: " + key + " is not a Spark setting (keys start with spark.)");
            } else if (LOCKED.contains(key)) {
                problems.add("spark-conf: " + key + " cannot be changed (Vigil runs user SQL, which is untrusted)");
            } else if (FIXED.containsKey(key)) {
                problems.add("spark-conf: " + key + " " + FIXED.get(key));
            }
        });
        return problems;
    }

    /** A runtime on a local master with Vigil's defaults only. */
    public static SparkRuntime local(String master) {
        return new SparkRuntime(master, Map.of());
    }

    /** The master this runtime starts Spark with. */
    public String master() {
        return master;
    }

    /** Whether executors run in this JVM ({@code local}, {@code local[n]}, {@code local[*]}). */
    public boolean isLocal() {
        return isLocal(master);
    }

    static boolean isLocal(String master) {
        return master.toLowerCase(Locale.ROOT).startsWith("local");
    }

    /**
     * The running session: started on first use, and started again when its context has stopped since the last
     * call. A run takes it once, at its start, and makes its own {@link SparkSession#newSession()} from it.
     */
    public synchronized SparkSession session() {
        if (session == null || session.sparkContext().isStopped()) {
            if (session != null) {
                LOG.warn("The Spark context on {} had stopped; starting a new one", master);
            }
            session = start();
        }
        return session;
    }

    /**
     * {@link #session()} for a run: on a cluster, the first run of a new context also waits (up to 30 s, outside this
     * runtime's lock, so schema checks do not queue behind it) for the first executor, and logs how many registered.
     * A run planned before any executor registers would split its windows for the 2 cores Spark assumes until then.
     */
    public SparkSession sessionForRun() {
        SparkSession current = session();
        SparkContext context = current.sparkContext();
        synchronized (this) {
            if (isLocal() || awaited == context) {
                return current;
            }
            awaited = context;
        }
        logExecutors(context);
        return current;
    }

    /** Stops the session, if one runs (the process is ending). */
    @Override
    public synchronized void close() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }

    /** The configuration the context is started with: Vigil's defaults, then the user's, then the shipped jars. */
    Map<String, String> configuration() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.app.name", "vigil");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.sql.session.timeZone", "UTC");
        conf.put("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, 2 * cores())));
        if (isLocal()) {
            conf.put("spark.driver.host", "127.0.0.1");
            conf.put("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.putAll(settings);
        conf.put("spark.sql.runSQLOnFiles", "false");
        conf.put("spark.sql.variable.substitute", "false");
        if (!isLocal()) {
            List<String> jars = new ArrayList<>();
            String given = settings.get("spark.jars");
            if (given != null && !given.isBlank()) {
                jars.add(given);
            }
            jars.addAll(ExecutorJars.paths());
            conf.put("spark.jars", String.join(",", jars));
        }
        return conf;
    }

    private SparkSession start() {
        Map<String, String> conf = configuration();
        scala.Option<SparkSession> current = SparkSession.getDefaultSession();
        if (current.isDefined() && !current.get().sparkContext().isStopped()) {
            SparkSession running = current.get();
            if (matches(running.sparkContext(), conf)) {
                return running; // another runtime of this JVM (a test's) started the same Spark
            }
            // Spark's builder would hand back the running context, settings ignored: stop it first
            LOG.info(
                    "Stopping the Spark context on {} to start one on {}",
                    running.sparkContext().master(),
                    master);
            running.stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession.Builder builder = SparkSession.builder().master(master);
        conf.forEach(builder::config);
        SparkSession started = builder.getOrCreate();
        if (isLocal()) {
            LOG.info(
                    "Spark started on {} (executors in this process, {} cores)",
                    master,
                    started.sparkContext().defaultParallelism());
        } else {
            LOG.info("Spark started on {}; executors register with it next", master);
        }
        return started;
    }

    private boolean matches(SparkContext context, Map<String, String> conf) {
        SparkConf running = context.getConf();
        if (!context.master().equals(master)) {
            return false;
        }
        return conf.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("spark.sql.")) // session settings, set on the session anyway
                .allMatch(e -> e.getValue().equals(running.get(e.getKey(), null)));
    }

    /** Logs the executors that registered with a cluster's context, waiting up to 30 s for the first. */
    private void logExecutors(SparkContext context) {
        long deadline = System.currentTimeMillis() + EXECUTOR_WAIT_MILLIS;
        int executors = executors(context);
        while (executors == 0 && System.currentTimeMillis() < deadline && !context.isStopped()) {
            sleep();
            executors = executors(context);
        }
        if (executors == 0) {
            LOG.warn(
                    "Spark started on {} but no executor registered in {} s: runs wait until the cluster gives some",
                    master,
                    EXECUTOR_WAIT_MILLIS / 1000);
        } else {
            LOG.info(
                    "Spark started on {} with {} executor(s), {} cores in all",
                    master,
                    executors,
                    context.defaultParallelism());
        }
    }

    /** The executors registered with the driver (its block managers but the driver's own). */
    public static int executors(SparkContext context) {
        return Math.max(0, context.getExecutorMemoryStatus().size() - 1);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Spark's executors", e);
        }
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
