package dev.vigil.engine.profile;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Segment;
import dev.vigil.core.spec.GrantSql;
import dev.vigil.core.spec.SqlQueries;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads a dataset from the user's PostgreSQL with Spark, one JDBC predicate per window, and profiles
 * every field of every window and segment in one pass.
 *
 * <p>The user's query is wrapped as {@code (<query>) AS vigil_src}; each window becomes the
 * predicate {@code "<ts>" >= '<start>'::timestamptz AND "<ts>" < '<end>'::timestamptz} per slice
 * of consecutive whole windows (the literals are instants Vigil formats, the column is quoted), so
 * Spark reads the slices in parallel, a few per core, and each window lies in exactly one
 * partition. Sessions are read-only with a statement timeout
 * ({@link PostgresSource#sessionProperties}).
 */
public final class DatasetProfiler {
    private static final String SEGMENT_COLUMN = "vigil_segment_";
    private static final long SAMPLE_SEED = 20_260_101L;

    private final SparkSession spark;
    private final PostgresSource source;

    public DatasetProfiler(SparkSession spark, PostgresSource source) {
        this.spark = spark;
        this.source = source;
    }

    /** A dataset checked against its source, ready to be read window by window. */
    public record Prepared(ModelVersion version, DatasetConnection connection, List<SourceColumn> probed) {
        String timestampType() {
            return probed.stream()
                    .filter(c -> c.name().equalsIgnoreCase(connection.timestampColumn()))
                    .map(SourceColumn::typeName)
                    .findFirst()
                    .orElse("timestamptz");
        }
    }

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
        PostgresJdbcDataSource src = prepared.connection().source();
        String ts = GrantSql.quote(prepared.connection().timestampColumn());
        String sql = "SELECT min(" + ts + "), max(" + ts + ") FROM " + table(src);
        try (Connection c = source.openReadOnly(src);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            Instant min = instant(rs, 1, prepared.timestampType());
            Instant max = instant(rs, 2, prepared.timestampType());
            return min == null ? Optional.empty() : Optional.of(new Instant[] {min, max});
        } catch (SQLException e) {
            throw new VigilSourceException(
                    VigilSourceException.Reason.QUERY_FAILED,
                    "Cannot find the time range of "
                            + prepared.connection().dataset().specName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Column {@code i} as an instant, read as its PostgreSQL type asks: a {@code timestamptz} is an
     * instant, a {@code timestamp} and a {@code date} are taken as UTC, numbers as epoch seconds or
     * milliseconds. Never through {@code java.sql.Timestamp}, whose wall time is the JVM's zone.
     */
    private static Instant instant(ResultSet rs, int i, String pgType) throws SQLException {
        String type = pgType.toLowerCase(Locale.ROOT);
        if (type.equals("timestamptz")) {
            OffsetDateTime o = rs.getObject(i, OffsetDateTime.class);
            return o == null ? null : o.toInstant();
        }
        if (type.equals("timestamp")) {
            LocalDateTime l = rs.getObject(i, LocalDateTime.class);
            return l == null ? null : l.toInstant(ZoneOffset.UTC);
        }
        if (type.equals("date")) {
            java.time.LocalDate d = rs.getObject(i, java.time.LocalDate.class);
            return d == null ? null : d.atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        Object value = rs.getObject(i);
        if (value == null) {
            return null;
        }
        Double seconds = Coercion.epochSeconds(value);
        return seconds == null ? null : Instant.ofEpochMilli(Math.round(seconds * 1000));
    }

    /**
     * Reads and profiles {@code windows} (any number, none included: they are read as a few slices of
     * consecutive windows). With {@code countNullTimestamps}, one more slice reads the rows whose timestamp is
     * NULL over the whole query, to count them: a run asks for it once.
     */
    public Result profile(Prepared prepared, List<Window> windows, boolean countNullTimestamps) {
        DatasetConnection connection = prepared.connection();
        PostgresJdbcDataSource src = connection.source();
        String prefix = connection.dataset().specName() + ".";
        SparkSession session = spark.newSession();
        Properties props = source.sessionProperties(src);
        props.setProperty("driver", "org.postgresql.Driver");
        props.setProperty("fetchsize", "10000");
        // timestamp without time zone as LocalDateTime (taken as UTC), not shifted into the JVM's zone
        props.setProperty("preferTimestampNTZ", "true");
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
        String ts = GrantSql.quote(connection.timestampColumn());
        List<String> predicates = new ArrayList<>();
        slices(windows, 2 * session.sparkContext().defaultParallelism())
                .forEach(w -> predicates.add(predicate(ts, prepared.timestampType(), w)));
        if (countNullTimestamps) {
            predicates.add(ts + " IS NULL");
        }
        if (predicates.isEmpty()) {
            return new Result(Map.of(), 0, 0, 0);
        }
        Dataset<Row> frame = session.read().jdbc(src.url(), table(src), predicates.toArray(String[]::new), props);
        if (!src.selectExpr().isEmpty()) {
            frame = frame.selectExpr(src.selectExpr().toArray(String[]::new));
        }
        if (src.sampleSize() < 1.0) {
            frame = frame.sample(false, src.sampleSize(), SAMPLE_SEED);
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
        ProfilePlan plan = plan(prepared, frame, segments);
        PartitionProfiler.Counters counters = new PartitionProfiler.Counters(
                session.sparkContext().longAccumulator("rows_read"),
                session.sparkContext().longAccumulator("rows_with_problems"),
                session.sparkContext().longAccumulator("null_timestamps"));
        List<PartialProfile> partials;
        try {
            partials = frame.javaRDD()
                    .mapPartitionsWithIndex(new PartitionProfiler(plan, counters), true)
                    .collect();
        } catch (RuntimeException e) {
            throw SparkFailures.translate(e, source, src, prefix);
        }
        return new Result(
                merge(partials, windows),
                counters.rowsRead().value(),
                counters.rowsWithProblems().value(),
                counters.nullTimestamps().value());
    }

    /**
     * Consecutive windows grouped into at most {@code partitions} slices of whole windows: each slice
     * is one JDBC query and one Spark task, so the fixed cost of a query (login, planning, a task)
     * is paid per slice, not per window.
     */
    static List<Window> slices(List<Window> windows, int partitions) {
        int perSlice = Math.max(1, (windows.size() + partitions - 1) / Math.max(1, partitions));
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < windows.size(); i += perSlice) {
            List<Window> slice = windows.subList(i, Math.min(windows.size(), i + perSlice));
            out.add(new Window(slice.get(0).start(), slice.get(slice.size() - 1).end()));
        }
        return out;
    }

    private static String table(PostgresJdbcDataSource src) {
        return "(\n" + SqlQueries.normalize(src.query(), "data_source.query") + "\n) AS " + PostgresSource.ALIAS;
    }

    /** The predicate of one window on the timestamp column, for its PostgreSQL type. */
    static String predicate(String quotedColumn, String pgType, Window w) {
        String type = pgType.toLowerCase(Locale.ROOT);
        if (type.equals("timestamptz")) {
            return quotedColumn + " >= '" + w.start() + "'::timestamptz AND " + quotedColumn + " < '" + w.end()
                    + "'::timestamptz";
        }
        if (type.equals("timestamp") || type.equals("date")) {
            // A timestamp without time zone is taken as UTC.
            return quotedColumn + " >= '" + utc(w.start()) + "'::timestamp AND " + quotedColumn + " < '" + utc(w.end())
                    + "'::timestamp";
        }
        // Epoch seconds or milliseconds (above 1e11 a number is taken as milliseconds).
        String seconds = "(CASE WHEN abs(" + quotedColumn + ") > " + (long) Coercion.EPOCH_MILLIS_ABOVE + " THEN "
                + quotedColumn + " / 1000.0 ELSE " + quotedColumn + " END)";
        return seconds + " >= " + w.start().getEpochSecond() + " AND " + seconds + " < "
                + w.end().getEpochSecond();
    }

    private static String utc(Instant i) {
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC).toString().replace('T', ' ');
    }

    private static ProfilePlan plan(Prepared prepared, Dataset<Row> frame, List<Segment> segments) {
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
                fields,
                segmentPlans,
                performancePlans(version, connection, columns));
    }

    /**
     * One performance plan per prediction field the dataset has a label column for. A boolean prediction of a
     * binary model takes its score from the numeric prediction labeled with the same column, if there is one.
     */
    private static List<ProfilePlan.PerformancePlan> performancePlans(
            ModelVersion version, DatasetConnection connection, String[] columns) {
        List<ProfilePlan.PerformancePlan> plans = new ArrayList<>();
        String prefix = connection.dataset().specName() + ".";
        for (Field f : version.schema().fields()) {
            String labelColumn = connection.labels().get(f.name());
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
                            && labelColumn.equals(connection.labels().get(other.name()))) {
                        score = indexOf(columns, connection.columnFor(other)).orElse(-1);
                        break;
                    }
                }
            }
            plans.add(new ProfilePlan.PerformancePlan(
                    f.name(), version.modelType().specName(), f.type().kind().specName(), prediction, score, actual));
        }
        return plans;
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
