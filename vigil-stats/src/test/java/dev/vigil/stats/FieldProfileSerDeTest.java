package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The binary format is a contract: round trips, checked-in golden files of version 1, and corrupt input. */
class FieldProfileSerDeTest {

    static Stream<FieldProfile> profilesOfEveryKind() {
        Random random = new Random(7);
        return Arrays.stream(FieldType.Kind.values()).map(kind -> {
            FieldType type =
                    switch (kind) {
                        case TENSOR -> FieldType.tensor(2, 3);
                        case EMBEDDING -> FieldType.embedding(4);
                        default -> FieldType.of(kind);
                    };
            FieldProfile profile = FieldProfile.create(type);
            for (int i = 0; i < 2_000; i++) {
                if (i % 50 == 0) {
                    profile.addMissing();
                    continue;
                }
                if (i % 77 == 0) {
                    profile.addTypeMismatch();
                    continue;
                }
                switch (kind) {
                    case NUMERIC, DATETIME -> profile.addNumber(Math.round(random.nextGaussian() * 1000) / 10.0);
                    case CATEGORICAL -> profile.addValue(Integer.toString(random.nextInt(70)));
                    case STRING -> profile.addValue("s" + random.nextInt(1200) + (i % 3 == 0 ? "é" : ""));
                    case BOOLEAN -> profile.addValue(Boolean.toString(random.nextBoolean()));
                    case TEXT -> profile.addText("w ".repeat(random.nextInt(20)) + "😀");
                    case TENSOR, EMBEDDING -> {
                        double[] vector = new double[type.size() + (i % 97 == 0 ? 1 : 0)];
                        Arrays.setAll(vector, j -> random.nextGaussian());
                        profile.addVector(vector);
                    }
                    case ARRAY, DICT -> profile.addArray(random.nextInt(10));
                }
            }
            return profile;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profilesOfEveryKind")
    void roundTripKeepsEveryMetricAndAccessor(FieldProfile profile) {
        FieldProfile copy = FieldProfile.fromBytes(profile.toBytes());

        assertThat(copy.type()).isEqualTo(profile.type());
        assertThat(copy.metrics()).containsExactlyEntriesOf(profile.metrics());
        assertThat(copy.validCount()).isEqualTo(profile.validCount());
        assertThat(copy.valueCounts()).isEqualTo(profile.valueCounts());
        assertThat(copy.otherCount()).isEqualTo(profile.otherCount());
        assertThat(copy.centroid()).isEqualTo(profile.centroid());
        assertThat(copy.quantileSketch().map(s -> s.n()))
                .isEqualTo(profile.quantileSketch().map(s -> s.n()));
        assertThat(copy.toBytes()).isEqualTo(profile.toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profilesOfEveryKind")
    void readingWithoutTheDistinctSketchKeepsEveryOtherMetric(FieldProfile profile) {
        byte[] bytes = profile.toBytes();
        Map<String, Double> whole = FieldProfile.fromBytes(bytes).metrics();
        FieldProfile partial = FieldProfile.fromBytesWithoutDistinct(bytes);
        Map<String, Double> expected = new LinkedHashMap<>(whole);
        if (expected.containsKey("distinct_count")) {
            expected.put("distinct_count", null);
        }
        assertThat(partial.metrics()).containsExactlyEntriesOf(expected);
        assertThat(partial.quantileSketch().map(s -> s.n()))
                .isEqualTo(profile.quantileSketch().map(s -> s.n()));

        // merged either way round with a whole profile: the count is gone, everything else is the whole merge's
        FieldProfile wholeMerge = FieldProfile.fromBytes(bytes);
        wholeMerge.merge(FieldProfile.fromBytes(bytes));
        Map<String, Double> mergedExpected = new LinkedHashMap<>(wholeMerge.metrics());
        if (mergedExpected.containsKey("distinct_count")) {
            mergedExpected.put("distinct_count", null);
        }
        FieldProfile self = FieldProfile.fromBytesWithoutDistinct(bytes);
        self.merge(self);
        assertThat(self.metrics().get("count")).as("merged with itself").isEqualTo(2 * whole.get("count"));
        if (whole.containsKey("distinct_count")) {
            assertThat(self.metrics().get("distinct_count")).isNull();
        }
        FieldProfile into = FieldProfile.fromBytes(bytes);
        into.merge(FieldProfile.fromBytesWithoutDistinct(bytes));
        FieldProfile from = FieldProfile.fromBytesWithoutDistinct(bytes);
        from.merge(FieldProfile.fromBytes(bytes));
        for (FieldProfile merged : List.of(into, from)) {
            Map<String, Double> actual = merged.metrics();
            assertThat(actual.keySet()).containsExactlyElementsOf(mergedExpected.keySet());
            for (Map.Entry<String, Double> e : mergedExpected.entrySet()) {
                if (e.getKey().startsWith("p") || e.getKey().equals("median")) {
                    continue; // quantiles of a merged KLL sketch are randomized: compared in FieldProfileMergeTest
                }
                assertThat(actual.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            if (whole.containsKey("distinct_count")) {
                assertThatThrownBy(merged::toBytes)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("without its distinct-count sketch");
            } else {
                // nothing was left unread: it writes, and reads back as the same profile
                assertThat(FieldProfile.fromBytes(merged.toBytes()).metrics()).isEqualTo(merged.metrics());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profilesOfEveryKind")
    void emptyProfileRoundTrips(FieldProfile filled) {
        FieldProfile empty = FieldProfile.create(filled.type());
        FieldProfile copy = FieldProfile.fromBytes(empty.toBytes());
        assertThat(copy.metrics()).containsExactlyEntriesOf(empty.metrics());
        assertThat(copy.metrics()).containsEntry("count", 0.0).containsEntry("missing_ratio", null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profilesOfEveryKind")
    void everyTruncationIsRejectedWithAStateException(FieldProfile profile) {
        byte[] bytes = profile.toBytes();
        // Every prefix up to 200 bytes, then a sample, so that the test stays fast for large sketches.
        for (int length = 0; length < bytes.length; length += length < 200 ? 1 : 37) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> FieldProfile.fromBytes(truncated))
                    .as("%s truncated to %d of %d bytes", profile.type(), length, bytes.length)
                    .isInstanceOf(VigilStateException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = GoldenProfiles.string().toBytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> FieldProfile.fromBytes(longer))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void unknownFormatVersionIsRejectedByNumber() {
        byte[] bytes = GoldenProfiles.numeric().toBytes();
        bytes[3] = 4;
        assertThatThrownBy(() -> FieldProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("format version 4")
                .hasMessageContaining("reads versions 1 to 3");
        bytes[3] = 0;
        assertThatThrownBy(() -> FieldProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("format version 0");
    }

    @Test
    void otherMagicIsRejected() {
        assertThatThrownBy(() -> FieldProfile.fromBytes(GoldenProfiles.dataset().toBytes()))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("not a field profile");
        assertThatThrownBy(() -> FieldProfile.fromBytes(null)).isInstanceOf(VigilStateException.class);
    }

    @Test
    void unknownKindIsRejected() {
        byte[] bytes = GoldenProfiles.string().toBytes();
        // "string" -> "strinx": still valid UTF-8, but no such kind.
        bytes[13] = 'x';
        assertThatThrownBy(() -> FieldProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("unknown field kind 'strinx'");
    }

    @Test
    void corruptSketchIsRejectedWithAStateException() {
        byte[] bytes = GoldenProfiles.numeric().toBytes();
        // Overwrite the start of the KLL sketch (after header 4, kind 4+7, rank 4, counters 32, numeric 56, length 4).
        int sketchStart = 4 + 4 + 7 + 4 + 32 + 56 + 4;
        for (int i = 0; i < 8; i++) {
            bytes[sketchStart + i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> FieldProfile.fromBytes(bytes)).isInstanceOf(VigilStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profilesOfEveryKind")
    void flippedBytesGiveAProfileOrAStateExceptionNeverAnotherError(FieldProfile profile) {
        byte[] bytes = profile.toBytes();
        Random random = new Random(bytes.length);
        for (int trial = 0; trial < 1_000; trial++) {
            byte[] corrupt = bytes.clone();
            int position = 4 + random.nextInt(corrupt.length - 4);
            if (trial % 2 == 0) {
                corrupt[position] ^= (byte) (1 << random.nextInt(8));
            } else {
                corrupt[position] = (byte) random.nextInt(256);
                corrupt[4 + random.nextInt(corrupt.length - 4)] = (byte) random.nextInt(256);
            }
            try {
                FieldProfile.fromBytes(corrupt).metrics();
            } catch (VigilStateException expected) {
                // the only acceptable failure
            }
        }
    }

    // ---- golden files: written once by GoldenProfiles.main, format version 1 ----

    @Test
    void goldenNumericV1() {
        FieldProfile profile = FieldProfile.fromBytes(golden("numeric-v1.bin"));
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("count", 104.0);
        expected.put("missing_count", 2.0);
        expected.put("missing_ratio", 2.0 / 104);
        expected.put("invalid_count", 2.0);
        expected.put("type_mismatch_count", 1.0);
        expected.put("mean", 50.5);
        expected.put("sum", 5050.0);
        expected.put("min", 1.0);
        expected.put("max", 100.0);
        expected.put("stddev", Math.sqrt(100.0 * 101 / 12));
        expected.put("variance", 100.0 * 101 / 12);
        expected.put("p01", 1.0);
        expected.put("p05", 5.0);
        expected.put("p10", 10.0);
        expected.put("p25", 25.0);
        expected.put("p50", 50.0);
        expected.put("p75", 75.0);
        expected.put("p90", 90.0);
        expected.put("p95", 95.0);
        expected.put("p99", 99.0);
        expected.put("median", 50.0);
        expected.put("distinct_count", 100.0);
        assertThat(profile.type()).isEqualTo(FieldType.numeric());
        assertThat(profile.metrics().keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, value) ->
                MetricAssertions.assertExact(name, value, profile.metrics().get(name)));
        assertThat(profile.quantileSketch()).get().extracting(s -> s.n()).isEqualTo(100L);
    }

    @Test
    void goldenStringV1() {
        FieldProfile profile = FieldProfile.fromBytes(golden("string-v1.bin"));
        assertThat(profile.type()).isEqualTo(FieldType.string());
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 9.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 1.0 / 9),
                        entry("invalid_count", 1.0),
                        entry("type_mismatch_count", 1.0),
                        entry("long_value_count", 0.0),
                        entry("distinct_count", 4.0),
                        entry("value_count[a]", 3.0),
                        entry("value_count[b]", 2.0),
                        entry("value_count[]", 1.0),
                        entry("value_count[c]", 1.0));
        assertThat(profile.valueCounts()).isEqualTo(Map.of("a", 3L, "b", 2L, "c", 1L, "", 1L));
    }

    @Test
    void goldenEmbeddingV1() {
        FieldProfile profile = FieldProfile.fromBytes(golden("embedding-v1.bin"));
        assertThat(profile.type()).isEqualTo(FieldType.embedding(3));
        assertThat(profile.dimensions()).isEqualTo(List.of(3));
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 5.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 0.2),
                        entry("invalid_count", 2.0),
                        entry("type_mismatch_count", 0.0),
                        entry("mean_norm", 3.5));
        assertThat(profile.centroid()).containsExactly(1.5, 2.0, 1.0);
    }

    // ---- format version 2 (long_value_count), written once by GoldenProfiles.main ----

    @Test
    void goldenNumericV2ReadsAsVersion1Did() {
        assertThat(golden("numeric-v2.bin")[3]).isEqualTo((byte) 2);
        assertThat(FieldProfile.fromBytes(golden("numeric-v2.bin")).metrics())
                .isEqualTo(FieldProfile.fromBytes(golden("numeric-v1.bin")).metrics());
    }

    @Test
    void aVersion2ThetaSketchMergedWithVersion3ValuesHasNoDistinctCountEitherWayRound() {
        // the v2 side holds a theta sketch, the v3 side only its 100 values: the merge hashes them into the theta side,
        // so the v3 side's values are hashed into the merge
        FieldProfile olderInto = FieldProfile.fromBytes(golden("numeric-v2.bin"));
        olderInto.merge(GoldenProfiles.numeric());
        FieldProfile newerInto = GoldenProfiles.numeric();
        newerInto.merge(FieldProfile.fromBytes(golden("numeric-v2.bin")));
        for (FieldProfile merged : List.of(olderInto, newerInto)) {
            assertThat(merged.metrics()).containsEntry("count", 2 * 104.0).containsEntry("distinct_count", null);
            assertThat(merged.metrics().get("mean")).isEqualTo(50.5);
        }
    }

    @Test
    void goldenStringV2() {
        FieldProfile profile = FieldProfile.fromBytes(golden("string-v2.bin"));
        String kept = "x".repeat(FieldProfile.LONG_VALUE_CHARS);
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 10.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 1.0 / 10),
                        entry("invalid_count", 1.0),
                        entry("type_mismatch_count", 1.0),
                        entry("long_value_count", 1.0),
                        entry("distinct_count", 5.0),
                        entry("value_count[a]", 3.0),
                        entry("value_count[b]", 2.0),
                        entry("value_count[]", 1.0),
                        entry("value_count[c]", 1.0),
                        entry("value_count[" + kept + "]", 1.0));
        assertThat(profile.longValueCount()).isEqualTo(1);
    }

    @Test
    void goldenTextV2() {
        FieldProfile profile = FieldProfile.fromBytes(golden("text-v2.bin"));
        int longLength = FieldProfile.LONG_TEXT_CHARS + 1;
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 3.0),
                        entry("missing_count", 1.0),
                        entry("missing_ratio", 1.0 / 3),
                        entry("invalid_count", 0.0),
                        entry("type_mismatch_count", 0.0),
                        entry("long_value_count", 1.0),
                        entry("mean_length", (9.0 + longLength) / 2),
                        entry("min_length", 9.0),
                        entry("max_length", (double) longLength),
                        entry("empty_count", 0.0),
                        entry("mean_token_count", (2.0 + longLength / 2 + 1) / 2));
    }

    @Test
    void aLongValueCountThatExceedsTheValidValuesIsCorrupt() {
        byte[] bytes = GoldenProfiles.string().toBytes();
        // header: magic 3, version 1, kind "string" (4 + 6), rank 4, count/missing/invalid/mismatch 4 x 8
        int longValueOffset = 3 + 1 + 4 + 6 + 4 + 4 * 8;
        bytes[longValueOffset + 7] = 100;
        assertThatThrownBy(() -> FieldProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("long values 100");
    }

    @Test
    void goldenDatasetV1() {
        DatasetProfile profile = DatasetProfile.fromBytes(golden("dataset-v1.bin"));
        assertThat(profile.metrics())
                .containsExactly(
                        entry("count", 1000.0),
                        entry("null_id_count", 3.0),
                        entry("null_timestamp_count", 2.0),
                        entry("duplicate_id_count", 7.0));
    }

    @Test
    void goldenInputsStillProduceTheGoldenMetrics() {
        // Guards the fixture itself: the golden files and GoldenProfiles describe the same rows.
        assertThat(FieldProfile.fromBytes(golden("numeric-v1.bin")).metrics())
                .isEqualTo(GoldenProfiles.numeric().metrics());
        assertThat(FieldProfile.fromBytes(golden("string-v1.bin")).metrics())
                .isEqualTo(GoldenProfiles.string().metrics());
        assertThat(FieldProfile.fromBytes(golden("embedding-v1.bin")).metrics())
                .isEqualTo(GoldenProfiles.embedding().metrics());
        assertThat(FieldProfile.fromBytes(golden("string-v2.bin")).metrics())
                .isEqualTo(GoldenProfiles.longString().metrics());
        assertThat(FieldProfile.fromBytes(golden("text-v2.bin")).metrics())
                .isEqualTo(GoldenProfiles.longText().metrics());
        assertThat(FieldProfile.fromBytes(golden("numeric-v2.bin")).metrics())
                .isEqualTo(GoldenProfiles.numeric().metrics());
        assertThat(golden("numeric-v3.bin")).isEqualTo(GoldenProfiles.numeric().toBytes());
        assertThat(golden("string-v3.bin"))
                .isEqualTo(GoldenProfiles.longString().toBytes());
        assertThat(golden("text-v3.bin")).isEqualTo(GoldenProfiles.longText().toBytes());
        // a compacted sketch, its exact tails and its HLL: the same bytes from the same values, on any machine
        assertThat(golden("lognormal-v3.bin"))
                .isEqualTo(GoldenProfiles.lognormal().toBytes());
        assertThat(FieldProfile.fromBytes(golden("lognormal-v3.bin")).metrics())
                .isEqualTo(GoldenProfiles.lognormal().metrics());
    }

    @Test
    void datasetProfileRoundTripsAndRejectsBadBytes() {
        DatasetProfile profile = new DatasetProfile(10, 1, 2, 3);
        assertThat(DatasetProfile.fromBytes(profile.toBytes())).isEqualTo(profile);
        byte[] bytes = profile.toBytes();
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> DatasetProfile.fromBytes(truncated)).isInstanceOf(VigilStateException.class);
        }
        bytes[3] = 9;
        assertThatThrownBy(() -> DatasetProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining("format version 9");
    }

    static byte[] golden(String name) {
        try (InputStream in = FieldProfileSerDeTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
