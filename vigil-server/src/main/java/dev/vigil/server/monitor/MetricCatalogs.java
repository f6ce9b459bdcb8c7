package dev.vigil.server.monitor;

import dev.vigil.core.model.ModelType;
import dev.vigil.stats.Drift;
import dev.vigil.stats.PerformanceEstimator;
import dev.vigil.stats.PerformanceProfile;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names monitors know by kind, from vigil-stats' own catalogs: a custom expression's metric is a drift
 * metric or a performance metric when it is named here, and a monitor's {@code metric} is checked against them.
 */
public final class MetricCatalogs {
    private MetricCatalogs() {}

    /** Every drift metric of METRICS.md, those given on request ({@code ks_pvalue}) too: against training. */
    public static final Set<String> DRIFT_METRICS = driftMetrics();

    private static Set<String> driftMetrics() {
        Set<String> out = new LinkedHashSet<>(Drift.METRIC_NAMES);
        out.addAll(Drift.ON_REQUEST_NAMES);
        return java.util.Collections.unmodifiableSet(out);
    }

    /**
     * Performance profiles' counts that a monitor does not watch as performance: a prediction field's {@code count}
     * is its field metric, and the confusion counts and invalid actuals are what the rates are made of.
     */
    private static final Set<String> COUNTS =
            Set.of("count", "invalid_actual_count", "tp_count", "fp_count", "tn_count", "fn_count");

    /**
     * The estimated performance metrics (named {@code estimated_*}): CBPE's for binary, multiclass and multi-label
     * models (ADR 0027), DLE's for regression (ADR 0028). A monitor watches the estimate of every row of a window,
     * actuals or not; its training baseline is the realized metric of the same name without the prefix.
     */
    public static final Set<String> ESTIMATED_METRICS = estimatedMetrics();

    /** The prefix of {@link #ESTIMATED_METRICS}. */
    public static final String ESTIMATED = "estimated_";

    /** Every performance metric of METRICS.md, of any model type: realized, and estimated. */
    public static final Set<String> PERFORMANCE_METRICS = performanceMetrics();

    private static Set<String> performanceMetrics() {
        Set<String> out = new LinkedHashSet<>(PerformanceProfile.METRIC_NAMES);
        out.removeAll(COUNTS);
        out.addAll(ESTIMATED_METRICS);
        return Set.copyOf(out);
    }

    private static Set<String> estimatedMetrics() {
        Set<String> out = new LinkedHashSet<>();
        for (ModelType type : ModelType.values()) {
            out.addAll(PerformanceEstimator.metricNames(type));
        }
        return Set.copyOf(out);
    }
}
