package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.core.model.ModelType;
import dev.vigil.stats.MultiLabelCalibration;
import dev.vigil.stats.MulticlassCalibration;
import dev.vigil.stats.PerformanceProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
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

    @Test
    void dictPredictionsKeepTheirScoresWithOrWithoutAnActual() {
        PerformanceProfile read = PerformanceProfile.create(ModelType.MULTICLASS);
        PerformanceProfile direct = PerformanceProfile.create(ModelType.MULTICLASS);
        String[][] rows = {
            {"{\"cat\": 0.8, \"dog\": 0.2}", "cat"},
            {"{\"cat\": 0.3, \"dog\": 0.7}", "cat"},
            {"{\"cat\": 0.6, \"dog\": 0.4}", null},
            {"{\"cat\": 0.1, \"dog\": 0.9}", "dog"}
        };
        for (String[] r : rows) {
            PerformanceRows.add(read, DICT, RowFactory.create(r[0], r[1]), 0, 3600);
        }
        direct.addMulticlass("cat", Map.of("cat", 0.8, "dog", 0.2), "cat");
        direct.addMulticlass("dog", Map.of("cat", 0.3, "dog", 0.7), "cat");
        direct.addMulticlass("cat", Map.of("cat", 0.6, "dog", 0.4), null);
        direct.addMulticlass("dog", Map.of("cat", 0.1, "dog", 0.9), "dog");
        assertThat(read.toBytes()).isEqualTo(direct.toBytes());
        assertThat(MulticlassCalibration.fit(read).orElseThrow().estimate(read)).isNotEmpty();
        // a class name alone keeps no scores
        PerformanceProfile classes = PerformanceProfile.create(ModelType.MULTICLASS);
        PerformanceRows.add(classes, STRING, RowFactory.create("cat", "cat"), 0, 3600);
        assertThat(MulticlassCalibration.fit(classes)).isEmpty();

        ProfilePlan.PerformancePlan labels =
                new ProfilePlan.PerformancePlan("tags", ModelType.MULTI_LABEL, Kind.DICT, 0, -1, 1, -1, 0.5, 10);
        PerformanceProfile multiLabel = PerformanceProfile.create(ModelType.MULTI_LABEL);
        PerformanceRows.add(
                multiLabel, labels, RowFactory.create("{\"a\": 0.9, \"b\": 0.2}", "[\"a\", \"b\"]"), 0, 3600);
        PerformanceRows.add(multiLabel, labels, RowFactory.create("{\"a\": 0.4, \"b\": 0.6}", null), 0, 3600);
        PerformanceProfile expected = PerformanceProfile.create(ModelType.MULTI_LABEL);
        expected.addMultiLabel(Set.of("a"), Map.of("a", 0.9, "b", 0.2), Set.of("a", "b"));
        expected.addMultiLabel(Set.of("b"), Map.of("a", 0.4, "b", 0.6), null);
        assertThat(multiLabel.toBytes()).isEqualTo(expected.toBytes());
        assertThat(MultiLabelCalibration.fit(multiLabel)).isPresent();
    }
}
