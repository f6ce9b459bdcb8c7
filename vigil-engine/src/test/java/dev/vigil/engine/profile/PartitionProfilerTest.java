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
}
