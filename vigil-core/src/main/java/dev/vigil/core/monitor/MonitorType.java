package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a monitor watches: its default metric, where the metric comes from, which fields it covers by default and
 * which detection methods make sense for it.
 */
public enum MonitorType {
    /** Rows per focal window (dataset level). */
    MODEL_ACTIVITY(
            "count",
            Source.METRICS,
            Fields.NONE,
            EnumSet.of(Detection.Method.ABSOLUTE, Detection.Method.PERCENTAGE, Detection.Method.ANOMALY)),
    /** Share of missing values of each field. */
    MISSING_VALUES("missing_ratio", Source.METRICS, Fields.INPUTS, Methods.withoutTest()),
    /** Drift of each feature against the training set. */
    DATA_DRIFT(
            "drift_score", Source.DRIFT, Fields.FEATURES, EnumSet.of(Detection.Method.TRAINING, Detection.Method.TEST)),
    /** Drift of each prediction against the training set. */
    PREDICTION_DRIFT(
            "drift_score",
            Source.DRIFT,
            Fields.PREDICTIONS,
            EnumSet.of(Detection.Method.TRAINING, Detection.Method.TEST)),
    /**
     * Drift of the whole row or of an embedding from the per-window row samples (decision 0030): {@code
     * pca_reconstruction_error} (training detection: above its {@code _upper} band), {@code domain_classifier_auc} on
     * the field {@code *}, {@code mmd_pvalue} or {@code mmd} on an embedding field.
     */
    MULTIVARIATE_DRIFT(
            "pca_reconstruction_error",
            Source.DRIFT,
            Fields.EXPLICIT,
            EnumSet.of(Detection.Method.ABSOLUTE, Detection.Method.ANOMALY, Detection.Method.TRAINING)),
    /** Share of numeric values outside the training set's [min, max]. */
    VALUES_RANGE("out_of_range_ratio", Source.DRIFT, Fields.INPUTS, EnumSet.of(Detection.Method.TRAINING)),
    /** Share of categorical values the training set never had. */
    NEW_VALUES("new_value_ratio", Source.DRIFT, Fields.INPUTS, EnumSet.of(Detection.Method.TRAINING)),
    /** Realized performance of each prediction (a metric of METRICS.md's "Performance"). */
    PERFORMANCE_DEGRADATION(null, Source.PERFORMANCE, Fields.PREDICTIONS, Methods.withoutTest()),
    /** Any metric of a field (or of the rows, for {@code count}). */
    METRIC_CHANGE(null, Source.METRICS, Fields.EXPLICIT, Methods.withoutTest()),
    /** An expression over metrics of METRICS.md, e.g. {@code missing_ratio(amount) + new_value_ratio(owner)}. */
    CUSTOM_METRIC(
            null,
            Source.EXPRESSION,
            Fields.NONE,
            EnumSet.of(Detection.Method.ABSOLUTE, Detection.Method.PERCENTAGE, Detection.Method.ANOMALY)),
    /** Hours since the newest row of the serving data (checked on every scheduler tick). */
    MODEL_STALENESS("hours_since_last_row", Source.CLOCK, Fields.NONE, EnumSet.of(Detection.Method.ABSOLUTE));

    /** Every method but {@code test}, which only drift has (its p-values come from the drift comparison). */
    private static final class Methods {
        static Set<Detection.Method> withoutTest() {
            return EnumSet.complementOf(EnumSet.of(Detection.Method.TEST));
        }
    }

    /** Where the monitored metric comes from. */
    public enum Source {
        METRICS,
        DRIFT,
        PERFORMANCE,
        EXPRESSION,
        CLOCK
    }

    /** The fields a monitor covers when it names none. */
    public enum Fields {
        /** Dataset level (no field). */
        NONE,
        /** Raw inputs and features. */
        INPUTS,
        FEATURES,
        PREDICTIONS,
        /** The monitor must name its fields (or none, for dataset-level metrics such as count). */
        EXPLICIT
    }

    private final String defaultMetric;
    private final Source source;
    private final Fields fields;
    private final Set<Detection.Method> methods;

    MonitorType(String defaultMetric, Source source, Fields fields, Set<Detection.Method> methods) {
        this.defaultMetric = defaultMetric;
        this.source = source;
        this.fields = fields;
        this.methods = methods;
    }

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The metric watched when the monitor names none; null when it must name one (or uses an expression). */
    public String defaultMetric() {
        return defaultMetric;
    }

    public Source source() {
        return source;
    }

    public Fields fields() {
        return fields;
    }

    public Set<Detection.Method> methods() {
        return methods;
    }

    public static MonitorType fromSpec(String name, String key) {
        for (MonitorType t : values()) {
            if (t.specName().equals(name)) {
                return t;
            }
        }
        throw new VigilArgumentException(key + ": unknown monitor type '" + name + "' (expected one of "
                + Arrays.stream(values()).map(MonitorType::specName).collect(Collectors.joining(", ")) + ")");
    }
}
