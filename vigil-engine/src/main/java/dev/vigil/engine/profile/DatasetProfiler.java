package dev.vigil.engine.profile;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Segment;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.engine.source.SourceSql;
import dev.vigil.engine.source.SourceTimestamps;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;

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
 */
public final class DatasetProfiler {
    private static final String SEGMENT_COLUMN = "vigil_segment_";
    private static final long SAMPLE_SEED = 20_260_101L;
    private static final String LABEL_COLUMN = "vigil_label_";
    private static final String ACTUAL_ID = "vigil_actual_id_";
    private static final String ACTUAL_AT = "vigil_actual_at_";
    private static final String PARTITION_COLUMN = "vigil_partition_";
    /** Actual ids looked up in the serving query per statement. */
    static final int LOOKUP_BATCH = 10_000;

    private final SparkSession spark;
    private final PostgresSource source;

    public DatasetProfiler(SparkSession spark, PostgresSource source) {
        this.spark = spark;
        this.source = source;
    }

    /**
     * A dataset checked against its source, ready to be read window by window; for a serving dataset, the
     * separate actuals dataset its predictions are joined with ({@code null} when the version has none).
     */
    public record Prepared(
            ModelVersion version, DatasetConnection connection, List<SourceColumn> probed, Prepared actuals) {
        public Prepared(ModelVersion version, DatasetConnection connection, List<SourceColumn> probed) {
            this(version, connection, probed, null);
        }

        /** This serving dataset with its predictions joined to the actuals of {@code actuals} on the id. */
        public Prepared withActuals(Prepared actuals) {
            return new Prepared(version, connection, probed, actuals);
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
     * {@code rowsWithProblems} include the {@code nullTimestamps} rows, which are in no window.
     */
    public record Result(
            Map<Instant, List<PartialProfile>> windows, long rowsRead, long rowsWithProblems, long nullTimestamps) {}

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
        DatasetConnection connection = prepared.connection();
        PostgresJdbcDataSource src = connection.source();
        String prefix = connection.dataset().specName() + ".";
        SparkSession session = spark.newSession();
        String ts = connection.timestampColumn();
        List<String> predicates = new ArrayList<>();
        slices(windows, 2 * session.sparkContext().defaultParallelism())
                .forEach(w -> predicates.add(SourceSql.window(ts, prepared.timestampType(), w.start(), w.end())));
        if (countNullTimestamps) {
            predicates.add(SourceSql.isNull(ts));
        }
        if (predicates.isEmpty()) {
            return new Result(Map.of(), 0, 0, 0);
        }
        Dataset<Row> frame = read(session, prepared, predicates);
        if (src.sampleSize() < 1.0) {
            frame = frame.sample(false, src.sampleSize(), SAMPLE_SEED);
        }
        if (!windows.isEmpty() && !prepared.joinedLabels().isEmpty()) {
            // An actual counts when recorded no earlier than one window before its prediction's window.
            Instant since = windows.get(0)
                    .start()
                    .minus(prepared.version().aggregationPeriod().length());
            frame = joinActuals(session, prepared, frame, since, predicates.size());
        }
        List<Segment> segments = prepared.version().segments();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.isWhere()) {
                try {
                    frame = frame.withColumn(SEGMENT_COLUMN + i, functions.expr(s.where()));
                    frame.schema();
                } catch (Exception e) {
                    if (e instanceof AnalysisException
                            || e instanceof org.apache.spark.sql.catalyst.parser.ParseException) {
                        throw new VigilArgumentException(
                                "segments[" + i + "].where: Spark cannot evaluate '" + s.where() + "': "
                                        + e.getMessage().lines().findFirst().orElse(""));
                    }
                    throw e;
                }
            }
        }
        ProfilePlan plan = plan(prepared, frame, segments, performanceOnly);
        PartitionProfiler.Counters counters = new PartitionProfiler.Counters(
                session.sparkContext().longAccumulator("rows_read"),
                session.sparkContext().longAccumulator("rows_with_problems"),
                session.sparkContext().longAccumulator("null_timestamps"));
        List<PartialProfile> partials;
        try {
            partials = frame.javaRDD()
                    .mapPartitionsWithIndex(new PartitionProfiler(plan, counters), true)
                    .collect();
        } catch (Exception e) { // a failed job is a SparkException, checked but undeclared
            throw source.sparkFailure(e, src, prefix);
        }
        return new Result(
                merge(partials, windows),
                counters.rowsRead().value(),
                counters.rowsWithProblems().value(),
                counters.nullTimestamps().value());
    }

    /**
     * The dataset's query read by Spark's JDBC reader, one partition per predicate, in a read-only session with
     * the source's read options ({@code spark.*} keys set on {@code session}), {@code select_expr} applied.
     */
    private Dataset<Row> read(SparkSession session, Prepared prepared, List<String> predicates) {
        PostgresJdbcDataSource src = prepared.connection().source();
        String prefix = prepared.connection().dataset().specName() + ".";
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

    /**
     * {@code predictions} left-joined on the id with the latest actual of each id recorded since {@code since}
     * (the latest by the actuals' timestamp: a later actual corrects an earlier one). The labels the actuals
     * dataset supplies are added as columns {@code vigil_label_<i>}, in the order of
     * {@link Prepared#joinedLabels()}, and the actual's timestamp as {@code vigil_actual_at_} (the profiler ignores
     * an actual recorded more than one window before its prediction's window); a prediction without an actual gets
     * NULLs. The rows of one JDBC slice stay together in one partition after the join's shuffle, so each window
     * is still profiled by one task.
     */
    private Dataset<Row> joinActuals(
            SparkSession session, Prepared prepared, Dataset<Row> predictions, Instant since, int partitions) {
        Prepared actuals = prepared.actuals();
        DatasetConnection a = actuals.connection();
        Dataset<Row> rows =
                read(session, actuals, List.of(SourceSql.since(a.timestampColumn(), actuals.timestampType(), since)));
        String servingId = column(
                predictions.columns(),
                prepared.connection().idColumn(),
                prepared.connection().dataset().specName() + ".id_column");
        Column id = actualId(rows, a, predictions.schema().apply(servingId).dataType(), prepared);
        Column at = col(rows, column(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"));
        List<Field> joined = prepared.joinedLabels();
        Column[] labels = new Column[joined.size() + 1];
        for (int i = 0; i < joined.size(); i++) {
            String label = a.labels().get(joined.get(i).name());
            labels[i] = col(
                            rows,
                            column(
                                    rows.columns(),
                                    label,
                                    "actuals.labels." + joined.get(i).name()))
                    .as(LABEL_COLUMN + i);
        }
        labels[joined.size()] = at.as(ACTUAL_AT);
        // Epoch numbers may mix seconds and milliseconds: order them as the windows read them.
        Column order = rows.schema()
                                .apply(column(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"))
                                .dataType()
                        instanceof org.apache.spark.sql.types.NumericType
                ? functions
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
        Column id = col(rows, column(rows.columns(), a.idColumn(), "actuals.id_column"));
        String pgType = serving.columnType(serving.connection().idColumn()).orElse("");
        if (pgType.equalsIgnoreCase("uuid")) {
            return functions.lower(functions.trim(id.cast("string")));
        }
        if (rows.schema()
                .apply(column(rows.columns(), a.idColumn(), "actuals.id_column"))
                .dataType()
                .equals(servingType)) {
            return id;
        }
        return servingType instanceof StringType ? id.cast("string") : id.try_cast(servingType);
    }

    /** A column of {@code frame} by its exact name (quoted: a name with a dot is not a nested field). */
    private static Column col(Dataset<Row> frame, String name) {
        return frame.col("`" + name.replace("`", "``") + "`");
    }

    /** The name {@code name} has among {@code columns} (matched as {@link #indexOf} does); a clear error if absent. */
    private static String column(String[] columns, String name, String key) {
        return columns[
                indexOf(columns, name)
                        .orElseThrow(() -> new VigilArgumentException(
                                key + ": column '" + name + "' is not in the frame after select_expr"))];
    }

    /**
     * Scans the actuals recorded in {@code range} (by the actuals' timestamp; plus, with {@code countNullTimestamps},
     * the rows whose timestamp is NULL, only counted) and finds the prediction windows of the serving dataset
     * {@code serving} they belong to, by looking their ids up in the serving query, {@value #LOOKUP_BATCH} ids a
     * query, as they stream from Spark. An id no prediction has is counted once as unmatched; an id that is not a
     * value of the serving id's type counts as a problem row.
     */
    public ActualsScan scanActuals(Prepared serving, List<Window> range, boolean countNullTimestamps) {
        Prepared actuals = serving.actuals();
        DatasetConnection a = actuals.connection();
        SparkSession session = spark.newSession();
        String ts = a.timestampColumn();
        List<String> predicates = new ArrayList<>();
        slices(range, 2 * session.sparkContext().defaultParallelism())
                .forEach(w -> predicates.add(SourceSql.window(ts, actuals.timestampType(), w.start(), w.end())));
        if (countNullTimestamps) {
            predicates.add(SourceSql.isNull(ts));
        }
        if (predicates.isEmpty()) {
            return new ActualsScan(0, 0, 0, 0, new TreeSet<>());
        }
        Dataset<Row> rows = read(session, actuals, predicates);
        Dataset<Row> servingFrame = read(session, serving, List.of(SourceSql.NO_ROWS));
        String servingId = column(servingFrame.columns(), serving.connection().idColumn(), "serving.id_column");
        Column id = actualId(rows, a, servingFrame.schema().apply(servingId).dataType(), serving);
        Column at = col(rows, column(rows.columns(), a.timestampColumn(), "actuals.timestamp_column"));
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
        long window = serving.version().aggregationPeriod().length().toSeconds();
        return source.timestampsOfIds(
                s,
                idType,
                serving.timestampType(),
                ids,
                at -> windows.add(Window.startOf(at, java.time.Duration.ofSeconds(window))));
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

    private static ProfilePlan plan(
            Prepared prepared, Dataset<Row> frame, List<Segment> segments, boolean performanceOnly) {
        ModelVersion version = prepared.version();
        DatasetConnection connection = prepared.connection();
        String[] columns = frame.columns();
        List<ProfilePlan.FieldPlan> fields = new ArrayList<>();
        Map<String, Integer> fieldColumns = new LinkedHashMap<>();
        for (Field f : version.schema().fields()) {
            if (f.group() == FieldGroup.ACTUALS) {
                continue; // actuals are profiled with performance, from labels
            }
            Optional<Integer> column = indexOf(columns, connection.columnFor(f));
            if (column.isEmpty()) {
                continue; // optional here (a raw input absent from a training set), checked by prepare()
            }
            fields.add(new ProfilePlan.FieldPlan(
                    f.name(), column.get(), f.type().kind().specName(), f.type().dimensions()));
            fieldColumns.put(f.name(), column.get());
        }
        List<ProfilePlan.SegmentPlan> segmentPlans = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.isWhere()) {
                segmentPlans.add(new ProfilePlan.SegmentPlan(
                        s.name(), indexOf(columns, SEGMENT_COLUMN + i).orElseThrow(), "boolean", List.of(), true));
            } else {
                Field f = version.schema().fields().stream()
                        .filter(x -> x.name().equals(s.field()))
                        .findFirst()
                        .orElseThrow();
                Integer column = fieldColumns.get(f.name());
                if (column != null) {
                    segmentPlans.add(new ProfilePlan.SegmentPlan(
                            s.name(), column, f.type().kind().specName(), s.buckets(), false));
                }
            }
        }
        int id = indexOf(columns, connection.idColumn())
                .orElseThrow(
                        () -> new VigilArgumentException(connection.dataset().specName() + ".id_column: column '"
                                + connection.idColumn() + "' is not in the frame after select_expr"));
        int ts = indexOf(columns, connection.timestampColumn())
                .orElseThrow(
                        () -> new VigilArgumentException(connection.dataset().specName()
                                + ".timestamp_column: column '" + connection.timestampColumn()
                                + "' is not in the frame after select_expr"));
        return new ProfilePlan(
                id,
                ts,
                version.aggregationPeriod().length().toSeconds(),
                performanceOnly ? List.of() : fields,
                segmentPlans,
                performancePlans(prepared, columns));
    }

    /**
     * One performance plan per prediction field the dataset has a label column for, on its own query or joined
     * from the actuals dataset. A boolean prediction of a binary model takes its score from the numeric
     * prediction labeled with the same column, if there is one.
     */
    private static List<ProfilePlan.PerformancePlan> performancePlans(Prepared prepared, String[] columns) {
        ModelVersion version = prepared.version();
        DatasetConnection connection = prepared.connection();
        Map<String, String> labels = new LinkedHashMap<>(connection.labels());
        List<Field> joined = prepared.joinedLabels();
        for (int i = 0; i < joined.size(); i++) {
            labels.put(joined.get(i).name(), LABEL_COLUMN + i);
        }
        List<ProfilePlan.PerformancePlan> plans = new ArrayList<>();
        String prefix = connection.dataset().specName() + ".";
        for (Field f : version.schema().fields()) {
            String labelColumn = labels.get(f.name());
            if (f.group() != FieldGroup.PREDICTIONS || labelColumn == null) {
                continue;
            }
            int prediction = indexOf(columns, connection.columnFor(f))
                    .orElseThrow(() -> new VigilArgumentException(prefix + "predictions." + f.name() + ": column '"
                            + connection.columnFor(f) + "' is not in the frame after select_expr"));
            int actual = indexOf(columns, labelColumn)
                    .orElseThrow(() -> new VigilArgumentException(prefix + "labels." + f.name() + ": column '"
                            + labelColumn + "' is not in the frame after select_expr"));
            int score = -1;
            if (f.type().kind() == FieldType.Kind.BOOLEAN) {
                for (Field other : version.schema().fields()) {
                    if (other.group() == FieldGroup.PREDICTIONS
                            && other.type().kind() == FieldType.Kind.NUMERIC
                            && sameActual(prepared, labels, f, other)) {
                        score = indexOf(columns, connection.columnFor(other)).orElse(-1);
                        break;
                    }
                }
            }
            plans.add(new ProfilePlan.PerformancePlan(
                    f.name(),
                    version.modelType().specName(),
                    f.type().kind().specName(),
                    prediction,
                    score,
                    actual,
                    connection.labels().containsKey(f.name())
                            ? -1
                            : indexOf(columns, ACTUAL_AT).orElse(-1),
                    version.performance().threshold(),
                    version.performance().k()));
        }
        return plans;
    }

    /** Whether two predictions are labeled by the same column (of this query, or of the actuals query). */
    private static boolean sameActual(Prepared prepared, Map<String, String> labels, Field a, Field b) {
        Map<String, String> own = prepared.connection().labels();
        if (own.containsKey(a.name()) || own.containsKey(b.name())) {
            return Objects.equals(own.get(a.name()), own.get(b.name()));
        }
        Map<String, String> joined = prepared.actuals() == null
                ? Map.of()
                : prepared.actuals().connection().labels();
        return labels.containsKey(b.name()) && Objects.equals(joined.get(a.name()), joined.get(b.name()));
    }

    private static Optional<Integer> indexOf(String[] columns, String name) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(name)) {
                return Optional.of(i);
            }
        }
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equalsIgnoreCase(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** Merges what partitions returned per window, segment and field; every window gets an entry. */
    private static Map<Instant, List<PartialProfile>> merge(List<PartialProfile> partials, List<Window> windows) {
        Map<Instant, Map<String, PartialProfile>> byWindow = new LinkedHashMap<>();
        windows.forEach(w -> byWindow.put(w.start(), new LinkedHashMap<>()));
        for (PartialProfile p : partials) {
            Map<String, PartialProfile> window = byWindow.get(Instant.ofEpochSecond(p.windowStart()));
            if (window == null) {
                throw new VigilStateException("a row was profiled into window " + Instant.ofEpochSecond(p.windowStart())
                        + ", outside the windows read (" + windows.get(0).start() + " to "
                        + windows.get(windows.size() - 1).end()
                        + "): the timestamp column's time zone handling is off");
            }
            String key = p.segment() + "\u0000" + p.field();
            PartialProfile before = window.get(key);
            window.put(key, before == null ? p : mergeTwo(before, p));
        }
        Map<Instant, List<PartialProfile>> out = new LinkedHashMap<>();
        byWindow.forEach((start, profiles) -> out.put(start, List.copyOf(profiles.values())));
        return out;
    }

    private static PartialProfile mergeTwo(PartialProfile a, PartialProfile b) {
        byte[] merged;
        if (a.field().startsWith(PerformanceProfile.FIELD_PREFIX)) {
            PerformanceProfile p = PerformanceProfile.fromBytes(a.bytes());
            p.merge(PerformanceProfile.fromBytes(b.bytes()));
            merged = p.toBytes();
        } else if (a.field().isEmpty()) {
            DatasetProfile d = DatasetProfile.fromBytes(a.bytes());
            d.merge(DatasetProfile.fromBytes(b.bytes()));
            merged = d.toBytes();
        } else {
            FieldProfile f = FieldProfile.fromBytes(a.bytes());
            f.merge(FieldProfile.fromBytes(b.bytes()));
            merged = f.toBytes();
        }
        return new PartialProfile(a.windowStart(), a.segment(), a.field(), merged);
    }
}
