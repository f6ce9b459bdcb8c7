package dev.vigil.query;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Segment;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.ExplainRow;
import dev.vigil.core.query.MetricKey;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.core.query.ProfileRequest.Question;
import dev.vigil.core.query.Suggest;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.Drift;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceEstimator;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.stats.SampleProfile;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.store.LossModelRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Vigil's questions over a version's stored profiles: metric, drift and performance rows, answered by merging stored
 * window profiles (and their roll-ups), never by reading the source. The REST API, the monitors and the dashboard
 * all ask through here, with a typed {@link ProfileRequest}.
 */
public final class ProfileQueries {
    static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    private final Metastore store;

    public ProfileQueries(Metastore store) {
        this.store = store;
    }

    /** A request resolved against its version: the connected dataset, the range and granularity with defaults. */
    private record Resolved(
            ModelVersion version,
            DatasetConnection dataset,
            Optional<Instant> askedFrom,
            Optional<Instant> askedTo,
            Instant from,
            Instant to,
            Granularity granularity,
            String segment,
            Optional<String> field) {

        String datasetName() {
            return dataset.dataset().specName();
        }

        /** The same query over all rows (the segment "" instead of the asked one). */
        Resolved overAllRows() {
            return new Resolved(version, dataset, askedFrom, askedTo, from, to, granularity, "", field);
        }

        /**
         * The field profiles (and dataset counts, not performance) of [{@code from}, {@code to}) of {@code dataset},
         * merged at {@code mergedAs} as they are read ({@link BucketMerger} with {@code boundFrom} and {@code
         * boundTo} as its asked bounds; roll-ups where they can stand in for hours), decoded without their
         * distinct-count sketches unless {@code withDistinct}.
         */
        List<Bucket> merged(
                Metastore store,
                String dataset,
                Instant from,
                Instant to,
                Granularity mergedAs,
                Optional<Instant> boundFrom,
                Optional<Instant> boundTo,
                boolean withDistinct) {
            BucketMerger merger = new BucketMerger(mergedAs, boundFrom, boundTo, withDistinct);
            Rollups.forEach(
                    store,
                    version,
                    dataset,
                    from,
                    to,
                    mergedAs,
                    Rollups.exactEdges(mergedAs, boundFrom, boundTo),
                    Optional.of(segment),
                    field.map(List::of),
                    p -> {
                        if (!p.field().startsWith(PerformanceProfile.FIELD_PREFIX)
                                && !p.field().equals(SampleProfile.FIELD)) {
                            merger.accept(p);
                        }
                    });
            return merger.buckets();
        }

        /** The whole of [{@code from}, {@code to}) of {@code dataset} merged into one bucket per segment and field. */
        List<Bucket> mergedAll(Metastore store, String dataset, Instant from, Instant to) {
            return merged(store, dataset, from, to, Granularity.ALL, Optional.empty(), Optional.empty(), false);
        }

        /** The performance profiles of the query, of the asked prediction field or of all. */
        List<StoredProfile> performance(
                Metastore store, String dataset, Instant from, Instant to, Granularity mergedAs) {
            return Rollups.read(
                    store,
                    version,
                    dataset,
                    from,
                    to,
                    mergedAs,
                    Rollups.exactEdges(mergedAs, askedFrom, askedTo),
                    Optional.of(segment),
                    Optional.of(field
                            .map(List::of)
                            .orElseGet(() -> version.schema().group(FieldGroup.PREDICTIONS).stream()
                                    .map(Field::name)
                                    .toList())
                            .stream()
                            .map(f -> PerformanceProfile.FIELD_PREFIX + f)
                            .toList()));
        }
    }

    private Resolved resolve(ModelVersion version, ProfileRequest request) {
        DatasetConnection dataset = connected(version, request.dataset());
        Instant from = request.from().orElse(Instant.EPOCH);
        Instant to = request.to().orElse(FAR_FUTURE);
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("to: " + to + " must be after from " + from);
        }
        Granularity granularity =
                request.granularity().orElse(Rollups.applies(version) ? Granularity.HOUR : Granularity.DAY);
        return new Resolved(
                version,
                dataset,
                request.from(),
                request.to(),
                from,
                to,
                granularity,
                request.segment().orElse(""),
                request.field().map(f -> storedField(version, f)));
    }

    /** Drift names a text field's length distribution {@code <name>.length}; profiles are stored under the name. */
    private static String storedField(ModelVersion version, String field) {
        String name = TextLength.fieldOf(field);
        boolean textLength = TextLength.isLength(field)
                && version.schema().fields().stream()
                        .anyMatch(f -> f.name().equals(name) && f.type().kind() == FieldType.Kind.TEXT);
        return textLength ? name : field;
    }

    private DatasetConnection connected(ModelVersion version, DatasetKind kind) {
        return store.datasets()
                .find(version.modelId(), version.version(), kind)
                .orElseThrow(() -> new VigilNotFoundException(version.modelId() + "/" + version.version() + " has no "
                        + kind.specName() + " dataset connected"));
    }

    /** {@code GET …/metrics}: the metric rows of the stored profiles, by window, segment and field. */
    public List<MetricRow> metrics(ModelVersion version, ProfileRequest request) {
        Resolved q = resolve(version, request);
        request.asked().ifPresent(question -> checkNames(version, request, question));
        // The distinct-count sketches are most of the bytes: read them only when distinct_count can be shown.
        boolean withDistinct =
                request.metric().isEmpty() || request.metric().get().equals("distinct_count");
        return explainedIfEmpty(
                q,
                request,
                MetricsQuery.rows(
                        q.dataset(),
                        q.merged(
                                store,
                                q.datasetName(),
                                q.from(),
                                q.to(),
                                q.granularity(),
                                q.askedFrom(),
                                q.askedTo(),
                                withDistinct),
                        request.metric()));
    }

    /** {@code GET …/drift}: the drift rows of each window against the asked baseline (training by default). */
    public List<DriftRow> drift(ModelVersion version, ProfileRequest request) {
        Resolved q = resolve(version, request);
        request.asked().ifPresent(question -> checkNames(version, request, question));
        Baseline baseline = request.baseline().orElse(Baseline.TRAINING);
        String dataset = q.datasetName();
        List<Bucket> windows;
        Function<Bucket, Optional<FieldProfile>> baselineOf;
        // Drift never shows distinct_count: the distinct-count sketches, most of the bytes, stay unread.
        if (baseline.isPrevious() && q.granularity() == Granularity.ALL) {
            if (q.askedFrom().isEmpty() || q.askedTo().isEmpty()) {
                throw new VigilArgumentException(
                        "baseline: previous with granularity all needs from and to (the previous period is as long)");
            }
            Instant previousFrom = q.from().minus(Duration.between(q.from(), q.to()));
            windows = q.merged(store, dataset, q.from(), q.to(), Granularity.ALL, q.askedFrom(), q.askedTo(), false);
            baselineOf = bySegmentAndField(q.mergedAll(store, dataset, previousFrom, q.from()));
        } else if (baseline.isPrevious()) {
            Granularity g = q.granularity();
            Instant first = g.bucketStart(q.from());
            Instant extended = q.askedFrom().isPresent() ? g.bucketStart(first.minusNanos(1)) : q.from();
            List<Bucket> all = q.merged(store, dataset, extended, q.to(), g, Optional.empty(), Optional.empty(), false);
            record Previous(Instant start, MetricKey key) {}
            Map<Previous, Bucket> byStart = new HashMap<>();
            all.forEach(b -> byStart.put(new Previous(b.start, b.key()), b));
            windows = all.stream().filter(b -> !b.start.isBefore(first)).toList();
            baselineOf =
                    w -> Optional.ofNullable(byStart.get(new Previous(g.bucketStart(w.start.minusNanos(1)), w.key())))
                            .map(Bucket::fieldProfile);
        } else {
            windows = q.merged(store, dataset, q.from(), q.to(), q.granularity(), q.askedFrom(), q.askedTo(), false);
            List<Bucket> reference = baseline.reference().isPresent()
                    ? reference(q, baseline.reference().get())
                    : q.mergedAll(
                            store, dataset, baseline.from().get(), baseline.to().get());
            baselineOf = bySegmentAndField(reference);
        }
        List<DriftRow> rows = DriftQuery.rows(
                dataset, windows, baselineOf, baseline, request.minBaselineRows(), request.metric(), request.top());
        return explainedIfEmpty(q, request, withMultivariate(q, request, baseline, rows));
    }

    /**
     * {@code rows} with the multivariate rows of the range's row samples added ({@link MultivariateQuery}), each
     * window's after its field rows, when the request asks for them (field {@code *}, an embedding or tensor field,
     * or a multivariate metric by name): for all rows (samples have no segments), against a reference dataset or a
     * serving period (not {@code previous}), unless only the top drift scores are asked. Without samples (sampling
     * off, nothing profiled yet) nothing is added.
     */
    private List<DriftRow> withMultivariate(
            Resolved q, ProfileRequest request, Baseline baseline, List<DriftRow> rows) {
        ModelVersion v = q.version();
        boolean vectorField = q.field().isPresent()
                && MultivariateQuery.vectorFields(v).contains(q.field().get());
        boolean rowField =
                q.field().filter(MultivariateMetrics.ROW_FIELD::equals).isPresent();
        boolean named = request.metric()
                .filter(MultivariateMetrics.METRIC_NAMES::contains)
                .isPresent();
        // asked for only: by field * or an embedding field, or by a multivariate metric's name (a drift query of
        // every field keeps its rows and its cost)
        if (request.top() > 0
                || !q.segment().isEmpty()
                || baseline.isPrevious()
                || !MultivariateQuery.asks(request.metric())
                || !(rowField || vectorField || named)
                || (q.field().isPresent() && !rowField && !vectorField)) {
            return rows;
        }
        Optional<SampleProfile> reference = baseline.reference().isPresent()
                ? baselineSample(v, baseline.reference().get())
                : sample(
                        v,
                        DatasetKind.SERVING,
                        baseline.from().get(),
                        baseline.to().get());
        if (reference.isEmpty()) {
            return rows;
        }
        BucketMerger merger = new BucketMerger(q.granularity(), q.askedFrom(), q.askedTo(), true);
        Rollups.forEach(
                store,
                v,
                q.datasetName(),
                q.from(),
                q.to(),
                q.granularity(),
                Rollups.exactEdges(q.granularity(), q.askedFrom(), q.askedTo()),
                Optional.of(""),
                Optional.of(List.of(SampleProfile.FIELD)),
                merger);
        List<DriftRow> added = MultivariateQuery.rows(
                q.datasetName(), v, merger.buckets(), reference.get(), baseline, q.field(), request.metric());
        if (added.isEmpty()) {
            return rows;
        }
        List<DriftRow> out = new ArrayList<>(rows);
        out.addAll(added);
        out.sort(Comparator.comparing(DriftRow::windowStart)); // stable: each window's field rows, then these
        return out;
    }

    /**
     * Drift against a reference dataset as the version page shows it, from one read of the range: each bucket's
     * {@code drift_score} at the asked granularity ({@code byWindow}); the whole range's ({@code overRange}), from
     * those buckets merged again; and the whole range's and the reference's profiles by field, for the
     * distribution charts. The rows are those {@link #drift} gives with {@code metric=drift_score} at the asked
     * granularity and at {@code all}, up to the merge order of the sketches.
     */
    public record DriftOverview(
            List<DriftRow> byWindow,
            List<DriftRow> overRange,
            Map<String, FieldProfile> range,
            Map<String, FieldProfile> reference) {}

    /** {@link DriftOverview} of the request's range against the {@code reference} dataset. */
    public DriftOverview driftOverview(ModelVersion version, ProfileRequest request, DatasetKind reference) {
        Resolved q = resolve(version, request);
        List<Bucket> referenceBuckets = reference(q, reference);
        String dataset = q.datasetName();
        // Drift never asks distinct_count, and the distinct-count sketches are most of the bytes: leave them unread.
        List<Bucket> windows =
                q.merged(store, dataset, q.from(), q.to(), q.granularity(), q.askedFrom(), q.askedTo(), false);
        // the whole range's bounds as drift's granularity=all gives them: asked, else where the windows are
        Instant first = q.askedFrom()
                .orElse(windows.stream()
                        .map(b -> b.start)
                        .min(Instant::compareTo)
                        .orElse(q.from()));
        Instant last = q.askedTo()
                .orElse(windows.stream().map(b -> b.end).max(Instant::compareTo).orElse(q.to()));
        List<Bucket> whole = BucketMerger.mergeFields(windows, first, last);
        Baseline baseline = Baseline.of(reference);
        Function<Bucket, Optional<FieldProfile>> baselineOf = bySegmentAndField(referenceBuckets);
        Optional<String> score = Optional.of("drift_score");
        long minRows = ProfileRequest.DEFAULT_MIN_BASELINE_ROWS;
        return new DriftOverview(
                DriftQuery.rows(dataset, windows, baselineOf, baseline, minRows, score, 0),
                DriftQuery.rows(dataset, whole, baselineOf, baseline, minRows, score, 0),
                byField(whole),
                byField(referenceBuckets));
    }

    /** A reference dataset (training, testing) merged whole, as a drift baseline; refused when not connected. */
    private List<Bucket> reference(Resolved q, DatasetKind kind) {
        if (store.datasets()
                .find(q.version().modelId(), q.version().version(), kind)
                .isEmpty()) {
            throw new VigilNotFoundException(
                    q.version().modelId() + "/" + q.version().version() + " has no "
                            + kind.specName() + " dataset connected to be the baseline: connect one, or pass"
                            + " baseline=previous or a serving period FROM/TO");
        }
        return q.mergedAll(store, kind.specName(), Instant.EPOCH, FAR_FUTURE);
    }

    private static Map<String, FieldProfile> byField(List<Bucket> buckets) {
        Map<String, FieldProfile> out = new HashMap<>();
        buckets.stream().filter(b -> b.fieldProfile() != null).forEach(b -> out.put(b.field, b.fieldProfile()));
        return out;
    }

    /**
     * {@code GET …/performance}: realized performance rows, and CBPE estimates for binary models with a score and
     * multiclass and multi-label models with dict predictions, calibrated on the asked labeled reference (training
     * by default).
     */
    public List<PerformanceRow> performance(ModelVersion version, ProfileRequest request) {
        Resolved q = resolve(version, request);
        request.asked().ifPresent(question -> checkNames(version, request, question));
        String dataset = q.datasetName();
        List<Bucket> windows = BucketMerger.merge(
                q.performance(store, dataset, q.from(), q.to(), q.granularity()),
                q.granularity(),
                q.askedFrom(),
                q.askedTo());
        // a baseline that is not a labeled reference is refused as the parameter would be
        Optional<Baseline> asked = request.baseline().flatMap(b -> Baseline.parseReference(b.name()));
        DatasetKind reference = asked.flatMap(Baseline::reference).orElse(DatasetKind.TRAINING);
        boolean connected = store.datasets()
                .find(version.modelId(), version.version(), reference)
                .isPresent();
        if (asked.isPresent() && !connected) {
            throw new VigilNotFoundException(version.modelId() + "/" + version.version() + " has no "
                    + reference.specName() + " dataset connected to calibrate estimated performance on");
        }
        Map<String, PerformanceEstimator> calibrations = new HashMap<>();
        if (connected && ESTIMATED_TYPES.contains(version.modelType())) {
            BucketMerger.merge(
                            q.overAllRows()
                                    .performance(
                                            store, reference.specName(), Instant.EPOCH, FAR_FUTURE, Granularity.ALL),
                            Granularity.ALL,
                            Optional.empty(),
                            Optional.empty())
                    .forEach(b -> PerformanceEstimator.fit(b.performanceProfile())
                            .ifPresent(c -> calibrations.put(b.field, c)));
        }
        // DLE's estimates are in the profiles, made with the loss models fitted on one reference: served unless
        // another reference was asked
        Optional<String> lossReference = version.modelType() == ModelType.REGRESSION
                ? store.lossModels()
                        .find(version.modelId(), version.version())
                        .map(LossModelRepository.Stored::reference)
                        .filter(fitted -> asked.isEmpty() || fitted.equals(reference.specName()))
                : Optional.empty();
        return explainedIfEmpty(
                q,
                request,
                PerformanceQuery.rows(
                        dataset, windows, calibrations, reference.specName(), lossReference, request.metric()));
    }

    /**
     * {@code GET …/drift/explain}: the drift of the request's field over its whole range against the asked baseline
     * (training by default; not {@code previous}), split into each declared segment's contribution ({@link
     * ExplainQuery#drift}), largest first.
     */
    public List<ExplainRow> explainDrift(ModelVersion version, ProfileRequest request) {
        Resolved q = resolve(version, request.withSegment(Optional.empty()));
        String field = q.field()
                .orElseThrow(() -> new VigilArgumentException(
                        "field: explain needs the field whose drift it splits over the segments (field=NAME)"));
        request.asked().ifPresent(question -> checkNames(version, request.withSegment(Optional.empty()), question));
        Baseline baseline = request.baseline().orElse(Baseline.TRAINING);
        if (baseline.isPrevious()) {
            throw new VigilArgumentException("baseline: previous changes from window to window, so a range has no one"
                    + " baseline to split its drift against: use training, testing or FROM/TO");
        }
        String dataset = q.datasetName();
        List<Bucket> window = allSegments(q, dataset, q.from(), q.to(), List.of(field), q.askedFrom(), q.askedTo());
        List<Bucket> reference = baseline.reference().isPresent()
                ? reference(q, baseline.reference().get())
                : q.mergedAll(
                        store, dataset, baseline.from().get(), baseline.to().get());
        FieldProfile base = byField(reference).get(field);
        if (base == null || base.validCount() < request.minBaselineRows()) {
            throw new VigilArgumentException("baseline: " + baseline.describe() + " has "
                    + (base == null ? 0 : base.validCount()) + " valid values of " + field + ", fewer than the "
                    + request.minBaselineRows() + " needed (min_baseline_rows)");
        }
        boolean text = base.kind() == FieldType.Kind.TEXT;
        Instant start = explainedFrom(q, window);
        Instant end = explainedTo(q, window);
        return ExplainQuery.drift(
                version.segments(),
                dataset,
                field,
                text ? TextLength.of(field) : field,
                window,
                base,
                baseline,
                start,
                end,
                text ? Optional.empty() : sampled(q, version, dataset, field));
    }

    /**
     * The range's merged row sample for {@link #explainDrift}'s discovered segments, with the columns to discover them
     * in: the categorical, string and boolean fields other than {@code field} and those a declared value segment
     * already splits. Empty when no window of the range has a sample (the version samples no rows, or old runs).
     */
    private Optional<ExplainQuery.Sampled> sampled(Resolved q, ModelVersion version, String dataset, String field) {
        Optional<SampleProfile> merged = mergedSample(
                version, dataset, q.from(), q.to(), Rollups.exactEdges(Granularity.ALL, q.askedFrom(), q.askedTo()));
        if (merged.isEmpty()) {
            return Optional.empty();
        }
        Set<String> declared = new HashSet<>();
        version.segments().stream().filter(s -> !s.isWhere() && !s.isBuckets()).forEach(s -> declared.add(s.field()));
        List<String> columns = new ArrayList<>();
        Set<String> booleans = new HashSet<>();
        boolean fieldIsBoolean = false;
        for (Field f : version.schema().fields()) {
            FieldType.Kind kind = f.type().kind();
            if (f.name().equals(field)) {
                fieldIsBoolean = kind == FieldType.Kind.BOOLEAN;
            } else if (f.group() != FieldGroup.ACTUALS
                    && !declared.contains(f.name())
                    && (kind == FieldType.Kind.CATEGORICAL
                            || kind == FieldType.Kind.STRING
                            || kind == FieldType.Kind.BOOLEAN)) {
                columns.add(f.name());
                if (kind == FieldType.Kind.BOOLEAN) {
                    booleans.add(f.name());
                }
            }
        }
        return Optional.of(new ExplainQuery.Sampled(merged.get(), field, fieldIsBoolean, columns, booleans));
    }

    /**
     * {@code GET …/performance/explain}: the worsening of the request's performance metric over its whole range from
     * its value on the reference (training by default, or testing), split into each declared segment's contribution
     * ({@link ExplainQuery#performance}), largest first; of the request's prediction, else of each prediction.
     */
    public List<ExplainRow> explainPerformance(ModelVersion version, ProfileRequest request) {
        Resolved q = resolve(version, request.withSegment(Optional.empty()));
        String metric = request.metric()
                .orElseThrow(
                        () -> new VigilArgumentException(
                                "metric: explain needs the performance metric whose drop it splits (metric=accuracy, f1, mae…)"));
        request.asked().ifPresent(question -> checkNames(version, request.withSegment(Optional.empty()), question));
        ExplainQuery.checkSplittable(metric);
        Optional<Baseline> asked = request.baseline().flatMap(b -> Baseline.parseReference(b.name()));
        DatasetKind reference = asked.flatMap(Baseline::reference).orElse(DatasetKind.TRAINING);
        if (store.datasets()
                .find(version.modelId(), version.version(), reference)
                .isEmpty()) {
            throw new VigilNotFoundException(version.modelId() + "/" + version.version() + " has no "
                    + reference.specName() + " dataset connected to compare performance with");
        }
        String dataset = q.datasetName();
        List<String> predictions = q.field()
                .map(List::of)
                .orElseGet(() -> version.schema().group(FieldGroup.PREDICTIONS).stream()
                        .map(Field::name)
                        .toList());
        List<String> stored = predictions.stream()
                .map(f -> PerformanceProfile.FIELD_PREFIX + f)
                .toList();
        List<Bucket> window = allSegments(q, dataset, q.from(), q.to(), stored, q.askedFrom(), q.askedTo());
        Map<String, PerformanceProfile> references = new HashMap<>();
        BucketMerger.merge(
                        Rollups.read(
                                store,
                                version,
                                reference.specName(),
                                Instant.EPOCH,
                                FAR_FUTURE,
                                Granularity.ALL,
                                true,
                                Optional.of(""),
                                Optional.of(stored)),
                        Granularity.ALL,
                        Optional.empty(),
                        Optional.empty())
                .forEach(b -> references.put(b.field, b.performanceProfile()));
        Instant start = explainedFrom(q, window);
        Instant end = explainedTo(q, window);
        List<ExplainRow> out = new ArrayList<>();
        for (String prediction : predictions) {
            out.addAll(ExplainQuery.performance(
                    version.segments(),
                    dataset,
                    prediction,
                    metric,
                    window,
                    references.get(PerformanceProfile.FIELD_PREFIX + prediction),
                    reference.specName(),
                    start,
                    end));
        }
        return out;
    }

    /**
     * The declared segments of {@code version} that {@link #explainDrift} splits {@code field}'s drift over: all but
     * those cut on the field itself, which would explain its drift by construction.
     */
    public static List<Segment> segmentsExplaining(ModelVersion version, String field) {
        return version.segments().stream()
                .filter(s -> !ExplainQuery.cutOn(s, storedField(version, field)))
                .toList();
    }

    /** Where an explained range starts: the asked {@code from}, else its first profiled window's start. */
    private static Instant explainedFrom(Resolved q, List<Bucket> window) {
        return q.askedFrom()
                .orElse(window.stream()
                        .map(b -> b.start)
                        .min(Instant::compareTo)
                        .orElse(q.from()));
    }

    /** Where an explained range ends: the asked {@code to}, else its last profiled window's end. */
    private static Instant explainedTo(Resolved q, List<Bucket> window) {
        return q.askedTo()
                .orElse(window.stream().map(b -> b.end).max(Instant::compareTo).orElse(q.to()));
    }

    /** Every segment's (and all rows') profiles of {@code fields} in [{@code from}, {@code to}), merged whole. */
    private List<Bucket> allSegments(
            Resolved q,
            String dataset,
            Instant from,
            Instant to,
            List<String> fields,
            Optional<Instant> boundFrom,
            Optional<Instant> boundTo) {
        BucketMerger merger = new BucketMerger(Granularity.ALL, boundFrom, boundTo, false);
        Rollups.forEach(
                store,
                q.version(),
                dataset,
                from,
                to,
                Granularity.ALL,
                Rollups.exactEdges(Granularity.ALL, boundFrom, boundTo),
                Optional.empty(),
                Optional.of(fields),
                merger);
        return merger.buckets();
    }

    /**
     * The row sample of [{@code from}, {@code to}) of {@code dataset}: the windows' samples (of all rows) merged into
     * one, from day and month roll-ups where they cover whole periods; empty when no window in the range has one (the
     * version samples no rows, or nothing was profiled). The multivariate metrics read a window range's sample and
     * the baseline's ({@link #baselineSample}).
     */
    public Optional<SampleProfile> sample(ModelVersion version, DatasetKind dataset, Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("to: " + to + " must be after from " + from);
        }
        connected(version, dataset);
        return mergedSample(version, dataset.specName(), from, to, false);
    }

    /**
     * The windows' samples of [{@code from}, {@code to}) of {@code dataset} merged into one (roll-ups read as
     * {@link Rollups#forEach} does with {@code exactEdges}); empty when no window of the range has one.
     */
    private Optional<SampleProfile> mergedSample(
            ModelVersion version, String dataset, Instant from, Instant to, boolean exactEdges) {
        SampleProfile[] merged = new SampleProfile[1];
        Rollups.forEach(
                store,
                version,
                dataset,
                from,
                to,
                Granularity.ALL,
                exactEdges,
                Optional.of(""),
                Optional.of(List.of(SampleProfile.FIELD)),
                p -> {
                    SampleProfile s = SampleProfile.fromBytes(p.bytes());
                    if (merged[0] == null) {
                        merged[0] = s;
                    } else {
                        merged[0].merge(s);
                    }
                });
        return Optional.ofNullable(merged[0]);
    }

    /**
     * The row sample of a reference dataset (training, testing) whole, as a baseline: its windows' samples merged, as
     * drift's baseline merges its field profiles.
     *
     * @throws VigilNotFoundException if {@code reference} is not connected
     */
    public Optional<SampleProfile> baselineSample(ModelVersion version, DatasetKind reference) {
        return sample(version, reference, Instant.EPOCH, FAR_FUTURE);
    }

    /**
     * The model types CBPE estimates ({@link PerformanceEstimator}): binary with a score, multiclass and multi-label
     * with dict predictions.
     */
    private static final Set<ModelType> ESTIMATED_TYPES =
            Set.of(ModelType.BINARY, ModelType.MULTICLASS, ModelType.MULTI_LABEL);

    /**
     * Refuses a field, metric or segment a user asked that {@code version} does not have, in one sentence with the
     * closest name ({@link Suggest}): a typo would otherwise answer "no profiles", as if nothing had run.
     */
    private static void checkNames(ModelVersion version, ProfileRequest request, Question question) {
        String of = version.modelId() + "/" + version.version();
        if (question == Question.DRIFT
                && request.field().filter(MultivariateMetrics.ROW_FIELD::equals).isPresent()) {
            // the whole row (decision 0030): its metrics only
            List<String> rowWide = MultivariateMetrics.METRIC_NAMES.subList(0, 4);
            request.metric().filter(m -> !rowWide.contains(m)).ifPresent(m -> {
                throw new VigilArgumentException("metric: '" + m + "' is not a drift metric of * ("
                        + Suggest.didYouMean(m, rowWide) + "metrics: " + String.join(", ", rowWide) + ")");
            });
            request.segment().ifPresent(s -> ProfileRequest.checkSegment(s, version));
            return;
        }
        List<Field> fields = version.schema().fields();
        Optional<Field> field = request.field().map(asked -> {
            String stored = storedField(version, asked);
            return fields.stream()
                    .filter(f -> f.name().equals(stored))
                    .findFirst()
                    .orElseThrow(() -> {
                        List<String> names = fields.stream().map(Field::name).toList();
                        return new VigilArgumentException("field: '" + asked + "' is not a field of " + of + " ("
                                + Suggest.didYouMean(asked, names) + "fields: " + String.join(", ", names) + ")");
                    });
        });
        List<String> predictions = version.schema().group(FieldGroup.PREDICTIONS).stream()
                .map(Field::name)
                .toList();
        if (question == Question.PERFORMANCE && field.isPresent() && field.get().group() != FieldGroup.PREDICTIONS) {
            throw new VigilArgumentException("field: '" + field.get().name() + "' is "
                    + article(field.get().group()) + "; performance is computed for the predictions "
                    + String.join(", ", predictions));
        }
        if (question == Question.DRIFT
                && field.isPresent()
                && !Drift.hasDrift(field.get().type().kind())) {
            throw new VigilArgumentException("field: '" + field.get().name() + "' is a "
                    + field.get().type().kind().specName() + " field, which has no drift metrics");
        }
        if (request.metric().isPresent()) {
            checkMetric(version, request.metric().get(), request.field(), field, question);
        }
        request.segment().ifPresent(s -> ProfileRequest.checkSegment(s, version));
    }

    private static String article(FieldGroup group) {
        return (group == FieldGroup.ACTUALS ? "an " : "a ") + group.singular();
    }

    /** Refuses a metric the asked question never gives for the field (or for any field of the version, without one). */
    private static void checkMetric(
            ModelVersion version, String metric, Optional<String> asked, Optional<Field> field, Question question) {
        List<FieldType.Kind> kinds = field.map(f -> List.of(f.type().kind()))
                .orElseGet(() -> version.schema().fields().stream()
                        .map(f -> f.type().kind())
                        .distinct()
                        .toList());
        Set<String> known = new LinkedHashSet<>();
        Set<String> perValue = new TreeSet<>(); // names that also come as name[<value>]
        switch (question) {
            case METRICS -> {
                if (field.isEmpty()) {
                    known.addAll(DatasetProfile.METRIC_NAMES);
                }
                for (FieldType.Kind kind : kinds) {
                    known.addAll(FieldProfile.metricNames(kind));
                    if (FieldProfile.hasValueCounts(kind)) {
                        perValue.add("value_count");
                    }
                }
            }
            case DRIFT -> {
                kinds.forEach(kind -> {
                    known.addAll(Drift.metricNames(kind));
                    known.addAll(Drift.onRequestNames(kind));
                });
                if (field.isEmpty()) {
                    known.addAll(MultivariateMetrics.METRIC_NAMES);
                } else if (kinds.contains(FieldType.Kind.EMBEDDING) || kinds.contains(FieldType.Kind.TENSOR)) {
                    known.addAll(MultivariateMetrics.METRIC_NAMES.subList(4, 6));
                }
            }
            case PERFORMANCE -> {
                known.addAll(PerformanceProfile.metricNames(version.modelType()));
                known.addAll(PerformanceEstimator.metricNames(version.modelType()));
                if (version.modelType() == ModelType.MULTI_LABEL) {
                    perValue.add("estimated_f1");
                }
                if (version.modelType() == ModelType.MULTICLASS) {
                    perValue.addAll(List.of("precision", "recall", "f1"));
                }
            }
        }
        int bracket = metric.indexOf('[');
        boolean ok = known.contains(metric)
                || perValue.contains(metric)
                || (bracket > 0 && metric.endsWith("]") && perValue.contains(metric.substring(0, bracket)));
        if (ok) {
            return;
        }
        List<String> names = new ArrayList<>(known);
        perValue.forEach(p -> names.add(p + "[<value>]"));
        String kind =
                switch (question) {
                    case METRICS -> "a metric";
                    case DRIFT -> "a drift metric";
                    case PERFORMANCE -> "a performance metric";
                };
        throw new VigilArgumentException("metric: '" + metric + "' is not " + kind + " of "
                + asked.orElse(version.modelId() + "/" + version.version()) + " ("
                + Suggest.didYouMean(metric, known) + "metrics: " + String.join(", ", names) + ")");
    }

    /**
     * {@code rows}, unless a user asked for a segment value that has no profiles in the range while others of its
     * segment do: then a refusal that lists the values stored ("owner=Direct" for "owner=direct" would otherwise
     * answer "no profiles").
     */
    private <T> List<T> explainedIfEmpty(Resolved q, ProfileRequest request, List<T> rows) {
        if (!rows.isEmpty() || request.asked().isEmpty() || request.segment().isEmpty()) {
            return rows;
        }
        String asked = request.segment().get();
        String prefix = asked.substring(0, asked.indexOf('=') + 1);
        Set<String> stored = new TreeSet<>();
        ModelVersion v = q.version();
        store.profiles()
                .forEachField(
                        v.modelId(),
                        v.version(),
                        q.datasetName(),
                        q.from(),
                        q.to(),
                        Optional.empty(),
                        Optional.of(List.of("")),
                        p -> {
                            if (p.segment().startsWith(prefix)) {
                                stored.add(p.segment().substring(prefix.length()));
                            }
                        });
        if (stored.isEmpty() || stored.contains(asked.substring(prefix.length()))) {
            return rows; // nothing of the segment in this range, or the value is there: the usual empty answer
        }
        String name = prefix.substring(0, prefix.length() - 1);
        throw new VigilArgumentException("segment: '" + asked + "' has no profiles in this range (" + name
                + "'s values: " + String.join(", ", stored) + ")");
    }

    private static Function<Bucket, Optional<FieldProfile>> bySegmentAndField(List<Bucket> merged) {
        Map<MetricKey, FieldProfile> profiles = new HashMap<>();
        merged.forEach(b -> profiles.put(b.key(), b.fieldProfile()));
        return w -> Optional.ofNullable(profiles.get(w.key()));
    }
}
