package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-label CBPE, the binary estimator label by label, against {@code make_cbpe_multiclass_expected.py}; the
 * bars are read as in {@link MulticlassCalibrationTest} (within 2 std in at least 90% of the windows).
 */
class MultiLabelCalibrationTest {
    static final List<String> METRICS = List.of("hamming_loss", "f1_micro", "f1_macro");

    static JsonNode expected;
    static Map<String, PerformanceProfile> profiles;
    static MultiLabelCalibration calibration;

    static Set<String> labels(String cell) {
        return cell.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(cell.split("\\|")));
    }

    @BeforeAll
    static void load() {
        expected = CbpeCases.expected("multilabel");
        profiles = new LinkedHashMap<>();
        CbpeCases.rows("multilabel").forEach((window, rows) -> {
            PerformanceProfile p = PerformanceProfile.create(ModelType.MULTI_LABEL);
            rows.forEach(r -> p.addMultiLabel(labels(r.predicted()), r.scores(), labels(r.actual())));
            profiles.put(window, p);
        });
        calibration = MultiLabelCalibration.fit(profiles.get("reference 0")).orElseThrow();
    }

    @Test
    void everyEstimateMatchesTheScriptsAndTheRealizedMetricsMatchScikitLearn() {
        for (JsonNode w : expected.path("windows")) {
            String window = w.path("set").asText() + " " + w.path("window").asInt();
            PerformanceProfile profile = profiles.get(window);
            Map<String, Calibration.Estimate> estimated = calibration.estimate(profile);
            List<String> names = new ArrayList<>(MultiLabelCalibration.NAMES);
            expected.path("labels").forEach(l -> names.add("estimated_f1[" + l.asText() + "]"));
            assertThat(estimated.keySet()).containsExactlyElementsOf(names);
            w.path("estimated").fields().forEachRemaining(e -> {
                Calibration.Estimate mine = estimated.get(e.getKey());
                assertThat(mine.value())
                        .as("%s %s", window, e.getKey())
                        .isCloseTo(
                                e.getValue().path("value").asDouble(),
                                within(MulticlassCalibrationTest.VALUE_TOLERANCE));
                double std = e.getValue().path("std").asDouble();
                assertThat(mine.std())
                        .as("%s %s std", window, e.getKey())
                        .isCloseTo(std, within(MulticlassCalibrationTest.STD_TOLERANCE * std));
            });
            Map<String, Double> realized = profile.metrics();
            for (String metric : METRICS) {
                assertThat(realized.get(metric))
                        .as("%s realized %s", window, metric)
                        .isCloseTo(w.path("realized").path(metric).asDouble(), within(1e-12));
            }
        }
    }

    @Test
    void realizedMetricsLandWithin2StdInAtLeast90PercentOfTheWindows() {
        Map<String, List<Double>> zScores = new HashMap<>();
        for (JsonNode w : expected.path("windows")) {
            PerformanceProfile profile =
                    profiles.get(w.path("set").asText() + " " + w.path("window").asInt());
            Map<String, Calibration.Estimate> estimated = calibration.estimate(profile);
            w.path("realized").fields().forEachRemaining(e -> {
                Calibration.Estimate m = estimated.get("estimated_" + e.getKey());
                zScores.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add((e.getValue().asDouble() - m.value()) / m.std());
                if (METRICS.contains(e.getKey())) {
                    // issue 19's 0.03 is a bar for accuracy: here the Hamming loss (1 − the labels' accuracy) and the
                    // F1 of all labels; one label's F1 over 2,000 rows has a std of up to 0.015, and only the
                    // 2 std bar below applies to it
                    assertThat(m.value())
                            .as("%s %s", w, e.getKey())
                            .isCloseTo(e.getValue().asDouble(), within(0.03));
                }
            });
        }
        List<Double> all = new ArrayList<>();
        zScores.forEach((metric, z) -> {
            assertThat(z).hasSize(40);
            assertThat(MulticlassCalibrationTest.share(z, 2))
                    .as("%s: share of windows within 2 std", metric)
                    .isGreaterThanOrEqualTo(0.9);
            all.addAll(z);
        });
        assertThat(zScores).hasSize(3 + 5);
        assertThat(MulticlassCalibrationTest.share(all, 1))
                .as("share within 1 std")
                .isBetween(0.45, 0.85);
    }

    @Test
    void theShiftedSetIsFollowed() {
        for (String metric : List.of("hamming_loss", "f1_micro")) {
            double[] estimated = new double[10];
            double[] realized = new double[10];
            for (int w = 0; w < 10; w++) {
                PerformanceProfile p = profiles.get("shifted " + w);
                estimated[w] =
                        calibration.estimate(p).get("estimated_" + metric).value();
                realized[w] = p.metrics().get(metric);
            }
            assertThat(Math.abs(realized[0] - realized[9])).as(metric).isGreaterThan(0.03);
            assertThat(estimated[0] - estimated[9]).as(metric).isCloseTo(realized[0] - realized[9], within(0.02));
            assertThat(MulticlassCalibrationTest.correlation(estimated, realized))
                    .as(metric)
                    .isGreaterThan(0.9);
        }
    }

    @Test
    void windowsMergeAndRoundTripToTheSameEstimates() {
        PerformanceProfile merged = PerformanceProfile.create(ModelType.MULTI_LABEL);
        merged.merge(profiles.get("window 0"));
        merged.merge(profiles.get("shifted 9"));
        PerformanceProfile direct = PerformanceProfile.create(ModelType.MULTI_LABEL);
        CbpeCases.rows("multilabel").forEach((window, rows) -> {
            if (window.equals("window 0") || window.equals("shifted 9")) {
                rows.forEach(r -> direct.addMultiLabel(labels(r.predicted()), r.scores(), null));
            }
        });
        assertThat(calibration.estimate(direct)).isEqualTo(calibration.estimate(merged));
        PerformanceProfile read = PerformanceProfile.fromBytes(merged.toBytes());
        assertThat(read.toBytes()).isEqualTo(merged.toBytes());
        assertThat(calibration.estimate(read)).isEqualTo(calibration.estimate(merged));
        assertThat(read.metrics()).isEqualTo(merged.metrics());
    }

    @Test
    void noEstimateForAnUnknownLabelOrLabelSetsWithoutScores() {
        PerformanceProfile unknown = PerformanceProfile.create(ModelType.MULTI_LABEL);
        unknown.addMultiLabel(Set.of("l0"), Map.of("l0", 0.9, "l9", 0.1), null);
        assertThat(calibration.estimate(unknown)).isEmpty();
        PerformanceProfile setsOnly = PerformanceProfile.create(ModelType.MULTI_LABEL);
        setsOnly.addMultiLabel(Set.of("l0"), Set.of("l0", "l1"));
        assertThat(MultiLabelCalibration.fit(setsOnly)).isEmpty();
        assertThat(calibration.estimate(setsOnly)).isEmpty();
        assertThatThrownBy(() -> calibration.estimate(PerformanceProfile.create(ModelType.MULTICLASS)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("multiclass");
    }
}
