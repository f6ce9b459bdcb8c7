/**
 * The typed contract of Vigil's questions over stored profiles: a {@link dev.vigil.core.query.ProfileRequest} in,
 * {@link dev.vigil.core.query.MetricRow}, {@link dev.vigil.core.query.DriftRow} and
 * {@link dev.vigil.core.query.PerformanceRow} out. The REST API's query parameters and flat JSON rows (DESIGN.md,
 * "Query results") are these records, parsed and serialized at the edge; the queries, the monitors, the dashboard,
 * the SDK and the CLI share them.
 */
package dev.vigil.core.query;
