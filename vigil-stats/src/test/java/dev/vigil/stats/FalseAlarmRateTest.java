package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.monitor.Detection;
import dev.vigil.core.monitor.Detector;
import dev.vigil.core.monitor.FalseDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * False-alarm rates on stationary synthetic data (decision 0031, docs/benchmarks.md "False alarms"), with fixed
 * seeds: a statistical property measured over a stated number of trials, not timed.
 *
 * <p>One evaluation of a drift monitor is 20 numeric and 5 categorical fields, window and baseline drawn from the
 * same distributions, each side of n rows profiled through {@link FieldProfile} (the real sketches). It is a false
 * alarm when anything fires. The default ({@code method: test}, alpha 0.01) must stay at or below 1%: with N trials
 * the test fails only if the count of alarming evaluations exceeds the k for which P(Binomial(N, 0.01) > k) < 0.001
 * (k = 11 of 400 at 1,000 rows, 8 of 200 at 10,000, 3 of 40 at 100,000). The other rules are measured for contrast.
 *
 * <p>The seasonal default is measured on hourly windows of a clean weekly cycle with Gaussian noise: 200 series of 9
 * weeks, the last week's 168 windows each (33,600 decisions): at most 53 alarms (P(Binomial(33600, 0.001) > 53) <
 * 0.001).
 */
class FalseAlarmRateTest {
    private static final Logger LOG = LoggerFactory.getLogger(FalseAlarmRateTest.class);

    private static final int NUMERIC = 20;
    private static final int CATEGORICAL = 5;
    private static final int[] CATEGORIES = {2, 5, 10, 30, 100};

    /** What fired in one evaluation, by rule. */
    private record Evaluation(
            boolean test, boolean testNoBh, boolean testNoAllowance, boolean score01, boolean score02) {}

    @Test
    void methodTestStaysAtOrBelowOnePercentAtEverySize() {
        StringBuilder table = new StringBuilder();
        table.append("| rows a side | evaluations | test (default) | test without BH | test without the sketch"
                + " allowance | drift_score > 0.1 | drift_score > 0.2 |\n|---|---|---|---|---|---|---|\n");
        assertRate(1_000, 400, 11, table);
        assertRate(10_000, 200, 8, table);
        assertRate(100_000, 40, 3, table);
        LOG.info("false alarms of method test:\n{}", table);
    }

    private static void assertRate(int n, int trials, int bound, StringBuilder table) {
        SplittableRandom random = new SplittableRandom(20261130L + n);
        int[] counts = new int[5];
        for (int t = 0; t < trials; t++) {
            Evaluation e = evaluate(n, random);
            counts[0] += e.test() ? 1 : 0;
            counts[1] += e.testNoBh() ? 1 : 0;
            counts[2] += e.testNoAllowance() ? 1 : 0;
            counts[3] += e.score01() ? 1 : 0;
            counts[4] += e.score02() ? 1 : 0;
        }
        table.append(String.format(Locale.ROOT, "| %,d | %d |", n, trials));
        for (int c : counts) {
            table.append(String.format(Locale.ROOT, " %d (%.1f%%) |", c, 100.0 * c / trials));
        }
        table.append('\n');
        assertThat(counts[0])
                .as("evaluations of %d rows a side where method: test alarmed, of %d", n, trials)
                .isLessThanOrEqualTo(bound);
    }

    /** One evaluation of 25 fields, window against baseline, both from the same distributions. */
    private static Evaluation evaluate(int n, SplittableRandom random) {
        List<Double> p = new ArrayList<>();
        List<Double> pNoAllowance = new ArrayList<>();
        double maxScore = 0;
        for (int f = 0; f < NUMERIC; f++) {
            FieldProfile baseline = numeric(f, n, random);
            FieldProfile window = numeric(f, n, random);
            Map<String, Double> drift = Drift.compare(baseline, window);
            p.add(Drift.ksPValue(baseline, window));
            pNoAllowance.add(Significance.ksPValue(drift.get("ks"), n, n));
            maxScore = Math.max(maxScore, drift.get("drift_score"));
        }
        for (int f = 0; f < CATEGORICAL; f++) {
            FieldProfile baseline = categorical(CATEGORIES[f], n, random);
            FieldProfile window = categorical(CATEGORIES[f], n, random);
            Map<String, Double> drift = Drift.compare(baseline, window);
            p.add(drift.get("chi2_pvalue"));
            pNoAllowance.add(drift.get("chi2_pvalue"));
            maxScore = Math.max(maxScore, drift.get("drift_score"));
        }
        double alpha = Detection.DEFAULT_ALPHA;
        return new Evaluation(
                min(FalseDiscovery.benjaminiHochberg(toArray(p))) < alpha,
                min(toArray(p)) < alpha,
                min(FalseDiscovery.benjaminiHochberg(toArray(pNoAllowance))) < alpha,
                maxScore > 0.1,
                maxScore > 0.2);
    }

    /** Field f's distribution: normal, lognormal, uniform or small integers (ties), in turn. */
    private static FieldProfile numeric(int f, int n, SplittableRandom random) {
        FieldProfile p = FieldProfile.create(FieldType.numeric());
        for (int i = 0; i < n; i++) {
            double g = gaussian(random);
            p.addNumber(
                    switch (f % 4) {
                        case 0 -> 10 + 3 * g;
                        case 1 -> Math.exp(g);
                        case 2 -> random.nextDouble();
                        default -> Math.floor(20 * random.nextDouble() * random.nextDouble());
                    });
        }
        return p;
    }

    /** k values with shares proportional to 1 / (rank + 1) (a Zipf-like head and tail). */
    private static FieldProfile categorical(int k, int n, SplittableRandom random) {
        double[] cumulative = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        FieldProfile p = FieldProfile.create(FieldType.string());
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() * total;
            int v = 0;
            while (cumulative[v] < u) {
                v++;
            }
            p.addValue("v" + v);
        }
        return p;
    }

    @Test
    void seasonalAnomalyStaysAtItsAlphaOnACleanWeeklyCycle() {
        SplittableRandom random = new SplittableRandom(20261130L);
        Detection seasonal = new Detection(
                Detection.Method.ANOMALY,
                null,
                null,
                null,
                Detection.DEFAULT_K,
                24,
                Detection.DEFAULT_MIN_HISTORY,
                Detection.DEFAULT_ANOMALY_ALPHA,
                0,
                Detection.Seasonality.WEEK,
                Detection.DEFAULT_BASELINE_WEEKS);
        Detection seasonalK = new Detection(
                Detection.Method.ANOMALY,
                null,
                null,
                null,
                3,
                24,
                Detection.DEFAULT_MIN_HISTORY,
                null,
                0,
                Detection.Seasonality.WEEK,
                Detection.DEFAULT_BASELINE_WEEKS);
        Detection trailing = new Detection(Detection.Method.ANOMALY, null, null, null, 3, 24, 5);
        int series = 200;
        int weeks = 9;
        int alarms = 0;
        int alarmsK = 0;
        int alarmsTrailing = 0;
        int decisions = 0;
        for (int s = 0; s < series; s++) {
            double[] values = new double[weeks * 168];
            for (int t = 0; t < values.length; t++) {
                int hour = t % 168;
                values[t] = 1000
                        + 400 * Math.sin(2 * Math.PI * (hour % 24) / 24.0)
                        - (hour >= 120 ? 300 : 0)
                        + 20 * gaussian(random);
            }
            for (int t = (weeks - 1) * 168; t < values.length; t++) {
                List<Double> sameHour = new ArrayList<>();
                for (int w = 1; w <= Detection.DEFAULT_BASELINE_WEEKS; w++) {
                    sameHour.add(values[t - 168 * w]);
                }
                List<Double> before = new ArrayList<>();
                for (int i = t - 24; i < t; i++) {
                    before.add(values[i]);
                }
                decisions++;
                alarms += fires(seasonal, values[t], sameHour);
                alarmsK += fires(seasonalK, values[t], sameHour);
                alarmsTrailing += fires(trailing, values[t], before);
            }
        }
        LOG.info(String.format(
                Locale.ROOT,
                "| seasonal, prediction interval alpha 0.001 (default) | %d | %d (%.3f%%) |%n"
                        + "| seasonal, mean ± 3σ of the 8 values | %d | %d (%.3f%%) |%n"
                        + "| trailing 24 windows, mean ± 3σ (today's default) | %d | %d (%.3f%%) |%n",
                decisions,
                alarms,
                100.0 * alarms / decisions,
                decisions,
                alarmsK,
                100.0 * alarmsK / decisions,
                decisions,
                alarmsTrailing,
                100.0 * alarmsTrailing / decisions));
        assertThat(decisions).isEqualTo(33_600);
        assertThat(alarms).as("seasonal alarms of 33,600 clean hourly windows").isLessThanOrEqualTo(53);
    }

    private static int fires(Detection d, double value, List<Double> history) {
        Detector.Verdict v = Detector.anomaly(d, "count", value, history, Detector.Direction.BOTH);
        return v != null && v.fires() ? 1 : 0;
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double min(double[] values) {
        double m = 1;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }
}
