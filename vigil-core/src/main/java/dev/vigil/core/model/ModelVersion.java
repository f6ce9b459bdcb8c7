package dev.vigil.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One version of a model: what kind of model it is, how its windows are cut, its fields and the
 * segments profiled beside all rows.
 */
public record ModelVersion(
        String modelId,
        String version,
        ModelType modelType,
        AggregationPeriod aggregationPeriod,
        Schema schema,
        List<Segment> segments) {

    /** A version without segments. */
    public ModelVersion(
            String modelId, String version, ModelType modelType, AggregationPeriod aggregationPeriod, Schema schema) {
        this(modelId, version, modelType, aggregationPeriod, schema, List.of());
    }

    public ModelVersion {
        segments = segments == null ? List.of() : List.copyOf(segments);
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(aggregationPeriod, "aggregationPeriod");
        Objects.requireNonNull(schema, "schema");
    }
}
