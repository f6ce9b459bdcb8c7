package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The metric-name catalogs are the names {@code metrics()} and {@code compare} really give. */
class MetricNamesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vigil.stats.FieldProfileSerDeTest#profilesOfEveryKind")
    void fieldProfilesGiveTheNamesOfTheirKind(FieldProfile filled) {
        FieldType.Kind kind = filled.kind();
        List<String> valueCounts = filled.metrics().keySet().stream()
                .filter(name -> name.startsWith("value_count[") && name.endsWith("]"))
                .toList();
        assertThat(withoutRowNames(filled.metrics(), valueCounts))
                .containsExactlyElementsOf(FieldProfile.metricNames(kind));
        assertThat(FieldProfile.create(filled.type()).metrics().keySet())
                .as("no row added")
                .containsExactlyElementsOf(FieldProfile.metricNames(kind));
        assertThat(FieldProfile.hasValueCounts(kind)).isEqualTo(!valueCounts.isEmpty());
    }

    @Test
    void everyKindHasItsNames() {
        for (FieldType.Kind kind : FieldType.Kind.values()) {
            assertThat(FieldProfile.metricNames(kind))
                    .as("%s", kind)
                    .startsWith("count")
                    .doesNotHaveDuplicates();
        }
        assertThat(FieldProfile.metricNames(FieldType.Kind.NUMERIC)).contains("p01", "p99", "median", "distinct_count");
        assertThat(FieldProfile.metricNames(FieldType.Kind.TEXT)).contains("long_value_count", "mean_token_count");
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void performanceProfilesGiveTheNamesOfTheirModelType(ModelType type) {
        List<String> names = PerformanceProfile.metricNames(type);
        for (PerformanceProfile window : PerformanceProfileTest.windows(type.specName())) {
            Map<String, Double> metrics = window.metrics();
            List<String> perClass = metrics.keySet().stream()
                    .filter(name -> name.matches("(precision|recall|f1)\\[.*]"))
                    .toList();
            assertThat(perClass.isEmpty()).isEqualTo(type != ModelType.MULTICLASS);
            assertThat(withoutRowNames(metrics, perClass)).containsExactlyElementsOf(names);
        }
        PerformanceProfile withoutActuals = PerformanceProfile.create(type);
        withoutActuals.addInvalidActual();
        assertThat(withoutActuals.metrics().keySet()).containsExactlyElementsOf(names.subList(0, 4));
        assertThat(PerformanceProfile.METRIC_NAMES).containsAll(names);
    }

    @Test
    void theCatalogsOfAllKindsAreTheUnions() {
        List<String> performance = new ArrayList<>();
        Arrays.stream(ModelType.values()).forEach(t -> performance.addAll(PerformanceProfile.metricNames(t)));
        assertThat(PerformanceProfile.METRIC_NAMES).containsExactlyElementsOf(new LinkedHashSet<>(performance));
        List<String> drift = new ArrayList<>();
        Arrays.stream(FieldType.Kind.values()).forEach(k -> drift.addAll(Drift.metricNames(k)));
        assertThat(Drift.METRIC_NAMES).containsExactlyElementsOf(new LinkedHashSet<>(drift));
        assertThat(Drift.METRIC_NAMES).contains("drift_score", "chi2_pvalue", "centroid_cosine_distance");
    }

    @Test
    void datasetProfilesGiveTheirNames() {
        assertThat(new DatasetProfile().metrics().keySet()).containsExactlyElementsOf(DatasetProfile.METRIC_NAMES);
        assertThat(new DatasetProfile(5, 1, 1, 1).metrics().keySet())
                .containsExactlyElementsOf(DatasetProfile.METRIC_NAMES);
    }

    private static List<String> withoutRowNames(Map<String, Double> metrics, List<String> rowNames) {
        return metrics.keySet().stream()
                .filter(name -> !rowNames.contains(name))
                .toList();
    }
}
