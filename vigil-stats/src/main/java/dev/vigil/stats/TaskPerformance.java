package dev.vigil.stats;

import java.util.Map;

/** The model-type-specific part of a {@link PerformanceProfile}: what the rows with an actual add up to. */
sealed interface TaskPerformance
        permits BinaryPerformance,
                MulticlassPerformance,
                MultiLabelPerformance,
                RegressionPerformance,
                RankingPerformance {

    /** Adds {@code other}'s rows; {@code other} has the same class. */
    void merge(TaskPerformance other);

    void write(ProfileWriter out);

    /** Puts the metrics of the rows with an actual, in METRICS.md order; called only when there is one. */
    void putMetrics(Map<String, Double> metrics);

    TaskPerformance copy();
}
