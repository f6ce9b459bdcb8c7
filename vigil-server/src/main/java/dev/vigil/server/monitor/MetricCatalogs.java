package dev.vigil.server.monitor;

import java.util.Set;

/**
 * The metric names monitors know by kind: a custom expression's metric is a drift metric or a performance metric when
 * it is named here, and a monitor's {@code metric} is checked against them.
 */
public final class MetricCatalogs {
    private MetricCatalogs() {}

    /** Every drift metric of METRICS.md: measured against the training baseline. */
    public static final Set<String> DRIFT_METRICS = Set.of(
            "drift_score",
            "js_distance",
            "hellinger",
            "psi",
            "ks",
            "wasserstein_normed",
            "chi2_pvalue",
            "out_of_range_count",
            "out_of_range_ratio",
            "new_value_count",
            "new_value_ratio",
            "centroid_distance",
            "centroid_cosine_distance");

    /** Every realized performance metric of METRICS.md, of any model type. */
    public static final Set<String> PERFORMANCE_METRICS = Set.of(
            "accuracy",
            "precision",
            "recall",
            "f1",
            "specificity",
            "fp_rate",
            "positive_rate",
            "auc_roc",
            "log_loss",
            "actuals_count",
            "actuals_ratio",
            "mae",
            "mse",
            "rmse",
            "mape",
            "wape",
            "r2",
            "mean_error",
            "hamming_loss",
            "f1_micro",
            "f1_macro",
            "subset_accuracy",
            "ndcg_at_k",
            "precision_at_k",
            "recall_at_k",
            "map_at_k",
            "mrr",
            "precision_macro",
            "recall_macro",
            "f1_weighted",
            "precision_micro",
            "recall_micro",
            "precision_weighted",
            "recall_weighted");
}
