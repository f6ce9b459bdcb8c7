package dev.vigil.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

    // Expected instants worked out by hand from a calendar (2026-03-08 is a Sunday).
    @ParameterizedTest
    @CsvSource({
        "'*/5 * * * *',   2026-03-08T10:02:30Z, 2026-03-08T10:05:00Z",
        "'*/5 * * * *',   2026-03-08T10:05:00Z, 2026-03-08T10:10:00Z",
        "'10 * * * *',    2026-03-08T10:10:00Z, 2026-03-08T11:10:00Z",
        "'0 2 * * *',     2026-03-08T03:00:00Z, 2026-03-09T02:00:00Z",
        "'0 0 1 * *',     2026-03-08T00:00:00Z, 2026-04-01T00:00:00Z",
        "'30 9 * * 1-5',  2026-03-06T10:00:00Z, 2026-03-09T09:30:00Z",
        "'0 0 * * 7',     2026-03-08T00:00:00Z, 2026-03-15T00:00:00Z",
        "'0 0 29 2 *',    2026-03-01T00:00:00Z, 2028-02-29T00:00:00Z",
        "'0 12 13 * 5',   2026-03-08T00:00:00Z, 2026-03-13T12:00:00Z",
        "'0-30/15 8 * * *', 2026-03-08T08:16:00Z, 2026-03-08T08:30:00Z"
    })
    void nextMatchesCrontab(String expression, Instant after, Instant next) {
        assertThat(new CronSchedule(expression).next(after)).contains(next);
    }

    @ParameterizedTest
    @CsvSource({
        "'* * * *', 'serving.schedule: ''* * * *'' has 4 fields (expected 5: minute hour day-of-month month day-of-week)'",
        "'61 * * * *', 'serving.schedule: ''61 * * * *'': the minute field has ''61'' (expected *, a number 0-59, a range a-b, a list a,b or a step */n)'",
        "'* * * 5-2 *', 'serving.schedule: ''* * * 5-2 *'': the month field has ''5-2'' (expected *, a number 1-12, a range a-b, a list a,b or a step */n)'"
    })
    void aBadExpressionNamesItsKeyAndField(String expression, String message) {
        assertThatThrownBy(() -> CronSchedule.of(expression, "serving.schedule"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(message);
    }
}
