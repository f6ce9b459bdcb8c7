package dev.vigil.stats;

import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/** Moments, extremes, quantiles and distinct count of finite numbers (numeric and datetime fields). */
final class NumericProfile implements KindProfile {
    static final double[] QUANTILES = {0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
    static final String[] QUANTILE_NAMES = {"p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99"};

    private long n;
    private double mean;
    /** Sum of squared deviations from the mean (Welford / Chan et al.). */
    private double m2;
    /** Neumaier-compensated sum: {@code sum + sumCompensation} is the value. */
    private double sum;

    private double sumCompensation;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final KllDoublesSketch quantiles;
    private final Distinct distinct;

    NumericProfile() {
        this(SketchCodec.newQuantiles(), new Distinct());
    }

    private NumericProfile(KllDoublesSketch quantiles, Distinct distinct) {
        this.quantiles = quantiles;
        this.distinct = distinct;
    }

    /** Adds a finite value; the caller has screened NaN and infinities. */
    void add(double value) {
        n++;
        double delta = value - mean;
        mean += delta / n;
        m2 += delta * (value - mean);
        addToSum(value, 0.0);
        min = Math.min(min, value);
        max = Math.max(max, value);
        quantiles.update(value);
        distinct.update(value);
    }

    private void addToSum(double value, double compensation) {
        double total = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            sumCompensation += (sum - total) + value;
        } else {
            sumCompensation += (value - total) + sum;
        }
        sum = total;
        sumCompensation += compensation;
    }

    @Override
    public void merge(KindProfile otherKind) {
        NumericProfile other = (NumericProfile) otherKind;
        if (other.n == 0) {
            return;
        }
        if (n == 0) {
            mean = other.mean;
            m2 = other.m2;
        } else {
            // Chan, Golub & LeVeque (1979), the pairwise update of count, mean and M2.
            long total = n + other.n;
            double delta = other.mean - mean;
            mean += delta * ((double) other.n / total);
            m2 += other.m2 + delta * delta * ((double) n * other.n / total);
        }
        n += other.n;
        addToSum(other.sum, other.sumCompensation);
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        quantiles.merge(other.quantiles);
        distinct.merge(other.distinct);
    }

    @Override
    public long validCount() {
        return n;
    }

    double sum() {
        return sum + sumCompensation;
    }

    Double min() {
        return n == 0 ? null : min;
    }

    Double max() {
        return n == 0 ? null : max;
    }

    KllDoublesSketch quantiles() {
        return quantiles;
    }

    /** Sample variance (n - 1); null below two values. */
    Double variance() {
        return n < 2 ? null : Math.max(0.0, m2 / (n - 1));
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        boolean any = n > 0;
        Double variance = variance();
        metrics.put("mean", any ? mean : null);
        metrics.put("sum", any ? sum() : null);
        metrics.put("min", min());
        metrics.put("max", max());
        metrics.put("stddev", variance == null ? null : Math.sqrt(variance));
        metrics.put("variance", variance);
        double[] values = any ? quantiles.getQuantiles(QUANTILES) : null;
        for (int i = 0; i < QUANTILES.length; i++) {
            metrics.put(QUANTILE_NAMES[i], any ? values[i] : null);
        }
        metrics.put("median", any ? values[4] : null);
        metrics.put("distinct_count", any ? distinct.estimate() : null);
    }

    @Override
    public void write(ProfileWriter out) {
        write(out, distinct.toBytes());
    }

    private void write(ProfileWriter out, byte[] distinctBytes) {
        out.writeLong(n)
                .writeDouble(mean)
                .writeDouble(m2)
                .writeDouble(sum)
                .writeDouble(sumCompensation)
                .writeDouble(min)
                .writeDouble(max)
                .writeBlock(quantiles.toByteArray())
                .writeBlock(distinctBytes);
    }

    static NumericProfile read(ProfileReader in) {
        long n = in.readCounter("numeric count");
        double mean = in.readDouble("mean");
        double m2 = in.readDouble("m2");
        double sum = in.readDouble("sum");
        double sumCompensation = in.readDouble("sum compensation");
        double min = in.readDouble("min");
        double max = in.readDouble("max");
        KllDoublesSketch quantiles = SketchCodec.readQuantiles(in, "quantile sketch");
        Distinct distinct = SketchCodec.readDistinct(in, "distinct sketch");
        if (quantiles.getN() != n) {
            throw in.corrupt("quantile sketch holds " + quantiles.getN() + " values, expected " + n);
        }
        NumericProfile profile = new NumericProfile(quantiles, distinct);
        profile.n = n;
        profile.mean = mean;
        profile.m2 = m2;
        profile.sum = sum;
        profile.sumCompensation = sumCompensation;
        profile.min = min;
        profile.max = max;
        return profile;
    }

    @Override
    public NumericProfile copy() {
        ProfileWriter out = new ProfileWriter();
        write(out, distinct.toBytesForCopy());
        ProfileReader in = ProfileReader.body(out.toByteArray(), "numeric profile");
        return read(distinct.isAbsent() ? in.skippingDistinct() : in);
    }
}
