package dev.vigil.stats.multivariate;

import java.util.List;

/** The metric names the multivariate methods give, as docs/metrics.md defines them (decision 0030). */
public final class MultivariateMetrics {
    /** The field of the row-wide metrics: every numeric and categorical feature of the sample at once. */
    public static final String ROW_FIELD = "*";

    /** The lower alert threshold of {@code pca_reconstruction_error} for a window of its row count. */
    public static final String PCA_LOWER = PcaReconstruction.METRIC + "_lower";

    /** The upper alert threshold of {@code pca_reconstruction_error} for a window of its row count. */
    public static final String PCA_UPPER = PcaReconstruction.METRIC + "_upper";

    /** Every name, in the order docs/metrics.md lists them. */
    public static final List<String> METRIC_NAMES = List.of(
            PcaReconstruction.METRIC,
            PCA_LOWER,
            PCA_UPPER,
            DomainClassifier.METRIC,
            EmbeddingMmd.METRIC,
            EmbeddingMmd.PVALUE_METRIC);

    private MultivariateMetrics() {}
}
