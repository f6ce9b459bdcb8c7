package dev.vigil.engine.profile;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Segment;
import dev.vigil.engine.source.SourceTimestamps;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.stats.SampleProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Profiles the rows of one partition, which holds a slice of consecutive whole windows (one JDBC
 * predicate per slice): every field of every window, for all rows and for each segment the row
 * falls in, plus the dataset-level counts. A row's window comes from its timestamp; a row without
 * one (the run's extra {@code IS NULL} slice) is in no window and only counted. Runs on executors;
 * what it returns is small (windows × segments × fields profiles).
 */
final class PartitionProfiler implements Function2<Integer, Iterator<Row>, Iterator<PartialProfile>> {
    /** Distinct values of a value segment tracked per window before further values are ignored. */
    static final int MAX_TRACKED_SEGMENT_VALUES = 1_000;

    /** A segment value longer than this many characters is cut to this length (the metastore keys on it). */
    static final int MAX_SEGMENT_VALUE_CHARS = 200;

    /**
     * Distinct ids remembered per window to find duplicates: about 100 MB of boxed ids at most, where a window of
     * 10^8 rows would otherwise fill the heap. Past it, a row whose id is not among them is not checked, and counted.
     */
    static final int MAX_TRACKED_IDS = 1_000_000;

    /**
     * The run's counters, summed over partitions; {@code uncheckedIds} counts the rows whose id was not checked for
     * duplicates because their window already held {@value #MAX_TRACKED_IDS} distinct ids; {@code problems} counts the
     * rows with a problem by field and reason.
     */
    record Counters(
            LongAccumulator rowsRead,
            LongAccumulator rowsWithProblems,
            LongAccumulator nullTimestamps,
            LongAccumulator uncheckedIds,
            ProblemCounts.Accumulator problems)
            implements java.io.Serializable {
        /** Counters whose problems by reason are kept on this JVM only (tests that call the profiler directly). */
        Counters(
                LongAccumulator rowsRead,
                LongAccumulator rowsWithProblems,
                LongAccumulator nullTimestamps,
                LongAccumulator uncheckedIds) {
            this(rowsRead, rowsWithProblems, nullTimestamps, uncheckedIds, new ProblemCounts.Accumulator());
        }
    }

    /** The id and timestamp columns' names, which the row problems of {@link ProblemCounts} are counted under. */
    record Names(String id, String timestamp) implements java.io.Serializable {}

    private final ProfilePlan plan;
    private final Counters counters;
    private final int maxTrackedIds;
    private final Names names;

    PartitionProfiler(ProfilePlan plan, Counters counters) {
        this(plan, counters, MAX_TRACKED_IDS);
    }

    /** A profiler that remembers at most {@code maxTrackedIds} ids per window (tests use a small number). */
    PartitionProfiler(ProfilePlan plan, Counters counters, int maxTrackedIds) {
        this(plan, counters, maxTrackedIds, new Names("id", "timestamp"));
    }

    /** A profiler counting the id's and timestamp's problems under the columns' {@code names}. */
    PartitionProfiler(ProfilePlan plan, Counters counters, int maxTrackedIds, Names names) {
        this.plan = plan;
        this.counters = counters;
        this.maxTrackedIds = maxTrackedIds;
        this.names = names;
    }

    /** The profiles of one segment of the window. */
    private final class SegmentProfiles {
        final DatasetProfile dataset = new DatasetProfile();
        final FieldProfile[] fields = new FieldProfile[plan.fields().size()];
        final PerformanceProfile[] performance =
                new PerformanceProfile[plan.performance().size()];

        SegmentProfiles() {
            for (int i = 0; i < fields.length; i++) {
                fields[i] = FieldProfile.create(plan.fields().get(i).type());
            }
            for (int i = 0; i < performance.length; i++) {
                performance[i] = PerformanceProfile.create(
                        plan.performance().get(i).modelType(),
                        plan.performance().get(i).k());
            }
        }
    }

    /** Everything one window of the partition has seen so far. */
    private final class WindowState {
        final SegmentProfiles all = new SegmentProfiles();
        final Map<String, SegmentProfiles> segments = new LinkedHashMap<>();
        final Set<Object> ids = new HashSet<>();
        final int[] tracked = new int[plan.segments().size()];
        /** The window's row sample (all rows, not per segment); null when the plan samples none. */
        final SampleProfile sample = plan.sample() == null ? null : SampleRows.create(plan.sample());
    }

    @Override
    public Iterator<PartialProfile> call(Integer partition, Iterator<Row> rows) {
        Map<Long, WindowState> windows = new TreeMap<>();
        long read = 0;
        long withProblems = 0;
        long nullTimestamps = 0;
        long uncheckedIds = 0;
        ProblemCounts problems = new ProblemCounts();
        List<SegmentProfiles> rowSegments = new ArrayList<>();
        // Looked up once per partition, not per row: the fields' columns; the segments' keys once per value.
        int fieldCount = plan.fields().size();
        int[] columns = new int[fieldCount];
        int[] sizes = new int[fieldCount];
        for (int f = 0; f < fieldCount; f++) {
            columns[f] = plan.fields().get(f).column();
            sizes[f] = plan.fields().get(f).type().size();
        }
        SegmentKeys[] segmentKeys = new SegmentKeys[plan.segments().size()];
        for (int si = 0; si < segmentKeys.length; si++) {
            segmentKeys[si] = new SegmentKeys(plan.segments().get(si));
        }
        // Rows come window after window (a slice's rows are mostly in time order): the last window is kept at hand.
        long lastStart = Long.MIN_VALUE;
        WindowState window = null;
        while (rows.hasNext()) {
            Row row = rows.next();
            read++;
            Double seconds = SourceTimestamps.epochSeconds(row.get(plan.timestampColumn()));
            if (seconds == null) {
                nullTimestamps++; // from the IS NULL slice: in no window, counted for the run
                withProblems++;
                problems.add(names.timestamp(), ProblemCounts.NULL_TIMESTAMP);
                continue;
            }
            long windowStart = Math.floorDiv((long) Math.floor(seconds), plan.windowSeconds()) * plan.windowSeconds();
            if (window == null || windowStart != lastStart) {
                window = windows.computeIfAbsent(windowStart, w -> new WindowState());
                lastStart = windowStart;
            }
            rowSegments.clear();
            rowSegments.add(window.all);
            for (int si = 0; si < window.tracked.length; si++) {
                String key = segmentKeys[si].of(row);
                if (key != null) {
                    SegmentProfiles p = window.segments.get(key);
                    if (p == null && window.tracked[si] < MAX_TRACKED_SEGMENT_VALUES) {
                        p = new SegmentProfiles();
                        window.segments.put(key, p);
                        window.tracked[si]++;
                    }
                    if (p != null) {
                        rowSegments.add(p);
                    }
                }
            }
            Object id = row.get(plan.idColumn());
            boolean nullId = id == null;
            boolean duplicateId = false;
            if (!nullId) {
                if (window.ids.size() < maxTrackedIds) {
                    duplicateId = !window.ids.add(id);
                } else if (window.ids.contains(id)) {
                    duplicateId = true;
                } else {
                    uncheckedIds++; // not remembered, so neither it nor a later repeat of it is found a duplicate
                }
            }
            if (window.sample != null) {
                window.sample.add(SampleRows.id(id, windowStart), () -> SampleRows.values(plan.sample(), row));
            }
            boolean problem = nullId || duplicateId;
            if (nullId) {
                problems.add(names.id(), ProblemCounts.NULL_ID);
            } else if (duplicateId) {
                problems.add(names.id(), ProblemCounts.DUPLICATE_ID);
            }
            for (SegmentProfiles p : rowSegments) {
                p.dataset.addRow();
                if (nullId) {
                    p.dataset.addNullIds(1);
                }
                if (duplicateId) {
                    p.dataset.addDuplicateIds(1);
                }
            }
            int segmentsOfRow = rowSegments.size();
            for (int f = 0; f < fieldCount; f++) {
                Object value = row.get(columns[f]);
                FieldProfile all = window.all.fields[f];
                long invalidBefore = all.invalidCount();
                long longBefore = all.longValueCount();
                Coercion.add(all, all.kind(), value);
                for (int i = 1; i < segmentsOfRow; i++) {
                    Coercion.add(rowSegments.get(i).fields[f], all.kind(), value);
                }
                if (all.invalidCount() > invalidBefore) {
                    problem = true;
                    String name = plan.fields().get(f).name();
                    String reason = Coercion.invalidReason(all.kind(), sizes[f], value);
                    if (reason.equals(ProblemCounts.WRONG_DIMENSIONS)) {
                        problems.addWrongDimensions(name, Coercion.vector(value).length, sizes[f]);
                    } else {
                        problems.add(name, reason);
                    }
                } else if (all.longValueCount() > longBefore) {
                    problem = true;
                    problems.add(plan.fields().get(f).name(), ProblemCounts.TOO_LONG);
                }
            }
            for (int pi = 0; pi < plan.performance().size(); pi++) {
                ProfilePlan.PerformancePlan performance = plan.performance().get(pi);
                double[] lossEstimate = PerformanceRows.lossEstimate(performance, row); // once, not per segment
                for (SegmentProfiles p : rowSegments) {
                    PerformanceRows.add(
                            p.performance[pi], performance, row, windowStart, plan.windowSeconds(), lossEstimate);
                }
            }
            if (problem) {
                withProblems++;
            }
        }
        counters.rowsRead().add(read);
        counters.rowsWithProblems().add(withProblems);
        counters.nullTimestamps().add(nullTimestamps);
        counters.uncheckedIds().add(uncheckedIds);
        if (!problems.isEmpty()) {
            counters.problems().add(problems);
        }
        List<PartialProfile> out = new ArrayList<>();
        windows.forEach((windowStart, state) -> {
            emit(out, windowStart, "", state.all);
            if (state.sample != null) {
                out.add(new PartialProfile(windowStart, "", SampleProfile.FIELD, state.sample.toBytes()));
            }
            keepTopValueSegments(state.segments).forEach((key, p) -> emit(out, windowStart, key, p));
        });
        return out.iterator();
    }

    private void emit(List<PartialProfile> out, long windowStart, String segment, SegmentProfiles p) {
        out.add(new PartialProfile(windowStart, segment, "", p.dataset.toBytes()));
        for (int f = 0; f < p.fields.length; f++) {
            out.add(new PartialProfile(
                    windowStart, segment, plan.fields().get(f).name(), p.fields[f].toBytes()));
        }
        for (int i = 0; i < p.performance.length; i++) {
            out.add(new PartialProfile(
                    windowStart,
                    segment,
                    PerformanceProfile.FIELD_PREFIX + plan.performance().get(i).field(),
                    p.performance[i].toBytes()));
        }
    }

    /**
     * The segment keys of one segment for a partition's rows ({@link #segmentKey}), remembered by the column's value
     * for up to {@value #MAX_REMEMBERED_KEYS} distinct values, so that a row of a value seen before builds no string.
     * A bucket segment's buckets are made once.
     */
    private static final class SegmentKeys {
        /** Distinct values whose key is remembered; past them, keys are built per row as before. */
        static final int MAX_REMEMBERED_KEYS = 4_096;
        /** What a remembered value maps to when it belongs to no segment. */
        private static final String NONE = new String("");

        private final ProfilePlan.SegmentPlan plan;
        private final Segment buckets;
        private final Map<Object, String> remembered = new HashMap<>();

        SegmentKeys(ProfilePlan.SegmentPlan plan) {
            this.plan = plan;
            this.buckets = plan.buckets().isEmpty() || plan.where()
                    ? null
                    : new Segment(plan.name(), plan.name(), plan.buckets(), null);
        }

        String of(Row row) {
            if (plan.where() || buckets != null) {
                return segmentKey(plan, buckets, row.get(plan.column()));
            }
            Object value = row.get(plan.column());
            if (value == null) {
                return null;
            }
            String key = remembered.get(value);
            if (key == null) {
                key = segmentKey(plan, null, value);
                if (remembered.size() < MAX_REMEMBERED_KEYS) {
                    remembered.put(value, key == null ? NONE : key);
                }
                return key;
            }
            return key == NONE ? null : key;
        }
    }

    /** The segment a row belongs to for {@code s}, as {@code name=value}; null when it belongs to none. */
    static String segmentKey(ProfilePlan.SegmentPlan s, Row row) {
        return segmentKey(
                s,
                s.buckets().isEmpty() || s.where() ? null : new Segment(s.name(), s.name(), s.buckets(), null),
                row.get(s.column()));
    }

    /** The segment of a row whose segment column holds {@code value} ({@code buckets}: a bucket segment's). */
    private static String segmentKey(ProfilePlan.SegmentPlan s, Segment buckets, Object value) {
        if (s.where()) {
            return Boolean.TRUE.equals(value) ? s.name() + "=true" : null;
        }
        if (value == null) {
            return null;
        }
        if (!s.buckets().isEmpty()) {
            if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                return null;
            }
            return s.name() + "=" + buckets.bucketOf(n.doubleValue());
        }
        String text = s.kind() == FieldType.Kind.BOOLEAN ? Coercion.bool(value) : Coercion.text(value);
        if (text == null) {
            return null;
        }
        if (text.length() > MAX_SEGMENT_VALUE_CHARS) {
            text = text.substring(0, MAX_SEGMENT_VALUE_CHARS);
            if (Character.isHighSurrogate(text.charAt(MAX_SEGMENT_VALUE_CHARS - 1))) {
                text = text.substring(0, MAX_SEGMENT_VALUE_CHARS - 1);
            }
        }
        return s.name() + "=" + text;
    }

    /** Value segments keep their 50 largest values of the window (by rows); buckets and wheres all stay. */
    private Map<String, SegmentProfiles> keepTopValueSegments(Map<String, SegmentProfiles> segments) {
        Map<String, SegmentProfiles> out = new LinkedHashMap<>();
        for (ProfilePlan.SegmentPlan s : plan.segments()) {
            String prefix = s.name() + "=";
            List<Map.Entry<String, SegmentProfiles>> mine = new ArrayList<>();
            for (Map.Entry<String, SegmentProfiles> e : segments.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    mine.add(e);
                }
            }
            boolean byValue = !s.where() && s.buckets().isEmpty();
            if (byValue) {
                mine.sort(Comparator.comparingLong((Map.Entry<String, SegmentProfiles> e) ->
                                -e.getValue().dataset.rows())
                        .thenComparing(Map.Entry::getKey));
                if (mine.size() > Segment.MAX_VALUES) {
                    mine = mine.subList(0, Segment.MAX_VALUES);
                }
            }
            mine.forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }
}
