package dev.vigil.store;

import java.time.Instant;

/**
 * A UTC day of a dataset whose roll-ups are older than its hours: its hours were replaced and its roll-ups not
 * refreshed yet (or never, after a crash). {@code generation} grows each time the day is marked again.
 */
public record StaleRollup(String modelId, String version, String dataset, Instant day, long generation) {}
