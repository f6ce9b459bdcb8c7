package dev.vigil.engine.profile;

import dev.vigil.core.VigilSourceException;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.engine.source.PostgresSource;
import java.sql.SQLException;

/** Finds the source's own error inside what a failed Spark job throws, so the run fails with one clear sentence. */
final class SparkFailures {
    private SparkFailures() {}

    static RuntimeException translate(
            RuntimeException e, PostgresSource source, PostgresJdbcDataSource src, String prefix) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return source.failure(src, prefix + "data_source.query", sql);
            }
            if (t instanceof VigilSourceException v) {
                return v;
            }
        }
        return e;
    }
}
