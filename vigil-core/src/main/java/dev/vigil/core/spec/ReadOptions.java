package dev.vigil.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code read_options} a data source may set. Keys starting with {@code spark.} configure the
 * job; the others are passed to Spark's JDBC reader, and only those that cannot widen what Vigil
 * reads or where it reads from are accepted.
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

    private ReadOptions() {}

    /** One sentence per key that is not allowed, naming it under {@code path}. */
    public static List<String> problems(Map<String, String> options, String path) {
        List<String> problems = new ArrayList<>();
        for (String key : options.keySet()) {
            if (key.startsWith("spark.")) {
                continue;
            }
            if (RESERVED_KEYS.contains(key)) {
                problems.add(path + "." + key + ": is set by Vigil and cannot be overridden");
            } else if (!JDBC_KEYS.contains(key)) {
                problems.add(path + "." + key + ": unknown read option (expected a spark.* setting or one of "
                        + String.join(", ", new TreeSet<>(JDBC_KEYS)) + ")");
            }
        }
        return problems;
    }
}
