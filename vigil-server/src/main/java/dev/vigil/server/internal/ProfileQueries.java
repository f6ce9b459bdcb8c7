package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.stats.Calibration;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The profile queries the REST API and the monitors share: metrics, drift and performance rows of a version,
 * answered from stored profiles by merging. Parameters are the REST query parameters, by name.
 */
final class ProfileQueries {
    static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    private final Metastore store;

    ProfileQueries(Metastore store) {
        this.store = store;
    }

    /** The parameters metrics and drift share: dataset, range, granularity, segment and field. */
    record ProfileQuery(
            ModelVersion version,
            DatasetConnection dataset,
            Optional<Instant> askedFrom,
            Optional<Instant> askedTo,
            Instant from,
            Instant to,
            Granularity granularity,
            String segment,
            Optional<String> field) {

        /** The same query over all rows (the segment "" instead of the asked one). */
        ProfileQuery withSegment(String other) {
            return new ProfileQuery(version, dataset, askedFrom, askedTo, from, to, granularity, other, field);
        }

        /**
         * The field profiles (and dataset counts, not performance) of [{@code from}, {@code to}) of {@code dataset},
         * merged at {@code mergedAs} as they are read ({@link MetricsQuery#merge} with {@code boundFrom} and
         * {@code boundTo} as its asked bounds; roll-ups where they can stand in for hours), decoded without their
         * distinct-count sketches unless {@code withDistinct}.
         */
        List<MetricsQuery.Bucket> merged(
                Metastore store,
                String dataset,
                Instant from,
                Instant to,
                Granularity mergedAs,
                Optional<Instant> boundFrom,
                Optional<Instant> boundTo,
                boolean withDistinct) {
            MetricsQuery.Merger merger = new MetricsQuery.Merger(mergedAs, boundFrom, boundTo, withDistinct);
            boolean exactEdges = Rollups.exactEdges(mergedAs, boundFrom, boundTo);
            Rollups.forEach(
                    store,
                    version,
                    dataset,
                    from,
                    to,
                    mergedAs,
                    exactEdges,
                    Optional.of(segment),
                    field.map(List::of),
                    p -> {
                        if (!p.field().startsWith(PerformanceProfile.FIELD_PREFIX)) {
                            merger.accept(p);
                        }
                    });
            return merger.buckets();
        }

        /** The whole of [{@code from}, {@code to}) of {@code dataset} merged into one bucket per segment and field. */
        List<MetricsQuery.Bucket> mergedAll(Metastore store, String dataset, Instant from, Instant to) {
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

    ProfileQuery profileQuery(ModelVersion version, Function<String, String> params) {
        DatasetKind kind = DatasetKind.fromSpec(
                Optional.ofNullable(params.apply("dataset")).orElse("serving"), "dataset");
        DatasetConnection dataset = connected(version, kind);
        Optional<Instant> askedFrom = param(params, "from");
        Optional<Instant> askedTo = param(params, "to");
        Instant from = askedFrom.orElse(Instant.EPOCH);
        Instant to = askedTo.orElse(FAR_FUTURE);
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("to: " + to + " must be after from " + from);
        }
        Granularity granularity = Optional.ofNullable(params.apply("granularity"))
                .map(Granularity::fromParam)
                .orElse(
                        version.aggregationPeriod().length().equals(Duration.ofHours(1))
                                ? Granularity.HOUR
                                : Granularity.DAY);
        String segment = Optional.ofNullable(params.apply("segment")).orElse("");
        if (!segment.isEmpty() && !segment.contains("=")) {
            throw new VigilArgumentException("segment: expected NAME=VALUE (e.g. owner=direct), got '" + segment + "'");
        }
        Optional<String> field = Optional.ofNullable(params.apply("field"))
                .filter(f -> !f.isBlank())
                .map(f -> storedField(version, f));
        return new ProfileQuery(version, dataset, askedFrom, askedTo, from, to, granularity, segment, field);
    }

    /** Drift names a text field's length distribution {@code <name>.length}; profiles are stored under the name. */
    private static String storedField(ModelVersion version, String field) {
        if (field.endsWith(".length")) {
            String name = field.substring(0, field.length() - ".length".length());
            if (version.schema().fields().stream()
                    .anyMatch(f -> f.name().equals(name) && f.type().kind() == FieldType.Kind.TEXT)) {
                return name;
            }
        }
        return field;
    }

    private DatasetConnection connected(ModelVersion version, DatasetKind kind) {
        return store.datasets()
                .find(version.modelId(), version.version(), kind)
                .orElseThrow(() -> new VigilNotFoundException(version.modelId() + "/" + version.version() + " has no "
                        + kind.specName() + " dataset connected"));
    }

    /** {@code GET …/metrics}: flat metric rows of the stored profiles. */
    List<ObjectNode> metrics(ModelVersion version, Function<String, String> params) {
        ProfileQuery q = profileQuery(version, params);
        List<ObjectNode> out = new ArrayList<>();
        Optional<String> metric = Optional.ofNullable(params.apply("metric"));
        // The distinct-count sketches are most of the bytes: read them only when distinct_count can be shown.
        boolean withDistinct = metric.isEmpty() || metric.get().equals("distinct_count");
        MetricsQuery.rows(
                        q.dataset(),
                        q.merged(
                                store,
                                q.dataset().dataset().specName(),
                                q.from(),
                                q.to(),
                                q.granularity(),
                                q.askedFrom(),
                                q.askedTo(),
                                withDistinct),
                        metric)
                .forEach(out::add);
        return out;
    }

    /** {@code GET …/drift}: drift rows of each window against the asked baseline. */
    List<ObjectNode> drift(ModelVersion version, Function<String, String> params) {
        ProfileQuery q = profileQuery(version, params);
        DriftQuery.Baseline baseline = DriftQuery.Baseline.parse(params.apply("baseline"));
        long minBaselineRows = count(params, "min_baseline_rows", DriftQuery.DEFAULT_MIN_BASELINE_ROWS);
        int top = (int) count(params, "top", 0);
        String dataset = q.dataset().dataset().specName();
        List<MetricsQuery.Bucket> windows;
        Function<MetricsQuery.Bucket, Optional<FieldProfile>> baselineOf;
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
            List<MetricsQuery.Bucket> all =
                    q.merged(store, dataset, extended, q.to(), g, Optional.empty(), Optional.empty(), false);
            Map<String, MetricsQuery.Bucket> byStart = new HashMap<>();
            all.forEach(b -> byStart.put(b.start + "|" + b.segment + "|" + b.field, b));
            windows = all.stream().filter(b -> !b.start.isBefore(first)).toList();
            baselineOf = w -> Optional.ofNullable(
                            byStart.get(g.bucketStart(w.start.minusNanos(1)) + "|" + w.segment + "|" + w.field))
                    .map(b -> b.fieldProfile);
        } else {
            windows = q.merged(store, dataset, q.from(), q.to(), q.granularity(), q.askedFrom(), q.askedTo(), false);
            List<MetricsQuery.Bucket> reference;
            if (baseline.reference().isPresent()) {
                reference = reference(q, baseline.reference().get());
            } else {
                reference = q.mergedAll(
                        store, dataset, baseline.from().get(), baseline.to().get());
            }
            baselineOf = bySegmentAndField(reference);
        }
        List<ObjectNode> out = new ArrayList<>();
        DriftQuery.rows(
                        dataset,
                        windows,
                        baselineOf,
                        baseline,
                        minBaselineRows,
                        Optional.ofNullable(params.apply("metric")),
                        top)
                .forEach(out::add);
        return out;
    }

    /**
     * Drift against a reference dataset as the version page shows it, from one read of the range: each bucket's
     * {@code drift_score} at the asked granularity ({@code byWindow}); the whole range's ({@code overRange}), from
     * those buckets merged again; and the whole range's and the reference's profiles by field, for the
     * distribution charts. The rows are those {@link #drift} gives with {@code metric=drift_score} at the asked
     * granularity and at {@code all}, up to the merge order of the sketches.
     */
    record DriftOverview(
            List<ObjectNode> byWindow,
            List<ObjectNode> overRange,
            Map<String, FieldProfile> range,
            Map<String, FieldProfile> reference) {}

    DriftOverview driftOverview(ModelVersion version, Function<String, String> params, DatasetKind kind) {
        ProfileQuery q = profileQuery(version, params);
        List<MetricsQuery.Bucket> reference = reference(q, kind);
        String dataset = q.dataset().dataset().specName();
        // Drift never asks distinct_count, and the distinct-count sketches are most of the bytes: leave them unread.
        List<MetricsQuery.Bucket> windows =
                q.merged(store, dataset, q.from(), q.to(), q.granularity(), q.askedFrom(), q.askedTo(), false);
        // the whole range's bounds as drift's granularity=all gives them: asked, else where the windows are
        Instant first = q.askedFrom()
                .orElse(windows.stream()
                        .map(b -> b.start)
                        .min(Instant::compareTo)
                        .orElse(q.from()));
        Instant last = q.askedTo()
                .orElse(windows.stream().map(b -> b.end).max(Instant::compareTo).orElse(q.to()));
        List<MetricsQuery.Bucket> whole = MetricsQuery.mergeFields(windows, first, last);
        DriftQuery.Baseline baseline = DriftQuery.Baseline.parse(kind.specName());
        Function<MetricsQuery.Bucket, Optional<FieldProfile>> baselineOf = bySegmentAndField(reference);
        Optional<String> score = Optional.of("drift_score");
        return new DriftOverview(
                DriftQuery.rows(dataset, windows, baselineOf, baseline, DriftQuery.DEFAULT_MIN_BASELINE_ROWS, score, 0),
                DriftQuery.rows(dataset, whole, baselineOf, baseline, DriftQuery.DEFAULT_MIN_BASELINE_ROWS, score, 0),
                byField(whole),
                byField(reference));
    }

    /** A reference dataset (training, testing) merged whole, as a drift baseline; refused when not connected. */
    private List<MetricsQuery.Bucket> reference(ProfileQuery q, DatasetKind kind) {
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

    private static Map<String, FieldProfile> byField(List<MetricsQuery.Bucket> buckets) {
        Map<String, FieldProfile> out = new HashMap<>();
        buckets.stream().filter(b -> b.fieldProfile != null).forEach(b -> out.put(b.field, b.fieldProfile));
        return out;
    }

    /** {@code GET …/performance}: realized performance rows, and CBPE estimates for binary models. */
    List<ObjectNode> performance(ModelVersion version, Function<String, String> params) {
        ProfileQuery q = profileQuery(version, params);
        String dataset = q.dataset().dataset().specName();
        List<MetricsQuery.Bucket> windows = MetricsQuery.merge(
                q.performance(store, dataset, q.from(), q.to(), q.granularity()),
                q.granularity(),
                q.askedFrom(),
                q.askedTo());
        Optional<String> asked = Optional.ofNullable(params.apply("baseline"));
        DatasetKind reference =
                switch (asked.orElse("training")) {
                    case "training" -> DatasetKind.TRAINING;
                    case "testing" -> DatasetKind.TESTING;
                    default ->
                        throw new VigilArgumentException("baseline: expected training or testing (the"
                                + " labeled reference CBPE calibrates on), got '" + asked.get() + "'");
                };
        boolean connected = store.datasets()
                .find(q.version().modelId(), q.version().version(), reference)
                .isPresent();
        if (asked.isPresent() && !connected) {
            throw new VigilNotFoundException(
                    q.version().modelId() + "/" + q.version().version() + " has no " + reference.specName()
                            + " dataset connected to calibrate estimated performance on");
        }
        Map<String, Calibration> calibrations = new HashMap<>();
        if (connected && q.version().modelType() == ModelType.BINARY) {
            ProfileQuery all = q.withSegment("");
            MetricsQuery.merge(
                            all.performance(store, reference.specName(), Instant.EPOCH, FAR_FUTURE, Granularity.ALL),
                            Granularity.ALL,
                            Optional.empty(),
                            Optional.empty())
                    .forEach(b -> Calibration.fit(b.performanceProfile).ifPresent(c -> calibrations.put(b.field, c)));
        }
        List<ObjectNode> out = new ArrayList<>();
        PerformanceQuery.rows(
                        dataset,
                        windows,
                        calibrations,
                        reference.specName(),
                        Optional.ofNullable(params.apply("metric")))
                .forEach(out::add);
        return out;
    }

    private static Function<MetricsQuery.Bucket, Optional<FieldProfile>> bySegmentAndField(
            List<MetricsQuery.Bucket> merged) {
        Map<String, FieldProfile> profiles = new HashMap<>();
        merged.forEach(b -> profiles.put(b.segment + "|" + b.field, b.fieldProfile));
        return w -> Optional.ofNullable(profiles.get(w.segment + "|" + w.field));
    }

    /** A non-negative whole number from the query, or {@code otherwise}. */
    private static long count(Function<String, String> params, String name, long otherwise) {
        String value = params.apply(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new VigilArgumentException(name + ": expected a whole number of 0 or more, got '" + value + "'");
    }

    private static Optional<Instant> param(Function<String, String> params, String name) {
        String value = params.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(RunRoutes.parse(value, name));
    }
}
