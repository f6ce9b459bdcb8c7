package dev.vigil.stats;

import java.util.Map;

/**
 * Moments, extremes, quantiles with exact tails ({@link Quantiles}) and distinct count ({@link Distinct}) of finite
 * numbers (numeric and datetime fields).
 */
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
    private final Quantiles quantiles;
    /**
     * The distinct values' hashes, or null while {@link #quantiles} holds every value (then the count comes from
     * them): a window of a few thousand values is never hashed unless its sketch compacts.
     */
    private Distinct distinct;

    NumericProfile() {
        this(new Quantiles(), null);
    }

    private NumericProfile(Quantiles quantiles, Distinct distinct) {
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
        if (distinct == null && quantiles.bufferFull()) {
            distinct = Distinct.ofNumbers(quantiles.exactValues());
        }
        quantiles.add(value);
        if (distinct != null) {
            distinct.update(value);
        }
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

    /**
     * Compacts the quantile sketch if it is over its capacity, hashing its values first when it is about to lose
     * them: the state a profile is written, merged and read in.
     */
    private void seal() {
        if (distinct == null && quantiles.exact() && quantiles.n() > Quantiles.K) {
            distinct = Distinct.ofNumbers(quantiles.exactValues());
        }
        quantiles.seal();
    }

    /** The distinct-count accumulator, made from the values when the quantile sketch still holds them all. */
    private Distinct distinct() {
        if (distinct == null) {
            distinct = Distinct.ofNumbers(quantiles.exactValues());
        }
        return distinct;
    }

    @Override
    public void merge(KindProfile otherKind) {
        NumericProfile other = (NumericProfile) otherKind;
        if (other.n == 0) {
            return;
        }
        seal();
        other.seal();
        if (distinct != null || other.distinct != null || n + other.n > Quantiles.K) {
            Distinct merged = distinct();
            if (other.distinct == null) {
                merged.updateSorted(other.quantiles.exactValues());
            } else {
                merged.merge(other.distinct);
            }
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

    /** The quantile sketch, sealed: for reading in this package. */
    Quantiles quantiles() {
        seal();
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
        seal();
        for (int i = 0; i < QUANTILES.length; i++) {
            metrics.put(QUANTILE_NAMES[i], any ? quantiles.quantile(QUANTILES[i]) : null);
        }
        metrics.put("median", any ? quantiles.quantile(0.5) : null);
        metrics.put("distinct_count", any ? distinctCount() : null);
    }

    private Double distinctCount() {
        if (distinct != null) {
            return distinct.estimate();
        }
        double[] values = quantiles.exactValues();
        long count = 0;
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                count++;
            }
        }
        return (double) count;
    }

    @Override
    public void write(ProfileWriter out) {
        seal();
        out.writeLong(n)
                .writeDouble(mean)
                .writeDouble(m2)
                .writeDouble(sum)
                .writeDouble(sumCompensation)
                .writeDouble(min)
                .writeDouble(max);
        quantiles.write(out);
        // no distinct-count block while the sketch holds every value: the count and the hashes come from them
        out.writeInt(distinct == null ? 0 : 1);
        if (distinct != null) {
            distinct.write(out);
        }
    }

    static NumericProfile read(ProfileReader in) {
        long n = in.readCounter("numeric count");
        double mean = in.readDouble("mean");
        double m2 = in.readDouble("m2");
        double sum = in.readDouble("sum");
        double sumCompensation = in.readDouble("sum compensation");
        double min = in.readDouble("min");
        double max = in.readDouble("max");
        Quantiles quantiles;
        Distinct distinct;
        if (in.version() >= 3) {
            quantiles = Quantiles.read(in, "quantile sketch");
            int hasDistinct = in.readInt("distinct sketch flag");
            if (hasDistinct != 0 && hasDistinct != 1) {
                throw in.corrupt("distinct sketch flag is " + hasDistinct);
            }
            distinct = hasDistinct == 1 ? Distinct.read(in, "distinct sketch") : null;
            if (distinct == null && !quantiles.exact()) {
                throw in.corrupt("a compacted quantile sketch needs a distinct sketch");
            }
            if (distinct == null && in.skipsDistinct()) {
                distinct = Distinct.absent();
            }
        } else {
            quantiles = SketchCodec.readQuantiles(in, "quantile sketch");
            distinct = Distinct.readTheta(in, "distinct sketch");
        }
        if (quantiles.n() != n) {
            throw in.corrupt("quantile sketch holds " + quantiles.n() + " values, expected " + n);
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
        seal();
        NumericProfile copy = new NumericProfile(quantiles.copy(), distinct == null ? null : distinct.copy());
        copy.n = n;
        copy.mean = mean;
        copy.m2 = m2;
        copy.sum = sum;
        copy.sumCompensation = sumCompensation;
        copy.min = min;
        copy.max = max;
        return copy;
    }
}
