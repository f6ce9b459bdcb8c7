package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.monitor.Detector.Direction;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each detection method on values whose answer is known by hand. */
class DetectorTest {
    private static Detection absolute(Double min, Double max) {
        return new Detection(Detection.Method.ABSOLUTE, min, max, null, 3, 1, 5);
    }

    private static Detection threshold(Detection.Method method, double t) {
        return new Detection(method, null, null, t, 3, 1, 5);
    }

    @Test
    void absoluteFiresOutsideItsBounds() {
        assertThat(Detector.absolute(absolute(null, 0.1), "missing_ratio", 0.25).fires())
                .isTrue();
        assertThat(Detector.absolute(absolute(null, 0.1), "missing_ratio", 0.25).threshold())
                .isEqualTo(0.1);
        assertThat(Detector.absolute(absolute(null, 0.1), "missing_ratio", 0.1).fires())
                .as("the bound itself")
                .isFalse();
        assertThat(Detector.absolute(absolute(100.0, null), "count", 42).fires())
                .isTrue();
        assertThat(Detector.absolute(absolute(100.0, null), "count", 42).reason())
                .isEqualTo("count 42 is below the minimum 100");
        assertThat(Detector.absolute(absolute(1.0, 5.0), "mean", 3).fires()).isFalse();
    }

    @Test
    void percentageComparesTheRelativeChangeWithTheBaseline() {
        Detection d = threshold(Detection.Method.PERCENTAGE, 0.2);
        // 130 against 100: +30% > 20%
        assertThat(Detector.percentage(d, "count", 130, 100, Direction.BOTH).fires())
                .isTrue();
        assertThat(Detector.percentage(d, "count", 130, 100, Direction.BOTH).threshold())
                .isEqualTo(120.0);
        // 85 against 100: -15%, within 20%
        assertThat(Detector.percentage(d, "count", 85, 100, Direction.BOTH).fires())
                .isFalse();
        // accuracy 0.7 against 0.9: -22.2%, a drop beyond 20%; a rise of accuracy never fires
        assertThat(Detector.percentage(d, "accuracy", 0.7, 0.9, Direction.DROP).fires())
                .isTrue();
        assertThat(Detector.percentage(d, "accuracy", 0.99, 0.5, Direction.DROP).fires())
                .isFalse();
        // mae 1.3 against 1.0: +30%, an error rising beyond 20%
        assertThat(Detector.percentage(d, "mae", 1.3, 1.0, Direction.RISE).fires())
                .isTrue();
        assertThat(Detector.percentage(d, "count", 5, 0, Direction.BOTH).fires())
                .as("from nothing")
                .isTrue();
        assertThat(Detector.percentage(d, "count", 0, 0, Direction.BOTH).fires())
                .isFalse();
    }

    @Test
    void anomalyUsesMeanAndSampleStandardDeviationOfTheHistory() {
        // history 10, 12, 11, 13, 9: mean 11, squared deviations 1 + 1 + 0 + 4 + 4 = 10, σ = sqrt(10 / 4) = 1.5811;
        // 3σ band [6.2566, 15.7434]
        List<Double> history = List.of(10.0, 12.0, 11.0, 13.0, 9.0);
        Detection d = new Detection(Detection.Method.ANOMALY, null, null, null, 3, 24, 5);
        Detector.Verdict high = Detector.anomaly(d, "count", 16, history, Direction.BOTH);
        assertThat(high.fires()).isTrue();
        assertThat(high.threshold()).isCloseTo(11 + 3 * Math.sqrt(2.5), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(high.baseline()).isEqualTo(11.0);
        assertThat(Detector.anomaly(d, "count", 15.7, history, Direction.BOTH).fires())
                .isFalse();
        assertThat(Detector.anomaly(d, "count", 6, history, Direction.BOTH).fires())
                .isTrue();
        assertThat(Detector.anomaly(d, "count", 6, history, Direction.RISE).fires())
                .as("an error metric only alerts when it rises")
                .isFalse();
        assertThat(Detector.anomaly(d, "count", 16, history.subList(0, 4), Direction.BOTH))
                .as("fewer than min_history windows: no decision")
                .isNull();
        assertThat(Detector.anomaly(d, "count", 16, Arrays.asList(10.0, null, 12.0, 11.0, 13.0, 9.0), Direction.BOTH)
                        .baseline())
                .as("windows without a value are left out")
                .isEqualTo(11.0);
    }

    @Test
    void trainingComparesWithTheTrainingSet() {
        Detection d = threshold(Detection.Method.TRAINING, 0.1);
        assertThat(Detector.training(d, "drift_score", 0.42, null, true, Direction.BOTH)
                        .fires())
                .isTrue();
        assertThat(Detector.training(d, "drift_score", 0.05, null, true, Direction.BOTH)
                        .fires())
                .isFalse();
        // missing_ratio 0.25 against training's 0.1: 0.15 apart
        assertThat(Detector.training(d, "missing_ratio", 0.25, 0.1, false, Direction.BOTH)
                        .fires())
                .isTrue();
        assertThat(Detector.training(d, "missing_ratio", 0.15, 0.1, false, Direction.BOTH)
                        .fires())
                .isFalse();
        // accuracy 0.75 against training's 0.9: a drop of 0.15
        assertThat(Detector.training(d, "accuracy", 0.75, 0.9, false, Direction.DROP)
                        .fires())
                .isTrue();
        assertThat(Detector.training(d, "accuracy", 0.75, 0.9, false, Direction.DROP)
                        .threshold())
                .isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Detector.training(d, "missing_ratio", 0.2, null, false, Direction.BOTH))
                .isNull();
    }

    @Test
    void segmentComparesASegmentWithAllRows() {
        Detection d = threshold(Detection.Method.SEGMENT, 0.05);
        assertThat(Detector.segment(d, "missing_ratio", "owner=web", 0.2, 0.1, Direction.BOTH)
                        .fires())
                .isTrue();
        assertThat(Detector.segment(d, "missing_ratio", "owner=web", 0.12, 0.1, Direction.BOTH)
                        .fires())
                .isFalse();
        assertThat(Detector.segment(d, "accuracy", "owner=web", 0.95, 0.8, Direction.DROP)
                        .fires())
                .isFalse();
        assertThat(Detector.segment(d, "missing_ratio", "owner=web", 0.2, 0.1, Direction.BOTH)
                        .reason())
                .isEqualTo("missing_ratio 0.2 in owner=web differs from all rows' 0.1 by 0.1 (more than 0.05)");
    }

    @Test
    void anomalyWithAlphaUsesThePredictionInterval() {
        // history 10, 12, 11, 13, 9: mean 11, s = 1.5811; alpha 0.01, n 5: t(0.995, 4) · √1.2 = 4.604094 · 1.095445
        List<Double> history = List.of(10.0, 12.0, 11.0, 13.0, 9.0);
        Detection d = new Detection(
                Detection.Method.ANOMALY, null, null, null, 3, 24, 5, 0.01, 0, Detection.Seasonality.NONE, 0);
        double half = 4.604094 * Math.sqrt(1.2) * Math.sqrt(2.5);
        Detector.Verdict v = Detector.anomaly(d, "count", 19, history, Direction.BOTH);
        assertThat(v.fires()).isTrue();
        assertThat(v.threshold()).isCloseTo(11 + half, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Detector.anomaly(d, "count", 18, history, Direction.BOTH).fires())
                .as("within 7.97 of 11, where 3σ (4.74) would have fired")
                .isFalse();
        assertThat(v.reason()).startsWith("count 19 is outside the 99% prediction interval of the last 5 windows [");
    }

    /**
     * Hourly windows of a clean weekly cycle: a daily wave, quieter weekends, Gaussian noise (σ 20 on ~1,000). The
     * seasonal detection (same hour of the last 8 weeks, the default alpha) is silent over the last week; today's
     * one hour changed by 10σ of the noise alarms, where today's mean ± 3σ of the 24 windows before (whose σ is the
     * daily wave's) cannot see it.
     */
    @Test
    void seasonalAnomalyIgnoresAWeeklyCycleAndFindsAChangedHour() {
        int weeks = 9;
        double[] series = weeklyCycle(weeks, new java.util.Random(20261130L));
        Detection seasonal = new Detection(
                Detection.Method.ANOMALY,
                null,
                null,
                null,
                Detection.DEFAULT_K,
                24,
                5,
                Detection.DEFAULT_ANOMALY_ALPHA,
                0,
                Detection.Seasonality.WEEK,
                8);
        Detection plain = new Detection(Detection.Method.ANOMALY, null, null, null, 3, 24, 5);
        int seasonalAlarms = 0;
        int lastWeek = (weeks - 1) * 168;
        for (int t = lastWeek; t < weeks * 168; t++) {
            if (Detector.anomaly(seasonal, "count", series[t], sameHour(series, t, 8), Direction.BOTH)
                    .fires()) {
                seasonalAlarms++;
            }
        }
        assertThat(seasonalAlarms)
                .as("seasonal alarms over the 168 hours of a clean week")
                .isZero();

        int changed = lastWeek + 3 * 24 + 14; // Thursday 14:00
        series[changed] -= 10 * 20;
        Detector.Verdict v =
                Detector.anomaly(seasonal, "count", series[changed], sameHour(series, changed, 8), Direction.BOTH);
        assertThat(v.fires()).isTrue();
        assertThat(v.reason()).contains("the same window of the last 8 weeks");
        List<Double> before = new java.util.ArrayList<>();
        for (int i = changed - 24; i < changed; i++) {
            before.add(series[i]);
        }
        assertThat(Detector.anomaly(plain, "count", series[changed], before, Direction.BOTH)
                        .fires())
                .as("mean ± 3σ of the 24 hours before")
                .isFalse();
    }

    /** Hour t of {@code weeks} weeks: 1000 + 400 sin(2π hour/24), 300 less on weekends, plus N(0, 20²). */
    static double[] weeklyCycle(int weeks, java.util.Random random) {
        double[] out = new double[weeks * 168];
        for (int t = 0; t < out.length; t++) {
            int hourOfWeek = t % 168;
            boolean weekend = hourOfWeek >= 5 * 24;
            out[t] = 1000
                    + 400 * Math.sin(2 * Math.PI * (hourOfWeek % 24) / 24.0)
                    - (weekend ? 300 : 0)
                    + 20 * random.nextGaussian();
        }
        return out;
    }

    /** The values at the same hour of the week of the {@code weeks} weeks before hour {@code t}. */
    static List<Double> sameHour(double[] series, int t, int weeks) {
        List<Double> out = new java.util.ArrayList<>();
        for (int w = 1; w <= weeks; w++) {
            out.add(series[t - w * 168]);
        }
        return out;
    }

    @Test
    void testAlarmsOnQBelowAlphaWithALargeEnoughEffect() {
        Detection d = new Detection(
                Detection.Method.TEST, null, null, null, 3, 1, 5, 0.01, 0.1, Detection.Seasonality.NONE, 0);
        Detector.Verdict v = Detector.test(d, "drift_score", "KS", 1e-9, 2.5e-8, 25, 0.31);
        assertThat(v.fires()).isTrue();
        assertThat(v.threshold()).isEqualTo(0.01);
        assertThat(v.reason())
                .isEqualTo("drift_score 0.31, KS p = 0.000000001, Benjamini–Hochberg q = 0.000000025 over 25 tests"
                        + " (below alpha 0.01)");
        assertThat(Detector.test(d, "drift_score", "KS", 1e-9, 2.5e-8, 25, 0.05).fires())
                .as("significant, but a smaller effect than min_effect")
                .isFalse();
        assertThat(Detector.test(d, "drift_score", "KS", 1e-9, 2.5e-8, 25, 0.05).reason())
                .endsWith("over 25 tests (below alpha 0.01, but drift_score is below min_effect 0.1)");
        assertThat(Detector.test(d, "drift_score", "chi²", 0.004, 0.02, 5, 0.4).fires())
                .as("p below alpha, q not")
                .isFalse();
        assertThat(Detector.test(d, "drift_score", "chi²", 0.004, 0.004, 1, 0.4).reason())
                .endsWith("over 1 test (below alpha 0.01)");
    }

    @Test
    void anEstimateWorsensAsTheMetricItEstimates() {
        assertThat(Direction.worseningOf("mae")).isEqualTo(Direction.RISE);
        assertThat(Direction.worseningOf("estimated_mae")).isEqualTo(Direction.RISE);
        assertThat(Direction.worseningOf("estimated_rmse")).isEqualTo(Direction.RISE);
        assertThat(Direction.worseningOf("estimated_hamming_loss")).isEqualTo(Direction.RISE);
        assertThat(Direction.worseningOf("estimated_accuracy")).isEqualTo(Direction.DROP);
        assertThat(Direction.worseningOf("estimated_f1_macro")).isEqualTo(Direction.DROP);
    }
}
