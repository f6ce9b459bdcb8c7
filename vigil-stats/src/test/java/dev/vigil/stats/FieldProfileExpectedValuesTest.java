package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares profile metrics with values computed independently by numpy ({@code src/test/python/make_expected.py},
 * outputs in {@code src/test/resources/expected}), per window and after merging the windows.
 */
class FieldProfileExpectedValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EMBEDDING_DIM = 8;
    private static final Set<String> API_ONLY = Set.of("centroid");

    private static JsonNode data;
    private static JsonNode expected;

    @BeforeAll
    static void load() {
        data = read("/expected/data.json").get("windows");
        expected = read("/expected/metrics.json");
        assertThat(data).hasSize(expected.get("windows").size());
    }

    private static JsonNode read(String resource) {
        try (InputStream in = FieldProfileExpectedValuesTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- feeding the raw values, exactly as the engine would ----

    static FieldProfile numericProfile(JsonNode values) {
        FieldProfile profile = FieldProfile.create(FieldType.numeric());
        for (JsonNode value : values) {
            if (value.isNull()) {
                profile.addMissing();
            } else if (value.isNumber()) {
                profile.addNumber(value.asDouble());
            } else {
                switch (value.asText()) {
                    case "NaN" -> profile.addNumber(Double.NaN);
                    case "Infinity" -> profile.addNumber(Double.POSITIVE_INFINITY);
                    case "-Infinity" -> profile.addNumber(Double.NEGATIVE_INFINITY);
                    default -> profile.addTypeMismatch();
                }
            }
        }
        return profile;
    }

    static FieldProfile categoryProfile(JsonNode values) {
        FieldProfile profile = FieldProfile.create(FieldType.string());
        for (JsonNode value : values) {
            if (value.isNull()) {
                profile.addMissing();
            } else {
                profile.addValue(value.asText());
            }
        }
        return profile;
    }

    static FieldProfile textProfile(JsonNode values) {
        FieldProfile profile = FieldProfile.create(FieldType.text());
        for (JsonNode value : values) {
            profile.addText(value.isNull() ? null : value.asText());
        }
        return profile;
    }

    static FieldProfile embeddingProfile(JsonNode rows) {
        FieldProfile profile = FieldProfile.create(FieldType.embedding(EMBEDDING_DIM));
        for (JsonNode row : rows) {
            if (row.isNull()) {
                profile.addMissing();
                continue;
            }
            double[] vector = new double[row.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = row.get(i).isNull() ? Double.NaN : row.get(i).asDouble();
            }
            profile.addVector(vector);
        }
        return profile;
    }

    private static double[] sortedNumbers(List<JsonNode> windows) {
        return MetricAssertions.sorted(windows.stream()
                .flatMap(w -> iterable(w.get("numeric")).stream())
                .filter(JsonNode::isNumber)
                .mapToDouble(JsonNode::asDouble)
                .toArray());
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static Map<String, Double> expectedMetrics(JsonNode node) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!API_ONLY.contains(e.getKey())) {
                metrics.put(
                        e.getKey(), e.getValue().isNull() ? null : e.getValue().asDouble());
            }
        });
        return metrics;
    }

    private record Profiles(FieldProfile numeric, FieldProfile category, FieldProfile text, FieldProfile embedding) {
        static Profiles of(JsonNode window) {
            return new Profiles(
                    numericProfile(window.get("numeric")),
                    categoryProfile(window.get("category")),
                    textProfile(window.get("text")),
                    embeddingProfile(window.get("embedding")));
        }

        void merge(Profiles other) {
            numeric.merge(other.numeric);
            category.merge(other.category);
            text.merge(other.text);
            embedding.merge(other.embedding);
        }
    }

    private static void assertMatches(String what, Profiles profiles, JsonNode expected, double[] sortedNumbers) {
        MetricAssertions.assertMetrics(
                what + " numeric",
                expectedMetrics(expected.get("numeric")),
                profiles.numeric().metrics(),
                sortedNumbers,
                Set.of());
        MetricAssertions.assertMetrics(
                what + " category",
                expectedMetrics(expected.get("category")),
                profiles.category().metrics(),
                null,
                Set.of());
        MetricAssertions.assertMetrics(
                what + " text",
                expectedMetrics(expected.get("text")),
                profiles.text().metrics(),
                null,
                Set.of());
        MetricAssertions.assertMetrics(
                what + " embedding",
                expectedMetrics(expected.get("embedding")),
                profiles.embedding().metrics(),
                null,
                Set.of());
        JsonNode centroid = expected.get("embedding").get("centroid");
        double[] actual = profiles.embedding().centroid();
        assertThat(actual).hasSize(centroid.size());
        for (int i = 0; i < actual.length; i++) {
            MetricAssertions.assertExact(
                    what + " centroid[" + i + "]", centroid.get(i).asDouble(), actual[i]);
        }
    }

    @Test
    void eachWindowMatchesNumpy() {
        for (int w = 0; w < data.size(); w++) {
            assertMatches(
                    "window " + w,
                    Profiles.of(data.get(w)),
                    expected.get("windows").get(w),
                    sortedNumbers(List.of(data.get(w))));
        }
    }

    @Test
    void mergedWindowsMatchNumpyOverAllRows() {
        Profiles all = Profiles.of(data.get(0));
        for (int w = 1; w < data.size(); w++) {
            all.merge(Profiles.of(data.get(w)));
        }
        assertMatches("merged", all, expected.get("all"), sortedNumbers(iterable(data)));
    }

    @Test
    void mergedInReverseAndAsATreeMatchNumpy() {
        Profiles reverse = Profiles.of(data.get(data.size() - 1));
        for (int w = data.size() - 2; w >= 0; w--) {
            reverse.merge(Profiles.of(data.get(w)));
        }
        assertMatches("reverse", reverse, expected.get("all"), sortedNumbers(iterable(data)));

        // ((0 + 1) + (2 + (3 + 4))), each part round-tripped through bytes as the store would.
        Profiles left = Profiles.of(data.get(0));
        left.merge(Profiles.of(data.get(1)));
        Profiles right = Profiles.of(data.get(3));
        right.merge(Profiles.of(data.get(4)));
        Profiles middle = Profiles.of(data.get(2));
        middle.merge(roundTrip(right));
        left = roundTrip(left);
        left.merge(roundTrip(middle));
        assertMatches("tree", left, expected.get("all"), sortedNumbers(iterable(data)));
    }

    @Test
    void datasetReachesTheApproximateRangeOfTheDistinctSketch() {
        // above 1,000 distinct values the count is an HLL estimate (METRICS.md: within 2%); the windows stay below
        assertThat(expected.get("all").get("numeric").get("distinct_count").asDouble())
                .isGreaterThan(1_000);
        assertThat(DoubleStream.of(sortedNumbers(iterable(data)))).hasSizeGreaterThan(15_000);
        assertThat(expected.get("all").get("category").has("value_count[__other__]"))
                .isTrue();
    }

    private static Profiles roundTrip(Profiles profiles) {
        return new Profiles(
                FieldProfile.fromBytes(profiles.numeric().toBytes()),
                FieldProfile.fromBytes(profiles.category().toBytes()),
                FieldProfile.fromBytes(profiles.text().toBytes()),
                FieldProfile.fromBytes(profiles.embedding().toBytes()));
    }
}
