/**
 * Multivariate and embedding drift from row samples (issue 19, decision 0030): what per-field sketches cannot see.
 *
 * <p>Everything here is pure computation on plain arrays, one reference sample against one window sample of about
 * 1,000 rows: {@link dev.vigil.stats.multivariate.PcaReconstruction} (NannyML's data reconstruction error),
 * {@link dev.vigil.stats.multivariate.DomainClassifier} (cross-validated ROC AUC of a classifier telling the two
 * samples apart) and {@link dev.vigil.stats.multivariate.EmbeddingMmd} (squared maximum mean discrepancy with an
 * RBF kernel and a permutation p-value). Each is deterministic: the same samples give the same numbers, and each
 * matches scikit-learn / scipy on the same rows within the tolerances its javadoc states
 * ({@code src/test/python/make_multivariate_expected.py}).
 */
package dev.vigil.stats.multivariate;
