package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.ModelType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The binary model's score histogram: its buckets against a plain {@code TreeMap} count of the same rows (how format
 * version 1 held them), its golden files (version 1 and 2), varints, and corrupt buckets.
 */
class ScoreHistogramTest {
    private static final String V1 = "performance-v1.bin";
    private static final String V2 = "performance-v2.bin";

    /** The buckets of {@code rows} (score, predicted, actual or null) counted in a TreeMap, as version 1 did. */
    private static TreeMap<Double, long[]> treeMapCount(List<Object[]> rows) {
        TreeMap<Double, long[]> buckets = new TreeMap<>();
        for (Object[] row : rows) {
            long[] c = buckets.computeIfAbsent(ScoreHistogram.bucket((Double) row[0]), k -> new long[4]);
            c[(Boolean) row[1] ? ScoreHistogram.PREDICTED_POSITIVE : ScoreHistogram.PREDICTED_NEGATIVE]++;
            if (row[2] != null) {
                c[(Boolean) row[2] ? ScoreHistogram.POSITIVE : ScoreHistogram.NEGATIVE]++;
            }
        }
        return buckets;
    }

    private static void assertBuckets(ScoreHistogram h, TreeMap<Double, long[]> expected) {
        assertThat(h.size()).isEqualTo(expected.size());
        int i = 0;
        for (Map.Entry<Double, long[]> e : expected.entrySet()) {
            assertThat(Double.doubleToRawLongBits(h.score(i)))
                    .as("bucket %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(e.getKey()));
            for (int c = 0; c < 4; c++) {
                assertThat(h.count(i, c)).as("bucket %d count %d", i, c).isEqualTo(e.getValue()[c]);
            }
            i++;
        }
    }

    @Test
    void bucketsAreThoseOfATreeMapAfterAddsReadsAndMergesInAnyOrder() {
        SplittableRandom random = new SplittableRandom(3);
        List<Object[]> rows = new ArrayList<>();
        double[] edges = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, 1e-310};
        for (double edge : edges) {
            rows.add(new Object[] {edge, true, false});
        }
        for (int i = 0; i < 5_000; i++) {
            double score = i % 3 == 0 ? random.nextInt(50) / 10.0 - 2.5 : random.nextDouble() * 2e6 - 1e6;
            rows.add(new Object[] {score, random.nextBoolean(), i % 4 == 0 ? null : random.nextBoolean()});
        }
        ScoreHistogram a = new ScoreHistogram();
        ScoreHistogram b = new ScoreHistogram();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            (i % 3 == 0 ? b : a).add((Double) row[0], (Boolean) row[1], (Boolean) row[2]);
            if (i == 2_000) {
                assertThat(a.size()).isPositive(); // counted once midway: buckets and pending rows together
            }
        }
        a.merge(b);
        assertBuckets(a, treeMapCount(rows));
        assertBuckets(a.copy(), treeMapCount(rows));
        // -MIN_VALUE is the bucket -0.0, below the bucket 0.0 of 0.0, -0.0 and MIN_VALUE
        assertThat(ScoreHistogram.key(-Double.MIN_VALUE)).isEqualTo(-1);
        assertThat(ScoreHistogram.key(-0.0)).isZero();
        assertThat(ScoreHistogram.key(Double.MIN_VALUE)).isZero();
        assertThat(ScoreHistogram.bucketOf(-1)).isEqualTo(-0.0);
        assertThat(ScoreHistogram.MIN_KEY).isEqualTo(ScoreHistogram.key(-Double.MAX_VALUE));
        for (Object[] row : rows) {
            double s = (Double) row[0];
            assertThat(ScoreHistogram.bucketOf(ScoreHistogram.key(s))).isEqualTo(ScoreHistogram.bucket(s));
        }
    }

    @Test
    void aProfileBuiltInPiecesWritesTheBytesOfOneBuiltAtOnce() {
        PerformanceProfile whole = GoldenProfiles.performance();
        PerformanceProfile first = PerformanceProfile.create(ModelType.BINARY);
        PerformanceProfile second = PerformanceProfile.create(ModelType.BINARY);
        SplittableRandom random = new SplittableRandom(15);
        // GoldenProfiles.performance()'s rows again, split between two profiles, the first read midway
        double[] edges = {0.0, -0.0, 1.0, 1e300, -1e-300};
        for (int i = 0; i < 1_000; i++) {
            double score = i < edges.length ? edges[i] : 3 * random.nextDouble() - 1;
            Boolean predicted = i % 7 == 0 ? random.nextBoolean() : null;
            Boolean actual = i % 5 == 4 ? null : random.nextDouble() < Math.min(1, Math.max(0, score));
            (i % 2 == 0 ? first : second).addBinary(predicted, score, actual);
            if (i == 500) {
                first.metrics();
            }
        }
        first.addBinary(true, null, true);
        second.addBinary(false, Double.NaN, null);
        first.merge(second);
        // the log loss is a float sum in another order; the histogram, its AUC and the counts are exact
        assertThat(histogramBytes(first)).isEqualTo(histogramBytes(whole));
        Map<String, Double> metrics = first.metrics();
        Map<String, Double> expected = whole.metrics();
        metrics.remove("log_loss");
        expected.remove("log_loss");
        assertThat(metrics).isEqualTo(expected);
    }

    private static byte[] histogramBytes(PerformanceProfile p) {
        ProfileWriter out = new ProfileWriter();
        p.scores().orElseThrow().write(out);
        return out.toByteArray();
    }

    @Test
    void goldenVersion1ReadsToTheSameMetricsAndEstimatesAsItsRows() {
        byte[] v1 = FieldProfileSerDeTest.golden(V1);
        assertThat(v1[3]).isEqualTo((byte) 1);
        PerformanceProfile fromV1 = PerformanceProfile.fromBytes(v1);
        PerformanceProfile rows = GoldenProfiles.performance();
        assertThat(fromV1.metrics()).isEqualTo(rows.metrics());
        assertThat(fromV1.metrics().get("auc_roc")).isNotNull();
        Calibration fromBytes = Calibration.fit(fromV1).orElseThrow();
        Calibration fromRows = Calibration.fit(rows).orElseThrow();
        assertThat(fromBytes.estimate(fromV1)).isEqualTo(fromRows.estimate(rows));
        // the histogram of the version 1 bytes is the TreeMap count of the rows
        assertThat(fromV1.scores().orElseThrow().size())
                .isEqualTo(rows.scores().orElseThrow().size());
        // rewritten, version 1 becomes the version 2 golden (as the current version: its binary section is the same)
        assertThat(fromV1.toBytes()).isEqualTo(current(FieldProfileSerDeTest.golden(V2)));
    }

    @Test
    void goldenVersion2IsTheBytesOfItsRows() {
        byte[] v2 = FieldProfileSerDeTest.golden(V2);
        assertThat(v2[3]).isEqualTo((byte) 2);
        assertThat(GoldenProfiles.performance().toBytes()).isEqualTo(current(v2));
        assertThat(PerformanceProfile.fromBytes(v2).metrics())
                .isEqualTo(GoldenProfiles.performance().metrics());
        assertThat(PerformanceProfile.fromBytes(v2).toBytes()).isEqualTo(current(v2));
        assertThat(v2.length).isLessThan(FieldProfileSerDeTest.golden(V1).length / 6);
    }

    /**
     * Version 2 bytes of a binary model as the current version writes them: version 3 added to the regression section
     * only (DLE's sums, ADR 0028), so only the version byte differs.
     */
    private static byte[] current(byte[] v2) {
        byte[] out = v2.clone();
        out[3] = (byte) PerformanceProfile.FORMAT_VERSION;
        return out;
    }

    @Test
    void varLongsRoundTripInAsFewBytesAsTheyNeed() {
        long[] values = {0, 1, 127, 128, 16_383, 16_384, 1L << 42, Long.MAX_VALUE};
        int[] sizes = {1, 1, 1, 2, 2, 3, 7, 9};
        for (int i = 0; i < values.length; i++) {
            byte[] bytes = new ProfileWriter().writeVarLong(values[i]).toByteArray();
            assertThat(bytes).as("%d", values[i]).hasSize(sizes[i]);
            ProfileReader in = ProfileReader.body(bytes, "test");
            assertThat(in.readVarLong("value")).isEqualTo(values[i]);
            in.finish();
        }
        assertThat(new ProfileWriter().writeVarLong(300).toByteArray()).containsExactly(0xAC, 0x02);
        assertThatThrownBy(() -> new ProfileWriter().writeVarLong(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptVarLongsAreRejected() {
        assertThatThrownBy(() -> varLong(0x80, 0x00))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("corrupt test: value is an overlong varint");
        assertThatThrownBy(() -> varLong(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x01))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("corrupt test: value is a varint beyond 63 bits (a negative long)");
        assertThatThrownBy(() -> varLong(0x80, 0x80))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith("truncated test: value needs 1 bytes");
    }

    private static long varLong(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return ProfileReader.body(b, "test").readVarLong("value");
    }

    /**
     * A binary profile in {@code version} with tp = fp = tn = fn = 10, no log loss, and the histogram {@code
     * histogram} writes.
     */
    private static byte[] binary(int version, Consumer<ProfileWriter> histogram) {
        ProfileWriter out = new ProfileWriter().header(PerformanceProfile.MAGIC, version);
        out.writeString("binary").writeLong(100).writeLong(40).writeLong(0);
        out.writeLong(10).writeLong(10).writeLong(10).writeLong(10);
        out.writeDouble(0).writeDouble(0).writeLong(0);
        histogram.accept(out);
        return out.toByteArray();
    }

    private static Consumer<ProfileWriter> v2(long firstKey, long... stepAndCounts) {
        return out -> {
            out.writeVarLong(1 + stepAndCounts.length / 5);
            out.writeVarLong((firstKey << 1) ^ (firstKey >> 63));
            for (long v : stepAndCounts) {
                out.writeVarLong(v);
            }
        };
    }

    private static void assertCorrupt(byte[] bytes, String message) {
        assertThatThrownBy(() -> PerformanceProfile.fromBytes(bytes))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("corrupt performance profile: " + message);
    }

    @Test
    void handWrittenBucketsReadInBothVersions() {
        int k = ScoreHistogram.key(0.5);
        PerformanceProfile v2 = PerformanceProfile.fromBytes(binary(2, v2(k, 1, 2, 3, 0, 1, 1, 2, 0, 3)));
        ScoreHistogram h = v2.scores().orElseThrow();
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.score(0)).isEqualTo(0.5);
        assertThat(h.score(1)).isEqualTo(ScoreHistogram.bucketOf(k + 1));
        assertThat(h.count(1, ScoreHistogram.PREDICTED_NEGATIVE)).isEqualTo(3);
        // version 1: the buckets -0.0 (of tiny negative scores) and 0.0 are distinct and ascending
        PerformanceProfile v1 = PerformanceProfile.fromBytes(binary(1, out -> {
            out.writeInt(2);
            out.writeDouble(-0.0).writeLong(1).writeLong(0).writeLong(1).writeLong(0);
            out.writeDouble(0.0).writeLong(0).writeLong(1).writeLong(0).writeLong(1);
        }));
        assertThat(v1.metrics().get("auc_roc")).isEqualTo(0.0);
        assertThat(PerformanceProfile.fromBytes(v1.toBytes())
                        .scores()
                        .orElseThrow()
                        .score(0))
                .isEqualTo(-0.0);
    }

    @Test
    void corruptBucketsAreRejected() {
        int k = ScoreHistogram.key(0.5);
        assertCorrupt(binary(2, v2(k, 1, 0, 1, 0, 0, 1, 0, 1, 0)), "score buckets are not ascending at bucket 1");
        assertCorrupt(
                binary(2, v2(k, 2, 1, 1, 0)),
                "score bucket 0 counts do not add up: 2 positive and 1 negative of 1 predicted positive and 0"
                        + " predicted negative rows");
        assertCorrupt(
                binary(2, v2(k, 0, 0, 0, 0)),
                "score bucket 0 counts do not add up: 0 positive and 0 negative of 0 predicted positive and 0"
                        + " predicted negative rows");
        assertCorrupt(
                binary(2, v2(k, 21, 0, 21, 0)),
                "score buckets count more positive or negative actuals than the confusion counts (20 positive, 20"
                        + " negative)");
        assertCorrupt(
                binary(2, v2(ScoreHistogram.MAX_KEY + 1L, 0, 0, 1, 0)),
                "score bucket key " + (ScoreHistogram.MAX_KEY + 1) + " is not the key of a finite score");
        assertCorrupt(
                binary(2, v2(ScoreHistogram.MAX_KEY, 0, 0, 1, 0, 1, 0, 0, 1, 0)),
                "score bucket 1 is beyond the largest finite score");
        assertCorrupt(
                binary(2, out -> out.writeVarLong(Integer.MAX_VALUE + 1L)), "score buckets is too large (2147483648)");
        assertCorrupt(
                binary(1, out -> {
                    out.writeInt(2);
                    out.writeDouble(0.5).writeLong(1).writeLong(0).writeLong(1).writeLong(0);
                    out.writeDouble(0.25).writeLong(0).writeLong(1).writeLong(0).writeLong(1);
                }),
                "score buckets are not ascending at bucket 1");
        assertCorrupt(
                binary(1, out -> {
                    out.writeInt(1);
                    out.writeDouble(0.3).writeLong(1).writeLong(0).writeLong(1).writeLong(0);
                }),
                "score bucket 0 (0.3) is not the bucket of a finite score");
        assertThatThrownBy(() -> PerformanceProfile.fromBytes(binary(2, out -> out.writeVarLong(3))))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith("truncated performance profile: score buckets needs 15 bytes");
    }
}
