package dev.vigil.core.model;

import java.util.Objects;

/** One version of a model: what kind of model it is, how its windows are cut, and its fields. */
public record ModelVersion(
        String modelId, String version, ModelType modelType, AggregationPeriod aggregationPeriod, Schema schema) {
    public ModelVersion {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(aggregationPeriod, "aggregationPeriod");
        Objects.requireNonNull(schema, "schema");
    }
}
