package dev.vigil.core.model;

/**
 * How many rows of each window a version samples for its multivariate metrics, and of how many of them it keeps the
 * tensor and embedding vectors. Spec: {@code version.sample: {rows: 1000, vector_rows: 200}}; {@code rows: 0} samples
 * nothing. The sample itself is {@code dev.vigil.stats.SampleProfile}; see docs/decisions/0029-window-sample.md.
 */
public record SampleSettings(int rows, int vectorRows) {
    /** About 1,000 rows a window (the default) and the vectors of 200 of them. */
    public static final SampleSettings DEFAULTS = new SampleSettings(1_000, 200);

    /**
     * The most rows a window's sample keeps (SampleProfile.MAX_ROWS): 10,000 rows of 100 columns are 8 MB, held per
     * window of a partition's slice on an executor.
     */
    public static final int MAX_ROWS = 10_000;

    /**
     * The most rows whose vectors a window's sample keeps: 1,000 rows of 4 vector columns of 4,096 values, as float32,
     * are 64 MB, the most a window's sample may hold.
     */
    public static final int MAX_VECTOR_ROWS = 1_000;

    /** Whether a window's rows are sampled at all. */
    public boolean enabled() {
        return rows > 0;
    }

    public boolean isDefault() {
        return equals(DEFAULTS);
    }
}
