package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.FieldType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-kind behaviour of the adders and metric names, with hand-computed answers. */
class FieldProfileTest {

    @Test
    void numericMetricNamesAndInvalidValues() {
        FieldProfile profile = FieldProfile.create(FieldType.numeric());
        profile.addNumber(1);
        profile.addNumber(2);
        profile.addNumber(2);
        profile.addNumber(Double.NaN);
        profile.addNumber(Double.POSITIVE_INFINITY);
        profile.addMissing();
        profile.addTypeMismatch();
        Map<String, Double> metrics = profile.metrics();
        assertThat(metrics.keySet())
                .containsExactly(
                        "count",
                        "missing_count",
                        "missing_ratio",
                        "invalid_count",
                        "type_mismatch_count",
                        "mean",
                        "sum",
                        "min",
                        "max",
                        "stddev",
                        "variance",
                        "p01",
                        "p05",
                        "p10",
                        "p25",
                        "p50",
                        "p75",
                        "p90",
                        "p95",
                        "p99",
                        "median",
                        "distinct_count");
        assertThat(metrics)
                .containsEntry("count", 7.0)
                .containsEntry("missing_count", 2.0)
                .containsEntry("missing_ratio", 2.0 / 7)
                .containsEntry("invalid_count", 2.0)
                .containsEntry("type_mismatch_count", 1.0)
                .containsEntry("sum", 5.0)
                .containsEntry("min", 1.0)
                .containsEntry("max", 2.0)
                .containsEntry("median", 2.0)
                .containsEntry("distinct_count", 2.0);
        assertThat(metrics.get("mean")).isCloseTo(5.0 / 3, within(1e-15));
        assertThat(metrics.get("variance")).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(profile.validCount()).isEqualTo(3);
        assertThat(profile.sum()).isEqualTo(5.0);
        assertThat(profile.min()).isEqualTo(1.0);
        assertThat(profile.max()).isEqualTo(2.0);
        assertThat(profile.quantileSketch()).get().extracting(s -> s.n()).isEqualTo(3L);
    }

    @Test
    void emptyProfileHasOnlyCounts() {
        Map<String, Double> metrics = FieldProfile.create(FieldType.datetime()).metrics();
        assertThat(metrics).containsEntry("count", 0.0).containsEntry("missing_ratio", null);
        assertThat(metrics.entrySet().stream().skip(5)).allMatch(e -> e.getValue() == null);
        assertThat(FieldProfile.create(FieldType.numeric()).quantileSketch()).isEmpty();
        assertThat(FieldProfile.create(FieldType.numeric()).min()).isNull();
        assertThat(FieldProfile.create(FieldType.embedding(2)).centroid()).isNull();
    }

    @Test
    void booleanAndCategoricalCountValues() {
        FieldProfile bool = FieldProfile.create(FieldType.bool());
        bool.addValue("true");
        bool.addValue("false");
        bool.addValue("true");
        bool.addValue(null);
        assertThat(bool.metrics())
                .containsExactly(
                        entry("count", 4.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 0.25),
                        entry("invalid_count", 0.0),
                        entry("type_mismatch_count", 0.0),
                        entry("distinct_count", 2.0),
                        entry("value_count[true]", 2.0),
                        entry("value_count[false]", 1.0));
    }

    @Test
    void topFiftyValuesTieBreakByValueAndTheRestIsOther() {
        FieldProfile profile = FieldProfile.create(FieldType.categorical());
        for (int code = 0; code < 60; code++) {
            profile.addValue(Integer.toString(code));
        }
        profile.addValue("59");
        Map<String, Double> metrics = profile.metrics();
        List<String> valueNames = metrics.keySet().stream()
                .filter(k -> k.startsWith("value_count["))
                .toList();
        assertThat(valueNames).hasSize(51);
        // "59" has 2; the others tie at 1 and sort as strings: "0", "1", "10", "11", ...
        assertThat(valueNames.subList(0, 4))
                .containsExactly("value_count[59]", "value_count[0]", "value_count[1]", "value_count[10]");
        assertThat(metrics).containsEntry("value_count[__other__]", 10.0).containsEntry("distinct_count", 60.0);
        assertThat(profile.valueCounts()).hasSize(60);
        assertThat(profile.otherCount()).isZero();
    }

    @Test
    void valueOrderIsByCodePoint() {
        assertThat(CategoricalProfile.compareCodePoints("\uFFFD", "😀")).isNegative(); // UTF-16 order would differ
        assertThat(CategoricalProfile.compareCodePoints("a", "ab")).isNegative();
        assertThat(CategoricalProfile.compareCodePoints("", "")).isZero();
    }

    @Test
    void textCountsCodePointsAndWhitespaceTokens() {
        FieldProfile profile = FieldProfile.create(FieldType.text());
        profile.addText("  a b ");
        profile.addText("");
        profile.addText("😀 café\u00A0x");
        profile.addText(null);
        assertThat(TextProfile.countTokens("  a b ")).isEqualTo(2);
        assertThat(TextProfile.countTokens(" \t\n")).isZero();
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 4.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 0.25),
                        entry("invalid_count", 0.0),
                        entry("type_mismatch_count", 0.0),
                        entry("long_value_count", 0.0),
                        entry("mean_length", (6 + 0 + 8) / 3.0),
                        entry("min_length", 0.0),
                        entry("max_length", 8.0),
                        entry("empty_count", 1.0),
                        entry("mean_token_count", (2 + 0 + 3) / 3.0));
        assertThat(profile.quantileSketch())
                .get()
                .extracting(s -> s.quantile(1.0))
                .isEqualTo(8.0);
    }

    @Test
    void tensorRowsMustHaveTheProductOfTheDimensions() {
        FieldProfile profile = FieldProfile.create(FieldType.tensor(2, 2));
        assertThat(profile.dimensions()).containsExactly(2, 2);
        profile.addVector(new double[] {1, 1, 1, 1});
        profile.addVector(new double[] {3, 0, 0, 4});
        profile.addVector(new double[] {1, 1});
        profile.addVector(new double[] {1, Double.NaN, 1, 1});
        profile.addVector(new double[] {1, Double.NEGATIVE_INFINITY, 1, 1});
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 5.0),
                        entry("missing_count", 0.0),
                        entry("missing_ratio", 0.0),
                        entry("invalid_count", 3.0),
                        entry("type_mismatch_count", 0.0),
                        entry("mean_norm", 3.5));
        assertThat(profile.centroid()).containsExactly(2.0, 0.5, 0.5, 2.5);
        assertThat(profile.quantileSketch()).isEmpty();
    }

    @Test
    void arraysAndDictsProfileTheirLength() {
        FieldProfile profile = FieldProfile.create(FieldType.array());
        profile.addArray(0);
        profile.addArray(3);
        profile.addArray(5);
        profile.addMissing();
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 4.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 0.25),
                        entry("invalid_count", 0.0),
                        entry("type_mismatch_count", 0.0),
                        entry("mean_length", 8.0 / 3),
                        entry("min_length", 0.0),
                        entry("max_length", 5.0));
        assertThatThrownBy(() -> profile.addArray(-1)).isInstanceOf(VigilArgumentException.class);
    }

    @Test
    void adderOfAnotherKindIsRejected() {
        assertThatThrownBy(() -> FieldProfile.create(FieldType.string()).addNumber(1))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("addNumber does not apply to a string field");
        assertThatThrownBy(() -> FieldProfile.create(FieldType.numeric()).addValue("3"))
                .isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> FieldProfile.create(FieldType.text()).addVector(new double[1]))
                .isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> FieldProfile.create(FieldType.embedding(1)).addText("x"))
                .isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> FieldProfile.create(FieldType.dict()).addValue("x"))
                .isInstanceOf(VigilArgumentException.class);
    }

    @Test
    void quantileSketchIsACopy() {
        FieldProfile profile = FieldProfile.create(FieldType.numeric());
        profile.addNumber(1);
        profile.quantileSketch().orElseThrow().add(100);
        assertThat(profile.metrics()).containsEntry("p99", 1.0);
    }

    @Test
    void longStringValuesAreCountedAndKeptTruncatedByCodePoints() {
        int limit = FieldProfile.LONG_VALUE_CHARS;
        String atLimit = "\uD83D\uDE00".repeat(limit); // 1,000 code points, 2,000 chars: not long
        String over = "y".repeat(limit - 1) + "\uD83D\uDE00" + "tail"; // 1,004 code points
        FieldProfile a = FieldProfile.create(FieldType.string());
        a.addValue(atLimit);
        a.addValue(over);
        FieldProfile b = FieldProfile.create(FieldType.string());
        b.addValue(over);
        b.addValue("short");
        a.merge(b);
        assertThat(a.longValueCount()).isEqualTo(2);
        assertThat(a.metrics()).containsEntry("long_value_count", 2.0).containsEntry("count", 4.0);
        assertThat(a.validCount()).as("long values stay valid").isEqualTo(4);
        String kept = "y".repeat(limit - 1) + "\uD83D\uDE00";
        assertThat(a.valueCounts()).containsOnly(entry(atLimit, 1L), entry(kept, 2L), entry("short", 1L));
        assertThat(FieldProfile.fromBytes(a.toBytes()).metrics()).isEqualTo(a.metrics());
    }

    @Test
    void onlyStringLikeKindsReportLongValues() {
        FieldProfile bool = FieldProfile.create(FieldType.bool());
        bool.addValue("true");
        assertThat(bool.metrics()).doesNotContainKey("long_value_count");
        assertThat(FieldProfile.create(FieldType.numeric()).metrics()).doesNotContainKey("long_value_count");
        FieldProfile text = FieldProfile.create(FieldType.text());
        text.addText("a".repeat(FieldProfile.LONG_TEXT_CHARS));
        assertThat(text.metrics()).containsEntry("long_value_count", 0.0);
        text.addText("a".repeat(FieldProfile.LONG_TEXT_CHARS + 1));
        assertThat(text.metrics())
                .containsEntry("long_value_count", 1.0)
                .containsEntry("max_length", (double) FieldProfile.LONG_TEXT_CHARS + 1);
    }
}
