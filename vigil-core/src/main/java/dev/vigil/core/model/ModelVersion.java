package dev.vigil.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One version of a model: what kind of model it is, how its windows are cut, its fields and the
 * segments profiled beside all rows, how its performance is computed, and how many rows of a window it samples.
 */
public record ModelVersion(
        String modelId,
        String version,
        ModelType modelType,
        AggregationPeriod aggregationPeriod,
        Schema schema,
        List<Segment> segments,
        PerformanceSettings performance,
        SampleSettings sample) {

    /** A version with the default sample settings ({@link SampleSettings#DEFAULTS}). */
    public ModelVersion(
            String modelId,
            String version,
            ModelType modelType,
            AggregationPeriod aggregationPeriod,
            Schema schema,
            List<Segment> segments,
            PerformanceSettings performance) {
        this(modelId, version, modelType, aggregationPeriod, schema, segments, performance, SampleSettings.DEFAULTS);
    }

    /** A version without segments. */
    public ModelVersion(
            String modelId, String version, ModelType modelType, AggregationPeriod aggregationPeriod, Schema schema) {
        this(modelId, version, modelType, aggregationPeriod, schema, List.of());
    }

    /** A version with the default performance settings ({@link PerformanceSettings#DEFAULTS}). */
    public ModelVersion(
            String modelId,
            String version,
            ModelType modelType,
            AggregationPeriod aggregationPeriod,
            Schema schema,
            List<Segment> segments) {
        this(modelId, version, modelType, aggregationPeriod, schema, segments, PerformanceSettings.DEFAULTS);
    }

    /** The same version with other segments. */
    public ModelVersion withSegments(List<Segment> segments) {
        return new ModelVersion(modelId, version, modelType, aggregationPeriod, schema, segments, performance, sample);
    }

    public ModelVersion {
        segments = segments == null ? List.of() : List.copyOf(segments);
        performance = performance == null ? PerformanceSettings.DEFAULTS : performance;
        sample = sample == null ? SampleSettings.DEFAULTS : sample;
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(aggregationPeriod, "aggregationPeriod");
        Objects.requireNonNull(schema, "schema");
    }
}
