package dev.vigil.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regression: compensated sums of the errors (prediction − actual) of the rows with an actual, and the
 * actuals' mean and sum of squared deviations (Welford; Chan et al.'s merge) for R². Since format 3, also DLE's
 * sums over every row with a usable prediction, actual or not (ADR 0028): the rows estimated, Σ estimated |error|,
 * Σ estimated error², and the sums of their per-row variances, so that a merged window's estimate and std are those
 * of all its rows.
 */
final class RegressionPerformance implements TaskPerformance {
    /** DLE's estimated metrics, in the order {@link #estimates} gives them (ADR 0028). */
    static final List<String> ESTIMATED_NAMES = List.of("estimated_mae", "estimated_mse", "estimated_rmse");

    private long rows;
    private final Sum error = new Sum();
    private final Sum absError = new Sum();
    private final Sum squaredError = new Sum();
    private final Sum absActual = new Sum();
    private final Sum percentageError = new Sum();
    private long percentageRows;
    private double actualMean;
    private double actualM2;
    private long estimatedRows;
    private final Sum estimatedAbs = new Sum();
    private final Sum estimatedSquared = new Sum();
    private final Sum absVariance = new Sum();
    private final Sum squaredVariance = new Sum();

    void add(double predicted, double actual) {
        double e = predicted - actual;
        rows++;
        error.add(e);
        absError.add(Math.abs(e));
        squaredError.add(e * e);
        absActual.add(Math.abs(actual));
        if (actual != 0) {
            percentageError.add(Math.abs(e) / Math.abs(actual));
            percentageRows++;
        }
        double delta = actual - actualMean;
        actualMean += delta / rows;
        actualM2 += delta * (actual - actualMean);
    }

    /**
     * DLE's estimates for one row: its estimated |error| and error² (each at least 0), and the variance of its
     * squared error (the variance of its |error| follows as max(0, error² − |error|²)).
     */
    void addEstimate(double absError, double squaredError, double squaredErrorVariance) {
        estimatedRows++;
        estimatedAbs.add(absError);
        estimatedSquared.add(squaredError);
        absVariance.add(Math.max(0, squaredError - absError * absError));
        squaredVariance.add(squaredErrorVariance);
    }

    /**
     * DLE's {@code estimated_mae}, {@code estimated_mse} and {@code estimated_rmse} with their std (ADR 0028); empty
     * when no row was estimated.
     */
    Map<String, Calibration.Estimate> estimates() {
        Map<String, Calibration.Estimate> out = new LinkedHashMap<>();
        if (estimatedRows == 0) {
            return out;
        }
        double n = estimatedRows;
        double mae = estimatedAbs.value() / n;
        double mse = estimatedSquared.value() / n;
        double maeStd = Math.sqrt(Math.max(0, absVariance.value())) / n;
        double mseStd = Math.sqrt(Math.max(0, squaredVariance.value())) / n;
        double rmse = Math.sqrt(mse);
        // the delta method: d sqrt(x) = dx / (2 sqrt(x))
        out.put("estimated_mae", new Calibration.Estimate(mae, maeStd));
        out.put("estimated_mse", new Calibration.Estimate(mse, mseStd));
        out.put("estimated_rmse", new Calibration.Estimate(rmse, rmse == 0 ? null : mseStd / (2 * rmse)));
        return out;
    }

    @Override
    public void merge(TaskPerformance other) {
        RegressionPerformance o = (RegressionPerformance) other;
        estimatedRows += o.estimatedRows;
        estimatedAbs.merge(o.estimatedAbs);
        estimatedSquared.merge(o.estimatedSquared);
        absVariance.merge(o.absVariance);
        squaredVariance.merge(o.squaredVariance);
        if (o.rows == 0) {
            return;
        }
        long n = rows + o.rows;
        double delta = o.actualMean - actualMean;
        double mean = actualMean + delta * o.rows / n;
        double m2 = actualM2 + o.actualM2 + delta * delta * ((double) rows * o.rows / n);
        rows = n;
        actualMean = mean;
        actualM2 = m2;
        error.merge(o.error);
        absError.merge(o.absError);
        squaredError.merge(o.squaredError);
        absActual.merge(o.absActual);
        percentageError.merge(o.percentageError);
        percentageRows += o.percentageRows;
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        double mse = squaredError.value() / rows;
        metrics.put("mae", absError.value() / rows);
        metrics.put("mse", mse);
        metrics.put("rmse", Math.sqrt(mse));
        metrics.put("mape", percentageRows == 0 ? null : percentageError.value() / percentageRows);
        metrics.put("wape", absActual.value() == 0 ? null : absError.value() / absActual.value());
        // As scikit-learn's r2_score (force_finite): with constant actuals, 1 for a perfect fit, else 0.
        double sse = squaredError.value();
        metrics.put("r2", actualM2 == 0 ? (sse == 0 ? 1.0 : 0.0) : 1 - sse / actualM2);
        metrics.put("mean_error", error.value() / rows);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(rows);
        error.write(out);
        absError.write(out);
        squaredError.write(out);
        absActual.write(out);
        percentageError.write(out);
        out.writeLong(percentageRows).writeDouble(actualMean).writeDouble(actualM2);
        out.writeLong(estimatedRows);
        estimatedAbs.write(out);
        estimatedSquared.write(out);
        absVariance.write(out);
        squaredVariance.write(out);
    }

    static RegressionPerformance read(ProfileReader in) {
        RegressionPerformance r = new RegressionPerformance();
        r.rows = in.readCounter("rows");
        r.error.merge(Sum.read(in, "error sum"));
        r.absError.merge(Sum.read(in, "absolute error sum"));
        r.squaredError.merge(Sum.read(in, "squared error sum"));
        r.absActual.merge(Sum.read(in, "absolute actual sum"));
        r.percentageError.merge(Sum.read(in, "percentage error sum"));
        r.percentageRows = in.readCounter("percentage error rows");
        r.actualMean = in.readDouble("actual mean");
        r.actualM2 = in.readDouble("actual m2");
        if (in.version() >= 3) {
            r.estimatedRows = in.readCounter("estimated rows");
            r.estimatedAbs.merge(Sum.read(in, "estimated absolute error sum"));
            r.estimatedSquared.merge(Sum.read(in, "estimated squared error sum"));
            r.absVariance.merge(Sum.read(in, "absolute error variance sum"));
            r.squaredVariance.merge(Sum.read(in, "squared error variance sum"));
        }
        if (r.percentageRows > r.rows) {
            throw in.corrupt("percentage error rows " + r.percentageRows + " exceed rows " + r.rows);
        }
        return r;
    }

    @Override
    public TaskPerformance copy() {
        RegressionPerformance copy = new RegressionPerformance();
        copy.merge(this);
        return copy;
    }
}
