package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drift of a window against a baseline, checked against numpy and scipy on the same values
 * ({@code src/test/python/make_drift_expected.py} wrote {@code drift/cases.json}). Cases whose
 * sketches are exact must match to 1e-9; the large case, whose sketches compact, must be within
 * METRICS.md's tolerances (binned metrics 0.02, ks 0.01, wasserstein 5% or 0.01). The decile shares behind
 * the binned metrics are checked the same way ({@code make_decile_shares_expected.py} wrote {@code
 * drift/decile-shares.json}) and by hand.
 */
class DriftTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> cases() throws IOException {
        return read("/drift/cases.json");
    }

    static Stream<JsonNode> decileShareCases() throws IOException {
        return read("/drift/decile-shares.json");
    }

    private static Stream<JsonNode> read(String resource) throws IOException {
        try (InputStream in = DriftTest.class.getResourceAsStream(resource)) {
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

    // ---- decile shares: the bins of numeric fields and text lengths, for charts ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("decileShareCases")
    void decileSharesMatchNumpy(JsonNode c) {
        Drift.DecileShares shares =
                Drift.decileShares(profile(c, "baseline"), profile(c, "window")).orElseThrow();
        JsonNode expected = c.path("expected");
        String name = c.path("name").asText();
        assertClose(name + ": edges", shares.edges(), doubles(expected.path("edges")));
        assertClose(name + ": baseline shares", shares.baseline(), doubles(expected.path("baseline")));
        assertClose(name + ": window shares", shares.window(), doubles(expected.path("window")));
    }

    @Test
    void decileSharesByHand() {
        FieldProfile oneToTen = numbers(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        Drift.DecileShares shares =
                Drift.decileShares(oneToTen, numbers(0, 5, 5, 12)).orElseThrow();
        // deciles of 1..10 are 1..9; 9 and 10 share the last bin [9, +inf)
        assertClose("edges", shares.edges(), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertClose("baseline", shares.baseline(), 0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2);
        assertClose("window", shares.window(), 0.25, 0, 0, 0, 0, 0.5, 0, 0, 0, 0.25);

        // q10 … q50 are all 1, q60 … q80 are 2, q90 is 3: three edges, four bins
        Drift.DecileShares ties = Drift.decileShares(numbers(1, 1, 1, 1, 1, 2, 2, 2, 3, 3), numbers(0, 2, 2, 3))
                .orElseThrow();
        assertClose("edges", ties.edges(), 1, 2, 3);
        assertClose("baseline", ties.baseline(), 0, 0.5, 0.3, 0.2);
        assertClose("window", ties.window(), 0.25, 0, 0.5, 0.25);
    }

    /**
     * The dashboard's distribution chart binned the two quantile sketches itself (the baseline's deciles, each once,
     * and the fraction of each side below every edge); {@link Drift#decileShares} gives it the same numbers, to the
     * bit, also once the sketches compact.
     */
    @Test
    void decileSharesAreWhatTheDashboardComputedFromTheSketches() {
        Random random = new Random(11);
        for (int n : new int[] {1, 7, 300, 5_000, 50_000}) {
            FieldProfile baseline = FieldProfile.create(FieldType.numeric());
            FieldProfile window = FieldProfile.create(FieldType.numeric());
            for (int i = 0; i < n; i++) {
                baseline.addNumber(Math.round(random.nextGaussian() * 100) / 10.0);
                window.addNumber(n % 2 == 0 ? random.nextInt(12) : random.nextGaussian() * 20 + 3);
            }
            Quantiles bs = baseline.quantileSketchView();
            Quantiles ws = window.quantileSketchView();
            double[] edges = Arrays.stream(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9})
                    .map(bs::quantile)
                    .distinct()
                    .toArray();
            double[] wc = cdf(ws, edges);
            double[] bc = cdf(bs, edges);
            List<Double> w = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            for (int i = 0; i < wc.length; i++) {
                w.add(wc[i] - (i == 0 ? 0 : wc[i - 1]));
                b.add(bc[i] - (i == 0 ? 0 : bc[i - 1]));
            }
            Drift.DecileShares shares = Drift.decileShares(baseline, window).orElseThrow();
            assertThat(shares.edges())
                    .as("n = %d", n)
                    .isEqualTo(Arrays.stream(edges).boxed().toList());
            assertThat(shares.baseline()).as("n = %d", n).isEqualTo(b);
            assertThat(shares.window()).as("n = %d", n).isEqualTo(w);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decileShareCases")
    void decileSharesGiveCompareItsBinnedMetrics(JsonNode c) {
        FieldProfile baseline = profile(c, "baseline");
        FieldProfile window = profile(c, "window");
        Drift.DecileShares shares = Drift.decileShares(baseline, window).orElseThrow();
        Map<String, Double> fromShares = new LinkedHashMap<>();
        Drift.shareDistances(array(shares.baseline()), array(shares.window()), fromShares);
        Map<String, Double> compared = Drift.compare(baseline, window);
        fromShares.forEach(
                (metric, value) -> assertThat(compared.get(metric)).as(metric).isEqualTo(value));
    }

    @Test
    void decileSharesNeedTwoNumericOrTwoTextProfilesWithValues() {
        FieldProfile numeric = numbers(1, 2, 3);
        FieldProfile noValues = FieldProfile.create(FieldType.numeric());
        noValues.addMissing();
        FieldProfile text = FieldProfile.create(FieldType.text());
        text.addText("a few words");
        FieldProfile string = FieldProfile.create(FieldType.string());
        string.addValue("a");
        FieldProfile datetime = FieldProfile.create(FieldType.datetime());
        datetime.addNumber(1.7e9);
        assertThat(Drift.decileShares(text, text)).isPresent();
        assertThat(Drift.decileShares(numeric, noValues)).isEmpty();
        assertThat(Drift.decileShares(noValues, numeric)).isEmpty();
        assertThat(Drift.decileShares(numeric, text)).isEmpty();
        assertThat(Drift.decileShares(string, string)).isEmpty();
        assertThat(Drift.decileShares(datetime, datetime)).isEmpty();
    }

    private static FieldProfile numbers(double... values) {
        FieldProfile p = FieldProfile.create(FieldType.numeric());
        for (double v : values) {
            p.addNumber(v);
        }
        return p;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertClose(String what, List<Double> actual, double... expected) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.get(i)).as(what + " [" + i + "]").isCloseTo(expected[i], within(1e-12));
        }
    }

    /** The fraction of the sketch's values below each edge, then 1: what DataSketches' getCDF gave. */
    private static double[] cdf(Quantiles sketch, double[] edges) {
        double[] out = new double[edges.length + 1];
        for (int i = 0; i < edges.length; i++) {
            out[i] = sketch.rank(edges[i], false) / sketch.n();
        }
        out[edges.length] = 1.0;
        return out;
    }
}
