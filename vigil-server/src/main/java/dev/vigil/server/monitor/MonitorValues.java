package dev.vigil.server.monitor;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.monitor.Expression;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.store.Metastore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A monitor's values, from stored profiles only, through the same {@link ProfileQueries} as the REST API: the watched
 * metric of a field and segment over a range, the history that anomaly and percentage detection compare with, the
 * value on the training set, and the row counts of the preconditions.
 */
final class MonitorValues {
    private static final String SERVING = DatasetKind.SERVING.specName();

    /**
     * What a value depends on. Monitors that watch the same thing over the same range share it, so a pass computes
     * it once (anomaly detection asks for each window's value again as the history of the next windows).
     */
    record Key(
            String modelId,
            String version,
            MonitorType type,
            String metric,
            String expression,
            long minBaselineRows,
            String field,
            String segment,
            Instant from,
            Instant to) {}

    private final Metastore store;
    private final ProfileQueries queries;
    private final Clock clock;

    MonitorValues(Metastore store, Clock clock) {
        this.store = store;
        this.queries = new ProfileQueries(store);
        this.clock = clock;
    }

    /**
     * The monitor's value of a field and segment over [{@code from}, {@code to}) of the serving data; null when there
     * is none. Computed once per key of {@code memo}.
     */
    Double value(
            ModelVersion v,
            Monitor m,
            String field,
            String segment,
            Instant from,
            Instant to,
            Map<Key, Optional<Double>> memo) {
        if (m.type().source() == MonitorType.Source.CLOCK) {
            return hoursSinceLastRow(v);
        }
        Key key = new Key(
                v.modelId(),
                v.version(),
                m.type(),
                m.watchedMetric(),
                m.expression(),
                m.minBaselineRows(),
                field,
                segment,
                from,
                to);
        return memo.computeIfAbsent(key, k -> Optional.ofNullable(compute(v, m, field, segment, from, to)))
                .orElse(null);
    }

    /**
     * Drift metric {@code metric} (not necessarily the watched one: {@code ks_pvalue} or {@code chi2_pvalue} for
     * {@code method: test}) of a field and segment over [{@code from}, {@code to}) against training; null when there
     * is none. Computed once per key of {@code memo}.
     */
    Double drift(
            ModelVersion v,
            Monitor m,
            String metric,
            String field,
            String segment,
            Instant from,
            Instant to,
            Map<Key, Optional<Double>> memo) {
        Key key = new Key(
                v.modelId(), v.version(), m.type(), metric, null, m.minBaselineRows(), field, segment, from, to);
        return memo.computeIfAbsent(key, k -> {
                    ProfileRequest request = request(DatasetKind.SERVING, metric, field, segment, from, to);
                    return Optional.ofNullable(fetch(
                            v,
                            MonitorType.Source.DRIFT,
                            m.minBaselineRows() > 0 ? request.withMinBaselineRows(m.minBaselineRows()) : request));
                })
                .orElse(null);
    }

    /**
     * The values of the same focal window in each of the {@code weeks} weeks before {@code start}, most recent first:
     * the history of {@code seasonal: week} anomaly detection (the same hour of the week, or the same weekday).
     */
    List<Double> seasonalHistory(
            ModelVersion v, Monitor m, String field, Instant start, int weeks, Map<Key, Optional<Double>> memo) {
        List<Double> out = new ArrayList<>();
        for (int week = 1; week <= weeks; week++) {
            Instant from = start.minus(Duration.ofDays(7L * week));
            out.add(value(v, m, field, "", from, from.plus(m.focal()), memo));
        }
        return out;
    }

    /** The values of each focal window of [{@code from}, {@code to}) for all rows: anomaly and percentage detection. */
    List<Double> history(
            ModelVersion v, Monitor m, String field, Instant from, Instant to, Map<Key, Optional<Double>> memo) {
        List<Double> out = new ArrayList<>();
        for (FocalWindows.Window w : FocalWindows.between(m, from, to)) {
            out.add(value(v, m, field, "", w.start(), w.end(), memo));
        }
        return out;
    }

    /** The metric on the training set (all of it), for training detection of a non-drift metric. */
    Double trainingValue(ModelVersion v, Monitor m, String field) {
        if (store.datasets()
                .find(v.modelId(), v.version(), DatasetKind.TRAINING)
                .isEmpty()) {
            return null;
        }
        // an estimate's baseline is the reference's realized metric: estimates are made for serving rows only
        String metric = m.type().source() == MonitorType.Source.PERFORMANCE
                        && m.watchedMetric().startsWith(MetricCatalogs.ESTIMATED)
                ? m.watchedMetric().substring(MetricCatalogs.ESTIMATED.length())
                : m.watchedMetric();
        return fetch(v, m.type().source(), request(DatasetKind.TRAINING, metric, field, "", null, null));
    }

    /**
     * Whether the focal window of {@code segment} has at least {@code min_focal_rows} rows and the baseline (of
     * {@code baselineDataset} over [{@code baselineFrom}, {@code baselineTo}), all of it when those are null) at
     * least {@code min_baseline_rows}.
     */
    boolean preconditions(
            ModelVersion v,
            Monitor m,
            String segment,
            FocalWindows.Window focal,
            DatasetKind baselineDataset,
            Instant baselineFrom,
            Instant baselineTo) {
        if (m.minFocalRows() > 0
                && rows(v, DatasetKind.SERVING, segment, focal.start(), focal.end()) < m.minFocalRows()) {
            return false;
        }
        if (m.minBaselineRows() > 0 && baselineDataset != null) {
            return rows(v, baselineDataset, "", baselineFrom, baselineTo) >= m.minBaselineRows();
        }
        return true;
    }

    /** Rows of a dataset's segment over a range (all of it when {@code from} is null). */
    private long rows(ModelVersion v, DatasetKind dataset, String segment, Instant from, Instant to) {
        ProfileRequest request = range(dataset, segment, from, to).withMetric("count");
        return queries.metrics(v, request).stream()
                .filter(row -> row.field() == null)
                .findFirst()
                .map(row -> row.value().longValue())
                .orElse(0L);
    }

    private Double compute(ModelVersion v, Monitor m, String field, String segment, Instant from, Instant to) {
        return switch (m.type().source()) {
            case CLOCK -> hoursSinceLastRow(v);
            case EXPRESSION -> {
                // each distinct reference is one query of stored profiles, however often the expression names it
                Map<Expression.Ref, Optional<Double>> read = new HashMap<>();
                yield Expression.parse(m.expression(), "expression").evaluate(ref -> read.computeIfAbsent(
                                ref,
                                r -> Optional.ofNullable(anyMetric(
                                        v, r.metric(), r.field().isEmpty() ? null : r.field(), segment, from, to)))
                        .orElse(null));
            }
            default -> {
                ProfileRequest request = request(DatasetKind.SERVING, m.watchedMetric(), field, segment, from, to);
                Double value = fetch(
                        v,
                        m.type().source(),
                        m.minBaselineRows() > 0 ? request.withMinBaselineRows(m.minBaselineRows()) : request);
                yield value == null && m.type() == MonitorType.MODEL_ACTIVITY && afterFirstRows(v, from)
                        ? Double.valueOf(0)
                        : value;
            }
        };
    }

    /**
     * {@code pca_reconstruction_error_upper} of {@code field} over [{@code from}, {@code to}) against training: the
     * band a multivariate_drift monitor's training detection compares with; null when there is none.
     */
    Double band(ModelVersion v, String field, Instant from, Instant to) {
        return fetch(
                v,
                MonitorType.Source.DRIFT,
                request(DatasetKind.SERVING, MultivariateMetrics.PCA_UPPER, field, "", from, to));
    }

    /** A metric of any kind (profile, drift against training, or performance), as a custom expression names it. */
    private Double anyMetric(ModelVersion v, String metric, String field, String segment, Instant from, Instant to) {
        MonitorType.Source source = MetricCatalogs.DRIFT_METRICS.contains(metric)
                ? MonitorType.Source.DRIFT
                : field != null
                                && v.schema().group(FieldGroup.PREDICTIONS).stream()
                                        .anyMatch(f -> f.name().equals(field))
                                && !v.schema().fields().stream()
                                        .anyMatch(f -> f.name().equals(field) && f.group() != FieldGroup.PREDICTIONS)
                                && MetricCatalogs.PERFORMANCE_METRICS.contains(metric)
                        ? MonitorType.Source.PERFORMANCE
                        : MonitorType.Source.METRICS;
        return fetch(v, source, request(DatasetKind.SERVING, metric, field, segment, from, to));
    }

    /** {@code metric} of {@code field} (null: the dataset level) of a dataset's segment over a range. */
    private static ProfileRequest request(
            DatasetKind dataset, String metric, String field, String segment, Instant from, Instant to) {
        ProfileRequest request = range(dataset, segment, from, to).withMetric(metric);
        return field == null ? request : request.withField(field);
    }

    /** The whole of [{@code from}, {@code to}) of a dataset's segment (all rows when "", all time when null). */
    private static ProfileRequest range(DatasetKind dataset, String segment, Instant from, Instant to) {
        return ProfileRequest.of(dataset)
                .withRange(Optional.ofNullable(from), Optional.ofNullable(to))
                .withGranularity(Granularity.ALL)
                .withSegment(Optional.of(segment).filter(s -> !s.isEmpty()));
    }

    /**
     * The one value a request asks for, merged over its range, from the rows of {@code source}'s query: drift against
     * training, realized performance (or its estimate, CBPE or DLE, for an {@code estimated_*} metric), or profile
     * metrics. A text field's length counts as the field.
     */
    private Double fetch(ModelVersion v, MonitorType.Source source, ProfileRequest request) {
        String metric = request.metric().orElseThrow();
        String field = request.field().orElse(null);
        Predicate<String> fieldMatches = f -> field == null ? f == null : f != null && TextLength.refersTo(f, field);
        Stream<Optional<Double>> values =
                switch (source) {
                    case DRIFT ->
                        queries.drift(v, request.withBaseline(Baseline.TRAINING)).stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric))
                                .map(r -> Optional.ofNullable(r.value()));
                    case PERFORMANCE ->
                        queries.performance(v, request).stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric)
                                        && r.estimated() == metric.startsWith(MetricCatalogs.ESTIMATED))
                                .map(r -> Optional.ofNullable(r.value()));
                    default ->
                        queries.metrics(v, request).stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric))
                                .map(r -> Optional.ofNullable(r.value()));
                };
        return values.findFirst().flatMap(value -> value).orElse(null);
    }

    /** Hours from the end of the newest serving window with rows to now; null before the first. */
    private Double hoursSinceLastRow(ModelVersion v) {
        return store.profiles()
                .windowRange(v.modelId(), v.version(), SERVING)
                .map(range -> Duration.between(range[1], clock.instant()).toSeconds() / 3600.0)
                .orElse(null);
    }

    /**
     * Whether a window starting at {@code start} comes at or after the first serving window with rows: only then
     * does a window without rows mean no activity (before it, the model was not serving yet).
     */
    private boolean afterFirstRows(ModelVersion v, Instant start) {
        return store.profiles()
                .windowRange(v.modelId(), v.version(), SERVING)
                .map(range -> !start.isBefore(range[0]))
                .orElse(false);
    }
}
