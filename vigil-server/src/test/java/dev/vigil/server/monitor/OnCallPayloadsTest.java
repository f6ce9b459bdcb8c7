package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The mappings and limits of the on-call payloads (decision 0023). */
class OnCallPayloadsTest {
    @Test
    void severitiesMapToEachServicesScale() {
        assertThat(OnCallPayloads.pagerDutySeverity("high")).isEqualTo("critical");
        assertThat(OnCallPayloads.pagerDutySeverity("medium")).isEqualTo("error");
        assertThat(OnCallPayloads.pagerDutySeverity("low")).isEqualTo("warning");
        assertThat(OnCallPayloads.opsgeniePriority("high")).isEqualTo("P1");
        assertThat(OnCallPayloads.opsgeniePriority("medium")).isEqualTo("P3");
        assertThat(OnCallPayloads.opsgeniePriority("low")).isEqualTo("P4");
    }

    @Test
    void aCutTextEndsWithAnEllipsisAndNeverSplitsACharacter() {
        assertThat(OnCallPayloads.truncate("short", 130)).isEqualTo("short");
        assertThat(OnCallPayloads.truncate("abcdef", 4)).isEqualTo("abc…");
        String emoji = "\uD83D\uDE80"; // one character, two UTF-16 units
        assertThat(OnCallPayloads.truncate("ab" + emoji + "cdef", 4))
                .as("the rocket would be cut in half at 3 units: it goes whole")
                .isEqualTo("ab…");
        assertThat(OnCallPayloads.truncate("a" + emoji + "cdef", 4)).isEqualTo("a" + emoji + "…");
    }
}
