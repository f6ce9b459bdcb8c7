package dev.vigil.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multiclass classification: the confusion matrix (actual class → predicted class → rows) of the rows with an
 * actual. Classes are the union of the actual and predicted classes seen, as scikit-learn's default
 * {@code labels}. When predictions are a dict of class → probability, also every row's probabilities per class
 * ({@link ScoredClasses}), for CBPE one class against the rest ({@link MulticlassCalibration}).
 */
final class MulticlassPerformance implements TaskPerformance {
    private final TreeMap<String, TreeMap<String, Long>> confusion = new TreeMap<>();
    private final ScoredClasses scores;

    MulticlassPerformance() {
        this(new ScoredClasses());
    }

    private MulticlassPerformance(ScoredClasses scores) {
        this.scores = scores;
    }

    void add(String predicted, String actual) {
        confusion.computeIfAbsent(actual, k -> new TreeMap<>()).merge(predicted, 1L, Long::sum);
    }

    /** A row's probabilities, with or without an actual (null: not arrived). */
    void addScores(Map<String, Double> probabilities, String predicted, String actual) {
        probabilities.forEach((name, p) -> {
            if (name != null && p != null) {
                scores.add(name, p, name.equals(predicted), actual == null ? null : actual.equals(name));
            }
        });
    }

    ScoredClasses scores() {
        return scores;
    }

    @Override
    public void merge(TaskPerformance other) {
        MulticlassPerformance o = (MulticlassPerformance) other;
        o.confusion.forEach((actual, row) -> row.forEach((predicted, n) ->
                confusion.computeIfAbsent(actual, k -> new TreeMap<>()).merge(predicted, n, Long::sum)));
        scores.merge(o.scores);
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        TreeSet<String> classes = new TreeSet<>(confusion.keySet());
        confusion.values().forEach(row -> classes.addAll(row.keySet()));
        Map<String, long[]> perClass = new TreeMap<>(); // tp, predicted, actual (support)
        classes.forEach(c -> perClass.put(c, new long[3]));
        long total = 0;
        long correct = 0;
        for (Map.Entry<String, TreeMap<String, Long>> row : confusion.entrySet()) {
            for (Map.Entry<String, Long> cell : row.getValue().entrySet()) {
                long n = cell.getValue();
                total += n;
                perClass.get(cell.getKey())[1] += n;
                perClass.get(row.getKey())[2] += n;
                if (cell.getKey().equals(row.getKey())) {
                    correct += n;
                    perClass.get(row.getKey())[0] += n;
                }
            }
        }
        double accuracy = (double) correct / total;
        metrics.put("accuracy", accuracy);
        double[] macro = new double[3];
        double[] weighted = new double[3];
        Map<String, double[]> byClass = new TreeMap<>();
        for (Map.Entry<String, long[]> e : perClass.entrySet()) {
            long[] c = e.getValue();
            double precision = BinaryPerformance.ratioOrZero(c[0], c[1]);
            double recall = BinaryPerformance.ratioOrZero(c[0], c[2]);
            double f1 = BinaryPerformance.ratioOrZero(2.0 * c[0], c[1] + c[2]);
            double[] s = {precision, recall, f1};
            byClass.put(e.getKey(), s);
            for (int i = 0; i < 3; i++) {
                macro[i] += s[i] / classes.size();
                weighted[i] += s[i] * c[2] / total;
            }
        }
        String[] names = {"precision", "recall", "f1"};
        for (int i = 0; i < 3; i++) {
            metrics.put(names[i] + "_macro", macro[i]);
            // Every row has exactly one actual and one predicted class: micro averages are the accuracy.
            metrics.put(names[i] + "_micro", accuracy);
            metrics.put(names[i] + "_weighted", weighted[i]);
        }
        for (int i = 0; i < 3; i++) {
            for (Map.Entry<String, double[]> e : byClass.entrySet()) {
                metrics.put(names[i] + "[" + e.getKey() + "]", e.getValue()[i]);
            }
        }
    }

    @Override
    public void write(ProfileWriter out) {
        int cells = confusion.values().stream().mapToInt(Map::size).sum();
        out.writeInt(cells);
        confusion.forEach((actual, row) -> row.forEach((predicted, n) -> {
            out.writeString(actual).writeString(predicted).writeLong(n);
        }));
        scores.write(out);
    }

    static MulticlassPerformance read(ProfileReader in) {
        TreeMap<String, TreeMap<String, Long>> confusion = new TreeMap<>();
        int cells = in.readCount("confusion cells", 4 + 4 + Long.BYTES);
        for (int i = 0; i < cells; i++) {
            String actual = in.readString("actual class");
            String predicted = in.readString("predicted class");
            long n = in.readCounter("confusion count");
            confusion.computeIfAbsent(actual, k -> new TreeMap<>()).merge(predicted, n, Long::sum);
        }
        MulticlassPerformance m = new MulticlassPerformance(ScoredClasses.read(in));
        m.confusion.putAll(confusion);
        return m;
    }

    @Override
    public TaskPerformance copy() {
        MulticlassPerformance copy = new MulticlassPerformance();
        copy.merge(this);
        return copy;
    }
}
