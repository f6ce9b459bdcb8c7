package dev.vigil.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code read_options} a data source may set. Keys starting with {@code spark.} configure the
 * job, and only those of {@link #SPARK_KEYS} are accepted: Spark's settings also decide whether SQL may read files
 * ({@code spark.sql.runSQLOnFiles}), the session's time zone, and memory bounds. The others are passed to Spark's
 * JDBC reader, and only those that cannot widen what Vigil reads or where it reads from are accepted.
 */
public final class ReadOptions {
    /** Spark JDBC reader options a user may set. */
    public static final Set<String> JDBC_KEYS = Set.of(
            "fetchsize",
            "queryTimeout",
            "pushDownPredicate",
            "pushDownAggregate",
            "pushDownLimit",
            "pushDownOffset",
            "pushDownTableSample",
            "numPartitions",
            "customSchema",
            "preferTimestampNTZ");

    /** Spark settings a user may set per run: they tune how the job runs, not what it can read or call. */
    public static final Set<String> SPARK_KEYS = Set.of(
            "spark.sql.shuffle.partitions",
            "spark.sql.adaptive.enabled",
            "spark.sql.adaptive.coalescePartitions.enabled",
            "spark.sql.caseSensitive",
            "spark.sql.ansi.enabled");

    /**
     * Options Vigil sets itself: the source, the credentials, the partitioning by time slice, and the statement that
     * makes each of Spark's sessions read-only.
     */
    public static final Set<String> RESERVED_KEYS = Set.of(
            "sessionInitStatement",
            "url",
            "dbtable",
            "query",
            "user",
            "password",
            "driver",
            "prepareQuery",
            "partitionColumn",
            "lowerBound",
            "upperBound",
            "predicates");

    /**
     * Rows pgjdbc fetches per round trip, at least and at most: 0 (pgjdbc's default) would hold the whole result in
     * memory, and a huge value nearly so; 100 keeps round trips few.
     */
    public static final int MIN_FETCH_SIZE = 100;

    public static final int MAX_FETCH_SIZE = 100_000;

    private ReadOptions() {}

    /** One sentence per key that is not allowed, naming it under {@code path}. */
    public static List<String> problems(Map<String, String> options, String path) {
        List<String> problems = new ArrayList<>();
        for (String key : options.keySet()) {
            if (key.startsWith("spark.")) {
                if (!SPARK_KEYS.contains(key)) {
                    problems.add(path + "." + key + ": is not a Spark setting a data source may change (allowed: "
                            + String.join(", ", new TreeSet<>(SPARK_KEYS)) + ")");
                }
                continue;
            }
            if (RESERVED_KEYS.contains(key)) {
                problems.add(path + "." + key + ": is set by Vigil and cannot be overridden");
            } else if (!JDBC_KEYS.contains(key)) {
                problems.add(path + "." + key + ": unknown read option (expected an allowed spark.* setting or one of "
                        + String.join(", ", new TreeSet<>(JDBC_KEYS)) + ")");
            } else if (key.equals("fetchsize") && !fetchSizeInRange(options.get(key))) {
                problems.add(path + ".fetchsize: '" + options.get(key) + "' is not a whole number from "
                        + MIN_FETCH_SIZE + " to " + MAX_FETCH_SIZE + " (rows read per round trip, all held in memory)");
            }
        }
        return problems;
    }

    private static boolean fetchSizeInRange(String value) {
        try {
            int rows = Integer.parseInt(value == null ? "" : value.strip());
            return rows >= MIN_FETCH_SIZE && rows <= MAX_FETCH_SIZE;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
