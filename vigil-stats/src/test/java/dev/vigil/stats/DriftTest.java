package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drift of a window against a baseline, checked against numpy and scipy on the same values
 * ({@code src/test/python/make_drift_expected.py} wrote {@code drift/cases.json}). Cases whose
 * sketches are exact must match to 1e-9; the large case, whose sketches compact, must be within
 * METRICS.md's tolerances (binned metrics 0.02, ks 0.01, wasserstein 5% or 0.01).
 */
class DriftTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = DriftTest.class.getResourceAsStream("/drift/cases.json")) {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(in).path("cases").forEach(out::add);
            return out.stream();
        }
    }

    private static FieldProfile profile(JsonNode c, String side) {
        String kind = c.path("kind").asText();
        FieldType type =
                switch (kind) {
                    case "numeric" -> FieldType.numeric();
                    case "string" -> FieldType.string();
                    case "boolean" -> FieldType.bool();
                    case "text" -> FieldType.text();
                    case "embedding" ->
                        FieldType.embedding(c.path("dims").get(0).asInt());
                    default -> throw new IllegalArgumentException(kind);
                };
        FieldProfile p = FieldProfile.create(type);
        for (JsonNode v : c.path(side)) {
            switch (kind) {
                case "numeric" -> p.addNumber(v.asDouble());
                case "string" -> p.addValue(v.asText());
                case "boolean" -> p.addValue(Boolean.toString(v.asBoolean()));
                case "text" -> p.addText(v.asText());
                default -> {
                    double[] vector = new double[v.size()];
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] = v.get(i).asDouble();
                    }
                    p.addVector(vector);
                }
            }
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScipy(JsonNode c) {
        FieldProfile baseline = profile(c, "baseline");
        FieldProfile window = profile(c, "window");
        Map<String, Double> actual = Drift.compare(baseline, window);
        assertThat(Drift.score(baseline, window))
                .as(c.path("name").asText() + ": score alone is compare's drift_score, to the bit")
                .isEqualTo(actual.get("drift_score"));
        boolean exact = c.path("exact").asBoolean();
        List<String> names = new ArrayList<>();
        c.path("expected").fieldNames().forEachRemaining(names::add);
        assertThat(actual.keySet()).as(c.path("name").asText()).containsExactlyInAnyOrderElementsOf(names);
        assertThat(List.copyOf(actual.keySet()))
                .as("the names and order Drift.metricNames promises")
                .isEqualTo(Drift.metricNames(profile(c, "window").kind()));
        for (String metric : names) {
            double expected = c.path("expected").path(metric).asDouble();
            Double value = actual.get(metric);
            String what = c.path("name").asText() + ": " + metric;
            assertThat(value).as(what).isNotNull();
            double tolerance;
            if (exact) {
                tolerance = Math.max(1e-9 * Math.abs(expected), 1e-12);
            } else if (metric.equals("ks")) {
                tolerance = 0.01;
            } else if (metric.equals("wasserstein_normed")) {
                tolerance = Math.max(0.05 * Math.abs(expected), 0.01);
            } else if (metric.startsWith("out_of_range")) {
                tolerance = metric.endsWith("count") ? 0.01 * c.path("window").size() : 0.01;
            } else {
                tolerance = 0.02;
            }
            assertThat(Math.abs(value - expected))
                    .as(what + " = " + value + ", scipy " + expected)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void aWindowIdenticalToTheBaselineHasNoDrift() {
        FieldProfile b = FieldProfile.create(FieldType.numeric());
        for (int i = 0; i < 200; i++) {
            b.addNumber(i % 37);
        }
        Map<String, Double> d = Drift.compare(b, b);
        assertThat(d.get("js_distance")).isZero();
        assertThat(d.get("hellinger")).isZero();
        assertThat(d.get("psi")).isZero();
        assertThat(d.get("ks")).isZero();
        assertThat(d.get("wasserstein_normed")).isZero();
        assertThat(d.get("out_of_range_count")).isZero();
    }

    @Test
    void datetimeArraysAndDictsHaveNoDrift() {
        FieldProfile d = FieldProfile.create(FieldType.datetime());
        d.addNumber(1.7e9);
        assertThat(Drift.compare(d, d)).isEmpty();
        assertThat(Drift.hasDrift(FieldType.Kind.DATETIME)).isFalse();
        assertThat(Drift.hasDrift(FieldType.Kind.EMBEDDING)).isTrue();
    }

    @Test
    void aSideWithoutValidValuesIsRefused() {
        FieldProfile b = FieldProfile.create(FieldType.numeric());
        b.addNumber(1);
        FieldProfile empty = FieldProfile.create(FieldType.numeric());
        empty.addMissing();
        assertThatThrownBy(() -> Drift.compare(b, empty)).hasMessageContaining("at least one valid value");
        FieldProfile s = FieldProfile.create(FieldType.string());
        s.addValue("a");
        assertThatThrownBy(() -> Drift.compare(b, s)).hasMessageContaining("cannot compare a string window");
    }
}
