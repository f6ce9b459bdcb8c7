package dev.vigil.server.runs;

import dev.vigil.core.VigilException;

/**
 * The one sentence a failed run keeps: what went wrong and what the run was doing. Every {@link Throwable} gets one,
 * {@link Error}s included: a run that ran out of memory or stack is recorded failed, not left running.
 */
final class RunFailures {
    private RunFailures() {}

    /** The reason to record for a run that threw {@code failure} while {@code activity} ("profiling windows …"). */
    static String reason(Throwable failure, String activity) {
        if (failure instanceof VigilException) {
            return failure.getMessage(); // already one sentence naming what was wrong
        }
        if (failure instanceof OutOfMemoryError) {
            return "the run ran out of memory (OutOfMemoryError) while " + activity
                    + "; give the server more heap (-Xmx in VIGIL_JAVA_OPTS) or run a shorter range";
        }
        if (failure instanceof StackOverflowError) {
            return "the run ran out of stack (StackOverflowError) while " + activity
                    + "; the server log has where, please report it";
        }
        if (failure instanceof Error) {
            return "the run stopped on an internal error (" + failure.getClass().getSimpleName() + ") while " + activity
                    + "; the server log has the details";
        }
        return "unexpected " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
