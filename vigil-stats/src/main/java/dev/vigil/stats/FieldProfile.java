package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.FieldType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A mergeable, serializable summary of one field's values in one window and segment.
 *
 * <p>A mutable accumulator, not thread-safe. The engine calls exactly one adder per row: {@link #addMissing()}
 * for SQL NULL, {@link #addTypeMismatch()} for a value that could not be coerced to the declared type, or the
 * adder of the field's kind. Profiles of the same type {@link #merge(FieldProfile) merge}; {@link #metrics()}
 * derives the METRICS.md metrics afterwards, so that a merged profile gives the same metrics as profiling all
 * rows directly (exact metrics to rounding; approximate ones within their tolerance).
 *
 * <p>Accuracy: quantiles come from a deterministic KLL sketch with k = {@value Quantiles#K} and the {@value
 * Quantiles#TAIL} smallest and largest values exact (normalized rank error ≈ 0.7% at 99% confidence, within
 * METRICS.md's 1%; exact in the tails); {@code distinct_count} is exact up to {@value Distinct#EXACT_LIMIT} distinct
 * values and an HLL (composite) estimate above, within 2%, rounded to a whole number; value counts are
 * exact while a profile holds at most {@value CategoricalProfile#VALUE_CAP} distinct values (see {@link
 * #valueCounts()}). The same rows give the same profile bytes (see {@code package-info}).
 */
public final class FieldProfile implements Profile {
    static final String MAGIC = "VGP";
    static final int FORMAT_VERSION = 3;
    static final String WHAT = "field profile";

    /**
     * A categorical or string value longer than this many characters (code points) counts in {@code
     * long_value_count} and is kept truncated to this length in the value counts and the distinct-count sketch,
     * so that one runaway value cannot grow a profile without bound.
     */
    public static final int LONG_VALUE_CHARS = 1_000;

    /** A text value longer than this many characters counts in {@code long_value_count} (it is profiled whole). */
    public static final int LONG_TEXT_CHARS = 100_000;

    private final FieldType type;
    private long count;
    private long missingCount;
    private long invalidCount;
    private long typeMismatchCount;
    private long longValueCount;
    private final KindProfile values;

    private FieldProfile(FieldType type, KindProfile values) {
        this.type = type;
        this.values = values;
    }

    /** An empty profile for a field of {@code type}. */
    public static FieldProfile create(FieldType type) {
        Objects.requireNonNull(type, "type");
        return new FieldProfile(type, newValues(type));
    }

    private static KindProfile newValues(FieldType type) {
        return switch (type.kind()) {
            case NUMERIC, DATETIME -> new NumericProfile();
            case CATEGORICAL, STRING, BOOLEAN -> new CategoricalProfile();
            case TEXT -> new TextProfile();
            case TENSOR, EMBEDDING -> new VectorProfile(type.size());
            case ARRAY, DICT -> new LengthProfile();
        };
    }

    /** The declared type of the field. */
    public FieldType type() {
        return type;
    }

    /** The kind of the field. */
    public FieldType.Kind kind() {
        return type.kind();
    }

    /** Tensor or embedding dimensions (a tensor row holds their product of values); empty for other kinds. */
    public List<Integer> dimensions() {
        return type.dimensions();
    }

    /** Counts a SQL NULL. */
    public void addMissing() {
        count++;
        missingCount++;
    }

    /** Counts a value that could not be coerced to the declared type: invalid and a type mismatch. */
    public void addTypeMismatch() {
        count++;
        invalidCount++;
        typeMismatchCount++;
    }

    private void addInvalid() {
        count++;
        invalidCount++;
    }

    /**
     * Adds a number of a numeric field, or a datetime as epoch seconds. NaN counts as missing, ±Infinity as
     * invalid.
     */
    public void addNumber(double value) {
        NumericProfile numeric = expect(NumericProfile.class, "addNumber");
        if (Double.isNaN(value)) {
            addMissing();
        } else if (Double.isInfinite(value)) {
            addInvalid();
        } else {
            count++;
            numeric.add(value);
        }
    }

    /**
     * Adds a value of a categorical (the code as a string, e.g. {@code "3"}), string or boolean ({@code "true"},
     * {@code "false"}) field; null counts as missing.
     */
    public void addValue(String value) {
        CategoricalProfile categorical = expect(CategoricalProfile.class, "addValue");
        if (value == null) {
            addMissing();
        } else {
            count++;
            categorical.add(truncated(value));
        }
    }

    /** Adds a text value; null counts as missing. */
    public void addText(String text) {
        TextProfile textProfile = expect(TextProfile.class, "addText");
        if (text == null) {
            addMissing();
        } else {
            count++;
            if (text.length() > LONG_TEXT_CHARS && text.codePointCount(0, text.length()) > LONG_TEXT_CHARS) {
                longValueCount++;
            }
            textProfile.add(text);
        }
    }

    /** {@code value}, or its first {@value #LONG_VALUE_CHARS} characters, counting it as long. */
    private String truncated(String value) {
        if (value.length() <= LONG_VALUE_CHARS || value.codePointCount(0, value.length()) <= LONG_VALUE_CHARS) {
            return value;
        }
        longValueCount++;
        return value.substring(0, value.offsetByCodePoints(0, LONG_VALUE_CHARS));
    }

    /**
     * Adds a tensor (flattened, row-major) or embedding row; null counts as missing. A row whose length differs
     * from the product of the dimensions, or with a non-finite element, counts as invalid.
     */
    public void addVector(double[] vector) {
        VectorProfile vectors = expect(VectorProfile.class, "addVector");
        if (vector == null) {
            addMissing();
        } else if (vectors.add(vector)) {
            count++;
        } else {
            addInvalid();
        }
    }

    /** Adds an array or dict by its number of entries ({@code length} ≥ 0). */
    public void addArray(int length) {
        LengthProfile lengths = expect(LengthProfile.class, "addArray");
        if (length < 0) {
            throw new VigilArgumentException("addArray: length must be >= 0, got " + length);
        }
        count++;
        lengths.add(length);
    }

    private <T extends KindProfile> T expect(Class<T> profileClass, String adder) {
        if (!profileClass.isInstance(values)) {
            throw new VigilArgumentException(adder + " does not apply to a " + type + " field");
        }
        return profileClass.cast(values);
    }

    /**
     * Adds {@code other}'s rows to this profile, in place. Merging is associative and commutative up to
     * floating-point rounding (and, beyond the value-count cap, the choice of kept values).
     *
     * @throws VigilArgumentException if the kinds or dimensions differ
     */
    public void merge(FieldProfile other) {
        Objects.requireNonNull(other, "other");
        if (!type.equals(other.type)) {
            throw new VigilArgumentException(
                    "cannot merge a profile of a " + other.type + " field into one of a " + type + " field");
        }
        KindProfile otherValues = other == this ? values.copy() : other.values;
        count += other.count;
        missingCount += other.missingCount;
        invalidCount += other.invalidCount;
        typeMismatchCount += other.typeMismatchCount;
        longValueCount += other.longValueCount;
        values.merge(otherValues);
    }

    /**
     * The metrics of this profile by METRICS.md name, in a stable order; a null value is undefined (e.g.
     * {@code mean} with no valid value, {@code stddev} with fewer than 2).
     *
     * <p>Every kind: {@code count missing_count missing_ratio invalid_count type_mismatch_count}; categorical,
     * string and text add {@code long_value_count} (values over {@value #LONG_VALUE_CHARS} characters, or
     * {@value #LONG_TEXT_CHARS} for text; they stay valid). Numeric and
     * datetime: {@code mean sum min max stddev variance p01 p05 p10 p25 p50 p75 p90 p95 p99 median
     * distinct_count}. Categorical, string, boolean: {@code distinct_count}, {@code value_count[<value>]} for
     * the 50 most frequent values (ties by value ascending) and {@code value_count[__other__]} for the rest
     * when there is any. Text: {@code mean_length min_length max_length empty_count mean_token_count}. Tensor,
     * embedding: {@code mean_norm}. Array, dict: {@code mean_length min_length max_length}.
     */
    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("count", (double) count);
        metrics.put("missing_count", (double) missingCount);
        metrics.put("missing_ratio", count == 0 ? null : (double) missingCount / count);
        metrics.put("invalid_count", (double) invalidCount);
        metrics.put("type_mismatch_count", (double) typeMismatchCount);
        if (hasLongValues(type.kind())) {
            metrics.put("long_value_count", (double) longValueCount);
        }
        values.putMetrics(metrics);
        return metrics;
    }

    /**
     * The names {@link #metrics()} gives for a field of this kind, in its order, whatever rows were added (a value
     * may be null). Categorical, string and boolean fields also give {@code value_count[<value>]} per kept value and
     * {@code value_count[__other__]} ({@link #hasValueCounts}); those depend on the rows and are not listed.
     */
    public static List<String> metricNames(FieldType.Kind kind) {
        List<String> names = new ArrayList<>(
                List.of("count", "missing_count", "missing_ratio", "invalid_count", "type_mismatch_count"));
        if (hasLongValues(kind)) {
            names.add("long_value_count");
        }
        switch (kind) {
            case NUMERIC, DATETIME -> {
                names.addAll(List.of("mean", "sum", "min", "max", "stddev", "variance"));
                names.addAll(List.of(NumericProfile.QUANTILE_NAMES));
                names.addAll(List.of("median", "distinct_count"));
            }
            case CATEGORICAL, STRING, BOOLEAN -> names.add("distinct_count");
            case TEXT ->
                names.addAll(List.of("mean_length", "min_length", "max_length", "empty_count", "mean_token_count"));
            case TENSOR, EMBEDDING -> names.add("mean_norm");
            case ARRAY, DICT -> names.addAll(List.of("mean_length", "min_length", "max_length"));
        }
        return List.copyOf(names);
    }

    /** Whether {@link #metrics()} gives {@code value_count[<value>]} metrics for a field of this kind. */
    public static boolean hasValueCounts(FieldType.Kind kind) {
        return kind == FieldType.Kind.CATEGORICAL || kind == FieldType.Kind.STRING || kind == FieldType.Kind.BOOLEAN;
    }

    /** Rows added by any adder. */
    public long count() {
        return count;
    }

    /** Values over the long-value limit of the kind; always 0 for kinds other than categorical, string, text. */
    public long longValueCount() {
        return longValueCount;
    }

    private static boolean hasLongValues(FieldType.Kind kind) {
        return kind == FieldType.Kind.CATEGORICAL || kind == FieldType.Kind.STRING || kind == FieldType.Kind.TEXT;
    }

    /** Values that were invalid (±Infinity, a tensor of the wrong length) or could not be coerced. */
    public long invalidCount() {
        return invalidCount;
    }

    /** Valid, non-missing values: {@code count - missing_count - invalid_count}. */
    public long validCount() {
        return values.validCount();
    }

    /** The mean vector of the valid tensor or embedding rows; null for other kinds or with no valid row. */
    public double[] centroid() {
        return values instanceof VectorProfile vectors ? vectors.centroid() : null;
    }

    /** The mean of the valid values (numeric, datetime) or of the text lengths (text); NaN otherwise or without a value. */
    double mean() {
        if (values instanceof TextProfile text) {
            return text.meanLength();
        }
        long n = validCount();
        return values instanceof NumericProfile numeric && n > 0 ? numeric.sum() / n : Double.NaN;
    }

    /** The quantile sketch itself (numeric, datetime: values; text: lengths), not a copy: for read-only use in this package. */
    Quantiles quantileSketchView() {
        if (values instanceof NumericProfile numeric) {
            return numeric.quantiles();
        }
        return values instanceof TextProfile text ? text.lengths() : null;
    }

    /**
     * A copy of the quantile sketch of the valid values of a numeric or datetime field, or of the lengths of a text
     * field; empty for other kinds or when there is no valid value. For the tests of this package only.
     */
    Optional<Quantiles> quantileSketch() {
        Quantiles sketch = quantileSketchView();
        return sketch == null || sketch.n() == 0 ? Optional.empty() : Optional.of(sketch.copy());
    }

    /**
     * The kept value counts of a categorical, string or boolean field (at most {@value CategoricalProfile#VALUE_CAP}
     * values; the rest is in {@link #otherCount()}); empty for other kinds. Unmodifiable.
     */
    public Map<String, Long> valueCounts() {
        return values instanceof CategoricalProfile categorical
                ? Collections.unmodifiableMap(new HashMap<>(categorical.counts()))
                : Map.of();
    }

    /** Rows whose value was folded into "other" because of the value-count cap; 0 for other kinds. */
    public long otherCount() {
        return values instanceof CategoricalProfile categorical ? categorical.otherCount() : 0L;
    }

    /** The sum of the valid values of a numeric or datetime field; 0 for other kinds. */
    public double sum() {
        return values instanceof NumericProfile numeric ? numeric.sum() : 0.0;
    }

    /** The sample standard deviation (n - 1) of a numeric or datetime field; null for other kinds or below two values. */
    public Double stddev() {
        Double variance = values instanceof NumericProfile numeric ? numeric.variance() : null;
        return variance == null ? null : Math.sqrt(variance);
    }

    /** The smallest valid value of a numeric or datetime field; null for other kinds or with no valid value. */
    public Double min() {
        return values instanceof NumericProfile numeric ? numeric.min() : null;
    }

    /** The largest valid value of a numeric or datetime field; null for other kinds or with no valid value. */
    public Double max() {
        return values instanceof NumericProfile numeric ? numeric.max() : null;
    }

    /** Serializes this profile in format version {@value #FORMAT_VERSION}, described in {@code package-info}. */
    @Override
    public byte[] toBytes() {
        ProfileWriter out = new ProfileWriter().header(MAGIC, FORMAT_VERSION);
        out.writeString(type.kind().specName()).writeInt(type.dimensions().size());
        for (int dimension : type.dimensions()) {
            out.writeInt(dimension);
        }
        out.writeLong(count).writeLong(missingCount).writeLong(invalidCount).writeLong(typeMismatchCount);
        out.writeLong(longValueCount);
        values.write(out);
        return out.toByteArray();
    }

    /**
     * Reads a profile written by {@link #toBytes()}.
     *
     * @throws VigilStateException if the bytes are not a profile, have an unknown format version, or are
     *     truncated or corrupt
     */
    public static FieldProfile fromBytes(byte[] bytes) {
        return read(ProfileReader.open(bytes, MAGIC, FORMAT_VERSION, WHAT));
    }

    /**
     * The profile of {@code bytes} without its distinct-count sketch, which is skipped unread: for queries that
     * never ask {@code distinct_count} (drift, distributions), since that sketch is most of a day's bytes. Such a
     * profile gives {@code distinct_count} null, makes any profile merged with it lose its count too, and cannot be
     * written back ({@link #toBytes()} fails).
     *
     * @throws VigilStateException as {@link #fromBytes} does, except for a corrupt distinct-count sketch
     */
    public static FieldProfile fromBytesWithoutDistinct(byte[] bytes) {
        return read(ProfileReader.open(bytes, MAGIC, FORMAT_VERSION, WHAT).skippingDistinct());
    }

    private static FieldProfile read(ProfileReader in) {
        FieldType type = readType(in);
        long count = in.readCounter("count");
        long missingCount = in.readCounter("missing count");
        long invalidCount = in.readCounter("invalid count");
        long typeMismatchCount = in.readCounter("type mismatch count");
        long longValueCount = in.version() >= 2 ? in.readCounter("long value count") : 0;
        KindProfile values =
                switch (type.kind()) {
                    case NUMERIC, DATETIME -> NumericProfile.read(in);
                    case CATEGORICAL, STRING, BOOLEAN -> CategoricalProfile.read(in);
                    case TEXT -> TextProfile.read(in);
                    case TENSOR, EMBEDDING -> VectorProfile.read(in, type.size());
                    case ARRAY, DICT -> LengthProfile.read(in);
                };
        in.finish();
        if (typeMismatchCount > invalidCount
                || missingCount + invalidCount + values.validCount() != count
                || longValueCount > values.validCount()
                || (longValueCount > 0 && !hasLongValues(type.kind()))) {
            throw in.corrupt("counts disagree (count " + count + ", missing " + missingCount + ", invalid "
                    + invalidCount + ", type mismatches " + typeMismatchCount + ", valid " + values.validCount()
                    + ", long values " + longValueCount + ")");
        }
        FieldProfile profile = new FieldProfile(type, values);
        profile.count = count;
        profile.missingCount = missingCount;
        profile.invalidCount = invalidCount;
        profile.typeMismatchCount = typeMismatchCount;
        profile.longValueCount = longValueCount;
        return profile;
    }

    private static FieldType readType(ProfileReader in) {
        String kindName = in.readString("kind");
        FieldType.Kind kind = null;
        for (FieldType.Kind candidate : FieldType.Kind.values()) {
            if (candidate.specName().equals(kindName)) {
                kind = candidate;
            }
        }
        if (kind == null) {
            throw in.corrupt("unknown field kind '" + kindName + "'");
        }
        int rank = in.readCount("number of dimensions", Integer.BYTES);
        List<Integer> dimensions = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            dimensions.add(in.readInt("dimension " + i));
        }
        try {
            return new FieldType(kind, dimensions);
        } catch (VigilArgumentException e) {
            throw in.corrupt(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "FieldProfile[" + type + ", count=" + count + ", valid=" + validCount() + "]";
    }
}
