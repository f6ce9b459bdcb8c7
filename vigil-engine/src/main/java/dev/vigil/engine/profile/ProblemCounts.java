package dev.vigil.engine.profile;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The rows with a problem, counted by field and reason ({@code "emb: wrong_dimensions"}), so that a run can say why its
 * rows had problems rather than only how many did. A row counts once per field and reason it has, so the counts may
 * add up to more than the run's rows with problems. A wrong-dimensions reason also keeps the shortest and longest
 * length seen, for the sentence ("768 values, 512 declared").
 *
 * <p>Reasons: {@value #WRONG_DIMENSIONS}, {@value #NON_FINITE}, {@value #TYPE_MISMATCH}, {@value #TOO_LONG},
 * {@value #NULL_ID}, {@value #DUPLICATE_ID}, {@value #NULL_TIMESTAMP}.
 */
public final class ProblemCounts implements Serializable {
    /** A tensor or embedding whose number of values is not the product of its declared dimensions. */
    public static final String WRONG_DIMENSIONS = "wrong_dimensions";
    /** A number or vector element that is infinite, or a vector element that is NULL or NaN. */
    public static final String NON_FINITE = "non_finite";
    /** A value that could not be read as the field's declared type. */
    public static final String TYPE_MISMATCH = "type_mismatch";
    /** A string longer than a value is kept, or a text longer than is profiled whole. */
    public static final String TOO_LONG = "too_long";
    /** A row without an id. */
    public static final String NULL_ID = "null_id";
    /** A row whose id an earlier row of its window had. */
    public static final String DUPLICATE_ID = "duplicate_id";
    /** A row without a timestamp, which is in no window. */
    public static final String NULL_TIMESTAMP = "null_timestamp";

    private final TreeMap<String, Long> counts = new TreeMap<>();
    /** Per wrong-dimensions key: the shortest and longest length seen, and the declared one. */
    private final TreeMap<String, int[]> lengths = new TreeMap<>();

    /** Counts one row with {@code reason} on {@code field}. */
    public void add(String field, String reason) {
        counts.merge(field + ": " + reason, 1L, Long::sum);
    }

    /** Counts one row of {@code field} holding {@code length} values where {@code declared} were declared. */
    public void addWrongDimensions(String field, int length, int declared) {
        String key = field + ": " + WRONG_DIMENSIONS;
        counts.merge(key, 1L, Long::sum);
        lengths.merge(key, new int[] {length, length, declared}, (a, b) ->
                new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2]});
    }

    /** Adds {@code other}'s counts to these. */
    public void merge(ProblemCounts other) {
        other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        other.lengths.forEach((k, v) ->
                lengths.merge(k, v.clone(), (a, b) -> new int[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2]}));
    }

    /** The rows per {@code "field: reason"}, in the keys' order. */
    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /**
     * The counts as a user reads them, largest first: {@code emb: wrong_dimensions 48 (768 values, 512 declared),
     * ts: null_timestamp 2}.
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> {
                    if (!out.isEmpty()) {
                        out.append(", ");
                    }
                    out.append(e.getKey()).append(' ').append(e.getValue());
                    int[] seen = lengths.get(e.getKey());
                    if (seen != null) {
                        out.append(" (")
                                .append(seen[0] == seen[1] ? String.valueOf(seen[0]) : seen[0] + " to " + seen[1])
                                .append(" values, ")
                                .append(seen[2])
                                .append(" declared)");
                    }
                });
        return out.toString();
    }

    /** The accumulator a run's partitions add their counts to, merged on the driver. */
    public static final class Accumulator extends AccumulatorV2<ProblemCounts, ProblemCounts> {
        private ProblemCounts value = new ProblemCounts();

        @Override
        public boolean isZero() {
            return value.isEmpty();
        }

        @Override
        public AccumulatorV2<ProblemCounts, ProblemCounts> copy() {
            Accumulator copy = new Accumulator();
            copy.value.merge(value);
            return copy;
        }

        @Override
        public void reset() {
            value = new ProblemCounts();
        }

        @Override
        public void add(ProblemCounts v) {
            value.merge(v);
        }

        @Override
        public void merge(AccumulatorV2<ProblemCounts, ProblemCounts> other) {
            value.merge(other.value());
        }

        @Override
        public ProblemCounts value() {
            return value;
        }
    }
}
