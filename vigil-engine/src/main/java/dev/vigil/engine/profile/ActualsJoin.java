package dev.vigil.engine.profile;

import static dev.vigil.engine.profile.FrameColumns.col;
import static dev.vigil.engine.profile.FrameColumns.name;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.engine.profile.DatasetProfiler.ActualsScan;
import dev.vigil.engine.profile.DatasetProfiler.Prepared;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceSql;
import dev.vigil.engine.source.SourceTimestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/**
 * A serving dataset's predictions and the separate actuals dataset their labels come from: joining the latest actual
 * of each id to the predictions, and finding which prediction windows the actuals recorded in a range belong to.
 */
final class ActualsJoin {
    /** The joined label of the {@code i}-th of {@link Prepared#joinedLabels()} is column {@code vigil_label_<i>}. */
    static final String LABEL_COLUMN = "vigil_label_";

    /** When the joined actual was recorded. */
    static final String ACTUAL_AT = "vigil_actual_at_";

    private static final String ACTUAL_ID = "vigil_actual_id_";
    private static final String PARTITION_COLUMN = "vigil_partition_";

    /** Actual ids looked up in the serving query per statement. */
    static final int LOOKUP_BATCH = 10_000;

    private final SourceFrames frames;
    private final PostgresSource source;

    ActualsJoin(SourceFrames frames, PostgresSource source) {
        this.frames = frames;
        this.source = source;
    }

    /**
     * {@code predictions} left-joined on the id with the latest actual of each id recorded since {@code since}
     * (the latest by the actuals' timestamp: a later actual corrects an earlier one). The labels the actuals
     * dataset supplies are added as columns {@code vigil_label_<i>}, in the order of
     * {@link Prepared#joinedLabels()}, and the actual's timestamp as {@code vigil_actual_at_} (the profiler ignores
     * an actual recorded more than one window before its prediction's window); a prediction without an actual gets
     * NULLs. The rows of one JDBC slice stay together in one partition after the join's shuffle, so each window
     * is still profiled by one task.
     */
    Dataset<Row> join(Prepared prepared, Dataset<Row> predictions, Instant since, int partitions) {
        Prepared actuals = prepared.actuals();
        DatasetConnection a = actuals.connection();
        Dataset<Row> rows =
                frames.read(actuals, List.of(SourceSql.since(a.timestampColumn(), actuals.timestampType(), since)));
        String servingId = name(
                predictions.columns(),
                prepared.connection().idColumn(),
                prepared.connection().dataset().specName() + ".id_column");
        Column id = actualId(rows, a, predictions.schema().apply(servingId).dataType(), prepared);
        Column at = col(rows, name(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"));
        List<Field> joined = prepared.joinedLabels();
        Column[] labels = new Column[joined.size() + 1];
        for (int i = 0; i < joined.size(); i++) {
            String label = a.labels().get(joined.get(i).name());
            labels[i] = col(
                            rows,
                            name(
                                    rows.columns(),
                                    label,
                                    "actuals.labels." + joined.get(i).name()))
                    .as(LABEL_COLUMN + i);
        }
        labels[joined.size()] = at.as(ACTUAL_AT);
        // Epoch numbers may mix seconds, milli-, micro- and nanoseconds: order them as the windows read them.
        Column order = rows.schema()
                                .apply(name(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"))
                                .dataType()
                        instanceof NumericType
                ? functions
                        .when(functions.abs(at).gt(SourceTimestamps.EPOCH_NANOS_ABOVE), at.divide(1e9))
                        .when(functions.abs(at).gt(SourceTimestamps.EPOCH_MICROS_ABOVE), at.divide(1e6))
                        .when(functions.abs(at).gt(SourceTimestamps.EPOCH_MILLIS_ABOVE), at.divide(1000))
                        .otherwise(at)
                : at;
        Dataset<Row> latest = rows.select(
                        id.as(ACTUAL_ID), functions.struct(labels).as("l"), order.as("o"))
                .where(functions.col(ACTUAL_ID).isNotNull())
                .groupBy(ACTUAL_ID)
                .agg(functions.max_by(functions.col("l"), functions.col("o")).as("latest"));
        Column[] flat = new Column[labels.length + 1];
        flat[0] = latest.col(ACTUAL_ID);
        for (int i = 0; i < joined.size(); i++) {
            flat[i + 1] = latest.col("latest." + LABEL_COLUMN + i).as(LABEL_COLUMN + i);
        }
        flat[labels.length] = latest.col("latest." + ACTUAL_AT).as(ACTUAL_AT);
        latest = latest.select(flat);
        Dataset<Row> tagged = predictions.withColumn(PARTITION_COLUMN, functions.spark_partition_id());
        Column right = latest.col(ACTUAL_ID);
        return tagged.join(latest, col(tagged, servingId).equalTo(right), "left")
                .drop(right)
                .repartition(Math.max(1, partitions), functions.col(PARTITION_COLUMN))
                .drop(PARTITION_COLUMN);
    }

    /**
     * The actuals' id as a value of the serving id's Spark type, so that Spark's join and PostgreSQL's lookup
     * agree: the same type ({@code try_cast}: a value that is not one is NULL, counted as a problem row), and for
     * a {@code uuid} serving id the text in lower case, as PostgreSQL prints a uuid.
     */
    private static Column actualId(Dataset<Row> rows, DatasetConnection a, DataType servingType, Prepared serving) {
        Column id = col(rows, name(rows.columns(), a.idColumn(), "actuals.id_column"));
        String pgType = serving.columnType(serving.connection().idColumn()).orElse("");
        if (pgType.equalsIgnoreCase("uuid")) {
            return functions.lower(functions.trim(id.cast("string")));
        }
        if (rows.schema()
                .apply(name(rows.columns(), a.idColumn(), "actuals.id_column"))
                .dataType()
                .equals(servingType)) {
            return id;
        }
        return servingType instanceof StringType ? id.cast("string") : id.try_cast(servingType);
    }

    /** See {@link DatasetProfiler#scanActuals}. */
    ActualsScan scan(Prepared serving, List<Window> range, boolean countNullTimestamps) {
        Prepared actuals = serving.actuals();
        DatasetConnection a = actuals.connection();
        List<String> predicates = frames.predicates(actuals, range, countNullTimestamps);
        if (predicates.isEmpty()) {
            return new ActualsScan(0, 0, 0, 0, new TreeSet<>());
        }
        Dataset<Row> rows = frames.read(actuals, predicates);
        Dataset<Row> servingFrame = frames.read(serving, List.of(SourceSql.NO_ROWS));
        String servingId = name(servingFrame.columns(), serving.connection().idColumn(), "serving.id_column");
        Column id = actualId(rows, a, servingFrame.schema().apply(servingId).dataType(), serving);
        Column at = col(rows, name(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"));
        long read = 0;
        long problems = 0;
        long nullTimestamps = 0;
        long unmatched = 0;
        SortedSet<Instant> windows = new TreeSet<>();
        List<String> batch = new ArrayList<>();
        try {
            Iterator<Row> ids = rows.select(
                            id.cast("string").as("id"), at.isNull().as("no_ts"))
                    .groupBy("id", "no_ts")
                    .count()
                    .toLocalIterator();
            while (ids.hasNext()) {
                Row r = ids.next();
                long count = r.getLong(2);
                read += count;
                if (r.getBoolean(1)) {
                    nullTimestamps += count;
                    problems += count;
                } else if (r.isNullAt(0)) {
                    problems += count;
                } else {
                    batch.add(r.getString(0));
                    if (batch.size() == LOOKUP_BATCH) {
                        unmatched += predictionWindows(serving, batch, windows);
                        batch.clear();
                    }
                }
            }
        } catch (Exception e) { // a failed job is a SparkException, checked but undeclared
            throw source.sparkFailure(e, a.source(), "actuals.");
        }
        if (!batch.isEmpty()) {
            unmatched += predictionWindows(serving, batch, windows);
        }
        return new ActualsScan(read, problems, nullTimestamps, unmatched, windows);
    }

    /**
     * Adds to {@code windows} the window of every serving row whose id is in {@code ids}; returns how many of
     * {@code ids} no serving row has. The ids are compared as values of the serving id column's type, inside
     * PostgreSQL (so an index on it is used).
     */
    private long predictionWindows(Prepared serving, List<String> ids, Set<Instant> windows) {
        DatasetConnection s = serving.connection();
        String idType = serving.columnType(s.idColumn())
                .orElseThrow(() -> new VigilArgumentException("serving.id_column: column '" + s.idColumn()
                        + "' must be a column of serving.data_source.query to join actuals on it, not one"
                        + " select_expr makes"));
        Duration window = Duration.ofSeconds(
                serving.version().aggregationPeriod().length().toSeconds());
        return source.timestampsOfIds(
                s, idType, serving.timestampType(), ids, at -> windows.add(Window.startOf(at, window)));
    }
}
