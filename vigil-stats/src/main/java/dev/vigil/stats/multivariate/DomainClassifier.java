package dev.vigil.stats.multivariate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Multivariate drift by a domain classifier (decision 0030): how well a classifier tells window rows (label 1) from
 * reference rows (label 0), as the ROC AUC of its out-of-fold scores. 0.5 means no drift; 1 means the samples share
 * nothing.
 *
 * <p>NannyML uses LightGBM; Vigil uses a model scikit-learn reproduces exactly: L2-regularized logistic regression
 * (C = 1, intercept not penalized) on the row's standardized numeric values, their pairwise products (so that a
 * change in correlation alone shows) and one-hot categories, fitted to convergence by Newton's method.
 *
 * <ul>
 *   <li>Folds: 5, stratified by construction: reference row i (0-based, in the order given) is in fold i mod 5,
 *       window row j in fold j mod 5. Each fold's rows are scored by a model fitted on the other four.
 *   <li>Features, fitted on the training folds only: a numeric column's missing values take its mean over the
 *       training rows, then it is standardized with their mean and population standard deviation (a constant column
 *       is only centered); a column with no value in the training rows is dropped. With q standardized columns, the
 *       products z_a·z_b (a ≤ b, squares included) are added when q ≤ 20, the squares alone above. A categorical
 *       column's missing value is the category {@code __missing__}; its 20 most frequent training categories (ties
 *       to the smallest) keep their own indicator, the rest share {@code __other__} (when the training rows have
 *       any); a category the training rows never had gets no indicator.
 *   <li>Weights: each sample's weights are first scaled to average 1, so each sample weighs its row count; they
 *       weight the loss (scikit-learn's {@code sample_weight}) and the AUC, not the feature scaling.
 *   <li>The value: one ROC AUC over the pooled out-of-fold scores (as NannyML pools its folds' predictions), ties
 *       counted half ({@code roc_auc_score}).
 * </ul>
 *
 * <p>Accuracy: stated as within 1e-6 (measured ≤ 1e-15) of scikit-learn's {@code LogisticRegression(C=1.0)} on the test samples (both solvers
 * stop near the same optimum; the AUC moves only when two scores swap order). Cost: O(n·f²) per Newton step and fold,
 * f features: 1,000 + 1,000 rows × 20 numeric columns (230 features) take about 2 s; 768 columns take minutes, so
 * embeddings are for {@link EmbeddingMmd}, not this.
 */
public final class DomainClassifier {
    /** The metric name; its field is {@code *}, the whole row. */
    public static final String METRIC = "domain_classifier_auc";

    /** Fewer rows than this in either sample give no value. */
    public static final int MIN_ROWS = 10;

    /** Cross-validation folds. */
    public static final int FOLDS = 5;

    /** Numeric columns up to which all pairwise products are features. */
    public static final int MAX_INTERACTION_COLUMNS = 20;

    /** Categories per column with their own indicator. */
    public static final int MAX_CATEGORIES = 20;

    static final String MISSING = "__missing__";
    static final String OTHER = "__other__";

    private DomainClassifier() {}

    /**
     * The cross-validated AUC of reference (0) against window (1), or null when either sample has fewer than {@link
     * #MIN_ROWS} rows or a zero total weight.
     */
    public static Double auc(SampleTable reference, SampleTable window) {
        SampleTable.checkSameColumns(reference, window);
        int m = reference.rows();
        int n = window.rows();
        if (m < MIN_ROWS || n < MIN_ROWS) {
            return null;
        }
        double[] refWeights = normalized(reference);
        double[] winWeights = normalized(window);
        if (refWeights == null || winWeights == null) {
            return null;
        }
        int total = m + n;
        double[][] numeric = new double[total][];
        String[][] categorical = new String[total][];
        double[] y = new double[total];
        double[] w = new double[total];
        int[] fold = new int[total];
        for (int i = 0; i < m; i++) {
            numeric[i] = reference.numeric()[i];
            categorical[i] = reference.categorical()[i];
            w[i] = refWeights[i];
            fold[i] = i % FOLDS;
        }
        for (int j = 0; j < n; j++) {
            numeric[m + j] = window.numeric()[j];
            categorical[m + j] = window.categorical()[j];
            y[m + j] = 1;
            w[m + j] = winWeights[j];
            fold[m + j] = j % FOLDS;
        }
        double[] scores = new double[total];
        for (int f = 0; f < FOLDS; f++) {
            int[] train = rowsWhere(fold, f, false);
            int[] test = rowsWhere(fold, f, true);
            Features features = Features.fit(numeric, categorical, train);
            double[][] xTrain = features.transform(numeric, categorical, train);
            double[] yTrain = new double[train.length];
            double[] wTrain = new double[train.length];
            for (int k = 0; k < train.length; k++) {
                yTrain[k] = y[train[k]];
                wTrain[k] = w[train[k]];
            }
            double[] beta = LogisticRegression.fit(xTrain, yTrain, wTrain, 1.0);
            double[][] xTest = features.transform(numeric, categorical, test);
            for (int k = 0; k < test.length; k++) {
                scores[test[k]] = LogisticRegression.decision(beta, xTest[k]);
            }
        }
        return rocAuc(scores, y, w);
    }

    private static double[] normalized(SampleTable sample) {
        double sum = 0;
        for (int i = 0; i < sample.rows(); i++) {
            sum += sample.weight(i);
        }
        if (!(sum > 0)) {
            return null;
        }
        double[] out = new double[sample.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample.weight(i) * sample.rows() / sum;
        }
        return out;
    }

    private static int[] rowsWhere(int[] fold, int f, boolean in) {
        return java.util.stream.IntStream.range(0, fold.length)
                .filter(i -> (fold[i] == f) == in)
                .toArray();
    }

    /**
     * Weighted ROC AUC with ties counted half: the weighted share of (negative, positive) pairs the score orders
     * correctly, equal to the trapezoidal area scikit-learn's {@code roc_auc_score} computes.
     */
    static double rocAuc(double[] scores, double[] y, double[] w) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double negBelow = 0;
        double area = 0;
        double pos = 0;
        double neg = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            double tiePos = 0;
            double tieNeg = 0;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                int r = order[j];
                if (y[r] == 1) {
                    tiePos += w[r];
                } else {
                    tieNeg += w[r];
                }
                j++;
            }
            area += tiePos * (negBelow + 0.5 * tieNeg);
            negBelow += tieNeg;
            pos += tiePos;
            neg += tieNeg;
            i = j;
        }
        return area / (pos * neg);
    }

    /** The feature map fitted on a fold's training rows. */
    private record Features(
            int[] numericColumns,
            double[] imputeMean,
            double[] mean,
            double[] scale,
            boolean interactions,
            int[] categoricalColumns,
            List<Map<String, Integer>> levels,
            List<Boolean> hasOther,
            int width) {

        static Features fit(double[][] numeric, String[][] categorical, int[] rows) {
            int p = numeric[rows[0]].length;
            List<Integer> kept = new ArrayList<>();
            List<double[]> stats = new ArrayList<>();
            double[] column = new double[rows.length];
            for (int j = 0; j < p; j++) {
                double imputed = ColumnEncoding.mean(numeric, j, rows);
                if (Double.isNaN(imputed)) {
                    continue;
                }
                for (int k = 0; k < rows.length; k++) {
                    double v = numeric[rows[k]][j];
                    column[k] = SampleTable.missing(v) ? imputed : v;
                }
                double[] ms = ColumnEncoding.standardScaler(column);
                kept.add(j);
                stats.add(new double[] {imputed, ms[0], ms[1]});
            }
            int q = kept.size();
            boolean interactions = q <= MAX_INTERACTION_COLUMNS;
            int width = q + (interactions ? q * (q + 1) / 2 : q);
            int c = categorical[rows[0]].length;
            List<Map<String, Integer>> levels = new ArrayList<>();
            List<Boolean> hasOther = new ArrayList<>();
            int[] categoricalColumns = new int[c];
            for (int j = 0; j < c; j++) {
                Map<String, Integer> counts = new HashMap<>();
                for (int r : rows) {
                    counts.merge(category(categorical[r][j]), 1, Integer::sum);
                }
                List<String> top = ColumnEncoding.top(counts, MAX_CATEGORIES);
                boolean other = counts.size() > top.size();
                Map<String, Integer> index = new HashMap<>();
                List<String> names = new ArrayList<>(top);
                if (other && !names.contains(OTHER)) {
                    names.add(OTHER);
                }
                for (String name : names) {
                    index.put(name, width++);
                }
                levels.add(index);
                hasOther.add(other);
                categoricalColumns[j] = j;
            }
            return new Features(
                    kept.stream().mapToInt(Integer::intValue).toArray(),
                    stats.stream().mapToDouble(s -> s[0]).toArray(),
                    stats.stream().mapToDouble(s -> s[1]).toArray(),
                    stats.stream().mapToDouble(s -> s[2]).toArray(),
                    interactions,
                    categoricalColumns,
                    levels,
                    hasOther,
                    width);
        }

        private static String category(String v) {
            return v == null ? MISSING : v;
        }

        double[][] transform(double[][] numeric, String[][] categorical, int[] rows) {
            int q = numericColumns.length;
            double[][] out = new double[rows.length][width];
            double[] z = new double[q];
            for (int k = 0; k < rows.length; k++) {
                double[] x = out[k];
                double[] row = numeric[rows[k]];
                for (int j = 0; j < q; j++) {
                    double v = row[numericColumns[j]];
                    z[j] = ((SampleTable.missing(v) ? imputeMean[j] : v) - mean[j]) / scale[j];
                    x[j] = z[j];
                }
                int at = q;
                for (int a = 0; a < q; a++) {
                    if (interactions) {
                        for (int b = a; b < q; b++) {
                            x[at++] = z[a] * z[b];
                        }
                    } else {
                        x[at++] = z[a] * z[a];
                    }
                }
                for (int j = 0; j < categoricalColumns.length; j++) {
                    String v = category(categorical[rows[k]][categoricalColumns[j]]);
                    Map<String, Integer> index = levels.get(j);
                    Integer slot = index.get(v);
                    if (slot == null && hasOther.get(j)) {
                        slot = index.get(OTHER);
                    }
                    if (slot != null) {
                        x[slot] = 1;
                    }
                }
            }
            return out;
        }
    }
}
