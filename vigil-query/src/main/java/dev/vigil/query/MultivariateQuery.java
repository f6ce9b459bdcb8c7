package dev.vigil.query;

import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.SampleProfile;
import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.EmbeddingMmd;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.stats.multivariate.PcaReconstruction;
import dev.vigil.stats.multivariate.SampleTable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The multivariate drift rows of a drift query (decision 0030, "Serving"): each window's row sample against the
 * baseline's, as {@code pca_reconstruction_error} (with its {@code _lower} and {@code _upper} band) and {@code
 * domain_classifier_auc} on the field {@code *}, and {@code mmd} and {@code mmd_pvalue} on each sampled embedding or
 * tensor field.
 *
 * <p>Cost decides what is computed: the PCA is fitted once per request and costs under a millisecond a window; the
 * classifier (about 2 s a window at 20 columns) and MMD (about 150 ms) are computed for at most {@value
 * #MAX_COSTLY_WINDOWS} windows a request, or for any number when the request names the metric, and their values are
 * kept in a bounded cache keyed by the two samples' contents, so a monitor or a page asked again pays nothing. A
 * window without a sample (sampling off, nothing profiled) gives no row; one with too few rows gives a row with a
 * reason.
 */
final class MultivariateQuery {
    /** Windows per request up to which the classifier and MMD are computed without the metric being named: a month by day. */
    static final int MAX_COSTLY_WINDOWS = 31;

    /** Cached classifier and MMD results, least recently used out first. */
    static final int CACHE_ENTRIES = 4_096;

    private static final Map<String, double[]> CACHE =
            Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                    return size() > CACHE_ENTRIES;
                }
            });

    private MultivariateQuery() {}

    /** Whether {@code metric} (absent: all) asks for one of the multivariate names. */
    static boolean asks(Optional<String> metric) {
        return metric.isEmpty() || MultivariateMetrics.METRIC_NAMES.contains(metric.get());
    }

    /**
     * The fields of {@code *}: the version's raw inputs and features that the sample keeps as numbers (numeric,
     * boolean) or categories (categorical, string), in schema order. Datetimes, text, arrays, dicts, tensors and
     * embeddings are not among them.
     */
    static List<Field> tabular(ModelVersion version, FieldType.Kind... kinds) {
        Set<FieldType.Kind> wanted = Set.of(kinds);
        return version.schema().fields().stream()
                .filter(f -> f.group() == FieldGroup.RAW_INPUTS || f.group() == FieldGroup.FEATURES)
                .filter(f -> wanted.contains(f.type().kind()))
                .toList();
    }

    /** The embedding and tensor fields of the version, in schema order. */
    static List<String> vectorFields(ModelVersion version) {
        return version.schema().fields().stream()
                .filter(f ->
                        f.type().kind() == FieldType.Kind.EMBEDDING || f.type().kind() == FieldType.Kind.TENSOR)
                .map(Field::name)
                .toList();
    }

    /**
     * The rows of each window's sample ({@code windows}: buckets of the field {@code #sample}) against {@code
     * reference}, for {@code field} ({@code *}, an embedding field, or absent: all) and {@code metric} (absent:
     * all).
     */
    static List<DriftRow> rows(
            String dataset,
            ModelVersion version,
            List<Bucket> windows,
            SampleProfile reference,
            Baseline baseline,
            Optional<String> field,
            Optional<String> metric) {
        List<DriftRow> out = new ArrayList<>();
        boolean costly = windows.size() <= MAX_COSTLY_WINDOWS || metric.isPresent();
        if (field.isEmpty() || field.get().equals(MultivariateMetrics.ROW_FIELD)) {
            tabularRows(dataset, version, windows, reference, baseline, metric, costly, out);
        }
        for (String vector : vectorFields(version)) {
            if (field.isEmpty() || field.get().equals(vector)) {
                vectorRows(dataset, vector, windows, reference, baseline, metric, costly, out);
            }
        }
        return out;
    }

    private static void tabularRows(
            String dataset,
            ModelVersion version,
            List<Bucket> windows,
            SampleProfile reference,
            Baseline baseline,
            Optional<String> metric,
            boolean costly,
            List<DriftRow> out) {
        List<String> numbers = kept(
                tabular(version, FieldType.Kind.NUMERIC, FieldType.Kind.BOOLEAN),
                reference,
                SampleProfile.ColumnKind.NUMBER);
        List<String> categories = kept(
                tabular(version, FieldType.Kind.CATEGORICAL, FieldType.Kind.STRING),
                reference,
                SampleProfile.ColumnKind.CATEGORY);
        if (numbers.isEmpty() && categories.isEmpty()) {
            return;
        }
        boolean pcaAsked = metric.isEmpty() || metric.get().startsWith(PcaReconstruction.METRIC);
        boolean aucAsked = metric.isEmpty() || metric.get().equals(DomainClassifier.METRIC);
        if (!pcaAsked && !aucAsked) {
            return;
        }
        SampleTable ref = table(reference, numbers, categories);
        Optional<PcaReconstruction> pca = pcaAsked ? PcaReconstruction.fit(ref) : Optional.empty();
        String refKey = aucAsked && costly ? digest(reference) : null;
        for (Bucket w : windows) {
            SampleProfile sample = (SampleProfile) w.profile;
            if (!hasColumns(sample, numbers, SampleProfile.ColumnKind.NUMBER)
                    || !hasColumns(sample, categories, SampleProfile.ColumnKind.CATEGORY)) {
                continue; // the window sampled other columns (the schema changed): no row
            }
            SampleTable win = table(sample, numbers, categories);
            String small = tooFew(ref.rows(), win.rows(), PcaReconstruction.MIN_ROWS);
            if (pcaAsked) {
                Double error = null;
                PcaReconstruction.Thresholds band = null;
                if (pca.isPresent() && small == null) {
                    error = pca.get().error(win);
                    band = pca.get().thresholds(win.rows());
                }
                String reason = small != null
                        ? small
                        : pca.isEmpty() ? "the baseline's sample has no value to fit the PCA on" : null;
                add(out, metric, dataset, w, PcaReconstruction.METRIC, error, baseline, reason);
                add(
                        out,
                        metric,
                        dataset,
                        w,
                        MultivariateMetrics.PCA_LOWER,
                        band == null ? null : band.lower(),
                        baseline,
                        reason);
                add(
                        out,
                        metric,
                        dataset,
                        w,
                        MultivariateMetrics.PCA_UPPER,
                        band == null ? null : band.upper(),
                        baseline,
                        reason);
            }
            if (aucAsked) {
                Double auc = null;
                String reason = small;
                if (small == null && !costly) {
                    reason = notComputed(windows.size(), DomainClassifier.METRIC);
                } else if (small == null) {
                    double[] cached = cached(DomainClassifier.METRIC, refKey, sample, () -> {
                        Double v = DomainClassifier.auc(ref, win);
                        return v == null ? null : new double[] {v};
                    });
                    auc = cached == null ? null : cached[0];
                }
                add(out, metric, dataset, w, DomainClassifier.METRIC, auc, baseline, reason);
            }
        }
    }

    private static void vectorRows(
            String dataset,
            String field,
            List<Bucket> windows,
            SampleProfile reference,
            Baseline baseline,
            Optional<String> metric,
            boolean costly,
            List<DriftRow> out) {
        if (!(metric.isEmpty()
                        || metric.get().equals(EmbeddingMmd.METRIC)
                        || metric.get().equals(EmbeddingMmd.PVALUE_METRIC))
                || !hasColumns(reference, List.of(field), SampleProfile.ColumnKind.VECTOR)) {
            return;
        }
        double[][] ref = reference.vectors(field);
        String refKey = costly ? digest(reference) : null;
        for (Bucket w : windows) {
            SampleProfile sample = (SampleProfile) w.profile;
            if (!hasColumns(sample, List.of(field), SampleProfile.ColumnKind.VECTOR)) {
                continue;
            }
            double[][] win = sample.vectors(field);
            String reason = tooFew(ref.length, win.length, EmbeddingMmd.MIN_ROWS);
            double[] result = null;
            if (reason == null && !costly) {
                reason = notComputed(windows.size(), EmbeddingMmd.PVALUE_METRIC);
            } else if (reason == null) {
                result = cached(EmbeddingMmd.METRIC + ":" + field, refKey, sample, () -> {
                    EmbeddingMmd.Result r = EmbeddingMmd.compare(ref, win);
                    return r == null ? null : new double[] {r.mmd2(), r.pValue()};
                });
                if (result == null) {
                    reason = "fewer than " + EmbeddingMmd.MIN_ROWS + " valid vectors on a side";
                }
            }
            DriftRowTemplate t = new DriftRowTemplate(dataset, field, w, baseline);
            if (metric.isEmpty() || metric.get().equals(EmbeddingMmd.METRIC)) {
                out.add(t.row(EmbeddingMmd.METRIC, result == null ? null : result[0], reason));
            }
            if (metric.isEmpty() || metric.get().equals(EmbeddingMmd.PVALUE_METRIC)) {
                out.add(t.row(EmbeddingMmd.PVALUE_METRIC, result == null ? null : result[1], reason));
            }
        }
    }

    private record DriftRowTemplate(String dataset, String field, Bucket w, Baseline baseline) {
        DriftRow row(String metric, Double value, String reason) {
            return new DriftRow(dataset, null, field, metric, w.start, w.end, value, baseline.name(), reason);
        }
    }

    private static void add(
            List<DriftRow> out,
            Optional<String> metric,
            String dataset,
            Bucket w,
            String name,
            Double value,
            Baseline baseline,
            String reason) {
        if (metric.isEmpty() || metric.get().equals(name)) {
            out.add(new DriftRowTemplate(dataset, MultivariateMetrics.ROW_FIELD, w, baseline).row(name, value, reason));
        }
    }

    private static String tooFew(int referenceRows, int windowRows, int min) {
        if (referenceRows < min) {
            return "the baseline's sample has " + referenceRows + " rows, fewer than the " + min + " needed";
        }
        if (windowRows < min) {
            return "the window's sample has " + windowRows + " rows, fewer than the " + min + " needed";
        }
        return null;
    }

    private static String notComputed(int windows, String metric) {
        return "computed for at most " + MAX_COSTLY_WINDOWS + " windows a request (this one has " + windows
                + "): ask metric=" + metric + ", a shorter range or a coarser granularity";
    }

    /** {@code names} that {@code sample} keeps as columns of {@code kind}, in their order. */
    private static List<String> kept(List<Field> fields, SampleProfile sample, SampleProfile.ColumnKind kind) {
        List<String> names = fields.stream().map(Field::name).toList();
        return names.stream().filter(n -> hasColumns(sample, List.of(n), kind)).toList();
    }

    private static boolean hasColumns(SampleProfile sample, List<String> names, SampleProfile.ColumnKind kind) {
        return names.stream()
                .allMatch(n -> sample.columns().stream().anyMatch(c -> c.name().equals(n) && c.kind() == kind));
    }

    private static SampleTable table(SampleProfile sample, List<String> numbers, List<String> categories) {
        return new SampleTable(sample.numericMatrix(numbers), sample.categoryMatrix(categories), sample.weights());
    }

    /** A cached result of {@code what} for the reference {@code refKey} and {@code window}, computed when absent. */
    private static double[] cached(String what, String refKey, SampleProfile window, Supplier<double[]> compute) {
        String key = what + "|" + refKey + "|" + digest(window);
        double[] hit = CACHE.get(key);
        if (hit != null) {
            return hit.length == 0 ? null : hit;
        }
        double[] value = compute.get();
        CACHE.put(key, value == null ? new double[0] : value);
        return value;
    }

    /** The SHA-256 of a sample's bytes: the same rows give the same key, whatever window or request they come from. */
    private static String digest(SampleProfile sample) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest(sample.toBytes());
            return java.util.HexFormat.of()
                    .formatHex(ByteBuffer.wrap(hash, 0, 16).array(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Clears the cache (tests that count computations). */
    static void clearCache() {
        CACHE.clear();
    }
}
