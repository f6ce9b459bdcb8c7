package dev.vigil.engine.profile;

import java.io.Serializable;

/**
 * A profile one Spark partition computed: its window, segment ({@code ""} = all rows), field
 * ({@code ""} = the dataset-level counts) and the profile in vigil-stats' binary format.
 */
public record PartialProfile(long windowStart, String segment, String field, byte[] bytes) implements Serializable {}
