package dev.vigil.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** A failed Spark job's reason is one line: which task failed, on which executor and host, and why. */
class SparkFailuresTest {
    @Test
    void aFailedTaskIsNamedWithItsExecutorHostAndReason() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(
                SparkRuntime.local("local[*]").session().sparkContext());
        Throwable failed = catchThrowable(() -> sc.parallelize(java.util.List.of(1, 2), 1)
                .map(SparkFailuresTest::boom)
                .collect());
        assertThat(failed.getMessage()).contains("Driver stacktrace"); // Spark's many lines
        assertThat(SparkFailures.reason(failed))
                .isEqualTo("task 0.0 of stage " + stageOf(failed.getMessage())
                        + " failed on the driver (localhost): java.lang.IllegalStateException: no amount in row 1");
    }

    @Test
    void theExecutorIsNamedOnlyWhenItIsNotTheDriver() {
        // the first line of Spark 4.1.1's message for a task that failed on a cluster executor
        Exception onCluster = new Exception("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times,"
                + " most recent failure: Lost task 0.3 in stage 1.0 (TID 7) (10.0.0.7 executor 3):"
                + " org.postgresql.util.PSQLException: ERROR: division by zero\nDriver stacktrace:");
        assertThat(SparkFailures.executor(onCluster)).contains("executor 3 (10.0.0.7)");
        assertThat(SparkFailures.reason(onCluster))
                .isEqualTo("task 0.3 of stage 1.0 failed on executor 3 (10.0.0.7): org.postgresql.util.PSQLException:"
                        + " ERROR: division by zero");
        Exception inDriver = new Exception("Lost task 0.0 in stage 0.0 (TID 0) (localhost executor driver): boom");
        assertThat(SparkFailures.executor(inDriver)).isEmpty();
        assertThat(SparkFailures.executor(new Exception("no task named"))).isEmpty();
    }

    @Test
    void anyOtherFailureIsItsFirstLine() {
        assertThat(SparkFailures.reason(new IllegalStateException("Cannot call methods on a stopped SparkContext.\n"
                        + "This stopped SparkContext was created at:")))
                .isEqualTo("Cannot call methods on a stopped SparkContext.");
    }

    private static int boom(int row) {
        throw new IllegalStateException("no amount in row " + row);
    }

    private static String stageOf(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Lost task 0\\.0 in stage (\\S+) ")
                .matcher(message);
        assertThat(m.find()).as(message).isTrue();
        return m.group(1);
    }
}
