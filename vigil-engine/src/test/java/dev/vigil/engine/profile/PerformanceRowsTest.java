package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.core.model.ModelType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a row's prediction is read for performance: classes from dicts, label sets from dicts and arrays. */
class PerformanceRowsTest {
    private static final ProfilePlan.PerformancePlan DICT =
            new ProfilePlan.PerformancePlan("klass", ModelType.MULTICLASS, Kind.DICT, 0, -1, 1, -1, 0.5, 10);
    private static final ProfilePlan.PerformancePlan STRING =
            new ProfilePlan.PerformancePlan("klass", ModelType.MULTICLASS, Kind.STRING, 0, -1, 1, -1, 0.5, 10);

    @Test
    void aDictOfProbabilitiesPredictsItsMostLikelyClass() {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put("cat", 0.2);
        probabilities.put("dog", 0.7);
        probabilities.put("bird", 0.1);
        assertThat(PerformanceRows.predictedClass(DICT, probabilities)).isEqualTo("dog");
        assertThat(PerformanceRows.predictedClass(DICT, "{\"cat\": 0.6, \"dog\": 0.4}"))
                .isEqualTo("cat");
        assertThat(PerformanceRows.predictedClass(DICT, Map.of("b", 0.5, "a", 0.5)))
                .as("a tie goes to the smallest class name, whatever the map's order")
                .isEqualTo("a");
        assertThat(PerformanceRows.predictedClass(DICT, "not a dict")).isNull();
        assertThat(PerformanceRows.predictedClass(DICT, null)).isNull();
        assertThat(PerformanceRows.predictedClass(STRING, "dog")).isEqualTo("dog");
    }

    @Test
    void aLabelSetIsTheLabelsAtOrAboveTheThresholdOrTheArray() {
        assertThat(PerformanceRows.labels(Map.of("a", 0.5, "b", 0.49, "c", 0.9), 0.5))
                .containsExactlyInAnyOrder("a", "c");
        assertThat(PerformanceRows.labels(Map.of("a", 0.5, "b", 0.49, "c", 0.9), 0.8))
                .as("the version's threshold")
                .containsExactly("c");
        assertThat(PerformanceRows.labels("{\"a\": true, \"b\": false, \"c\": \"x\"}", 0.5))
                .containsExactly("a");
        assertThat(PerformanceRows.labels("[\"x\", \"y\"]", 0.5)).containsExactly("x", "y");
        assertThat(PerformanceRows.labels(42, 0.5)).isNull();
    }
}
