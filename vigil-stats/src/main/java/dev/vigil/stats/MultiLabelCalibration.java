package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CBPE for a multi-label model whose predictions are a dict of label → score: the binary estimator applied label by
 * label. Each label's score is calibrated on the reference by isotonic regression of "the actual has the label"
 * ({@link Calibration}); a window's expected confusion counts per label follow as the binary's ({@link
 * ExpectedConfusion}), and the multi-label metrics from their sums: micro F1 = 2 Σ TP / (Σ P + Σ TP + Σ FN) with P
 * the rows predicted to have the label, macro F1 the mean of the labels' F1, Hamming loss = (Σ FP + Σ FN) / Σ rows
 * over the (row, label) pairs scored.
 *
 * <p>Standard deviations take every (row, label) actual as an independent Bernoulli draw with its calibrated
 * probability: the Hamming loss's is exact, micro and per-label F1 by the delta method, macro F1 as the mean of
 * independent labels. Labels that move together (shared causes) make the true spread of the micro and macro F1
 * larger than this.
 */
public final class MultiLabelCalibration implements PerformanceEstimator {
    static final List<String> NAMES = List.of("estimated_hamming_loss", "estimated_f1_micro", "estimated_f1_macro");

    private final Map<String, Calibration> labels;

    private MultiLabelCalibration(Map<String, Calibration> labels) {
        this.labels = labels;
    }

    /**
     * Fits every label of {@code reference} that has a row with an actual (a label never or always present is fitted
     * as the constant 0 or 1).
     *
     * @return empty when the reference has no scored label with an actual, or more than {@value
     *     ScoredClasses#MAX_CLASSES} labels
     * @throws VigilArgumentException if the reference is not a multi-label model's
     */
    public static Optional<MultiLabelCalibration> fit(PerformanceProfile reference) {
        if (reference.type() != ModelType.MULTI_LABEL) {
            throw new VigilArgumentException("multi-label CBPE needs a multi-label model, not a "
                    + reference.type().specName() + " model");
        }
        Map<String, Calibration> fitted =
                MulticlassCalibration.fitClasses(reference.scoredClasses().orElseThrow());
        return fitted.isEmpty() ? Optional.empty() : Optional.of(new MultiLabelCalibration(fitted));
    }

    /**
     * The estimated metrics of every scored row of {@code window}, actuals or not: {@link #NAMES}, then {@code
     * estimated_f1[<label>]} per label, ascending. Empty when the window has no scored row, kept no histograms (more
     * than {@value ScoredClasses#MAX_CLASSES} labels), or has a label the reference could not calibrate.
     */
    @Override
    public Map<String, Calibration.Estimate> estimate(PerformanceProfile window) {
        ScoredClasses scored = window.scoredClasses()
                .filter(s -> window.type() == ModelType.MULTI_LABEL)
                .orElseThrow(() -> new VigilArgumentException("multi-label CBPE needs a multi-label model, not a "
                        + window.type().specName() + " model"));
        Map<String, Calibration.Estimate> out = new LinkedHashMap<>();
        if (scored.overflowed()
                || scored.classes().isEmpty()
                || !labels.keySet().containsAll(scored.classes().keySet())) {
            return out;
        }
        int k = scored.classes().size();
        double tp = 0;
        double fp = 0;
        double fn = 0;
        double varPositive = 0;
        double varNegative = 0;
        long predictedPositive = 0;
        long pairs = 0;
        double[] macro = new double[2];
        Map<String, Calibration.Estimate> perLabel = new LinkedHashMap<>();
        for (Map.Entry<String, ScoreHistogram> e : scored.classes().entrySet()) {
            ExpectedConfusion c = ExpectedConfusion.of(labels.get(e.getKey()), e.getValue());
            tp += c.tp();
            fp += c.fp();
            fn += c.fn();
            varPositive += c.varPredictedPositive();
            varNegative += c.varPredictedNegative();
            predictedPositive += c.predictedPositive();
            pairs += c.rows();
            double[] f1 = c.f1();
            MulticlassCalibration.add(macro, f1, k);
            perLabel.put("estimated_f1[" + e.getKey() + "]", MulticlassCalibration.estimate(f1));
        }
        if (pairs == 0) {
            return out;
        }
        out.put(
                "estimated_hamming_loss",
                new Calibration.Estimate((fp + fn) / pairs, Math.sqrt(varPositive + varNegative) / pairs));
        out.put(
                "estimated_f1_micro",
                MulticlassCalibration.estimate(
                        ExpectedConfusion.f1(tp, fn, predictedPositive, varPositive, varNegative)));
        out.put("estimated_f1_macro", MulticlassCalibration.estimate(macro));
        out.putAll(perLabel);
        return out;
    }
}
