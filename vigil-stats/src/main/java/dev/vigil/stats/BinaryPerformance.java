package dev.vigil.stats;

import java.util.Map;

/**
 * Binary classification: the confusion counts of the rows with an actual, the log loss of their scores, and
 * the {@link ScoreHistogram} of every row's score (ROC AUC, CBPE).
 */
final class BinaryPerformance implements TaskPerformance {
    static final double LOG_LOSS_EPSILON = 1e-15;

    private long tp;
    private long fp;
    private long tn;
    private long fn;
    private final Sum logLoss;
    private long logLossRows;
    private final ScoreHistogram scores;

    BinaryPerformance() {
        this(new Sum(), new ScoreHistogram());
    }

    private BinaryPerformance(Sum logLoss, ScoreHistogram scores) {
        this.logLoss = logLoss;
        this.scores = scores;
    }

    /** A row: its predicted label, its score (null when the model has none) and its actual (null: not yet). */
    void add(boolean predicted, Double score, Boolean actual) {
        if (score != null) {
            scores.add(score, predicted, actual);
        }
        if (actual == null) {
            return;
        }
        if (predicted) {
            if (actual) {
                tp++;
            } else {
                fp++;
            }
        } else if (actual) {
            fn++;
        } else {
            tn++;
        }
        if (score != null) {
            double p = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, score));
            logLoss.add(-(actual ? Math.log(p) : Math.log1p(-p)));
            logLossRows++;
        }
    }

    ScoreHistogram scores() {
        return scores;
    }

    @Override
    public void merge(TaskPerformance other) {
        BinaryPerformance o = (BinaryPerformance) other;
        tp += o.tp;
        fp += o.fp;
        tn += o.tn;
        fn += o.fn;
        logLoss.merge(o.logLoss);
        logLossRows += o.logLossRows;
        scores.merge(o.scores);
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        double n = tp + fp + tn + fn;
        metrics.put("tp_count", (double) tp);
        metrics.put("fp_count", (double) fp);
        metrics.put("tn_count", (double) tn);
        metrics.put("fn_count", (double) fn);
        metrics.put("accuracy", (tp + tn) / n);
        metrics.put("precision", ratioOrZero(tp, tp + fp));
        metrics.put("recall", ratioOrZero(tp, tp + fn));
        metrics.put("f1", ratioOrZero(2 * tp, 2 * tp + fp + fn));
        metrics.put("specificity", tn + fp == 0 ? null : (double) tn / (tn + fp));
        metrics.put("fp_rate", tn + fp == 0 ? null : (double) fp / (tn + fp));
        metrics.put("positive_rate", (tp + fp) / n);
        metrics.put("auc_roc", scores.isEmpty() ? null : scores.aucRoc());
        metrics.put("log_loss", logLossRows == 0 ? null : logLoss.value() / logLossRows);
    }

    /** a / b, or 0 where b is 0 (scikit-learn's {@code zero_division=0}). */
    static double ratioOrZero(double a, double b) {
        return b == 0 ? 0.0 : a / b;
    }

    long rows() {
        return tp + fp + tn + fn;
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(tp).writeLong(fp).writeLong(tn).writeLong(fn);
        logLoss.write(out);
        out.writeLong(logLossRows);
        scores.write(out);
    }

    static BinaryPerformance read(ProfileReader in) {
        long tp = in.readCounter("tp");
        long fp = in.readCounter("fp");
        long tn = in.readCounter("tn");
        long fn = in.readCounter("fn");
        Sum logLoss = Sum.read(in, "log loss");
        long logLossRows = in.readCounter("log loss rows");
        BinaryPerformance b = new BinaryPerformance(logLoss, ScoreHistogram.read(in));
        b.tp = tp;
        b.fp = fp;
        b.tn = tn;
        b.fn = fn;
        b.logLossRows = logLossRows;
        if (logLossRows > b.rows()) {
            throw in.corrupt("log loss rows " + logLossRows + " exceed the rows with an actual " + b.rows());
        }
        long positives = 0;
        long negatives = 0;
        ScoreHistogram h = b.scores;
        for (int i = 0; i < h.size(); i++) {
            positives += h.count(i, ScoreHistogram.POSITIVE);
            negatives += h.count(i, ScoreHistogram.NEGATIVE);
            if (positives < 0 || negatives < 0 || positives > tp + fn || negatives > fp + tn) {
                throw in.corrupt("score buckets count more positive or negative actuals than the confusion counts ("
                        + (tp + fn) + " positive, " + (fp + tn) + " negative)");
            }
        }
        return b;
    }

    @Override
    public TaskPerformance copy() {
        BinaryPerformance copy = new BinaryPerformance();
        copy.merge(this);
        return copy;
    }
}
