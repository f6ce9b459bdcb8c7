package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * A bounded, mergeable sample of a window's rows, for what per-field profiles cannot see: changes in the joint
 * distribution of several fields, and in an embedding's shape. Kept beside the field profiles under {@link #FIELD}.
 *
 * <p><b>Sampling.</b> A weighted reservoir after Efraimidis and Spirakis (A-Res): a row of weight {@code w} gets the
 * key {@code u^(1/w)}, kept here as its logarithm {@code ln(u) / w} (the same order, without the precision {@code
 * pow} loses near 1), and the {@link #capacity()} rows with the largest keys are kept. {@code u} in (0, 1] comes
 * from a 64-bit hash of the row's id (or of its values when it has none) and a fixed seed, so profiling the same rows
 * again gives the same sample, byte for byte. Ties are broken by the hash, then by the values.
 *
 * <p><b>Merging.</b> The largest keys of a union are the largest keys of the parts' largest keys, so {@link
 * #merge(SampleProfile)} keeps the {@code capacity} largest keys of both: a weighted sample of the union, for rows of
 * weight 1 a uniform one, whatever the order of merges (the result is byte-identical). Sampling partitions and
 * merging equals sampling the whole. A window of 1,000 rows merged with one of 9,000 gives about 10% and 90% of the
 * merged sample.
 *
 * <p><b>Columns.</b> Numbers (numeric fields; datetimes as epoch seconds; booleans as 0 or 1; missing as NaN) and
 * categories (strings cut to {@value #MAX_CATEGORY_CHARS} characters; missing as null) for every row kept; vectors
 * (tensors, embeddings; float32) only for the {@link #vectorCapacity()} rows with the largest keys, themselves a
 * uniform sample of the window that merging keeps one (a row among the top {@code m} of a union is among the top
 * {@code m} of its part). At most {@value #MAX_COLUMNS} columns, {@value #MAX_VECTOR_COLUMNS} of them vectors of at
 * most {@value #MAX_DIMENSIONS} dimensions: the caller picks which (the engine: the first in the schema). Columns are
 * kept sorted by name; merging samples of different columns keeps the union, a column a part lacks being missing in
 * its rows.
 *
 * <p>Binary format, version 1 (big-endian; a string is an int length then UTF-8; a varint as in {@link
 * PerformanceProfile}):
 *
 * <pre>
 *   magic "VGS", version byte 1
 *   long seed, varint capacity, varint vector capacity, varint rows seen, double weight seen
 *   varint columns, columns x (string name, varint kind: 1 number, 2 category, 3 vector, [varint dimensions]),
 *       names strictly ascending
 *   varint size (at most capacity), size x (double key, long hash, double weight), best key first
 *   then per column:
 *     number     size x double (NaN: missing)
 *     category   varint entries, entries x string (in order of first use), size x varint (0: missing, else 1 + entry)
 *     vector     for the first min(size, vector capacity) rows: varint 0 (missing) or 1, then dimensions x float bits
 * </pre>
 *
 * <p>A reader recomputes each key from its hash and weight and refuses one that differs, keys out of order, and the
 * rest as the other formats do. Not thread-safe.
 */
public final class SampleProfile implements Profile {
    static final String MAGIC = "VGS";
    static final int FORMAT_VERSION = 1;
    static final String WHAT = "row sample";

    /** Where a window's sample is stored beside its field profiles (field names never start with {@code #}). */
    public static final String FIELD = "#sample";

    /** Rows kept per window unless the version says otherwise. */
    public static final int DEFAULT_ROWS = 1_000;

    /** Rows whose vectors are kept per window unless the version says otherwise. */
    public static final int DEFAULT_VECTOR_ROWS = 200;

    /** The most rows a sample keeps: 100 times the default, about 80 MB of numbers at the column limit. */
    public static final int MAX_ROWS = dev.vigil.core.model.SampleSettings.MAX_ROWS;

    /** The most columns a sample keeps. */
    public static final int MAX_COLUMNS = 100;

    /** The most vector columns a sample keeps. */
    public static final int MAX_VECTOR_COLUMNS = 4;

    /** The most dimensions of a vector column. */
    public static final int MAX_DIMENSIONS = 4_096;

    /** A category longer than this many characters is cut to it. */
    public static final int MAX_CATEGORY_CHARS = 64;

    /** The seed of the row hashes: fixed, so that every run samples the same rows. */
    public static final long DEFAULT_SEED = 0x5EED_0019L;

    /** What a column holds. */
    public enum ColumnKind {
        /** Doubles; NaN is missing. */
        NUMBER,
        /** Strings; null is missing. */
        CATEGORY,
        /** float32 vectors of a fixed length, for the top rows only; null is missing. */
        VECTOR
    }

    /** A column: its name, what it holds and, for a vector, its length (0 otherwise). */
    public record Column(String name, ColumnKind kind, int dimensions) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            if (kind == ColumnKind.VECTOR ? dimensions < 1 || dimensions > MAX_DIMENSIONS : dimensions != 0) {
                throw new VigilArgumentException("sample column '" + name + "': "
                        + (kind == ColumnKind.VECTOR
                                ? "a vector has 1 to " + MAX_DIMENSIONS + " dimensions, got " + dimensions
                                : "only a vector has dimensions, got " + dimensions));
            }
        }

        public static Column number(String name) {
            return new Column(name, ColumnKind.NUMBER, 0);
        }

        public static Column category(String name) {
            return new Column(name, ColumnKind.CATEGORY, 0);
        }

        public static Column vector(String name, int dimensions) {
            return new Column(name, ColumnKind.VECTOR, dimensions);
        }
    }

    /** A kept row: its key, hash and weight, and its values by column (Double, String or float[]; null missing). */
    private record Row(double key, long hash, double weight, Object[] values) {}

    /** Best first: the larger key, then the larger hash, then the values. */
    private static final Comparator<Row> RANK = (a, b) -> {
        int c = Double.compare(b.key, a.key);
        if (c != 0) {
            return c;
        }
        c = Long.compare(b.hash, a.hash);
        return c != 0 ? c : compareValues(a.values, b.values);
    };

    private final long seed;
    private int capacity;
    private int vectorCapacity;
    private List<Column> columns;
    private Map<String, Integer> index;
    private long rowsSeen;
    private double weightSeen;
    /** While adding: the kept rows, worst on top. */
    private PriorityQueue<Row> heap;
    /** While adding: the rows whose vectors are kept (the best {@link #vectorCapacity}), worst on top. */
    private PriorityQueue<Row> vectorHeap;
    /** Whether a column is a vector (set with {@link #heap}). */
    private boolean hasVectors;
    /** The kept rows in rank order, once {@link #ranked()} made them; null while {@link #heap} is ahead. */
    private List<Row> ranked;

    private SampleProfile(long seed, int capacity, int vectorCapacity, List<Column> columns) {
        this.seed = seed;
        this.capacity = capacity;
        this.vectorCapacity = vectorCapacity;
        setColumns(columns);
        this.ranked = new ArrayList<>();
    }

    /**
     * An empty sample of {@code columns} (in any order; kept sorted by name) keeping {@code rows} rows and the vectors
     * of {@code vectorRows} of them.
     *
     * @throws VigilArgumentException if {@code rows} is not 1 to {@value #MAX_ROWS}, {@code vectorRows} not 0 to
     *     {@code rows}, a name repeats, or there are more columns than {@value #MAX_COLUMNS} or vector columns than
     *     {@value #MAX_VECTOR_COLUMNS}
     */
    public static SampleProfile create(List<Column> columns, int rows, int vectorRows) {
        return create(columns, rows, vectorRows, DEFAULT_SEED);
    }

    /** As {@link #create(List, int, int)} with another hash seed (tests draw many samples of the same rows). */
    static SampleProfile create(List<Column> columns, int rows, int vectorRows, long seed) {
        if (rows < 1 || rows > MAX_ROWS) {
            throw new VigilArgumentException("sample rows must be 1 to " + MAX_ROWS + ", got " + rows);
        }
        if (vectorRows < 0 || vectorRows > rows) {
            throw new VigilArgumentException("sample vector_rows must be 0 to rows (" + rows + "), got " + vectorRows);
        }
        List<Column> sorted = new ArrayList<>(columns);
        sorted.sort(Comparator.comparing(Column::name));
        checkColumns(sorted);
        return new SampleProfile(seed, rows, vectorRows, sorted);
    }

    private static void checkColumns(List<Column> sorted) {
        if (sorted.size() > MAX_COLUMNS) {
            throw new VigilArgumentException(
                    "a sample keeps at most " + MAX_COLUMNS + " columns, got " + sorted.size());
        }
        long vectors =
                sorted.stream().filter(c -> c.kind() == ColumnKind.VECTOR).count();
        if (vectors > MAX_VECTOR_COLUMNS) {
            throw new VigilArgumentException(
                    "a sample keeps at most " + MAX_VECTOR_COLUMNS + " vector columns, got " + vectors);
        }
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new VigilArgumentException(
                        "sample column '" + sorted.get(i).name() + "' is named twice");
            }
        }
    }

    private void setColumns(List<Column> sorted) {
        this.columns = List.copyOf(sorted);
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            map.put(sorted.get(i).name(), i);
        }
        this.index = map;
    }

    // ---- adding ----

    /**
     * Offers a row of weight 1 whose id is {@code id} (null: none; its values are hashed instead); {@code values}
     * is asked for only when the row may be kept: in the order of {@link #columns()}, a Double (or null) for a
     * number, a String (or null) for a category, a float[] of the column's length (or null) for a vector.
     */
    public void add(String id, Supplier<Object[]> values) {
        add(id, 1, values);
    }

    /**
     * As {@link #add(String, Supplier)}, for a row of {@code weight} (finite, above 0): the larger, the likelier kept.
     */
    public void add(String id, double weight, Supplier<Object[]> values) {
        if (!(weight > 0) || !Double.isFinite(weight)) {
            throw new VigilArgumentException("a sampled row's weight must be finite and above 0, got " + weight);
        }
        Object[] row = null;
        long hash;
        if (id != null) {
            hash = MurmurHash3.hash(id.getBytes(StandardCharsets.UTF_8), seed)[0];
        } else {
            row = checked(values.get());
            hash = hashValues(row, seed);
        }
        double key = key(hash, weight);
        PriorityQueue<Row> kept = heap();
        if (kept.size() >= capacity) {
            Row worst = kept.peek();
            if (key < worst.key || (key == worst.key && hash < worst.hash)) {
                rowsSeen++;
                weightSeen += weight;
                return; // not among the largest keys: its values are never built
            }
        }
        if (row == null) {
            row = checked(values.get());
        }
        rowsSeen++; // only once the row is known good: a refused row changes nothing
        weightSeen += weight;
        Row added = new Row(key, hash, weight, row);
        kept.add(added);
        if (kept.size() > capacity && kept.poll() == added) {
            return;
        }
        if (hasVectors) {
            keepVectorsOfTheBest(added);
        }
    }

    /**
     * Keeps the vectors of the {@link #vectorCapacity} best rows added so far only: a row that falls out of them never
     * gets back (later rows only rank it lower), so its vectors are dropped at once, and a window holds the vectors
     * of {@code vector_rows} rows in memory, not of all it keeps.
     */
    private void keepVectorsOfTheBest(Row added) {
        PriorityQueue<Row> best = vectorHeap;
        Row dropped = added;
        if (best.size() < vectorCapacity) {
            best.add(added);
            dropped = null;
        } else if (vectorCapacity > 0 && RANK.compare(added, best.peek()) < 0) {
            best.add(added);
            dropped = best.poll();
        }
        if (dropped != null) {
            dropVectors(dropped.values);
        }
    }

    private void dropVectors(Object[] values) {
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).kind() == ColumnKind.VECTOR) {
                values[c] = null;
            }
        }
    }

    /** {@code ln(u) / weight}, u in (0, 1] the top 53 bits of {@code hash}: the log of A-Res's key u^(1/weight). */
    static double key(long hash, double weight) {
        double u = ((hash >>> 11) + 1) * 0x1.0p-53;
        return Math.log(u) / weight;
    }

    private PriorityQueue<Row> heap() {
        if (heap == null) {
            heap = new PriorityQueue<>(Math.min(capacity, 1_024) + 1, RANK.reversed());
            heap.addAll(ranked);
            hasVectors = columns.stream().anyMatch(c -> c.kind() == ColumnKind.VECTOR);
            vectorHeap = new PriorityQueue<>(Math.min(vectorCapacity, 1_024) + 1, RANK.reversed());
            if (hasVectors) {
                vectorHeap.addAll(ranked.subList(0, Math.min(vectorCapacity, ranked.size())));
            }
            ranked = null;
        }
        return heap;
    }

    /** The kept rows, best first, vectors beyond the vector capacity dropped. */
    private List<Row> ranked() {
        if (ranked == null) {
            List<Row> rows = new ArrayList<>(heap);
            heap = null;
            vectorHeap = null;
            rows.sort(RANK);
            ranked = trimmed(rows);
        }
        return ranked;
    }

    private List<Row> trimmed(List<Row> sortedRows) {
        List<Row> rows = sortedRows.size() > capacity ? new ArrayList<>(sortedRows.subList(0, capacity)) : sortedRows;
        for (int r = vectorCapacity; r < rows.size(); r++) {
            dropVectors(rows.get(r).values);
        }
        return rows;
    }

    private Object[] checked(Object[] values) {
        if (values == null || values.length != columns.size()) {
            throw new VigilArgumentException("a sampled row has " + (values == null ? "no" : values.length)
                    + " values for " + columns.size() + " columns");
        }
        Object[] copy = new Object[values.length];
        for (int c = 0; c < values.length; c++) {
            Column column = columns.get(c);
            Object v = values[c];
            switch (column.kind()) {
                case NUMBER -> {
                    if (v != null && !(v instanceof Double)) {
                        throw wrongValue(column, "a Double", v);
                    }
                    copy[c] = v == null || ((Double) v).isNaN() ? null : v;
                }
                case CATEGORY -> {
                    if (v != null && !(v instanceof String)) {
                        throw wrongValue(column, "a String", v);
                    }
                    copy[c] = v == null ? null : cut((String) v);
                }
                case VECTOR -> {
                    if (v != null && (!(v instanceof float[] f) || f.length != column.dimensions())) {
                        throw wrongValue(column, "a float[" + column.dimensions() + "]", v);
                    }
                    copy[c] = v;
                }
            }
        }
        return copy;
    }

    private static VigilArgumentException wrongValue(Column column, String expected, Object got) {
        String what = got instanceof float[] f
                ? "a float[" + f.length + "]"
                : got.getClass().getSimpleName();
        return new VigilArgumentException(
                "sample column '" + column.name() + "' takes " + expected + " or null, got " + what);
    }

    /** {@code value} cut to {@value #MAX_CATEGORY_CHARS} characters, never between the halves of a surrogate pair. */
    static String cut(String value) {
        if (value.length() <= MAX_CATEGORY_CHARS) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_CATEGORY_CHARS - 1))
                ? MAX_CATEGORY_CHARS - 1
                : MAX_CATEGORY_CHARS;
        return value.substring(0, end);
    }

    private static long hashValues(Object[] values, long seed) {
        ProfileWriter out = new ProfileWriter();
        for (Object v : values) {
            if (v == null) {
                out.writeInt(0);
            } else if (v instanceof Double d) {
                out.writeInt(1).writeDouble(d);
            } else if (v instanceof String s) {
                out.writeInt(2).writeString(s);
            } else {
                float[] f = (float[]) v;
                out.writeInt(3);
                for (float x : f) {
                    out.writeInt(Float.floatToIntBits(x));
                }
            }
        }
        return MurmurHash3.hash(out.toByteArray(), seed)[0];
    }

    private static int compareValues(Object[] a, Object[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = compareValue(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static int compareValue(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof Double x) {
            return Double.compare(x, (Double) b);
        }
        if (a instanceof String x) {
            return x.compareTo((String) b);
        }
        return Arrays.compare((float[]) a, (float[]) b);
    }

    // ---- merging ----

    /**
     * Keeps the largest keys of this sample's rows and {@code other}'s, in place: a sample of both windows' rows. The
     * capacities become the smaller of the two; the columns, the union of both (a column one lacks is missing in its
     * rows).
     *
     * @throws VigilArgumentException if a column of the same name holds another kind or length, the union has too
     *     many columns, or the samples were hashed with other seeds
     */
    public void merge(SampleProfile other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new VigilArgumentException("cannot merge a row sample into itself");
        }
        if (other.seed != seed) {
            throw new VigilArgumentException("cannot merge row samples hashed with other seeds (" + seed + " and "
                    + other.seed + "): their keys do not compare");
        }
        TreeMap<String, Column> union = new TreeMap<>();
        columns.forEach(c -> union.put(c.name(), c));
        for (Column c : other.columns) {
            Column mine = union.putIfAbsent(c.name(), c);
            if (mine != null && !mine.equals(c)) {
                throw new VigilArgumentException("cannot merge row samples: column '" + c.name() + "' is "
                        + describe(mine) + " in one and " + describe(c) + " in the other");
            }
        }
        List<Column> merged = new ArrayList<>(union.values());
        checkColumns(merged);
        List<Row> rows = new ArrayList<>(size() + other.size());
        remap(ranked(), columns, merged, rows);
        remap(other.ranked(), other.columns, merged, rows);
        setColumns(merged);
        capacity = Math.min(capacity, other.capacity);
        vectorCapacity = Math.min(vectorCapacity, other.vectorCapacity);
        rowsSeen += other.rowsSeen;
        weightSeen += other.weightSeen;
        rows.sort(RANK);
        ranked = trimmed(rows);
    }

    private static String describe(Column c) {
        return switch (c.kind()) {
            case NUMBER -> "a number";
            case CATEGORY -> "a category";
            case VECTOR -> "a vector of " + c.dimensions();
        };
    }

    /** Copies {@code rows} (over {@code from}'s columns) into {@code out} over the columns {@code to}. */
    private static void remap(List<Row> rows, List<Column> from, List<Column> to, List<Row> out) {
        int[] at = new int[to.size()];
        for (int c = 0; c < to.size(); c++) {
            at[c] = -1;
            for (int f = 0; f < from.size(); f++) {
                if (from.get(f).name().equals(to.get(c).name())) {
                    at[c] = f;
                }
            }
        }
        for (Row r : rows) {
            Object[] values = new Object[to.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = at[c] < 0 ? null : r.values[at[c]];
            }
            out.add(new Row(r.key, r.hash, r.weight, values));
        }
    }

    // ---- reading ----

    /** The columns, sorted by name. */
    public List<Column> columns() {
        return columns;
    }

    /** The most rows kept. */
    public int capacity() {
        return capacity;
    }

    /** The most rows whose vectors are kept (the best ranked). */
    public int vectorCapacity() {
        return vectorCapacity;
    }

    /** Rows kept: min(capacity, rows seen). */
    public int size() {
        return heap != null ? Math.min(heap.size(), capacity) : ranked.size();
    }

    /** Rows offered, over all merged windows: each kept row stands for {@code rowsSeen() / size()} of them. */
    public long rowsSeen() {
        return rowsSeen;
    }

    /** The weights of the rows offered, summed. */
    public double weightSeen() {
        return weightSeen;
    }

    /** The kept rows' weights (1 for the engine's rows), in rank order as every accessor. */
    public double[] weights() {
        return ranked().stream().mapToDouble(Row::weight).toArray();
    }

    /**
     * The kept rows' values of number columns {@code fields}: rows x fields, in rank order, NaN where missing.
     *
     * @throws VigilArgumentException if a name is not a number column of the sample
     */
    public double[][] numericMatrix(List<String> fields) {
        int[] at = new int[fields.size()];
        for (int f = 0; f < at.length; f++) {
            at[f] = column(fields.get(f), ColumnKind.NUMBER);
        }
        List<Row> rows = ranked();
        double[][] out = new double[rows.size()][at.length];
        for (int r = 0; r < out.length; r++) {
            Object[] values = rows.get(r).values;
            for (int f = 0; f < at.length; f++) {
                Object v = values[at[f]];
                out[r][f] = v == null ? Double.NaN : (Double) v;
            }
        }
        return out;
    }

    /**
     * The kept rows' values of category column {@code field}, in rank order, null where missing.
     *
     * @throws VigilArgumentException if it is not a category column of the sample
     */
    public List<String> categories(String field) {
        int at = column(field, ColumnKind.CATEGORY);
        List<String> out = new ArrayList<>(size());
        ranked().forEach(r -> out.add((String) r.values[at]));
        return out;
    }

    /**
     * The kept rows' values of category columns {@code fields}: rows x fields, in rank order, null where missing (with
     * {@link #numericMatrix} the two arrays of {@code multivariate.SampleTable}).
     *
     * @throws VigilArgumentException if a name is not a category column of the sample
     */
    public String[][] categoryMatrix(List<String> fields) {
        int[] at = new int[fields.size()];
        for (int f = 0; f < at.length; f++) {
            at[f] = column(fields.get(f), ColumnKind.CATEGORY);
        }
        List<Row> rows = ranked();
        String[][] out = new String[rows.size()][at.length];
        for (int r = 0; r < out.length; r++) {
            for (int f = 0; f < at.length; f++) {
                out[r][f] = (String) rows.get(r).values[at[f]];
            }
        }
        return out;
    }

    /**
     * The vectors of column {@code field} of the best-ranked {@link #vectorCapacity()} rows that have one, in rank
     * order: a uniform sample of the window's vectors (of rows of weight 1).
     *
     * @throws VigilArgumentException if it is not a vector column of the sample
     */
    public double[][] vectors(String field) {
        int at = column(field, ColumnKind.VECTOR);
        List<Row> rows = ranked();
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < Math.min(vectorCapacity, rows.size()); r++) {
            float[] f = (float[]) rows.get(r).values[at];
            if (f != null) {
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                out.add(d);
            }
        }
        return out.toArray(new double[0][]);
    }

    private int column(String field, ColumnKind kind) {
        Integer at = index.get(field);
        if (at == null || columns.get(at).kind() != kind) {
            throw new VigilArgumentException(
                    "'" + field + "' is not a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                            + " column of this row sample (columns: "
                            + columns.stream()
                                    .map(c -> c.name() + " (" + describe(c) + ")")
                                    .toList() + ")");
        }
        return at;
    }

    /** A sample has no metrics of its own: the multivariate ones are computed from two samples. */
    @Override
    public Map<String, Double> metrics() {
        return new LinkedHashMap<>();
    }

    // ---- bytes ----

    @Override
    public byte[] toBytes() {
        List<Row> rows = ranked();
        ProfileWriter out = new ProfileWriter()
                .header(MAGIC, FORMAT_VERSION)
                .writeLong(seed)
                .writeVarLong(capacity)
                .writeVarLong(vectorCapacity)
                .writeVarLong(rowsSeen)
                .writeDouble(weightSeen)
                .writeVarLong(columns.size());
        for (Column c : columns) {
            out.writeString(c.name()).writeVarLong(c.kind().ordinal() + 1);
            if (c.kind() == ColumnKind.VECTOR) {
                out.writeVarLong(c.dimensions());
            }
        }
        out.writeVarLong(rows.size());
        for (Row r : rows) {
            out.writeDouble(r.key).writeLong(r.hash).writeDouble(r.weight);
        }
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            switch (column.kind()) {
                case NUMBER -> {
                    for (Row r : rows) {
                        Object v = r.values[c];
                        out.writeDouble(v == null ? Double.NaN : (Double) v);
                    }
                }
                case CATEGORY -> {
                    Map<String, Integer> entries = new LinkedHashMap<>();
                    for (Row r : rows) {
                        if (r.values[c] != null) {
                            entries.putIfAbsent((String) r.values[c], entries.size());
                        }
                    }
                    out.writeVarLong(entries.size());
                    entries.keySet().forEach(out::writeString);
                    for (Row r : rows) {
                        out.writeVarLong(r.values[c] == null ? 0 : entries.get((String) r.values[c]) + 1);
                    }
                }
                case VECTOR -> {
                    for (int r = 0; r < Math.min(vectorCapacity, rows.size()); r++) {
                        float[] f = (float[]) rows.get(r).values[c];
                        out.writeVarLong(f == null ? 0 : 1);
                        if (f != null) {
                            for (float x : f) {
                                out.writeInt(Float.floatToIntBits(x));
                            }
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads a sample written by {@link #toBytes()}.
     *
     * @throws VigilStateException if the bytes are not a row sample, have an unknown format version, or are
     *     truncated or corrupt
     */
    public static SampleProfile fromBytes(byte[] bytes) {
        ProfileReader in = ProfileReader.open(bytes, MAGIC, FORMAT_VERSION, WHAT);
        long seed = in.readLong("seed");
        int capacity = (int) Math.min(in.readVarLong("capacity"), Integer.MAX_VALUE);
        int vectorCapacity = (int) Math.min(in.readVarLong("vector capacity"), Integer.MAX_VALUE);
        if (capacity < 1 || capacity > MAX_ROWS || vectorCapacity > capacity) {
            throw in.corrupt("capacity " + capacity + " and vector capacity " + vectorCapacity + " are not 1 to "
                    + MAX_ROWS + " and 0 to capacity");
        }
        long rowsSeen = in.readVarLong("rows seen");
        double weightSeen = in.readDouble("weight seen");
        int columnCount = in.readVarCount("columns", 2);
        if (columnCount > MAX_COLUMNS) {
            throw in.corrupt(columnCount + " columns, more than " + MAX_COLUMNS);
        }
        List<Column> columns = new ArrayList<>(columnCount);
        for (int c = 0; c < columnCount; c++) {
            String name = in.readString("column name");
            long kind = in.readVarLong("column kind");
            if (kind < 1 || kind > ColumnKind.values().length) {
                throw in.corrupt("column '" + name + "' has unknown kind " + kind);
            }
            ColumnKind k = ColumnKind.values()[(int) kind - 1];
            long dimensions = k == ColumnKind.VECTOR ? in.readVarLong("dimensions") : 0;
            if (k == ColumnKind.VECTOR && (dimensions < 1 || dimensions > MAX_DIMENSIONS)) {
                throw in.corrupt("vector column '" + name + "' has " + dimensions + " dimensions");
            }
            if (c > 0 && columns.get(c - 1).name().compareTo(name) >= 0) {
                throw in.corrupt("column '" + name + "' is not after '"
                        + columns.get(c - 1).name() + "'");
            }
            columns.add(new Column(name, k, (int) dimensions));
        }
        if (columns.stream().filter(c -> c.kind() == ColumnKind.VECTOR).count() > MAX_VECTOR_COLUMNS) {
            throw in.corrupt("more than " + MAX_VECTOR_COLUMNS + " vector columns");
        }
        int size = in.readVarCount("rows", 24);
        if (size > capacity || size > rowsSeen) {
            throw in.corrupt(size + " rows kept of " + rowsSeen + " seen, capacity " + capacity);
        }
        double[] keys = new double[size];
        long[] hashes = new long[size];
        double[] weights = new double[size];
        for (int r = 0; r < size; r++) {
            keys[r] = in.readDouble("key");
            hashes[r] = in.readLong("hash");
            weights[r] = in.readDouble("weight");
            if (!(weights[r] > 0) || !Double.isFinite(weights[r]) || key(hashes[r], weights[r]) != keys[r]) {
                throw in.corrupt(
                        "row " + r + "'s key " + keys[r] + " is not that of its hash and weight " + weights[r]);
            }
            if (r > 0 && (keys[r] > keys[r - 1] || (keys[r] == keys[r - 1] && hashes[r] > hashes[r - 1]))) {
                throw in.corrupt("row " + r + " ranks before row " + (r - 1));
            }
        }
        Object[][] values = new Object[size][columnCount];
        for (int c = 0; c < columnCount; c++) {
            Column column = columns.get(c);
            switch (column.kind()) {
                case NUMBER -> {
                    for (int r = 0; r < size; r++) {
                        double v = in.readDouble("number");
                        values[r][c] = Double.isNaN(v) ? null : v;
                    }
                }
                case CATEGORY -> {
                    int entries = in.readVarCount("categories", 4);
                    String[] dictionary = new String[entries];
                    for (int e = 0; e < entries; e++) {
                        dictionary[e] = in.readString("category");
                    }
                    for (int r = 0; r < size; r++) {
                        long e = in.readVarLong("category of a row");
                        if (e > entries) {
                            throw in.corrupt("column '" + column.name() + "' row " + r + " names category " + e + " of "
                                    + entries);
                        }
                        values[r][c] = e == 0 ? null : dictionary[(int) e - 1];
                    }
                }
                case VECTOR -> {
                    for (int r = 0; r < Math.min(vectorCapacity, size); r++) {
                        long present = in.readVarLong("vector flag");
                        if (present > 1) {
                            throw in.corrupt("column '" + column.name() + "' row " + r + " has vector flag " + present);
                        }
                        if (present == 1) {
                            float[] f = new float[column.dimensions()];
                            for (int i = 0; i < f.length; i++) {
                                f[i] = Float.intBitsToFloat(in.readInt("vector"));
                            }
                            values[r][c] = f;
                        }
                    }
                }
            }
        }
        in.finish();
        SampleProfile sample = new SampleProfile(seed, capacity, vectorCapacity, columns);
        sample.rowsSeen = rowsSeen;
        sample.weightSeen = weightSeen;
        for (int r = 0; r < size; r++) {
            sample.ranked.add(new Row(keys[r], hashes[r], weights[r], values[r]));
        }
        for (int r = 1; r < size; r++) {
            if (RANK.compare(sample.ranked.get(r - 1), sample.ranked.get(r)) > 0) {
                throw in.corrupt("row " + r + " ranks before row " + (r - 1));
            }
        }
        return sample;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleProfile other && Arrays.equals(toBytes(), other.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "SampleProfile{" + size() + " of " + rowsSeen + " rows, columns " + columns + "}";
    }
}
