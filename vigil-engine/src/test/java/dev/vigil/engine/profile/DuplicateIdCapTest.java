package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.stats.DatasetProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/** The ids remembered per window to find duplicates are capped; the rows past the cap are counted, not checked. */
class DuplicateIdCapTest {
    private static final Instant HOUR = Instant.parse("2026-02-02T10:00:00Z");

    private static PartitionProfiler.Counters counters() {
        return new PartitionProfiler.Counters(
                new LongAccumulator(), new LongAccumulator(), new LongAccumulator(), new LongAccumulator());
    }

    /** The dataset profile of the one window of {@code ids}, profiled with at most {@code cap} ids remembered. */
    private static DatasetProfile profile(int cap, PartitionProfiler.Counters counters, Object... ids) {
        ProfilePlan plan = new ProfilePlan(0, 1, 3600, List.of(), List.of());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            rows.add(RowFactory.create(ids[i], HOUR.plusSeconds(i)));
        }
        List<PartialProfile> out = new ArrayList<>();
        new PartitionProfiler(plan, counters, cap).call(0, rows.iterator()).forEachRemaining(out::add);
        assertThat(out).singleElement().extracting(PartialProfile::field).isEqualTo("");
        return DatasetProfile.fromBytes(out.get(0).bytes());
    }

    @Test
    void exactlyAtTheCapEveryDuplicateIsFound() {
        PartitionProfiler.Counters counters = counters();
        DatasetProfile p = profile(3, counters, 1L, 2L, 3L, 3L, 1L, 2L);
        assertThat(p.rows()).isEqualTo(6);
        assertThat(p.duplicateIdCount()).isEqualTo(3);
        assertThat(counters.uncheckedIds().value()).isZero();
        assertThat(counters.rowsWithProblems().value()).isEqualTo(3);
    }

    @Test
    void pastTheCapOnlyRepeatsOfRememberedIdsAreFoundAndTheOtherRowsAreCounted() {
        PartitionProfiler.Counters counters = counters();
        // 1, 2, 3 remembered; 4 and 5 arrive past the cap: neither 4 nor its repeat is checked, 1's repeat is found
        DatasetProfile p = profile(3, counters, 1L, 2L, 3L, 4L, 4L, 1L, 5L, (Object) null);
        assertThat(p.rows()).isEqualTo(8);
        assertThat(p.duplicateIdCount()).isEqualTo(1);
        assertThat(p.nullIdCount()).isEqualTo(1);
        assertThat(counters.uncheckedIds().value()).isEqualTo(3);
        assertThat(counters.rowsWithProblems().value())
                .as("the repeat of 1 and the null id")
                .isEqualTo(2);
    }

    @Test
    void theDefaultCapIsAMillionIdsPerWindow() {
        assertThat(PartitionProfiler.MAX_TRACKED_IDS).isEqualTo(1_000_000);
        PartitionProfiler.Counters counters = counters();
        Object[] ids = Stream.concat(
                        Stream.iterate(0L, i -> i + 1).limit(1_000_000), Stream.of(999_999L, 1_000_000L, 1_000_000L))
                .toArray();
        ProfilePlan plan = new ProfilePlan(0, 1, 86_400 * 30L, List.of(), List.of());
        List<Row> rows = new ArrayList<>(ids.length);
        for (Object id : ids) {
            rows.add(RowFactory.create(id, HOUR));
        }
        List<PartialProfile> out = new ArrayList<>();
        new PartitionProfiler(plan, counters).call(0, rows.iterator()).forEachRemaining(out::add);
        DatasetProfile p = DatasetProfile.fromBytes(out.get(0).bytes());
        assertThat(p.duplicateIdCount()).isEqualTo(1);
        assertThat(counters.uncheckedIds().value()).isEqualTo(2);
    }
}
