package dev.vigil.engine.profile;

import dev.vigil.core.model.FieldType;
import java.io.Serializable;
import java.util.List;

/**
 * What a partition profiles, in a form Spark can ship to executors: the column of each field, its
 * kind and dimensions, the id column and the segments. Column positions refer to the frame after
 * {@code select_expr} and the segment columns Vigil adds.
 */
record ProfilePlan(
        int idColumn, int timestampColumn, long windowSeconds, List<FieldPlan> fields, List<SegmentPlan> segments)
        implements Serializable {

    /** A field read from column {@code column}. */
    record FieldPlan(String name, int column, String kind, List<Integer> dimensions) implements Serializable {
        FieldType type() {
            return new FieldType(FieldType.Kind.fromSpec(kind, name), dimensions);
        }
    }

    /**
     * A segment: by the values of a column ({@code buckets} empty), by numeric buckets of a column,
     * or by a boolean column Vigil computed from a {@code where} condition ({@code where} true).
     */
    record SegmentPlan(String name, int column, String kind, List<Double> buckets, boolean where)
            implements Serializable {}
}
