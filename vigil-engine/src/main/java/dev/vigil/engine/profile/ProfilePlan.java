package dev.vigil.engine.profile;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import java.io.Serializable;
import java.util.List;

/**
 * What a partition profiles, in a form Spark can ship to executors: the column of each field, its
 * kind and dimensions, the id column and the segments. Column positions refer to the frame after
 * {@code select_expr} and the segment columns Vigil adds.
 */
record ProfilePlan(
        int idColumn,
        int timestampColumn,
        long windowSeconds,
        List<FieldPlan> fields,
        List<SegmentPlan> segments,
        List<PerformancePlan> performance,
        SamplePlan sample)
        implements Serializable {

    ProfilePlan(
            int idColumn, int timestampColumn, long windowSeconds, List<FieldPlan> fields, List<SegmentPlan> segments) {
        this(idColumn, timestampColumn, windowSeconds, fields, segments, List.of());
    }

    /** A plan without a row sample. */
    ProfilePlan(
            int idColumn,
            int timestampColumn,
            long windowSeconds,
            List<FieldPlan> fields,
            List<SegmentPlan> segments,
            List<PerformancePlan> performance) {
        this(idColumn, timestampColumn, windowSeconds, fields, segments, performance, null);
    }

    /**
     * Each window's sample of all its rows (not per segment): {@code rows} of them, the vectors of {@code
     * vectorRows}, of the {@code columns} sorted by name ({@link SampleRows#columns}).
     */
    record SamplePlan(int rows, int vectorRows, List<SampleColumn> columns) implements Serializable {}

    /** A sampled field: its column, kind and, for a tensor or embedding, its number of values (0 otherwise). */
    record SampleColumn(String name, int column, FieldType.Kind kind, int dimensions) implements Serializable {}

    /**
     * The performance of prediction field {@code field} against the actuals in {@code actualColumn}: a model of
     * {@code modelType}, the prediction in {@code predictionColumn} of kind {@code predictionKind}, and for a
     * boolean prediction of a binary model the score of the numeric prediction in {@code scoreColumn} (-1: none);
     * {@code actualAtColumn} holds when a joined actual was recorded (-1: the actual is on the row itself);
     * {@code threshold} makes a score positive, {@code k} cuts ranking metrics (the version's settings).
     */
    record PerformancePlan(
            String field,
            ModelType modelType,
            FieldType.Kind predictionKind,
            int predictionColumn,
            int scoreColumn,
            int actualColumn,
            int actualAtColumn,
            double threshold,
            int k,
            LossPlan loss)
            implements Serializable {
        PerformancePlan(
                String field,
                ModelType modelType,
                FieldType.Kind predictionKind,
                int predictionColumn,
                int scoreColumn,
                int actualColumn,
                int actualAtColumn,
                double threshold,
                int k) {
            this(
                    field,
                    modelType,
                    predictionKind,
                    predictionColumn,
                    scoreColumn,
                    actualColumn,
                    actualAtColumn,
                    threshold,
                    k,
                    null);
        }
    }

    /**
     * DLE for a regression prediction (ADR 0028): its loss model, and the column of each of the model's features in
     * this frame (-1: absent, read as missing). Null on a plan without one.
     */
    record LossPlan(LossModel model, int[] featureColumns) implements Serializable {}

    /** A field read from column {@code column}. */
    record FieldPlan(String name, int column, FieldType.Kind kind, List<Integer> dimensions) implements Serializable {
        FieldType type() {
            return new FieldType(kind, dimensions);
        }
    }

    /**
     * A segment: by the values of a column ({@code buckets} empty), by numeric buckets of a column,
     * or by a boolean column Vigil computed from a {@code where} condition ({@code where} true).
     */
    record SegmentPlan(String name, int column, FieldType.Kind kind, List<Double> buckets, boolean where)
            implements Serializable {}
}
