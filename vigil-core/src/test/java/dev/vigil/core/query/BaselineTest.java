package dev.vigil.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a drift baseline is read from what a user writes, and how a mistake in it is said. */
class BaselineTest {
    @Test
    void aServingPeriodIsReadAsTwoInstants() {
        Baseline b = Baseline.parse("2026-01-01T00:00:00Z/2026-01-08T00:00:00Z");
        assertThat(b.from()).contains(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(b.to()).contains(Instant.parse("2026-01-08T00:00:00Z"));
        assertThat(b.reference()).isEmpty();
    }

    @Test
    void aReversedOrEmptyPeriodSaysThatToMustComeAfterFrom() {
        assertThatThrownBy(() -> Baseline.parse("2026-01-08T00:00:00Z/2026-01-01T00:00:00Z"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("baseline: to 2026-01-01T00:00:00Z must be after from 2026-01-08T00:00:00Z");
        assertThatThrownBy(() -> Baseline.parse("2026-01-08T00:00:00Z/2026-01-08T00:00:00Z"))
                .hasMessage("baseline: to 2026-01-08T00:00:00Z must be after from 2026-01-08T00:00:00Z");
    }

    @Test
    void somethingElseGetsTheListOfWhatIsExpected() {
        assertThatThrownBy(() -> Baseline.parse("2026-01-01/2026-01-08"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("baseline: expected training, testing, previous or a serving period FROM/TO (e.g."
                        + " 2026-01-01T00:00:00Z/2026-01-08T00:00:00Z), got '2026-01-01/2026-01-08'");
    }
}
