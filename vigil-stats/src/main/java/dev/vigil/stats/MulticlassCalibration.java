package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CBPE for a multiclass model whose predictions are a dict of class → probability, one class against the rest (as
 * NannyML): each class k's probability p_k is calibrated on the reference by isotonic regression of "the actual is
 * k" ({@link Calibration}), then a window's expected confusion counts are, over its rows, TP_k = Σ_{predicted k}
 * c_k(p_k), FP_k = Σ_{predicted k} (1 − c_k(p_k)) and FN_k = Σ_{predicted ≠ k} c_k(p_k).
 *
 * <p>The calibrated probabilities of a row are not normalized to sum to 1 (NannyML does): the counts are kept per
 * class in histograms, one p_k at a time, so a row's other classes are not at hand. Accuracy and precision use only
 * the predicted class's c, so they do not depend on it; recall and F1 divide by Σ c_k over all rows, which is
 * right in expectation when every class is calibrated but not row by row (decision 0027).
 *
 * <p>Standard deviations take every (row, class) actual as an independent Bernoulli draw with its calibrated
 * probability: exact for accuracy and precision (the TP_k are sums over disjoint rows), the delta method for
 * recall and F1, and class metrics averaged as independent for the macro averages. A row's actual is one class,
 * so its draws across classes are negatively correlated in truth; ignoring that overstates the macro recall's and
 * F1's variance slightly.
 *
 * <p>Micro-averaged precision, recall and F1 are the accuracy for single-label multiclass rows (every row has one
 * actual and one predicted class, so Σ FP = Σ FN = rows − Σ TP): they are estimated as {@code
 * estimated_accuracy}, with its std.
 */
public final class MulticlassCalibration implements PerformanceEstimator {
    static final List<String> NAMES = List.of(
            "estimated_accuracy",
            "estimated_precision_macro",
            "estimated_precision_micro",
            "estimated_recall_macro",
            "estimated_recall_micro",
            "estimated_f1_macro",
            "estimated_f1_micro");

    private final Map<String, Calibration> classes;

    private MulticlassCalibration(Map<String, Calibration> classes) {
        this.classes = classes;
    }

    /**
     * Fits every class of {@code reference} that has a row with an actual, one against the rest (a class that is
     * never or always the actual is fitted as the constant 0 or 1).
     *
     * @return empty when the reference has no scored class with an actual, or more than {@value
     *     ScoredClasses#MAX_CLASSES} classes
     * @throws VigilArgumentException if the reference is not a multiclass model's
     */
    public static Optional<MulticlassCalibration> fit(PerformanceProfile reference) {
        if (reference.type() != ModelType.MULTICLASS) {
            throw new VigilArgumentException("multiclass CBPE needs a multiclass model, not a "
                    + reference.type().specName() + " model");
        }
        Map<String, Calibration> fitted = fitClasses(reference.scoredClasses().orElseThrow());
        return fitted.isEmpty() ? Optional.empty() : Optional.of(new MulticlassCalibration(fitted));
    }

    static Map<String, Calibration> fitClasses(ScoredClasses scored) {
        Map<String, Calibration> fitted = new TreeMap<>();
        scored.classes().forEach((name, h) -> Calibration.fit(h, false).ifPresent(c -> fitted.put(name, c)));
        return fitted;
    }

    /** The calibrated probability that a row whose {@code name} probability is {@code p} is of that class. */
    public Optional<Double> probability(String name, double p) {
        Calibration c = classes.get(name);
        return c == null ? Optional.empty() : Optional.of(c.probability(p));
    }

    /**
     * The estimated metrics of every scored row of {@code window}, actuals or not, in the order of {@link #NAMES}.
     * Empty when the window has no scored row, kept no histograms (more than {@value ScoredClasses#MAX_CLASSES}
     * classes), or has a class the reference could not calibrate: an estimate that left a class out would be biased
     * toward the classes that were seen.
     */
    @Override
    public Map<String, Calibration.Estimate> estimate(PerformanceProfile window) {
        ScoredClasses scored = window.scoredClasses()
                .filter(s -> window.type() == ModelType.MULTICLASS)
                .orElseThrow(() -> new VigilArgumentException("multiclass CBPE needs a multiclass model, not a "
                        + window.type().specName() + " model"));
        Map<String, Calibration.Estimate> out = new LinkedHashMap<>();
        if (scored.overflowed()
                || scored.classes().isEmpty()
                || !classes.keySet().containsAll(scored.classes().keySet())) {
            return out;
        }
        int k = scored.classes().size();
        double tp = 0;
        double varTp = 0;
        long rows = 0;
        double[] precision = new double[2];
        double[] recall = new double[2];
        double[] f1 = new double[2];
        for (Map.Entry<String, ScoreHistogram> e : scored.classes().entrySet()) {
            ExpectedConfusion c = ExpectedConfusion.of(classes.get(e.getKey()), e.getValue());
            tp += c.tp();
            varTp += c.varPredictedPositive();
            rows += c.predictedPositive();
            add(precision, c.precision(), k);
            add(recall, c.recall(), k);
            add(f1, c.f1(), k);
        }
        if (rows == 0) {
            return out;
        }
        Calibration.Estimate accuracy = new Calibration.Estimate(tp / rows, Math.sqrt(varTp) / rows);
        out.put("estimated_accuracy", accuracy);
        out.put("estimated_precision_macro", estimate(precision));
        out.put("estimated_precision_micro", accuracy);
        out.put("estimated_recall_macro", estimate(recall));
        out.put("estimated_recall_micro", accuracy);
        out.put("estimated_f1_macro", estimate(f1));
        out.put("estimated_f1_micro", accuracy);
        return out;
    }

    /** Adds a class's (value, variance) to a macro average over {@code k} classes taken as independent. */
    static void add(double[] macro, double[] classMetric, int k) {
        macro[0] += classMetric[0] / k;
        macro[1] += classMetric[1] / ((double) k * k);
    }

    static Calibration.Estimate estimate(double[] valueAndVariance) {
        return new Calibration.Estimate(valueAndVariance[0], Math.sqrt(valueAndVariance[1]));
    }
}
