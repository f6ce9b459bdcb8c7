package dev.vigil.engine.profile;

import dev.vigil.core.VigilException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Segment;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.engine.spark.SparkFailures;
import dev.vigil.engine.spark.SparkRuntime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a dataset from the user's PostgreSQL with Spark, one JDBC predicate per window, and profiles
 * every field of every window and segment in one pass.
 *
 * <p>The user's query is wrapped as {@code (<query>) AS vigil_src}; each window becomes the
 * predicate {@code "<ts>" >= '<start>'::timestamptz AND "<ts>" < '<end>'::timestamptz} per slice
 * of consecutive whole windows (the literals are instants Vigil formats, the column is quoted), so
 * Spark reads the slices in parallel, a few per core, and each window lies in exactly one
 * partition. Sessions are read-only with a statement timeout ({@link PostgresSource#sparkUrl}, and a
 * {@code sessionInitStatement}).
 *
 * <p>This class orchestrates: {@link SourceFrames} reads, {@link ActualsJoin} joins and scans the actuals,
 * {@link ProfilePlanner} plans what {@link PartitionProfiler} profiles on each partition, and {@link PartialMerger}
 * merges the partitions' profiles. Every piece of SQL comes from {@code SourceSql}, every session from
 * {@link PostgresSource}.
 */
public final class DatasetProfiler {
    private static final long SAMPLE_SEED = 20_260_101L;

    private final SparkRuntime spark;
    private final PostgresSource source;

    /** A profiler reading with {@code source}, its jobs run by {@code spark} (asked for its session at each run). */
    public DatasetProfiler(SparkRuntime spark, PostgresSource source) {
        this.spark = spark;
        this.source = source;
    }

    /**
     * A dataset checked against its source, ready to be read window by window; for a serving dataset, the
     * separate actuals dataset its predictions are joined with ({@code null} when the version has none).
     */
    public record Prepared(
            ModelVersion version,
            DatasetConnection connection,
            List<SourceColumn> probed,
            Prepared actuals,
            Map<String, LossModel> lossModels) {
        public Prepared(ModelVersion version, DatasetConnection connection, List<SourceColumn> probed) {
            this(version, connection, probed, null, Map.of());
        }

        public Prepared(
                ModelVersion version, DatasetConnection connection, List<SourceColumn> probed, Prepared actuals) {
            this(version, connection, probed, actuals, Map.of());
        }

        /** This serving dataset with its predictions joined to the actuals of {@code actuals} on the id. */
        public Prepared withActuals(Prepared actuals) {
            return new Prepared(version, connection, probed, actuals, lossModels);
        }

        /** This dataset with DLE's loss models by prediction field: its regression rows get estimates (ADR 0028). */
        public Prepared withLossModels(Map<String, LossModel> models) {
            return new Prepared(version, connection, probed, actuals, Map.copyOf(models));
        }

        String timestampType() {
            return columnType(connection.timestampColumn()).orElse("timestamptz");
        }

        /** PostgreSQL's type of a column of the query (before {@code select_expr}), if the query has it. */
        Optional<String> columnType(String column) {
            return probed.stream()
                    .filter(c -> c.name().equalsIgnoreCase(column))
                    .map(SourceColumn::typeName)
                    .findFirst();
        }

        /** The prediction fields whose actual comes from the actuals dataset (not from a label on this query). */
        List<Field> joinedLabels() {
            if (actuals == null) {
                return List.of();
            }
            return version.schema().group(FieldGroup.PREDICTIONS).stream()
                    .filter(f -> !connection.labels().containsKey(f.name())
                            && actuals.connection().labels().containsKey(f.name()))
                    .toList();
        }
    }

    /**
     * What scanning the actuals recorded in a range found: the rows read (among them those with a NULL id or
     * timestamp, which are problems), the distinct ids that match no prediction, and the prediction windows
     * that hold a prediction some actual of the range belongs to.
     */
    public record ActualsScan(
            long rowsRead, long rowsWithProblems, long nullTimestamps, long unmatchedIds, SortedSet<Instant> windows) {}

    /**
     * What profiling some windows gave: the merged profiles per window and the row counts. {@code rowsRead} and
     * {@code rowsWithProblems} include the {@code nullTimestamps} rows, which are in no window. {@code uncheckedIds}
     * counts the rows whose id was not checked for duplicates, their window already holding a million distinct ids.
     * {@code problems} counts the rows with a problem by field and reason.
     */
    public record Result(
            Map<Instant, List<PartialProfile>> windows,
            long rowsRead,
            long rowsWithProblems,
            long nullTimestamps,
            long uncheckedIds,
            ProblemCounts problems) {
        public Result(
                Map<Instant, List<PartialProfile>> windows,
                long rowsRead,
                long rowsWithProblems,
                long nullTimestamps,
                long uncheckedIds) {
            this(windows, rowsRead, rowsWithProblems, nullTimestamps, uncheckedIds, new ProblemCounts());
        }
    }

    /** Checks the dataset against the live source (as connecting does) and remembers its column types. */
    public Prepared prepare(ModelVersion version, DatasetConnection connection) {
        String prefix = connection.dataset().specName() + ".";
        source.check(version, connection, prefix);
        return new Prepared(version, connection, source.probe(connection.source()));
    }

    /** The first and last timestamp of the dataset's rows, or empty when it has none. */
    public Optional<Instant[]> timeRange(Prepared prepared) {
        return source.timeRange(prepared.connection(), prepared.timestampType());
    }

    /**
     * Reads and profiles {@code windows} (any number, none included: they are read as a few slices of
     * consecutive windows). With {@code countNullTimestamps}, one more slice reads the rows whose timestamp is
     * NULL over the whole query, to count them: a run asks for it once. With {@code performanceOnly}, only the
     * dataset counts and the performance profiles are computed (for windows whose actuals changed).
     */
    public Result profile(
            Prepared prepared, List<Window> windows, boolean countNullTimestamps, boolean performanceOnly) {
        SparkSession session = spark.session().newSession();
        try {
            return profile(session, prepared, windows, countNullTimestamps, performanceOnly);
        } catch (VigilException e) {
            throw e; // already one sentence (the job's failure, the source's)
        } catch (RuntimeException e) {
            if (session.sparkContext().isStopped()) {
                throw lost(e);
            }
            throw e;
        }
    }

    private Result profile(
            SparkSession session,
            Prepared prepared,
            List<Window> windows,
            boolean countNullTimestamps,
            boolean performanceOnly) {
        PostgresJdbcDataSource src = prepared.connection().source();
        String prefix = prepared.connection().dataset().specName() + ".";
        SourceFrames frames = new SourceFrames(session, source);
        List<String> predicates = frames.predicates(prepared, windows, countNullTimestamps);
        if (predicates.isEmpty()) {
            return new Result(Map.of(), 0, 0, 0, 0);
        }
        Dataset<Row> frame = frames.read(prepared, predicates);
        if (src.sampleSize() < 1.0) {
            frame = frame.sample(false, src.sampleSize(), SAMPLE_SEED);
        }
        if (!windows.isEmpty() && !prepared.joinedLabels().isEmpty()) {
            // An actual counts when recorded no earlier than one window before its prediction's window.
            Instant since = windows.get(0)
                    .start()
                    .minus(prepared.version().aggregationPeriod().length());
            frame = new ActualsJoin(frames, source).join(prepared, frame, since, predicates.size());
        }
        List<Segment> segments = prepared.version().segments();
        frame = ProfilePlanner.withSegmentColumns(frame, segments);
        ProfilePlan plan = ProfilePlanner.plan(prepared, frame.columns(), segments, performanceOnly);
        ProblemCounts.Accumulator problems = new ProblemCounts.Accumulator();
        session.sparkContext().register(problems, "problems");
        PartitionProfiler.Counters counters = new PartitionProfiler.Counters(
                session.sparkContext().longAccumulator("rows_read"),
                session.sparkContext().longAccumulator("rows_with_problems"),
                session.sparkContext().longAccumulator("null_timestamps"),
                session.sparkContext().longAccumulator("unchecked_ids"),
                problems);
        PartitionProfiler.Names names = new PartitionProfiler.Names(
                prepared.connection().idColumn(), prepared.connection().timestampColumn());
        List<PartialProfile> partials;
        try {
            partials = frame.javaRDD()
                    .mapPartitionsWithIndex(
                            new PartitionProfiler(plan, counters, PartitionProfiler.MAX_TRACKED_IDS, names), true)
                    .collect();
        } catch (Exception e) { // a failed job is a SparkException, checked but undeclared
            throw session.sparkContext().isStopped() ? lost(e) : source.sparkFailure(e, src, prefix);
        }
        return new Result(
                PartialMerger.merge(partials, windows),
                counters.rowsRead().value(),
                counters.rowsWithProblems().value(),
                counters.nullTimestamps().value(),
                counters.uncheckedIds().value(),
                problems.value());
    }

    /**
     * DLE's loss models fitted on a labeled reference dataset's rows in {@code windows} (ADR 0028), by prediction
     * field, or the one sentence saying why there are none.
     */
    public record LossFit(Map<String, LossModel> models, Optional<String> none) {}

    /** Fits DLE's loss models on the reference dataset's rows in {@code windows} (training or testing, with labels). */
    public LossFit fitLoss(Prepared prepared, List<Window> windows) {
        SparkSession session = spark.session().newSession();
        try {
            List<String> predicates = new SourceFrames(session, source).predicates(prepared, windows, false);
            if (predicates.isEmpty()) {
                return new LossFit(
                        Map.of(),
                        Optional.of("no DLE estimate: the "
                                + prepared.connection().dataset().specName() + " dataset has no rows"));
            }
            Dataset<Row> frame = new SourceFrames(session, source).read(prepared, predicates);
            LossFitting.Fit fit = LossFitting.fit(session, prepared, frame);
            return new LossFit(fit.models(), fit.none());
        } catch (VigilException e) {
            throw e;
        } catch (RuntimeException e) {
            if (session.sparkContext().isStopped()) {
                throw lost(e);
            }
            throw source.sparkFailure(
                    e,
                    prepared.connection().source(),
                    prepared.connection().dataset().specName() + ".");
        }
    }

    /**
     * Scans the actuals recorded in {@code range} (by the actuals' timestamp; plus, with {@code countNullTimestamps},
     * the rows whose timestamp is NULL, only counted) and finds the prediction windows of the serving dataset
     * {@code serving} they belong to, by looking their ids up in the serving query,
     * {@value ActualsJoin#LOOKUP_BATCH} ids a query, as they stream from Spark. An id no prediction has is counted
     * once as unmatched; an id that is not a value of the serving id's type counts as a problem row.
     */
    public ActualsScan scanActuals(Prepared serving, List<Window> range, boolean countNullTimestamps) {
        SparkSession session = spark.session().newSession();
        try {
            return new ActualsJoin(new SourceFrames(session, source), source).scan(serving, range, countNullTimestamps);
        } catch (RuntimeException e) {
            if (session.sparkContext().isStopped()) {
                throw lost(e);
            }
            throw e;
        }
    }

    /**
     * What a run fails with when its Spark context stopped under it (the cluster manager killed the application,
     * executors kept dying): one sentence, whatever Spark threw; the next run's {@link SparkRuntime#session()} starts
     * a new context.
     */
    private VigilStateException lost(Exception e) {
        return new VigilStateException(
                "The Spark application on " + spark.master() + " stopped during the run (" + SparkFailures.reason(e)
                        + "); the next run starts a new one",
                e);
    }
}
