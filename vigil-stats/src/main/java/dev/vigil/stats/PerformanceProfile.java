package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The performance of one prediction field over a window (or segment): every prediction row is counted, the rows
 * that have an actual are summarized for their model type, and metrics (METRICS.md "Performance") are derived
 * after merging, never averaged across windows.
 *
 * <p>Exact: counts, confusion matrices, error sums (compensated), per-row ranking scores. Approximate: {@code
 * auc_roc}, from a score histogram with buckets of relative width 2.4e-4 ({@link ScoreHistogram}).
 *
 * <p>Binary format, version 3 (big-endian; strings as in {@code package-info}; a varint is a non-negative long in
 * unsigned LEB128, 7 bits a byte, least significant first, in as few bytes as it needs): magic {@code "VGF"}, version
 * byte 3, model type string, long count, long actuals_count, long invalid_actual_count, then by type:
 *
 * <pre>
 *   binary       long tp, fp, tn, fn; double log_loss_sum, log_loss_compensation; long log_loss_rows;
 *                varint buckets, buckets x (varint key, varint positive, negative, predicted_positive,
 *                predicted_negative), keys ascending: the first key zigzag-encoded ((k &lt;&lt; 1) ^ (k &gt;&gt; 31)),
 *                each other as its step from the previous key (at least 1)
 *   multiclass   int cells, cells x (string actual, string predicted, long rows); scored classes
 *   multi-label  long rows, long exact_rows, int labels, labels x (string label, long tp, fp, fn); scored classes
 *   regression   long rows; (double sum, double compensation) of error, |error|, error², |actual|,
 *                |error|/|actual|; long rows with a non-zero actual; double actual mean, actual m2;
 *                since version 3: long estimated_rows; (double sum, double compensation) of DLE's estimated
 *                |error|, estimated error², |error| variance, error² variance (ADR 0028)
 *   ranking      int k, long rows; (double sum, double compensation) of ndcg, precision, recall, AP, RR
 * </pre>
 *
 * <p>Scored classes (multiclass and multi-label models whose predictions are a dict of class → score, for CBPE one
 * class against the rest): int classes, -1 when more than {@value ScoredClasses#MAX_CLASSES} were seen and none is
 * kept, then classes x (string class, score histogram as the binary's: varint buckets, buckets x ...), classes
 * ascending. A class's histogram counts every row whose dict gives the class a finite score: predicted positive
 * when the row predicted the class, positive (negative) when its actual is (is not) the class.
 *
 * <p>Version 3 differs from version 2 by the scored classes (multiclass, multi-label) and DLE's sums (regression);
 * a version 2 profile reads with neither (no estimate). Binary and ranking parts are written as in version 2.
 *
 * <p>A bucket's key is the 24-bit int {@link ScoreHistogram#key}: the bucket's double bits, those of a negative
 * score with all but the sign bit flipped, shifted right by the 40 mantissa bits a bucket cuts; the bucket of a key
 * is the score its scores are truncated to (toward 0). Version 1 differs in the binary histogram only: int buckets,
 * buckets x (double score, long positive, negative, predicted_positive, predicted_negative), scores ascending, 40
 * bytes a bucket where version 2 takes about 5. Versions 1 and 2 stay readable and read to the same metrics. A reader
 * rejects buckets whose keys are not ascending or not those of finite scores, a bucket with more rows with an
 * actual than rows, and buckets with more positive or negative actuals than the confusion counts.
 */
public final class PerformanceProfile implements Profile {
    static final String MAGIC = "VGF";
    static final int FORMAT_VERSION = 3;
    static final String WHAT = "performance profile";

    /** Binary: a numeric score at or above it predicts the positive class when no boolean label is declared. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /**
     * Where performance profiles are stored beside field profiles: under the field name {@code
     * "#performance:<prediction field>"} (field names never start with {@code #}).
     */
    public static final String FIELD_PREFIX = "#performance:";

    /** Ranking: the number of top items that count. */
    public static final int DEFAULT_K = 10;

    /**
     * Every name {@link #metrics()} gives for a model of some type ({@link #metricNames}, all types together), in a
     * stable order.
     */
    public static final Set<String> METRIC_NAMES = Arrays.stream(ModelType.values())
            .flatMap(type -> metricNames(type).stream())
            .collect(Collectors.collectingAndThen(
                    Collectors.toCollection(LinkedHashSet::new), Collections::unmodifiableSet));

    private final ModelType type;
    private long count;
    private long actualsCount;
    private long invalidActualCount;
    private final TaskPerformance task;

    private PerformanceProfile(ModelType type, TaskPerformance task) {
        this.type = type;
        this.task = task;
    }

    /** An empty profile for a model of {@code type} (ranking at {@link #DEFAULT_K}). */
    public static PerformanceProfile create(ModelType type) {
        return create(type, DEFAULT_K);
    }

    /** An empty profile; {@code k} is used by ranking models only. */
    public static PerformanceProfile create(ModelType type, int k) {
        Objects.requireNonNull(type, "type");
        if (k < 1) {
            throw new VigilArgumentException("k must be at least 1, got " + k);
        }
        TaskPerformance task =
                switch (type) {
                    case BINARY -> new BinaryPerformance();
                    case MULTICLASS -> new MulticlassPerformance();
                    case MULTI_LABEL -> new MultiLabelPerformance();
                    case REGRESSION -> new RegressionPerformance();
                    case RANKING -> new RankingPerformance(k);
                };
        return new PerformanceProfile(type, task);
    }

    public ModelType type() {
        return type;
    }

    /** Prediction rows added, with or without an actual. */
    public long count() {
        return count;
    }

    /** Rows with an actual (and a usable prediction). */
    public long actualsCount() {
        return actualsCount;
    }

    /** A binary row whose label, when not given, is its score at or above {@link #DEFAULT_THRESHOLD}. */
    public void addBinary(Boolean predicted, Double score, Boolean actual) {
        addBinary(predicted, score, actual, DEFAULT_THRESHOLD);
    }

    /**
     * A binary row: its label (null to derive it as score ≥ {@code threshold}), its score (null or NaN when none)
     * and its actual (null when it has not arrived). A row with neither label nor score but with an actual counts
     * as an invalid actual.
     */
    public void addBinary(Boolean predicted, Double score, Boolean actual, double threshold) {
        BinaryPerformance binary = expect(BinaryPerformance.class, "addBinary");
        count++;
        Double usableScore = score == null || !Double.isFinite(score) ? null : score;
        if (predicted == null && usableScore == null) {
            if (actual != null) {
                invalidActualCount++;
            }
            return;
        }
        boolean label = predicted != null ? predicted : usableScore >= threshold;
        binary.add(label, usableScore, actual);
        if (actual != null) {
            actualsCount++;
        }
    }

    /** A multiclass row: predicted and actual class (null actual: not arrived; null prediction: unusable). */
    public void addMulticlass(String predicted, String actual) {
        addMulticlass(predicted, null, actual);
    }

    /**
     * A multiclass row whose prediction is a dict of class → probability ({@code probabilities}, null when the
     * prediction is a class only) and {@code predicted} the class it names: the probabilities of every such row,
     * with or without an actual, are kept per class for CBPE ({@link MulticlassCalibration}).
     */
    public void addMulticlass(String predicted, Map<String, Double> probabilities, String actual) {
        MulticlassPerformance multiclass = expect(MulticlassPerformance.class, "addMulticlass");
        if (predicted != null && probabilities != null) {
            multiclass.addScores(probabilities, predicted, actual);
        }
        if (counted(predicted, actual)) {
            multiclass.add(predicted, actual);
        }
    }

    /** A multi-label row: the predicted labels and the actual labels (null actual: not arrived). */
    public void addMultiLabel(Set<String> predicted, Set<String> actual) {
        addMultiLabel(predicted, null, actual);
    }

    /**
     * A multi-label row whose prediction is a dict of label → score ({@code scores}, null when the prediction is a
     * label set only), {@code predicted} the labels it predicts: the scores of every such row, with or without an
     * actual, are kept per label for CBPE ({@link MultiLabelCalibration}).
     */
    public void addMultiLabel(Set<String> predicted, Map<String, Double> scores, Set<String> actual) {
        MultiLabelPerformance multiLabel = expect(MultiLabelPerformance.class, "addMultiLabel");
        if (predicted != null && scores != null) {
            multiLabel.addScores(scores, predicted, actual);
        }
        if (counted(predicted, actual)) {
            multiLabel.add(predicted, actual);
        }
    }

    /** A regression row (null actual: not arrived; a non-finite value makes the row unusable). */
    public void addRegression(Double predicted, Double actual) {
        RegressionPerformance regression = expect(RegressionPerformance.class, "addRegression");
        boolean usable = predicted != null && Double.isFinite(predicted) && (actual == null || Double.isFinite(actual));
        if (counted(usable ? predicted : null, actual)) {
            regression.add(predicted, actual);
        }
    }

    /**
     * DLE's estimates for a regression row with a usable prediction, actual or not (ADR 0028): its estimated
     * |error| and error² and the variance of its error².
     */
    public void addRegressionEstimate(double absError, double squaredError, double squaredErrorVariance) {
        expect(RegressionPerformance.class, "addRegressionEstimate")
                .addEstimate(absError, squaredError, squaredErrorVariance);
    }

    /**
     * DLE's {@code estimated_mae}, {@code estimated_mse}, {@code estimated_rmse} with their std (ADR 0028): empty
     * unless this is a regression model some row of which was estimated.
     */
    public Map<String, Calibration.Estimate> lossEstimates() {
        return task instanceof RegressionPerformance r ? r.estimates() : Map.of();
    }

    /** A ranking row: the ranked item ids and the relevant ones (null relevant: not arrived). */
    public void addRanking(List<String> ranked, Set<String> relevant) {
        RankingPerformance ranking = expect(RankingPerformance.class, "addRanking");
        if (counted(ranked, relevant)) {
            ranking.add(ranked, relevant);
        }
    }

    /**
     * Counts a row: true when it has an actual and a usable prediction, to be added; an actual without a usable
     * prediction ({@code predicted} null) counts as invalid; a row without an actual is only counted.
     */
    private boolean counted(Object predicted, Object actual) {
        count++;
        if (actual == null) {
            return false;
        }
        if (predicted == null) {
            invalidActualCount++;
            return false;
        }
        actualsCount++;
        return true;
    }

    /** Counts a row whose actual could not be read as the prediction's type. */
    public void addInvalidActual() {
        count++;
        invalidActualCount++;
    }

    private <T extends TaskPerformance> T expect(Class<T> taskClass, String adder) {
        if (!taskClass.isInstance(task)) {
            throw new VigilArgumentException(adder + " does not apply to a " + type.specName() + " model");
        }
        return taskClass.cast(task);
    }

    /** Adds {@code other}'s rows to this profile, in place. */
    public void merge(PerformanceProfile other) {
        Objects.requireNonNull(other, "other");
        if (type != other.type) {
            throw new VigilArgumentException("cannot merge the performance of a " + other.type.specName()
                    + " model into that of a " + type.specName() + " model");
        }
        TaskPerformance otherTask = other == this ? task.copy() : other.task;
        count += other.count;
        actualsCount += other.actualsCount;
        invalidActualCount += other.invalidActualCount;
        task.merge(otherTask);
    }

    /**
     * The metrics by METRICS.md name, in a stable order: {@code count actuals_count actuals_ratio
     * invalid_actual_count}, then, when some row has an actual, the model type's metrics. A null value is
     * undefined (e.g. {@code auc_roc} with one class only).
     */
    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("count", (double) count);
        metrics.put("actuals_count", (double) actualsCount);
        metrics.put("actuals_ratio", count == 0 ? null : (double) actualsCount / count);
        metrics.put("invalid_actual_count", (double) invalidActualCount);
        if (actualsCount > 0) {
            task.putMetrics(metrics);
        }
        return metrics;
    }

    /**
     * The names {@link #metrics()} gives for a model of this type once some row has an actual, in its order (before
     * that, only the first four: {@code count actuals_count actuals_ratio invalid_actual_count}). A multiclass model
     * also gives {@code precision[<class>]}, {@code recall[<class>]} and {@code f1[<class>]} per class; those depend
     * on the rows and are not listed.
     */
    public static List<String> metricNames(ModelType type) {
        List<String> names =
                new ArrayList<>(List.of("count", "actuals_count", "actuals_ratio", "invalid_actual_count"));
        switch (type) {
            case BINARY -> {
                names.addAll(List.of("tp_count", "fp_count", "tn_count", "fn_count"));
                names.addAll(
                        List.of("accuracy", "precision", "recall", "f1", "specificity", "fp_rate", "positive_rate"));
                names.addAll(List.of("auc_roc", "log_loss")); // from the scores
            }
            case MULTICLASS -> {
                names.add("accuracy");
                for (String metric : List.of("precision", "recall", "f1")) {
                    names.addAll(List.of(metric + "_macro", metric + "_micro", metric + "_weighted"));
                }
            }
            case MULTI_LABEL -> names.addAll(List.of("hamming_loss", "f1_micro", "f1_macro", "subset_accuracy"));
            case REGRESSION -> names.addAll(List.of("mae", "mse", "rmse", "mape", "wape", "r2", "mean_error"));
            case RANKING -> names.addAll(List.of("ndcg_at_k", "precision_at_k", "recall_at_k", "map_at_k", "mrr"));
        }
        return List.copyOf(names);
    }

    /** The score histogram of a binary model, for CBPE. */
    Optional<ScoreHistogram> scores() {
        return task instanceof BinaryPerformance b ? Optional.of(b.scores()) : Optional.empty();
    }

    /** The per-class score histograms of a multiclass or multi-label model, for CBPE one class against the rest. */
    Optional<ScoredClasses> scoredClasses() {
        if (task instanceof MulticlassPerformance m) {
            return Optional.of(m.scores());
        }
        return task instanceof MultiLabelPerformance m ? Optional.of(m.scores()) : Optional.empty();
    }

    /** Serializes this profile in format version {@value #FORMAT_VERSION}, described above. */
    @Override
    public byte[] toBytes() {
        ProfileWriter out = new ProfileWriter().header(MAGIC, FORMAT_VERSION);
        out.writeString(type.specName())
                .writeLong(count)
                .writeLong(actualsCount)
                .writeLong(invalidActualCount);
        task.write(out);
        return out.toByteArray();
    }

    /**
     * Reads a profile written by {@link #toBytes()}.
     *
     * @throws VigilStateException if the bytes are not a performance profile or are truncated or corrupt
     */
    public static PerformanceProfile fromBytes(byte[] bytes) {
        ProfileReader in = ProfileReader.open(bytes, MAGIC, FORMAT_VERSION, WHAT);
        String typeName = in.readString("model type");
        ModelType type = null;
        for (ModelType candidate : ModelType.values()) {
            if (candidate.specName().equals(typeName)) {
                type = candidate;
            }
        }
        if (type == null) {
            throw in.corrupt("unknown model type '" + typeName + "'");
        }
        long count = in.readCounter("count");
        long actuals = in.readCounter("actuals count");
        long invalid = in.readCounter("invalid actual count");
        TaskPerformance task =
                switch (type) {
                    case BINARY -> BinaryPerformance.read(in);
                    case MULTICLASS -> MulticlassPerformance.read(in);
                    case MULTI_LABEL -> MultiLabelPerformance.read(in);
                    case REGRESSION -> RegressionPerformance.read(in);
                    case RANKING -> RankingPerformance.read(in);
                };
        in.finish();
        if (actuals + invalid > count) {
            throw in.corrupt("counts disagree (count " + count + ", actuals " + actuals + ", invalid " + invalid + ")");
        }
        PerformanceProfile profile = new PerformanceProfile(type, task);
        profile.count = count;
        profile.actualsCount = actuals;
        profile.invalidActualCount = invalid;
        return profile;
    }

    @Override
    public String toString() {
        return "PerformanceProfile[" + type.specName() + ", count=" + count + ", actuals=" + actualsCount + "]";
    }
}
