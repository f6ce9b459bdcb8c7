package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multiclass CBPE, one class against the rest, against {@code make_cbpe_multiclass_expected.py}: scikit-learn's
 * isotonic fits and the estimates of decision 0027 computed there from the raw scores, and the realized metrics of
 * rows whose true class probabilities are known.
 *
 * <p>The bar of issue 19, "within its reported std in at least 90% of windows", is read as within 2 std: the std is
 * the standard deviation of the realized metric around the estimate, so 1 std holds for only 68% of the windows of
 * an unbiased estimate and 2 std for 95%. The other side is checked too: if the std were inflated, more than 85% of
 * the windows would land within 1 std.
 */
class MulticlassCalibrationTest {
    /**
     * Vigil buckets scores to a relative 2.4e-4 before both the fit and the estimate; scikit-learn fits the raw
     * scores. A calibrated probability c ≈ s^(1/0.6) moves by about 1.7 x 2.4e-4 = 4e-4 at most for a row, and an
     * average over 2,000 rows by less.
     */
    static final double VALUE_TOLERANCE = 1e-3;

    /** The same for a std: relative. */
    static final double STD_TOLERANCE = 0.01;

    static final List<String> METRICS = List.of("accuracy", "precision_macro", "recall_macro", "f1_macro");

    static JsonNode expected;
    static Map<String, PerformanceProfile> profiles;
    static MulticlassCalibration calibration;

    @BeforeAll
    static void load() {
        expected = CbpeCases.expected("multiclass");
        profiles = new LinkedHashMap<>();
        CbpeCases.rows("multiclass").forEach((window, rows) -> {
            PerformanceProfile p = PerformanceProfile.create(ModelType.MULTICLASS);
            rows.forEach(r -> p.addMulticlass(r.predicted(), r.scores(), r.actual()));
            profiles.put(window, p);
        });
        calibration = MulticlassCalibration.fit(profiles.get("reference 0")).orElseThrow();
    }

    @Test
    void theOneVsRestFitsMatchScikitLearnOnTheBucketedScores() {
        for (String name : List.of("a", "b", "c", "d")) {
            for (int i = 0; i < expected.path("queries").size(); i++) {
                double q = expected.path("queries").get(i).asDouble();
                assertThat(calibration.probability(name, q).orElseThrow())
                        .as("c_%s(%s)", name, q)
                        .isCloseTo(
                                expected.path("probabilities").path(name).get(i).asDouble(), within(1e-12));
            }
        }
        assertThat(calibration.probability("e", 0.5)).isEmpty();
    }

    @Test
    void everyEstimateMatchesTheScriptsAndTheRealizedMetricsMatchScikitLearn() {
        for (JsonNode w : expected.path("windows")) {
            String window = w.path("set").asText() + " " + w.path("window").asInt();
            PerformanceProfile profile = profiles.get(window);
            Map<String, Calibration.Estimate> estimated = calibration.estimate(profile);
            assertThat(estimated.keySet()).containsExactlyElementsOf(MulticlassCalibration.NAMES);
            w.path("estimated").fields().forEachRemaining(e -> {
                Calibration.Estimate mine = estimated.get(e.getKey());
                assertThat(mine.value())
                        .as("%s %s", window, e.getKey())
                        .isCloseTo(e.getValue().path("value").asDouble(), within(VALUE_TOLERANCE));
                double std = e.getValue().path("std").asDouble();
                assertThat(mine.std()).as("%s %s std", window, e.getKey()).isCloseTo(std, within(STD_TOLERANCE * std));
            });
            Map<String, Double> realized = profile.metrics();
            w.path("realized").fields().forEachRemaining(e -> assertThat(realized.get(e.getKey()))
                    .as("%s realized %s", window, e.getKey())
                    .isCloseTo(e.getValue().asDouble(), within(1e-12)));
        }
    }

    @Test
    void theEstimateIsWithin3PointsOfTheRealizedAccuracyAndWithin2StdInAtLeast90PercentOfTheWindows() {
        Map<String, List<Double>> zScores = new HashMap<>();
        for (Map.Entry<String, PerformanceProfile> e : profiles.entrySet()) {
            if (e.getKey().startsWith("reference")) {
                continue;
            }
            Map<String, Double> realized = e.getValue().metrics();
            Map<String, Calibration.Estimate> estimated = calibration.estimate(e.getValue());
            Calibration.Estimate accuracy = estimated.get("estimated_accuracy");
            assertThat(accuracy.value())
                    .as("%s: estimated accuracy against the realized", e.getKey())
                    .isCloseTo(realized.get("accuracy"), within(0.03));
            for (String metric : METRICS) {
                Calibration.Estimate m = estimated.get("estimated_" + metric);
                zScores.computeIfAbsent(metric, k -> new ArrayList<>())
                        .add((realized.get(metric) - m.value()) / m.std());
            }
            for (String micro : List.of("precision_micro", "recall_micro", "f1_micro")) {
                assertThat(estimated.get("estimated_" + micro)).isEqualTo(accuracy);
            }
        }
        List<Double> all = new ArrayList<>();
        zScores.forEach((metric, z) -> {
            assertThat(z).hasSize(40);
            assertThat(share(z, 2))
                    .as("%s: share of windows within 2 std", metric)
                    .isGreaterThanOrEqualTo(0.9);
            all.addAll(z);
        });
        assertThat(share(all, 1))
                .as("share within 1 std (an inflated std would raise it)")
                .isBetween(0.45, 0.85);
    }

    static double share(List<Double> z, double stds) {
        return z.stream().filter(v -> Math.abs(v) <= stds).count() / (double) z.size();
    }

    @Test
    void theShiftedSetIsFollowed() {
        double[] estimated = new double[10];
        double[] realized = new double[10];
        for (int w = 0; w < 10; w++) {
            PerformanceProfile p = profiles.get("shifted " + w);
            estimated[w] = calibration.estimate(p).get("estimated_accuracy").value();
            realized[w] = p.metrics().get("accuracy");
        }
        // the truth falls by about 0.15; the estimate falls with it, window by window
        assertThat(realized[0] - realized[9]).isGreaterThan(0.1);
        assertThat(estimated[0] - estimated[9]).isCloseTo(realized[0] - realized[9], within(0.03));
        assertThat(correlation(estimated, realized)).isGreaterThan(0.9);
    }

    static double correlation(double[] x, double[] y) {
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void windowsMergeAndRoundTripToTheSameEstimates() {
        PerformanceProfile merged = PerformanceProfile.create(ModelType.MULTICLASS);
        PerformanceProfile direct = PerformanceProfile.create(ModelType.MULTICLASS);
        CbpeCases.rows("multiclass").forEach((window, rows) -> {
            if (window.equals("window 0") || window.equals("window 1")) {
                merged.merge(profiles.get(window));
                rows.forEach(r -> direct.addMulticlass(r.predicted(), r.scores(), r.actual()));
            }
        });
        assertThat(calibration.estimate(merged)).isEqualTo(calibration.estimate(direct));
        PerformanceProfile read = PerformanceProfile.fromBytes(merged.toBytes());
        assertThat(read.toBytes()).isEqualTo(merged.toBytes());
        assertThat(calibration.estimate(read)).isEqualTo(calibration.estimate(merged));
        assertThat(read.metrics()).isEqualTo(merged.metrics());
    }

    @Test
    void rowsWithoutAnActualAreEstimatedToo() {
        PerformanceProfile withActuals = profiles.get("window 3");
        PerformanceProfile without = PerformanceProfile.create(ModelType.MULTICLASS);
        CbpeCases.rows("multiclass")
                .get("window 3")
                .forEach(r -> without.addMulticlass(r.predicted(), r.scores(), null));
        assertThat(without.actualsCount()).isZero();
        assertThat(calibration.estimate(without)).isEqualTo(calibration.estimate(withActuals));
    }

    @Test
    void noEstimateForAClassTheReferenceNeverScoredNorBeyondFiftyClasses() {
        PerformanceProfile unknown = PerformanceProfile.create(ModelType.MULTICLASS);
        unknown.addMulticlass("a", Map.of("a", 0.6, "e", 0.4), null);
        assertThat(calibration.estimate(unknown)).isEmpty();

        PerformanceProfile many = PerformanceProfile.create(ModelType.MULTICLASS);
        Map<String, Double> probabilities = new HashMap<>();
        for (int k = 0; k < ScoredClasses.MAX_CLASSES + 1; k++) {
            probabilities.put("k" + k, 1.0 / (ScoredClasses.MAX_CLASSES + 1));
        }
        many.addMulticlass("k0", probabilities, "k0");
        assertThat(many.scoredClasses().orElseThrow().overflowed()).isTrue();
        assertThat(many.scoredClasses().orElseThrow().classes()).isEmpty();
        assertThat(MulticlassCalibration.fit(many)).isEmpty();
        assertThat(calibration.estimate(many)).isEmpty();
        PerformanceProfile read = PerformanceProfile.fromBytes(many.toBytes());
        assertThat(read.scoredClasses().orElseThrow().overflowed()).isTrue();
        // a window of fifty classes merged with one of another class overflows too
        PerformanceProfile fifty = PerformanceProfile.create(ModelType.MULTICLASS);
        probabilities.remove("k50");
        fifty.addMulticlass("k0", probabilities, null);
        assertThat(fifty.scoredClasses().orElseThrow().overflowed()).isFalse();
        PerformanceProfile other = PerformanceProfile.create(ModelType.MULTICLASS);
        other.addMulticlass("k50", Map.of("k50", 1.0), null);
        fifty.merge(other);
        assertThat(fifty.scoredClasses().orElseThrow().overflowed()).isTrue();
    }

    @Test
    void classPredictionsWithoutProbabilitiesAreNotEstimated() {
        PerformanceProfile labelsOnly = PerformanceProfile.create(ModelType.MULTICLASS);
        labelsOnly.addMulticlass("a", "b");
        assertThat(MulticlassCalibration.fit(labelsOnly)).isEmpty();
        assertThat(calibration.estimate(labelsOnly)).isEmpty();
        assertThat(PerformanceEstimator.fit(labelsOnly)).isEmpty();
        assertThatThrownBy(() -> MulticlassCalibration.fit(PerformanceProfile.create(ModelType.BINARY)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("binary");
        assertThatThrownBy(() -> calibration.estimate(PerformanceProfile.create(ModelType.MULTI_LABEL)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("multi-label");
    }
}
