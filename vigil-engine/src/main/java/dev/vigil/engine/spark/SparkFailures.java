package dev.vigil.engine.spark;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong in a failed Spark job, as the end of one sentence. Spark's message is many lines (the failure of
 * each attempt, the driver's stack trace); its useful part is the last attempt's line, {@code Lost task 0.3 in stage
 * 1.0 (TID 7) (host executor 0): java.lang.ClassCastException: …}, which says where the task ran and why it failed.
 */
public final class SparkFailures {
    private static final Pattern LOST_TASK =
            Pattern.compile("Lost task (\\S+) in stage (\\S+) \\(TID \\d+\\) \\((\\S+) executor (\\S+)\\): ([^\\n]*)");

    private SparkFailures() {}

    /**
     * The cluster executor a failed task ran on, as {@code "executor 0 (host)"}; empty when Spark does not say or
     * the task ran in the driver (local mode), where naming it adds nothing.
     */
    public static Optional<String> executor(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = LOST_TASK.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return m.group(4).equals("driver")
                        ? Optional.empty()
                        : Optional.of("executor " + m.group(4) + " (" + m.group(3) + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Where and why the job failed: {@code "task 0.3 of stage 1.0 failed on executor 0 (host): <reason>"} when
     * Spark says which task failed, else the first line of the first message in {@code e}'s causes.
     */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = LOST_TASK.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                String executor = m.group(4).equals("driver") ? "the driver" : "executor " + m.group(4);
                return "task " + m.group(1) + " of stage " + m.group(2) + " failed on " + executor + " (" + m.group(3)
                        + "): " + m.group(5).strip();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().lines().findFirst().orElse("").strip();
            }
        }
        return e.getClass().getSimpleName();
    }
}
