package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.stats.SampleProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * The window sample on a partition: one {@code #sample} per window of all its rows (none per segment), values
 * coerced as the fields' kinds read them, and the same rows split over partitions merging to the same bytes.
 */
class SampleRowsTest {
    private static final Instant FIRST = Instant.parse("2026-02-02T10:00:00Z");

    private static final List<ProfilePlan.FieldPlan> FIELDS = List.of(
            new ProfilePlan.FieldPlan("x", 2, Kind.NUMERIC, List.of()),
            new ProfilePlan.FieldPlan("owner", 3, Kind.STRING, List.of()),
            new ProfilePlan.FieldPlan("flag", 4, Kind.BOOLEAN, List.of()),
            new ProfilePlan.FieldPlan("note", 5, Kind.TEXT, List.of()),
            new ProfilePlan.FieldPlan("emb", 6, Kind.EMBEDDING, List.of(2)));

    private static final ProfilePlan PLAN = new ProfilePlan(
            0,
            1,
            3600,
            FIELDS,
            List.of(new ProfilePlan.SegmentPlan("owner", 3, Kind.STRING, List.of(), false)),
            List.of(),
            new ProfilePlan.SamplePlan(50, 10, SampleRows.columns(FIELDS)));

    /** Row i: id i, hour i % 2, x = i ("bad" for i % 9 == 0), owner a/b, flag, note, emb [i, -i] (null every 4th). */
    private static List<Row> rows(int from, int to) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(RowFactory.create(
                    (long) i,
                    java.sql.Timestamp.from(FIRST.plusSeconds(3600L * (i % 2) + i)),
                    i % 9 == 0 ? (Object) "bad" : (Object) (double) i,
                    i % 3 == 0 ? "a" : "b",
                    i % 2 == 0,
                    "text",
                    i % 4 == 0 ? null : List.of((double) i, (double) -i)));
        }
        return rows;
    }

    private static List<PartialProfile> samples(List<Row> rows) {
        List<PartialProfile> out = new ArrayList<>();
        new PartitionProfiler(
                        PLAN,
                        new PartitionProfiler.Counters(
                                new LongAccumulator(),
                                new LongAccumulator(),
                                new LongAccumulator(),
                                new LongAccumulator()))
                .call(0, rows.iterator())
                .forEachRemaining(p -> {
                    if (p.field().equals(SampleProfile.FIELD)) {
                        out.add(p);
                    }
                });
        return out;
    }

    @Test
    void theTextFieldIsNotSampledAndColumnsAreSortedByName() {
        assertThat(SampleRows.columns(FIELDS))
                .extracting(ProfilePlan.SampleColumn::name)
                .containsExactly("emb", "flag", "owner", "x");
    }

    @Test
    void oneSamplePerWindowOfAllItsRows() {
        List<PartialProfile> samples = samples(rows(0, 300));
        assertThat(samples).hasSize(2).allMatch(p -> p.segment().isEmpty());
        for (PartialProfile p : samples) {
            SampleProfile s = SampleProfile.fromBytes(p.bytes());
            assertThat(s.rowsSeen()).isEqualTo(150);
            assertThat(s.size()).isEqualTo(50);
            double[][] m = s.numericMatrix(List.of("flag", "x"));
            List<String> owners = s.categories("owner");
            for (int r = 0; r < m.length; r++) {
                if (Double.isNaN(m[r][1])) {
                    continue; // "bad": a type mismatch is missing here
                }
                int i = (int) m[r][1];
                assertThat(i % 2)
                        .as("row %d in its window", i)
                        .isEqualTo((p.windowStart() - FIRST.getEpochSecond()) / 3600);
                assertThat(m[r][0]).isEqualTo(i % 2 == 0 ? 1.0 : 0.0);
                assertThat(owners.get(r)).isEqualTo(i % 3 == 0 ? "a" : "b");
            }
            double[][] vectors = s.vectors("emb");
            assertThat(vectors.length).isBetween(1, 10);
            for (double[] v : vectors) {
                assertThat(v[1]).isEqualTo(-v[0]);
            }
        }
    }

    @Test
    void partitionsMergeToTheSampleOfTheWhole() {
        List<PartialProfile> parts = new ArrayList<>(samples(rows(0, 130)));
        parts.addAll(samples(rows(130, 300)));
        var windows = List.of(
                new Window(FIRST, FIRST.plusSeconds(3600)),
                new Window(FIRST.plusSeconds(3600), FIRST.plusSeconds(7200)));
        var merged = PartialMerger.merge(parts, windows);
        List<PartialProfile> whole = samples(rows(0, 300));
        for (PartialProfile w : whole) {
            PartialProfile m =
                    merged.get(Instant.ofEpochSecond(w.windowStart())).get(0);
            assertThat(m.bytes()).isEqualTo(w.bytes());
        }
    }
}
