package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlicesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private static List<Window> hours(int n) {
        return Window.cover(T0, T0.plusSeconds(3600L * n), AggregationPeriod.HOURLY);
    }

    @Test
    void slicesCoverTheWindowsWithoutGapsOrOverlap() {
        List<Window> slices = SourceFrames.slices(hours(25), 4);
        // ceil(25 / 4) = 7 windows a slice: 7 + 7 + 7 + 4
        assertThat(slices)
                .containsExactly(
                        new Window(T0, T0.plusSeconds(7 * 3600)),
                        new Window(T0.plusSeconds(7 * 3600), T0.plusSeconds(14 * 3600)),
                        new Window(T0.plusSeconds(14 * 3600), T0.plusSeconds(21 * 3600)),
                        new Window(T0.plusSeconds(21 * 3600), T0.plusSeconds(25 * 3600)));
    }

    @Test
    void aGapEndsASliceSoNoWindowOutsideTheListIsRead() {
        List<Window> all = hours(10);
        // hours 0, 1, 2, 5, 6, 9: the windows late actuals touched
        List<Window> sparse = List.of(all.get(0), all.get(1), all.get(2), all.get(5), all.get(6), all.get(9));
        assertThat(SourceFrames.slices(sparse, 2))
                .containsExactly(
                        new Window(T0, T0.plusSeconds(3 * 3600)),
                        new Window(T0.plusSeconds(5 * 3600), T0.plusSeconds(7 * 3600)),
                        new Window(T0.plusSeconds(9 * 3600), T0.plusSeconds(10 * 3600)));
    }

    @Test
    void fewerWindowsThanPartitionsGiveOneSliceEach() {
        assertThat(SourceFrames.slices(hours(3), 8)).isEqualTo(hours(3));
    }
}
