package dev.vigil.stats;

import dev.vigil.core.model.ModelType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CBPE for a model type (METRICS.md "Estimated performance"): fitted on a reference performance profile with
 * actuals, it estimates a window's metrics from its scores before its actuals arrive, each with a standard
 * deviation.
 */
public interface PerformanceEstimator {
    /** The estimated metrics of {@code window} (a profile of the reference's model type) by name; empty if none. */
    Map<String, Calibration.Estimate> estimate(PerformanceProfile window);

    /**
     * Fits the estimator of {@code reference}'s model type: {@link Calibration} (binary), {@link
     * MulticlassCalibration}, {@link MultiLabelCalibration}; empty for other types or when the reference has no
     * scored row with an actual to calibrate on.
     */
    static Optional<PerformanceEstimator> fit(PerformanceProfile reference) {
        return switch (reference.type()) {
            case BINARY -> Calibration.fit(reference).map(c -> c);
            case MULTICLASS -> MulticlassCalibration.fit(reference).map(c -> c);
            case MULTI_LABEL -> MultiLabelCalibration.fit(reference).map(c -> c);
            case REGRESSION, RANKING -> Optional.empty();
        };
    }

    /**
     * The estimated metrics of a model of {@code type}, in their order: CBPE's (an estimator of this interface) and,
     * for regression, DLE's ({@link PerformanceProfile#lossEstimates}, ADR 0028); a multi-label estimator also gives
     * {@code estimated_f1[<label>]} per label, not listed.
     */
    static List<String> metricNames(ModelType type) {
        return switch (type) {
            case BINARY ->
                List.of(
                        "estimated_accuracy",
                        "estimated_precision",
                        "estimated_recall",
                        "estimated_f1",
                        "estimated_auc_roc");
            case MULTICLASS -> MulticlassCalibration.NAMES;
            case MULTI_LABEL -> MultiLabelCalibration.NAMES;
            case REGRESSION -> RegressionPerformance.ESTIMATED_NAMES;
            case RANKING -> List.of();
        };
    }
}
