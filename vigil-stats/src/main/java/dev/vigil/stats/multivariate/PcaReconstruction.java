package dev.vigil.stats.multivariate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Multivariate drift by PCA reconstruction error, as NannyML's {@code DataReconstructionDriftCalculator} computes it
 * (decision 0030): fitted on a reference sample, it gives each window sample the mean distance between its rows and
 * their reconstruction from the reference's main components.
 *
 * <p>The fit, all on the reference: numeric columns' missing values take the column's mean ({@code
 * SimpleImputer(strategy="mean")}); categorical columns' missing values take the most frequent value (ties to the
 * smallest), then each value becomes its share of the reference rows (NannyML's {@code CountEncoder(normalize=True)};
 * a value the reference never had becomes 0). Every column is then standardized with the reference's mean and
 * population standard deviation ({@code StandardScaler}; a constant column is only centered), and PCA keeps the
 * smallest number of components whose explained variance ratio sums to more than 65% ({@code
 * PCA(n_components=0.65)}). A column with no value in the reference is dropped (scikit-learn's imputer drops it too).
 *
 * <p>A row's error is the Euclidean distance between its standardized vector and that vector's projection onto the
 * kept components (PCA's {@code inverse_transform(transform(x))}); a sample's value is the mean over its rows.
 * Accuracy: within 1e-9 relative of scikit-learn on the test samples (both take the components from an SVD of the
 * centered reference; the value is exact up to rounding while the 65% cut does not fall between two nearly equal
 * singular values).
 */
public final class PcaReconstruction {
    /** The metric name; its field is {@code *}, the whole row. */
    public static final String METRIC = "pca_reconstruction_error";

    /** The explained variance the kept components must exceed (NannyML's default). */
    public static final double VARIANCE_KEPT = 0.65;

    /** Fewer rows than this in either sample give no value. */
    public static final int MIN_ROWS = 10;

    /** How many row-error standard errors the thresholds lie from the reference value (NannyML: 3). */
    public static final double THRESHOLD_MULTIPLIER = 3.0;

    private final Encoder encoder;
    private final double[] scaleMean;
    private final double[] scale;
    private final double[] pcaMean;
    private final double[][] components;
    private final double referenceError;
    private final double referenceRowStd;

    /** The lower and upper alert thresholds of a window's value. */
    public record Thresholds(double lower, double upper) {}

    /**
     * Imputation and encoding, fitted on the reference: the numeric columns kept and their means, the categorical
     * columns kept, their most frequent values and each value's share of the reference rows.
     */
    private record Encoder(
            int[] numericColumns,
            double[] imputeMean,
            int[] categoricalColumns,
            String[] mode,
            List<Map<String, Double>> shares) {

        int width() {
            return numericColumns.length + categoricalColumns.length;
        }

        /** Row {@code i} imputed and encoded: the kept numeric columns, then the kept categories' shares. */
        double[] encode(SampleTable sample, int i) {
            double[] out = new double[width()];
            for (int j = 0; j < numericColumns.length; j++) {
                double v = sample.numeric()[i][numericColumns[j]];
                out[j] = SampleTable.missing(v) ? imputeMean[j] : v;
            }
            for (int j = 0; j < categoricalColumns.length; j++) {
                String v = sample.categorical()[i][categoricalColumns[j]];
                out[numericColumns.length + j] = shares.get(j).getOrDefault(v == null ? mode[j] : v, 0.0);
            }
            return out;
        }
    }

    private PcaReconstruction(
            Encoder encoder,
            double[] scaleMean,
            double[] scale,
            double[] pcaMean,
            double[][] components,
            SampleTable reference) {
        this.encoder = encoder;
        this.scaleMean = scaleMean;
        this.scale = scale;
        this.pcaMean = pcaMean;
        this.components = components;
        double[] errors = rowErrors(reference);
        double sum = 0;
        for (double e : errors) {
            sum += e;
        }
        this.referenceError = sum / errors.length;
        double ss = 0;
        for (double e : errors) {
            ss += (e - referenceError) * (e - referenceError);
        }
        this.referenceRowStd = Math.sqrt(ss / (errors.length - 1));
    }

    /**
     * Fits the imputation, encoding, scaling and PCA on a reference sample; empty when it has fewer than {@link
     * #MIN_ROWS} rows or no column with a value. Weights are not used: the sample's rows count alike.
     */
    public static Optional<PcaReconstruction> fit(SampleTable reference) {
        int n = reference.rows();
        if (n < MIN_ROWS) {
            return Optional.empty();
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        List<Integer> numeric = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        for (int j = 0; j < reference.numericColumns(); j++) {
            double mean = ColumnEncoding.mean(reference.numeric(), j, all);
            if (!Double.isNaN(mean)) {
                numeric.add(j);
                means.add(mean);
            }
        }
        List<Integer> categorical = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<Map<String, Double>> shares = new ArrayList<>();
        for (int j = 0; j < reference.categoricalColumns(); j++) {
            Map<String, Integer> counts = ColumnEncoding.counts(reference.categorical(), j, all);
            String mode = ColumnEncoding.mostFrequent(counts);
            if (mode == null) {
                continue;
            }
            int missing =
                    n - counts.values().stream().mapToInt(Integer::intValue).sum();
            counts.merge(mode, missing, Integer::sum);
            Map<String, Double> share = new HashMap<>();
            counts.forEach((k, c) -> share.put(k, (double) c / n));
            categorical.add(j);
            modes.add(mode);
            shares.add(share);
        }
        int p = numeric.size() + categorical.size();
        if (p == 0) {
            return Optional.empty();
        }
        Encoder encoder = new Encoder(
                numeric.stream().mapToInt(Integer::intValue).toArray(),
                means.stream().mapToDouble(Double::doubleValue).toArray(),
                categorical.stream().mapToInt(Integer::intValue).toArray(),
                modes.toArray(String[]::new),
                shares);
        double[][] encoded = new double[n][];
        for (int i = 0; i < n; i++) {
            encoded[i] = encoder.encode(reference, i);
        }
        double[] scaleMean = new double[p];
        double[] scale = new double[p];
        double[] column = new double[n];
        for (int j = 0; j < p; j++) {
            for (int i = 0; i < n; i++) {
                column[i] = encoded[i][j];
            }
            double[] ms = ColumnEncoding.standardScaler(column);
            scaleMean[j] = ms[0];
            scale[j] = ms[1];
        }
        double[][] z = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                z[i][j] = (encoded[i][j] - scaleMean[j]) / scale[j];
            }
        }
        double[] pcaMean = new double[p];
        for (double[] row : z) {
            for (int j = 0; j < p; j++) {
                pcaMean[j] += row[j];
            }
        }
        for (int j = 0; j < p; j++) {
            pcaMean[j] /= n;
        }
        double[][] centered = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                centered[i][j] = z[i][j] - pcaMean[j];
            }
        }
        double[][] components = mainComponents(centered);
        return Optional.of(new PcaReconstruction(encoder, scaleMean, scale, pcaMean, components, reference));
    }

    /**
     * The right singular vectors of the centered reference whose explained variance ratios (squared singular values
     * over their sum) first sum to more than {@link #VARIANCE_KEPT} (scikit-learn: {@code
     * searchsorted(cumsum(ratio), 0.65, side="right") + 1}). An SVD of the data, as scikit-learn's PCA does, rather
     * than an eigen-decomposition of the covariance: commons-math's symmetric eigen solver fails to converge on a
     * rank-deficient covariance (200 rows × 768 columns), and the SVD keeps the precision the squaring loses.
     */
    private static double[][] mainComponents(double[][] centered) {
        RealMatrix data = new Array2DRowRealMatrix(centered, false);
        int p = data.getColumnDimension();
        if (data.getRowDimension() > p) {
            // Zc = QR: R (p × p) has Zc's singular values and right singular vectors, and costs far less to decompose
            data = new QRDecomposition(data).getR().getSubMatrix(0, p - 1, 0, p - 1);
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(data);
        double[] values = svd.getSingularValues();
        double total = 0;
        for (double v : values) {
            total += v * v;
        }
        int k = 0;
        if (total > 0) {
            double cumulative = 0;
            while (k < values.length) {
                cumulative += values[k] * values[k] / total;
                k++;
                if (cumulative > VARIANCE_KEPT) {
                    break;
                }
            }
        }
        RealMatrix v = svd.getV();
        double[][] out = new double[k][];
        for (int c = 0; c < k; c++) {
            out[c] = v.getColumn(c);
        }
        return out;
    }

    /** Each row's reconstruction error, in row order. */
    double[] rowErrors(SampleTable sample) {
        SampleTable.checkSameColumnCount(sample, encoder.numericColumns(), encoder.categoricalColumns());
        int p = scale.length;
        double[] out = new double[sample.rows()];
        double[] d = new double[p];
        for (int i = 0; i < sample.rows(); i++) {
            double[] x = encoder.encode(sample, i);
            for (int j = 0; j < p; j++) {
                d[j] = (x[j] - scaleMean[j]) / scale[j] - pcaMean[j];
            }
            // |d - V Vᵀ d|² = |d|² - |Vᵀ d|² loses precision when the error is small; subtract the projection instead
            double[] residual = d.clone();
            for (double[] v : components) {
                double t = 0;
                for (int j = 0; j < p; j++) {
                    t += v[j] * d[j];
                }
                for (int j = 0; j < p; j++) {
                    residual[j] -= t * v[j];
                }
            }
            double ss = 0;
            for (double r : residual) {
                ss += r * r;
            }
            out[i] = Math.sqrt(ss);
        }
        return out;
    }

    /** The window's value: the mean row reconstruction error, or null when it has fewer than {@link #MIN_ROWS} rows. */
    public Double error(SampleTable window) {
        if (window.rows() < MIN_ROWS) {
            return null;
        }
        double sum = 0;
        for (double e : rowErrors(window)) {
            sum += e;
        }
        return sum / window.rows();
    }

    /** The reference sample's own value (what NannyML plots for the reference period). */
    public double referenceError() {
        return referenceError;
    }

    /** The standard deviation (n − 1) of the reference rows' errors: NannyML's sampling-error component. */
    public double referenceRowStd() {
        return referenceRowStd;
    }

    /**
     * Alert thresholds for a window of {@code windowRows} rows: the reference value ± 3 standard errors, a standard
     * error being {@link #referenceRowStd()} / √windowRows (NannyML's {@code sampling_error}). NannyML's own
     * thresholds, mean ± 3 std of the values of reference chunks, estimate the same band for chunks of the window's
     * size; Vigil's reference is one sample, not a series of chunks, so it uses the formula.
     */
    public Thresholds thresholds(int windowRows) {
        double half = THRESHOLD_MULTIPLIER * referenceRowStd / Math.sqrt(windowRows);
        return new Thresholds(referenceError - half, referenceError + half);
    }

    /** Components kept (those whose variance ratios first sum to more than 65%). */
    public int components() {
        return components.length;
    }

    /** Columns used: the reference's columns minus those with no value in it. */
    public int columns() {
        return scale.length;
    }
}
