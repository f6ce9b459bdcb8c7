package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.VigilArgumentException;
import org.junit.jupiter.api.Test;

class RunFailuresTest {
    private static final String DOING = "profiling windows 2026-02-02T00:00:00Z to 2026-02-03T00:00:00Z";

    @Test
    void everyThrowableGetsOneSentenceNamingWhatTheRunWasDoing() {
        assertThat(RunFailures.reason(new OutOfMemoryError("Java heap space"), DOING))
                .isEqualTo("the run ran out of memory (OutOfMemoryError) while " + DOING
                        + "; give the server more heap (-Xmx in VIGIL_JAVA_OPTS) or run a shorter range");
        assertThat(RunFailures.reason(new StackOverflowError(), DOING))
                .isEqualTo("the run ran out of stack (StackOverflowError) while " + DOING
                        + "; the server log has where, please report it");
        assertThat(RunFailures.reason(new NoClassDefFoundError("org/x/Y"), DOING))
                .isEqualTo("the run stopped on an internal error (NoClassDefFoundError) while " + DOING
                        + "; the server log has the details");
        assertThat(RunFailures.reason(new VigilArgumentException("source: the password was refused"), DOING))
                .isEqualTo("source: the password was refused");
        assertThat(RunFailures.reason(new IllegalStateException("boom"), DOING))
                .isEqualTo("unexpected IllegalStateException: boom");
    }
}
