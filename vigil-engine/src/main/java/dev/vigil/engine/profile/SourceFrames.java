package dev.vigil.engine.profile;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.ReadOptions;
import dev.vigil.engine.profile.DatasetProfiler.Prepared;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceSql;
import dev.vigil.engine.spark.UserExpressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A dataset's query read by Spark's JDBC reader, one partition per predicate: each predicate is a slice of
 * consecutive whole windows ({@link SourceSql#window}), so Spark reads the slices in parallel, a few per core, and
 * each window lies in exactly one partition. Sessions are read-only with a statement timeout
 * ({@link PostgresSource#sparkUrl} and {@link PostgresSource#sparkProperties}).
 */
final class SourceFrames {
    private final SparkSession session;
    private final PostgresSource source;

    /** Frames read in {@code session}, which takes each source's {@code spark.*} read options. */
    SourceFrames(SparkSession session, PostgresSource source) {
        this.session = session;
        this.source = source;
    }

    /**
     * The predicates reading {@code windows} of {@code prepared}: one per slice of consecutive windows, two slices a
     * core; with {@code countNullTimestamps}, one more for the rows whose timestamp is NULL.
     */
    List<String> predicates(Prepared prepared, List<Window> windows, boolean countNullTimestamps) {
        String ts = prepared.connection().timestampColumn();
        List<String> predicates = new ArrayList<>();
        slices(windows, 2 * session.sparkContext().defaultParallelism())
                .forEach(w -> predicates.add(SourceSql.window(ts, prepared.timestampType(), w.start(), w.end())));
        if (countNullTimestamps) {
            predicates.add(SourceSql.isNull(ts));
        }
        return predicates;
    }

    /**
     * Consecutive windows grouped into at most {@code partitions} slices of whole windows: each slice
     * is one JDBC query and one Spark task, so the fixed cost of a query (login, planning, a task)
     * is paid per slice, not per window.
     */
    static List<Window> slices(List<Window> windows, int partitions) {
        int perSlice = Math.max(1, (windows.size() + partitions - 1) / Math.max(1, partitions));
        List<Window> out = new ArrayList<>();
        int i = 0;
        while (i < windows.size()) {
            int j = i + 1; // a slice ends at its size or at a gap (windows recomputed for late actuals are sparse)
            while (j < windows.size()
                    && j - i < perSlice
                    && windows.get(j).start().equals(windows.get(j - 1).end())) {
                j++;
            }
            out.add(new Window(windows.get(i).start(), windows.get(j - 1).end()));
            i = j;
        }
        return out;
    }

    /**
     * The dataset's query read by Spark's JDBC reader, one partition per predicate, in a read-only session with
     * the source's read options ({@code spark.*} keys set on the session), {@code select_expr} applied.
     */
    Dataset<Row> read(Prepared prepared, List<String> predicates) {
        PostgresJdbcDataSource src = prepared.connection().source();
        String prefix = prepared.connection().dataset().specName() + ".";
        // checked when connected; checked again here, before Spark sees them, for what was stored before the check
        UserExpressions.checkAll(prefix + "data_source.select_expr", src.selectExpr());
        List<String> refusedOptions = ReadOptions.problems(src.readOptions(), prefix + "data_source.read_options");
        if (!refusedOptions.isEmpty()) {
            throw new VigilArgumentException(String.join("; ", refusedOptions));
        }
        Properties props = source.sparkProperties(src);
        src.readOptions().forEach((key, value) -> {
            if (key.startsWith("spark.")) {
                try {
                    session.conf().set(key, value);
                } catch (RuntimeException e) {
                    throw new VigilArgumentException(prefix + "data_source.read_options." + key
                            + ": Spark refuses it per job: " + e.getMessage());
                }
            } else {
                props.setProperty(key, value);
            }
        });
        Dataset<Row> frame;
        try {
            // Spark connects here already, to read the schema: its failures are the source's too
            frame = session.read()
                    .jdbc(source.sparkUrl(src), SourceSql.table(src), predicates.toArray(String[]::new), props);
        } catch (Exception e) { // a SparkException is checked but undeclared
            throw source.sparkFailure(e, src, prefix);
        }
        if (!src.selectExpr().isEmpty()) {
            frame = frame.selectExpr(src.selectExpr().toArray(String[]::new));
        }
        return frame;
    }
}
