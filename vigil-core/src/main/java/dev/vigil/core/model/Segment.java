package dev.vigil.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A slice of a dataset that is profiled on its own, beside all rows. Three shapes:
 *
 * <ul>
 *   <li>{@code {field: owner}}: one segment per value of the field (the 50 most frequent values of
 *       each window; the rest are not profiled separately);
 *   <li>{@code {field: amount, buckets: [100, 500]}}: numeric buckets {@code (-inf, 100)},
 *       {@code [100, 500)}, {@code [500, +inf)};
 *   <li>{@code {name: big, where: "amount > 500"}}: the rows a Spark SQL condition holds for.
 * </ul>
 *
 * <p>A row's segment is named {@code <name>=<value>}: {@code owner=direct}, {@code amount=[100,500)},
 * {@code big=true}.
 */
public record Segment(String name, String field, List<Double> buckets, String where) {

    /** The most values of a field segment profiled per window. */
    public static final int MAX_VALUES = 50;

    public Segment {
        Objects.requireNonNull(name, "name");
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
    }

    public static Segment byValue(String field) {
        return new Segment(field, field, List.of(), null);
    }

    public static Segment byBuckets(String field, List<Double> edges) {
        return new Segment(field, field, edges, null);
    }

    public static Segment where(String name, String condition) {
        return new Segment(name, null, List.of(), condition);
    }

    public boolean isWhere() {
        return where != null;
    }

    public boolean isBuckets() {
        return field != null && !buckets.isEmpty();
    }

    /** The bucket label of {@code value}: {@code (-inf,100)}, {@code [100,500)} or {@code [500,+inf)}. */
    public String bucketOf(double value) {
        int i = 0;
        while (i < buckets.size() && value >= buckets.get(i)) {
            i++;
        }
        String low = i == 0 ? "(-inf" : "[" + format(buckets.get(i - 1));
        String high = i == buckets.size() ? "+inf)" : format(buckets.get(i)) + ")";
        return low + "," + high;
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
