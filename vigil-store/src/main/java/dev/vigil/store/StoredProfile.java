package dev.vigil.store;

import java.time.Instant;

/**
 * One stored profile: its window, segment ({@code ""} = all rows), field ({@code ""} = the
 * dataset-level counts) and the profile in vigil-stats' binary format.
 */
public record StoredProfile(Instant windowStart, Instant windowEnd, String segment, String field, byte[] bytes) {}
