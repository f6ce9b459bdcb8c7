package dev.vigil.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Granularity;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageRangeTest {
    private static final Instant LAST = Instant.parse("2026-03-14T00:00:00Z");

    private static PageRange of(String from, String to, String granularity) {
        return PageRange.of(
                Optional.ofNullable(from).map(Instant::parse),
                Optional.ofNullable(to).map(Instant::parse),
                Optional.ofNullable(granularity),
                LAST,
                Optional.empty());
    }

    private static PageRange withDataFrom(String firstStart, String to) {
        return PageRange.of(
                Optional.empty(),
                Optional.ofNullable(to).map(Instant::parse),
                Optional.empty(),
                LAST,
                Optional.of(Instant.parse(firstStart)));
    }

    @Test
    void withoutARangeAPageShowsTheLastWeekByHour() {
        assertThat(of(null, null, null))
                .isEqualTo(new PageRange(Instant.parse("2026-03-07T00:00:00Z"), LAST, Granularity.HOUR));
    }

    @Test
    void withoutARangeAPageStartsAtTheFirstStoredWindowWhenTheDataIsShorterThanAWeek() {
        assertThat(withDataFrom("2026-03-10T00:00:00Z", null))
                .as("four days of data: those four days, not three empty ones before them")
                .isEqualTo(new PageRange(Instant.parse("2026-03-10T00:00:00Z"), LAST, Granularity.HOUR));
        assertThat(withDataFrom("2026-01-01T00:00:00Z", null).from())
                .as("more than a week of data: the last week")
                .isEqualTo(Instant.parse("2026-03-07T00:00:00Z"));
        assertThat(withDataFrom("2026-03-10T00:00:00Z", "2026-03-09T00:00:00Z").from())
                .as("an asked end before the data: the week before it, not an empty or backward range")
                .isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(withDataFrom("2026-03-10T00:00:00Z", "2026-03-12T00:00:00Z").from())
                .isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
    }

    @Test
    void hoursUpToEightDaysAndDaysBeyond() {
        assertThat(of("2026-03-06T00:00:00Z", null, null).granularity()).isEqualTo(Granularity.HOUR);
        assertThat(of("2026-03-05T23:00:00Z", null, null).granularity()).isEqualTo(Granularity.DAY);
        assertThat(of("2020-01-01T00:00:00Z", null, "all").granularity()).isEqualTo(Granularity.ALL);
    }

    @Test
    void theAskedEndWinsOverTheLastWindow() {
        PageRange range = of(null, "2026-03-12T00:00:00Z", "day");
        assertThat(range.from()).isEqualTo(Instant.parse("2026-03-05T00:00:00Z"));
        assertThat(range.query()).isEqualTo("?from=2026-03-05T00:00:00Z&to=2026-03-12T00:00:00Z&granularity=day");
    }

    @Test
    void moreThanTwoThousandPointsAreRefusedInOneSentence() {
        assertThat(of("2026-01-01T00:00:00Z", "2026-03-25T08:00:00Z", "hour").granularity())
                .as("exactly 2000 hours")
                .isEqualTo(Granularity.HOUR);
        assertThatThrownBy(() -> of("2026-01-01T00:00:00Z", "2026-03-25T09:00:00Z", "hour"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("granularity: hour from 2026-01-01T00:00:00Z to 2026-03-25T09:00:00Z makes 2001 points,"
                        + " more than 2000; pick a coarser granularity or a shorter range");
    }

    @Test
    void anEmptyOrBackwardRangeIsRefused() {
        assertThatThrownBy(() -> of("2026-03-14T00:00:00Z", null, null))
                .hasMessage("to: 2026-03-14T00:00:00Z must be after from 2026-03-14T00:00:00Z");
    }

    @Test
    void instantsOutsideTheYearsAChartCanDrawAreRefused() {
        assertThat(PageRange.bounded(Instant.parse("1970-01-01T00:00:00Z"), "from"))
                .isEqualTo(Instant.parse("1970-01-01T00:00:00Z"));
        assertThatThrownBy(() -> PageRange.bounded(Instant.parse("1969-12-31T23:59:59Z"), "from"))
                .hasMessage("from: expected an instant between 1970 and 9999, got 1969-12-31T23:59:59Z");
        assertThatThrownBy(() -> of(null, "+10000-01-01T00:00:00Z", null))
                .hasMessage("to: expected an instant between 1970 and 9999, got +10000-01-01T00:00:00Z");
    }
}
