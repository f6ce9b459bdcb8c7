package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.ModelType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Realized performance against scikit-learn (src/test/python/make_performance_expected.py, output in
 * src/test/resources/performance/cases.json): per window, merged, and after a round trip through bytes.
 */
class PerformanceProfileTest {
    private static final JsonNode CASES = read("/performance/cases.json");
    private static final double AUC_TOLERANCE = 0.002;

    @ParameterizedTest
    @ValueSource(strings = {"binary", "multiclass", "multi-label", "regression", "ranking"})
    void eachWindowMatchesScikitLearn(String type) {
        List<PerformanceProfile> windows = windows(type);
        for (int i = 0; i < windows.size(); i++) {
            assertMatches(
                    type + " window " + i,
                    CASES.path(type).path("expected").path("windows").get(i),
                    windows.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "multiclass", "multi-label", "regression", "ranking"})
    void mergedWindowsMatchScikitLearnOverAllRows(String type) {
        List<PerformanceProfile> windows = windows(type);
        JsonNode all = CASES.path(type).path("expected").path("all");
        PerformanceProfile forward = PerformanceProfile.create(ModelType.fromSpec(type, "type"));
        windows.forEach(forward::merge);
        assertMatches(type + " merged", all, forward);

        PerformanceProfile reverse = PerformanceProfile.fromBytes(windows.get(2).toBytes());
        reverse.merge(PerformanceProfile.fromBytes(windows.get(1).toBytes()));
        reverse.merge(PerformanceProfile.fromBytes(windows.get(0).toBytes()));
        assertMatches(type + " merged in reverse through bytes", all, PerformanceProfile.fromBytes(reverse.toBytes()));
    }

    @Test
    void aScoreWithoutALabelIsPositiveFromTheVersionsThreshold() {
        // Scores 0.6, 0.75, 0.9 with actuals true, false, true at threshold 0.7: labels false, true, true,
        // so by hand tp = 1 (0.9), fp = 1 (0.75), fn = 1 (0.6), tn = 0.
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        p.addBinary(null, 0.6, true, 0.7);
        p.addBinary(null, 0.75, false, 0.7);
        p.addBinary(null, 0.9, true, 0.7);
        Map<String, Double> m = p.metrics();
        assertThat(m.get("tp_count")).isEqualTo(1.0);
        assertThat(m.get("fp_count")).isEqualTo(1.0);
        assertThat(m.get("fn_count")).isEqualTo(1.0);
        assertThat(m.get("tn_count")).isEqualTo(0.0);
        assertThat(m.get("accuracy")).isEqualTo(1.0 / 3);
        assertThat(m.get("precision")).isEqualTo(0.5);
        assertThat(m.get("recall")).isEqualTo(0.5);
    }

    @Test
    void aProfileMergedWithItselfDoublesItsCounts() {
        PerformanceProfile p = windows("binary").get(0);
        Map<String, Double> before = p.metrics();
        p.merge(p);
        assertThat(p.metrics().get("tp_count")).isEqualTo(2 * before.get("tp_count"));
        assertThat(p.metrics().get("accuracy")).isCloseTo(before.get("accuracy"), within(1e-12));
    }

    @Test
    void aWindowWithoutActualsHasOnlyItsCounts() {
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        p.addBinary(null, 0.7, null);
        p.addBinary(true, null, null);
        assertThat(p.metrics())
                .containsOnlyKeys("count", "actuals_count", "actuals_ratio", "invalid_actual_count")
                .containsEntry("count", 2.0)
                .containsEntry("actuals_count", 0.0)
                .containsEntry("actuals_ratio", 0.0);
        assertThat(PerformanceProfile.create(ModelType.REGRESSION).metrics()).containsEntry("actuals_ratio", null);
    }

    @Test
    void aBooleanLabelWinsOverTheScoreAndUnusableRowsAreCounted() {
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        p.addBinary(false, 0.9, true); // label false despite the score: a false negative
        p.addBinary(null, Double.NaN, true); // neither label nor usable score
        p.addInvalidActual();
        Map<String, Double> m = p.metrics();
        assertThat(m).containsEntry("fn_count", 1.0).containsEntry("tp_count", 0.0);
        assertThat(m).containsEntry("invalid_actual_count", 2.0).containsEntry("actuals_count", 1.0);
        assertThat(m).containsEntry("auc_roc", null).containsEntry("specificity", null);
        assertThat(m.get("log_loss")).isCloseTo(-Math.log(0.9), within(1e-12));
        PerformanceProfile r = PerformanceProfile.create(ModelType.REGRESSION);
        r.addRegression(Double.POSITIVE_INFINITY, 1.0);
        r.addRegression(1.0, 1.0);
        assertThat(r.metrics()).containsEntry("invalid_actual_count", 1.0).containsEntry("r2", 1.0);
    }

    @Test
    void adderAndMergeMismatchesAreRefused() {
        assertThatThrownBy(() -> PerformanceProfile.create(ModelType.REGRESSION).addBinary(true, null, true))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("addBinary does not apply to a regression model");
        assertThatThrownBy(() -> PerformanceProfile.create(ModelType.BINARY)
                        .merge(PerformanceProfile.create(ModelType.MULTICLASS)))
                .isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> PerformanceProfile.create(ModelType.RANKING, 5)
                        .merge(PerformanceProfile.create(ModelType.RANKING, 10)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("k=10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "multiclass", "multi-label", "regression", "ranking"})
    void truncatedOrTrailingBytesAreRejected(String type) {
        byte[] bytes = windows(type).get(1).toBytes();
        for (int length = 0; length < bytes.length; length += Math.max(1, bytes.length / 97)) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> PerformanceProfile.fromBytes(truncated))
                    .as("%s truncated to %d of %d bytes", type, length, bytes.length)
                    .isInstanceOf(VigilStateException.class);
        }
        assertThatThrownBy(() -> PerformanceProfile.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(
                        () -> PerformanceProfile.fromBytes(FieldProfile.create(dev.vigil.core.model.FieldType.numeric())
                                .toBytes()))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("not a performance profile");
    }

    // ---- building profiles from the rows ----

    static List<PerformanceProfile> windows(String type) {
        List<PerformanceProfile> out = new ArrayList<>();
        for (JsonNode window : CASES.path(type).path("windows")) {
            PerformanceProfile p = PerformanceProfile.create(ModelType.fromSpec(type, "type"));
            window.forEach(row -> add(p, row));
            out.add(p);
        }
        return out;
    }

    static void add(PerformanceProfile p, JsonNode row) {
        JsonNode actual = row.path("actual");
        switch (p.type()) {
            case BINARY -> p.addBinary(null, row.path("score").asDouble(), actual.isNull() ? null : actual.asBoolean());
            case MULTICLASS ->
                p.addMulticlass(row.path("predicted").asText(), actual.isNull() ? null : actual.asText());
            case MULTI_LABEL -> p.addMultiLabel(set(row.path("predicted")), actual.isNull() ? null : set(actual));
            case REGRESSION ->
                p.addRegression(row.path("predicted").asDouble(), actual.isNull() ? null : actual.asDouble());
            case RANKING ->
                p.addRanking(new ArrayList<>(set(row.path("predicted"))), actual.isNull() ? null : set(actual));
        }
    }

    private static Set<String> set(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static void assertMatches(String what, JsonNode expected, PerformanceProfile profile) {
        Map<String, Double> actual = profile.metrics();
        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertThat(actual.keySet()).as(what + " metric names").containsExactlyInAnyOrderElementsOf(names);
        for (String name : names) {
            double e = expected.get(name).asDouble();
            if (name.equals("auc_roc")) {
                assertThat(actual.get(name)).as(what + " " + name).isCloseTo(e, within(AUC_TOLERANCE));
            } else {
                MetricAssertions.assertExact(what + " " + name, e, actual.get(name));
            }
        }
    }

    static JsonNode cases() {
        return CASES;
    }

    private static JsonNode read(String resource) {
        try (InputStream in = PerformanceProfileTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
