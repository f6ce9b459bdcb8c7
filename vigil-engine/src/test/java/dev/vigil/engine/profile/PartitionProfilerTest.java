package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * A partition's profiles per window and segment against sums computed here from the rows: rows whose windows and
 * segment values interleave (the profiler keeps the last window at hand and remembers segment keys by value), and
 * the same rows split over partitions and merged on the driver ({@link PartialMerger}).
 */
class PartitionProfilerTest {
    private static final Instant FIRST = Instant.parse("2026-02-02T10:00:00Z");
    private static final String[] VALUES = {"web", "app", "store", null};
    private static final ProfilePlan PLAN = new ProfilePlan(
            0,
            1,
            3600,
            List.of(
                    new ProfilePlan.FieldPlan("x", 2, Kind.NUMERIC, List.of()),
                    new ProfilePlan.FieldPlan("owner", 3, Kind.STRING, List.of())),
            List.of(new ProfilePlan.SegmentPlan("owner", 3, Kind.STRING, List.of(), false)));

    /** Row i: id i, in hour (i * 7) % 3 (the hours interleave), x = i, owner VALUES[(i * 5) % 4]. */
    private static List<Row> rows(int from, int to) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(RowFactory.create(
                    (long) i,
                    java.sql.Timestamp.from(FIRST.plusSeconds(3600L * ((i * 7) % 3) + i)),
                    (double) i,
                    value(i)));
        }
        return rows;
    }

    private static String value(int i) {
        return VALUES[(i * 5) % 4];
    }

    private static PartitionProfiler.Counters counters() {
        return new PartitionProfiler.Counters(
                new LongAccumulator(), new LongAccumulator(), new LongAccumulator(), new LongAccumulator());
    }

    private static List<PartialProfile> profile(Iterator<Row> rows) {
        List<PartialProfile> out = new ArrayList<>();
        new PartitionProfiler(PLAN, counters()).call(0, rows).forEachRemaining(out::add);
        return out;
    }

    /** The count and sum of x per "window|segment", computed from the rows. */
    private static Map<String, double[]> expected(int n) {
        Map<String, double[]> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long window = FIRST.getEpochSecond() + 3600L * ((i * 7) % 3);
            for (String segment : value(i) == null ? List.of("") : List.of("", "owner=" + value(i))) {
                double[] e = out.computeIfAbsent(window + "|" + segment, k -> new double[2]);
                e[0]++;
                e[1] += i;
            }
        }
        return out;
    }

    /** The count and sum of x per "window|segment" the profiles hold; the dataset profiles' rows must agree. */
    private static Map<String, double[]> actual(List<PartialProfile> profiles) {
        Map<String, double[]> out = new TreeMap<>();
        Map<String, Long> rows = new TreeMap<>();
        for (PartialProfile p : profiles) {
            String key = p.windowStart() + "|" + p.segment();
            if (p.field().equals("x")) {
                Map<String, Double> m = FieldProfile.fromBytes(p.bytes()).metrics();
                out.put(key, new double[] {m.get("count"), m.get("sum")});
            } else if (p.field().isEmpty()) {
                rows.put(key, DatasetProfile.fromBytes(p.bytes()).rows());
            }
        }
        out.forEach((key, e) -> assertThat(rows.get(key)).as(key + ": rows").isEqualTo((long) e[0]));
        return out;
    }

    @Test
    void interleavedWindowsAndSegmentValuesGoWhereTheirRowsSay() {
        Map<String, double[]> actual = actual(profile(rows(0, 1000).iterator()));
        Map<String, double[]> expected = expected(1000);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(actual.keySet()).hasSize(3 * 4);
        expected.forEach((key, e) -> assertThat(actual.get(key)).as(key).containsExactly(e));
    }

    @Test
    void partialsOfOneWindowFromSeveralPartitionsMergeIntoTheWholeOnTheDriver() {
        List<PartialProfile> partials = new ArrayList<>();
        partials.addAll(profile(rows(0, 300).iterator()));
        partials.addAll(profile(rows(300, 700).iterator()));
        partials.addAll(profile(rows(700, 1000).iterator()));
        List<Window> windows = List.of(
                new Window(FIRST, FIRST.plusSeconds(3600)),
                new Window(FIRST.plusSeconds(3600), FIRST.plusSeconds(7200)),
                new Window(FIRST.plusSeconds(7200), FIRST.plusSeconds(10800)));
        Map<Instant, List<PartialProfile>> merged = PartialMerger.merge(partials, windows);
        assertThat(merged).hasSize(3);
        List<PartialProfile> all = new ArrayList<>();
        merged.values().forEach(all::addAll);
        assertThat(all)
                .as("one profile per window, segment and field: dataset, x and owner of 4 segments")
                .hasSize(3 * 4 * 3);
        Map<String, double[]> actual = actual(all);
        expected(1000).forEach((key, e) -> assertThat(actual.get(key)).as(key).containsExactly(e));
    }

    /**
     * Each problem a row can have is counted under its field (or the id or timestamp column) and reason, once per row;
     * two partitions' counts add up on the driver's accumulator. Expected counts are listed per row below.
     */
    @Test
    void problemsAreCountedByFieldAndReason() {
        ProfilePlan plan = new ProfilePlan(
                0,
                1,
                3600,
                List.of(
                        new ProfilePlan.FieldPlan("emb", 2, Kind.EMBEDDING, List.of(4)),
                        new ProfilePlan.FieldPlan("x", 3, Kind.NUMERIC, List.of()),
                        new ProfilePlan.FieldPlan("name", 4, Kind.STRING, List.of())),
                List.of());
        java.sql.Timestamp t = java.sql.Timestamp.from(FIRST);
        List<Double> ok = List.of(1.0, 2.0, 3.0, 4.0);
        String longName = "n".repeat(FieldProfile.LONG_VALUE_CHARS + 1);
        List<Row> first = List.of(
                RowFactory.create(1L, t, ok, 1.0, "a"), // no problem
                RowFactory.create(2L, t, List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), 1.0, "a"), // emb: 6 values
                RowFactory.create(3L, t, List.of(1.0, 2.0, 3.0), Double.POSITIVE_INFINITY, "a"), // 3 values; x infinite
                RowFactory.create(
                        4L, t, java.util.Arrays.asList(1.0, null, 3.0, 4.0), "abc", "a")); // NULL element; x text
        List<Row> second = List.of(
                RowFactory.create(5L, t, "not a vector", 1.0, longName), // emb a string; name too long
                RowFactory.create(null, t, ok, 1.0, "a"), // no id
                RowFactory.create(1L, t, ok, 1.0, "a"), // ids are checked per partition's window: not a repeat yet
                RowFactory.create(1L, t, ok, 1.0, "a"), // id 1 again in this partition: a duplicate
                RowFactory.create(8L, null, ok, 1.0, "a")); // no timestamp
        PartitionProfiler.Counters counters = counters();
        PartitionProfiler.Names names = new PartitionProfiler.Names("event_id", "ts");
        new PartitionProfiler(plan, counters, 10, names).call(0, first.iterator());
        new PartitionProfiler(plan, counters, 10, names).call(1, second.iterator());

        Map<String, Long> expected = new TreeMap<>(Map.of(
                "emb: wrong_dimensions", 2L,
                "emb: non_finite", 1L,
                "emb: type_mismatch", 1L,
                "x: non_finite", 1L,
                "x: type_mismatch", 1L,
                "name: too_long", 1L,
                "event_id: null_id", 1L,
                "event_id: duplicate_id", 1L,
                "ts: null_timestamp", 1L));
        ProblemCounts problems = counters.problems().value();
        assertThat(problems.counts()).containsExactlyEntriesOf(expected);
        assertThat(counters.rowsWithProblems().value())
                .as("rows 2, 3, 4 of the first partition; 5, the null id, the repeat and the null timestamp")
                .isEqualTo(7);
        assertThat(problems.describe())
                .isEqualTo(
                        "emb: wrong_dimensions 2 (3 to 6 values, 4 declared), emb: non_finite 1, emb: type_mismatch 1,"
                                + " event_id: duplicate_id 1, event_id: null_id 1, name: too_long 1, ts: null_timestamp 1,"
                                + " x: non_finite 1, x: type_mismatch 1");
    }

    @Test
    void oneLengthIsNamedAlone() {
        ProblemCounts counts = new ProblemCounts();
        for (int i = 0; i < 960; i++) {
            counts.addWrongDimensions("embeddings", 768, 512);
        }
        assertThat(counts.describe()).isEqualTo("embeddings: wrong_dimensions 960 (768 values, 512 declared)");
    }
}
