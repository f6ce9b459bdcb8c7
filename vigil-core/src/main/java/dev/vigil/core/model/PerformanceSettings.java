package dev.vigil.core.model;

/**
 * How a version's performance is computed: the score at or above which a binary prediction without a
 * boolean label (and a multi-label score) counts as positive, and the k of ranking metrics
 * ({@code ndcg_at_k}, {@code precision_at_k}…). Spec: {@code version.performance: {threshold: 0.5, k: 10}}.
 */
public record PerformanceSettings(double threshold, int k) {
    /** METRICS.md's defaults: threshold 0.5, k 10. */
    public static final PerformanceSettings DEFAULTS = new PerformanceSettings(0.5, 10);

    /** The largest k accepted: a ranking profile keeps per-row sums only, but a k beyond any list is a typo. */
    public static final int MAX_K = 1_000;

    public boolean isDefault() {
        return equals(DEFAULTS);
    }
}
