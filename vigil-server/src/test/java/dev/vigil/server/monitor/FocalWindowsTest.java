package dev.vigil.server.monitor;

import static dev.vigil.server.monitor.Monitors.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.Granularity;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.server.monitor.FocalWindows.Range;
import dev.vigil.server.monitor.FocalWindows.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Focal windows by hand: 2026-03-09 is a Monday, so 2026-03-11 a Wednesday and 2026-03-16 the next Monday. */
class FocalWindowsTest {
    private static final Monitor HOURLY = monitor(MonitorType.MODEL_ACTIVITY, List.of(), Duration.ofHours(1));
    private static final Monitor DAILY = monitor(MonitorType.MODEL_ACTIVITY, List.of(), Duration.ofDays(1));
    private static final Monitor WEEKLY = monitor(MonitorType.MODEL_ACTIVITY, List.of(), Duration.ofDays(7));

    private static Window window(String start, String end) {
        return new Window(Instant.parse(start), Instant.parse(end));
    }

    private static Range range(String from, String to, String watermark) {
        return new Range(Instant.parse(from), Instant.parse(to), Instant.parse(watermark));
    }

    @Test
    void anHourADayOrElseAWeek() {
        assertThat(FocalWindows.granularity(HOURLY)).isEqualTo(Granularity.HOUR);
        assertThat(FocalWindows.granularity(DAILY)).isEqualTo(Granularity.DAY);
        assertThat(FocalWindows.granularity(WEEKLY)).isEqualTo(Granularity.WEEK);
    }

    @Test
    void aPassEvaluatesTheCompleteWindowsThatOverlapItsRange() {
        assertThat(FocalWindows.complete(
                        HOURLY, range("2026-03-13T10:30:00Z", "2026-03-13T13:00:00Z", "2026-03-13T13:00:00Z")))
                .containsExactly(
                        window("2026-03-13T10:00:00Z", "2026-03-13T11:00:00Z"),
                        window("2026-03-13T11:00:00Z", "2026-03-13T12:00:00Z"),
                        window("2026-03-13T12:00:00Z", "2026-03-13T13:00:00Z"));
        assertThat(FocalWindows.complete(
                        DAILY, range("2026-03-11T05:00:00Z", "2026-03-13T12:00:00Z", "2026-03-13T12:00:00Z")))
                .as("the day of 13 March ends after the watermark")
                .containsExactly(
                        window("2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z"),
                        window("2026-03-12T00:00:00Z", "2026-03-13T00:00:00Z"));
        assertThat(FocalWindows.complete(
                        WEEKLY, range("2026-03-11T05:00:00Z", "2026-03-20T00:00:00Z", "2026-03-20T00:00:00Z")))
                .as("ISO weeks from Monday; the week of 16 March is not over")
                .containsExactly(window("2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"));
        assertThat(FocalWindows.complete(
                        DAILY, range("2026-03-13T02:00:00Z", "2026-03-13T12:00:00Z", "2026-03-13T12:00:00Z")))
                .isEmpty();
    }

    @Test
    void aTickEvaluatesTheWindowThatClosedLast() {
        Instant now = Instant.parse("2026-03-13T10:17:00Z");
        assertThat(FocalWindows.lastClosed(HOURLY, now))
                .isEqualTo(window("2026-03-13T09:00:00Z", "2026-03-13T10:00:00Z"));
        assertThat(FocalWindows.lastClosed(DAILY, now))
                .isEqualTo(window("2026-03-12T00:00:00Z", "2026-03-13T00:00:00Z"));
        assertThat(FocalWindows.lastClosed(WEEKLY, Instant.parse("2026-03-11T05:00:00Z")))
                .isEqualTo(window("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"));
    }

    @Test
    void aHistoryIsTheWindowsOneAfterTheOther() {
        assertThat(FocalWindows.between(
                        HOURLY, Instant.parse("2026-03-13T07:00:00Z"), Instant.parse("2026-03-13T10:00:00Z")))
                .containsExactly(
                        window("2026-03-13T07:00:00Z", "2026-03-13T08:00:00Z"),
                        window("2026-03-13T08:00:00Z", "2026-03-13T09:00:00Z"),
                        window("2026-03-13T09:00:00Z", "2026-03-13T10:00:00Z"));
        assertThat(FocalWindows.between(
                        DAILY, Instant.parse("2026-03-10T00:00:00Z"), Instant.parse("2026-03-10T00:00:00Z")))
                .isEmpty();
    }
}
