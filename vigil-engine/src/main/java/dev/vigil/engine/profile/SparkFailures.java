package dev.vigil.engine.profile;

import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.engine.source.PostgresSource;
import java.sql.SQLException;

/** Finds the source's own error inside what a failed Spark job throws, so the run fails with one clear sentence. */
final class SparkFailures {
    private SparkFailures() {}

    /**
     * {@code e} as the run should fail with it. Spark rethrows a failed job as a checked {@code SparkException}
     * that Java code does not see declared, so callers catch {@link Exception} and pass it here.
     */
    static RuntimeException translate(Exception e, PostgresSource source, PostgresJdbcDataSource src, String prefix) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return source.failure(src, prefix + "data_source.query", sql);
            }
            if (t instanceof VigilSourceException v) {
                return v;
            }
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new VigilStateException(
                "The Spark job reading " + prefix + "data_source.query failed: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                e);
    }
}
