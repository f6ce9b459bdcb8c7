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
}
