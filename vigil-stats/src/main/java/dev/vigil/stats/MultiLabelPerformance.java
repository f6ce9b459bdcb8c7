package dev.vigil.stats;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Multi-label classification: per label, the true positives, false positives and false negatives of the rows
 * with an actual, plus how many rows matched exactly. Labels are the union seen in predictions and actuals
 * (scikit-learn's {@code MultiLabelBinarizer} over both); a label's true negatives are the remaining rows. When
 * predictions are a dict of label → score, also every row's scores per label ({@link ScoredClasses}), for CBPE
 * label by label ({@link MultiLabelCalibration}).
 */
final class MultiLabelPerformance implements TaskPerformance {
    private final TreeMap<String, long[]> labels = new TreeMap<>(); // tp, fp, fn
    private long rows;
    private long exact;
    private final ScoredClasses scores;

    MultiLabelPerformance() {
        this(new ScoredClasses());
    }

    private MultiLabelPerformance(ScoredClasses scores) {
        this.scores = scores;
    }

    /** A row's scores, with or without an actual (null: not arrived); {@code predicted} are its predicted labels. */
    void addScores(Map<String, Double> scoresByLabel, Set<String> predicted, Set<String> actual) {
        scoresByLabel.forEach((label, s) -> {
            if (label != null && s != null) {
                scores.add(label, s, predicted.contains(label), actual == null ? null : actual.contains(label));
            }
        });
    }

    ScoredClasses scores() {
        return scores;
    }

    void add(Set<String> predicted, Set<String> actual) {
        rows++;
        if (predicted.equals(actual)) {
            exact++;
        }
        for (String label : predicted) {
            labels.computeIfAbsent(label, k -> new long[3])[actual.contains(label) ? 0 : 1]++;
        }
        for (String label : actual) {
            long[] c = labels.computeIfAbsent(label, k -> new long[3]);
            if (!predicted.contains(label)) {
                c[2]++;
            }
        }
    }

    @Override
    public void merge(TaskPerformance other) {
        MultiLabelPerformance o = (MultiLabelPerformance) other;
        rows += o.rows;
        exact += o.exact;
        scores.merge(o.scores);
        o.labels.forEach((label, c) -> {
            long[] mine = labels.computeIfAbsent(label, k -> new long[3]);
            for (int i = 0; i < 3; i++) {
                mine[i] += c[i];
            }
        });
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        long tp = 0;
        long errors = 0;
        double f1Sum = 0;
        for (long[] c : labels.values()) {
            tp += c[0];
            errors += c[1] + c[2];
            f1Sum += BinaryPerformance.ratioOrZero(2.0 * c[0], 2.0 * c[0] + c[1] + c[2]);
        }
        int k = labels.size();
        metrics.put("hamming_loss", k == 0 ? 0.0 : (double) errors / ((double) rows * k));
        metrics.put("f1_micro", BinaryPerformance.ratioOrZero(2.0 * tp, 2.0 * tp + errors));
        metrics.put("f1_macro", k == 0 ? 0.0 : f1Sum / k);
        metrics.put("subset_accuracy", (double) exact / rows);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(rows).writeLong(exact).writeInt(labels.size());
        labels.forEach((label, c) ->
                out.writeString(label).writeLong(c[0]).writeLong(c[1]).writeLong(c[2]));
        scores.write(out);
    }

    static MultiLabelPerformance read(ProfileReader in) {
        long rows = in.readCounter("rows");
        long exact = in.readCounter("exact rows");
        int n = in.readCount("labels", 4 + 3 * Long.BYTES);
        TreeMap<String, long[]> labels = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String label = in.readString("label");
            labels.put(label, new long[] {in.readCounter("tp"), in.readCounter("fp"), in.readCounter("fn")});
        }
        MultiLabelPerformance m = new MultiLabelPerformance(ScoredClasses.read(in));
        m.rows = rows;
        m.exact = exact;
        m.labels.putAll(labels);
        if (m.exact > m.rows) {
            throw in.corrupt("exact rows " + m.exact + " exceed rows " + m.rows);
        }
        return m;
    }

    @Override
    public TaskPerformance copy() {
        MultiLabelPerformance copy = new MultiLabelPerformance();
        copy.merge(this);
        return copy;
    }
}
