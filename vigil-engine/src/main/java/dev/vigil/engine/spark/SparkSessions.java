package dev.vigil.engine.spark;

import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The process's one warm {@link SparkSession}: started on first use (a few seconds), shared after.
 *
 * <p>Defaults suit one machine: {@code local[*]}, Spark's UI off, UTC as the SQL session time zone
 * (Vigil's windows are UTC instants), a handful of shuffle partitions instead of 200, and the driver
 * bound to the loopback interface so that a machine without a resolvable host name still works.
 *
 * <p>User Spark SQL is untrusted ({@link UserExpressions}): SQL cannot name files as tables
 * ({@code spark.sql.runSQLOnFiles=false}), and {@code ${...}} in SQL text is not replaced by settings
 * ({@code spark.sql.variable.substitute=false}), so Spark parses exactly the text that was checked.
 */
public final class SparkSessions {
    private static final String DEFAULT_MASTER = "local[*]";
    private static SparkSession session;

    private SparkSessions() {}

    /** The shared session, started with {@code master} if none runs yet (a running one is kept). */
    public static synchronized SparkSession shared(String master) {
        if (session == null || session.sparkContext().isStopped()) {
            session = create(master == null ? DEFAULT_MASTER : master);
        }
        return session;
    }

    /** The shared session on the default master ({@code local[*]}) unless one runs already. */
    public static SparkSession shared() {
        return shared(DEFAULT_MASTER);
    }

    /** Stops the shared session, if any (server shutdown). */
    public static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }

    private static SparkSession create(String master) {
        boolean local = master.toLowerCase(Locale.ROOT).startsWith("local");
        SparkSession.Builder builder = SparkSession.builder()
                .appName("vigil")
                .master(master)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.runSQLOnFiles", "false")
                .config("spark.sql.variable.substitute", "false")
                .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, 2 * cores())));
        if (local) {
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return builder.getOrCreate();
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
