package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation watermark over a real (H2) metastore: where the gap of stored, unevaluated serving windows starts and
 * ends, that an evaluation never moves the watermark back nor over a gap, and the cap of a catch-up.
 */
class EvaluationWatermarkTest {
    private static final Instant T0 = Instant.parse("2026-02-02T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private Metastore store;
    private EvaluationWatermark watermark;
    private final ModelVersion v = new ModelVersion(
            "m",
            "v1",
            ModelType.BINARY,
            AggregationPeriod.HOURLY,
            Schema.builder()
                    .feature("a", FieldType.numeric())
                    .prediction("p", FieldType.numeric())
                    .build());

    @BeforeEach
    void open(@TempDir Path dir) {
        store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC());
        store.models().upsert(new Model("m", "M"));
        store.versions().upsert(v);
        watermark = new EvaluationWatermark(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Stores hours [{@code first}, {@code first + n}) of serving, as a run's batch does (serving watermark included). */
    private void storeHours(int first, int n) {
        List<Instant> starts = new ArrayList<>();
        List<StoredProfile> profiles = new ArrayList<>();
        for (int h = first; h < first + n; h++) {
            Instant start = hour(h);
            starts.add(start);
            DatasetProfile rows = new DatasetProfile();
            rows.addRows(1);
            profiles.add(new StoredProfile(start, start.plus(HOUR), "", "", rows.toBytes()));
        }
        store.profiles().replaceWindows("m", "v1", "serving", starts, profiles, Optional.of(hour(first + n)));
    }

    private static Instant hour(int h) {
        return T0.plus(HOUR.multipliedBy(h));
    }

    @Test
    void nothingStoredIsNoGap() {
        assertThat(watermark.gapStart(v)).isEmpty();
        assertThat(watermark.gap(v)).isEmpty();
    }

    @Test
    void aVersionNeverEvaluatedHasAGapFromItsFirstStoredWindow() {
        storeHours(3, 4);
        assertThat(watermark.gap(v)).contains(new EvaluationWatermark.Gap(hour(3), hour(7)));
    }

    @Test
    void theWatermarkNeverMovesBackNorOverAGap() {
        storeHours(0, 10);
        watermark.evaluated(v, hour(0), hour(4));
        assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(hour(4));
        assertThat(watermark.gap(v)).contains(new EvaluationWatermark.Gap(hour(4), hour(10)));

        watermark.evaluated(v, hour(1), hour(3)); // a backfill of evaluated windows
        assertThat(store.profiles().evaluatedUpTo("m", "v1")).as("never back").contains(hour(4));

        watermark.evaluated(v, hour(6), hour(10)); // the next run's pass, after a crash left hours 4 and 5
        assertThat(store.profiles().evaluatedUpTo("m", "v1"))
                .as("hours 4 and 5 are not evaluated: the watermark does not jump over them")
                .contains(hour(4));

        watermark.evaluated(v, hour(3), hour(10)); // the catch-up
        assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(hour(10));
        assertThat(watermark.gap(v)).isEmpty();
    }

    @Test
    void aWatermarkBeforeTheFirstStoredWindowCountsFromThatWindow() {
        storeHours(0, 2);
        watermark.evaluated(v, hour(0), hour(2));
        store.versions().delete("m", "v1");
        store.versions().upsert(v);
        store.profiles().advanceEvaluated("m", "v1", hour(2));
        storeHours(5, 3); // hours before 5 are gone: a pass, cut to the stored windows, starts at 5
        assertThat(watermark.gap(v)).contains(new EvaluationWatermark.Gap(hour(5), hour(8)));
        watermark.evaluated(v, hour(5), hour(8));
        assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(hour(8));
    }

    @Test
    void aCatchUpEvaluatesAtMostItsCapOldestFirst() {
        int cap = EvaluationWatermark.CATCH_UP_WINDOWS;
        storeHours(0, 1);
        watermark.evaluated(v, hour(0), hour(1));
        storeHours(1, cap + 5);
        assertThat(watermark.gap(v)).contains(new EvaluationWatermark.Gap(hour(1), hour(1 + cap)));
        watermark.evaluated(v, hour(1), hour(1 + cap));
        assertThat(watermark.gap(v)).contains(new EvaluationWatermark.Gap(hour(1 + cap), hour(6 + cap)));
    }
}
