package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CBPE: the isotonic fit against scikit-learn, and estimates that land within their uncertainty. */
class CalibrationTest {
    private static final List<String> METRICS = List.of("accuracy", "precision", "recall", "f1", "auc_roc");

    @Test
    void theIsotonicFitMatchesScikitLearn() {
        JsonNode c = PerformanceProfileTest.cases().path("calibration");
        PerformanceProfile reference = PerformanceProfile.create(ModelType.BINARY);
        c.path("reference")
                .forEach(r -> reference.addBinary(
                        null, r.path("score").asDouble(), r.path("actual").asBoolean()));
        Calibration calibration = Calibration.fit(reference).orElseThrow();
        for (int i = 0; i < c.path("queries").size(); i++) {
            double score = c.path("queries").get(i).asDouble();
            // Scores are bucketed at a relative 2.4e-4 before the fit, so the interpolation moves a little.
            assertThat(calibration.probability(score))
                    .as("probability(%s)", score)
                    .isCloseTo(c.path("probabilities").get(i).asDouble(), within(2e-3));
        }
    }

    @Test
    void estimatesLandWithinTheirUncertaintyOfTheRealizedValues() {
        SplittableRandom random = new SplittableRandom(20_261_125L);
        // Actuals are positive with probability score^2: the raw scores are miscalibrated on purpose.
        PerformanceProfile reference = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < 20_000; i++) {
            double s = random.nextDouble();
            reference.addBinary(null, s, random.nextDouble() < s * s);
        }
        Calibration calibration = Calibration.fit(reference).orElseThrow();
        List<Double> zScores = new ArrayList<>();
        for (int w = 0; w < 30; w++) {
            // Each window's scores drift upwards from the reference's; the calibration still holds.
            double shape = 0.5 + w * 0.02;
            PerformanceProfile window = PerformanceProfile.create(ModelType.BINARY);
            for (int i = 0; i < 1_000; i++) {
                double s = Math.pow(random.nextDouble(), shape);
                window.addBinary(null, s, random.nextDouble() < s * s);
            }
            Map<String, Double> realized = window.metrics();
            Map<String, Calibration.Estimate> estimated = calibration.estimate(window);
            for (String metric : METRICS) {
                Calibration.Estimate e = estimated.get("estimated_" + metric);
                double z = (e.value() - realized.get(metric)) / e.std();
                assertThat(Math.abs(z))
                        .as(
                                "window %d %s: estimated %s ± %s, realized %s",
                                w, metric, e.value(), e.std(), realized.get(metric))
                        .isLessThan(4.0);
                zScores.add(z);
            }
        }
        double within2 = zScores.stream().filter(z -> Math.abs(z) <= 2).count() / (double) zScores.size();
        double meanZ =
                zScores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(within2).as("share of estimates within 2 sigma").isGreaterThan(0.85);
        assertThat(meanZ).as("mean z-score (bias)").isCloseTo(0.0, within(0.35));
    }

    @Test
    void rawScoresWouldHaveMissed() {
        // Guards the test above: without calibration (c = score) the estimated precision is far off (0.75 against
        // 0.58). Accuracy would not show it: over uniform scores, c = s and c = s^2 happen to give the same.
        SplittableRandom random = new SplittableRandom(7);
        PerformanceProfile identity = PerformanceProfile.create(ModelType.BINARY);
        PerformanceProfile window = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < 20_000; i++) {
            double s = random.nextDouble();
            identity.addBinary(null, s, random.nextDouble() < s); // calibrated: c = s
            window.addBinary(null, s, random.nextDouble() < s * s);
        }
        Calibration.Estimate e =
                Calibration.fit(identity).orElseThrow().estimate(window).get("estimated_precision");
        double realized = window.metrics().get("precision");
        assertThat(Math.abs(e.value() - realized) / e.std()).isGreaterThan(10);
    }

    @Test
    void aReferenceWithOneClassOrNoScoreCannotCalibrate() {
        PerformanceProfile oneClass = PerformanceProfile.create(ModelType.BINARY);
        oneClass.addBinary(null, 0.3, true);
        oneClass.addBinary(null, 0.8, true);
        assertThat(Calibration.fit(oneClass)).isEmpty();
        PerformanceProfile labelsOnly = PerformanceProfile.create(ModelType.BINARY);
        labelsOnly.addBinary(true, null, true);
        labelsOnly.addBinary(false, null, false);
        assertThat(Calibration.fit(labelsOnly)).isEmpty();
        assertThatThrownBy(() -> Calibration.fit(PerformanceProfile.create(ModelType.REGRESSION)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("binary");
    }

    @Test
    void aCalibrationIsMonotoneAndClippedAtTheEnds() {
        PerformanceProfile reference = PerformanceProfile.create(ModelType.BINARY);
        // shares 0/1 at 0.2, 1/2 at 0.4, 0/1 at 0.6 (a violation: pooled with 0.4), 1/1 at 0.8
        reference.addBinary(null, 0.2, false);
        reference.addBinary(null, 0.4, true);
        reference.addBinary(null, 0.4, false);
        reference.addBinary(null, 0.6, false);
        reference.addBinary(null, 0.8, true);
        Calibration c = Calibration.fit(reference).orElseThrow();
        assertThat(c.probability(0.0)).isZero();
        assertThat(c.probability(0.4)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(c.probability(0.6)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(c.probability(0.7)).isCloseTo((1.0 / 3 + 1) / 2, within(2e-3));
        assertThat(c.probability(5.0)).isEqualTo(1.0);
    }
}
