package dev.vigil.core.query;

/**
 * Which series of profiles a value belongs to: a segment ({@code NAME=VALUE}, or "" for all rows) and a field ("" for
 * the dataset-level counts). Keys maps of merged profiles, where strings joined with a separator once did.
 */
public record MetricKey(String segment, String field) {}
