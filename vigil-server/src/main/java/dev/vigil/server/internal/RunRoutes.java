package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.vigil.store.ProfileRepository;
import dev.vigil.store.Run;
import dev.vigil.store.StoredProfile;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Runs (pull and profile a dataset over a range) and the metrics their profiles answer. */
public final class RunRoutes {
    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");
    private static final String VERSION = "/api/v1/models/{model}/versions/{version}";

    private final Metastore store;
    private final RunService runs;
    private final Clock clock;

    public RunRoutes(Metastore store, RunService runs, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.clock = clock;
    }

    public List<Endpoint> endpoints() {
        return List.of(
                new Endpoint(
                        HandlerType.POST,
                        VERSION + "/runs",
                        "runs",
                        "Start a run: pull a dataset (or all connected ones) over a range and profile every window",
                        "{\"dataset\": \"serving|training|testing|actuals|all\", \"from\": \"ISO instant\", \"to\":"
                                + " \"ISO instant\"} (from/to optional)",
                        202,
                        true,
                        this::startRun),
                new Endpoint(
                        HandlerType.GET,
                        VERSION + "/runs",
                        "runs",
                        "The latest runs of a version, newest first",
                        null,
                        200,
                        true,
                        this::listRuns),
                new Endpoint(
                        HandlerType.GET,
                        "/api/v1/runs/{run}",
                        "runs",
                        "One run: status, progress, rows read, rows with problems, failure reason",
                        null,
                        200,
                        true,
                        this::getRun),
                new Endpoint(
                        HandlerType.GET,
                        VERSION + "/metrics",
                        "metrics",
                        "Metrics from stored profiles: query dataset, field, metric, from, to, granularity"
                                + " (hour|day|week|month|all), segment (NAME=VALUE)",
                        null,
                        200,
                        true,
                        this::metrics),
                new Endpoint(
                        HandlerType.GET,
                        VERSION + "/drift",
                        "drift",
                        "Drift of each window against a baseline, from stored profiles: query dataset, field, metric,"
                                + " from, to, granularity, segment, baseline (training|testing|previous|FROM/TO),"
                                + " min_baseline_rows (default 100), top (the N fields with the highest drift_score)",
                        null,
                        200,
                        true,
                        this::drift),
                new Endpoint(
                        HandlerType.GET,
                        VERSION + "/performance",
                        "performance",
                        "Model performance per window from stored profiles: realized from the rows whose actuals"
                                + " arrived, and for binary models with a score estimated by CBPE (rows with std and"
                                + " reference). Query dataset, field (a prediction), metric, from, to, granularity,"
                                + " segment, baseline (training|testing: the calibration reference, default training)",
                        null,
                        200,
                        true,
                        this::performance));
    }

    private void startRun(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        JsonNode body = ctx.body().isBlank() ? Json.object() : Json.body(ctx);
        String dataset = body.path("dataset").asText("serving");
        Optional<Instant> from = instant(body.get("from"), "from");
        Optional<Instant> to = instant(body.get("to"), "to");
        List<DatasetKind> kinds = new ArrayList<>();
        if (dataset.equals("all")) {
            for (DatasetConnection c : store.datasets().list(version.modelId(), version.version())) {
                kinds.add(c.dataset());
            }
            kinds.sort(null); // serving before actuals: actuals recompute windows serving has profiled
            if (kinds.isEmpty()) {
                throw new VigilArgumentException(
                        "dataset: " + version.modelId() + "/" + version.version() + " has no dataset connected");
            }
        } else {
            kinds.add(DatasetKind.fromSpec(dataset, "dataset"));
        }
        ArrayNode out = Json.array();
        for (DatasetKind kind : kinds) {
            out.add(describe(runs.submit(version, kind, from, to)));
        }
        Json.send(ctx, 202, out);
    }

    private void listRuns(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        ArrayNode out = Json.array();
        store.runs().list(version.modelId(), version.version(), 50).forEach(r -> out.add(describe(r)));
        Json.send(ctx, 200, out);
    }

    private void getRun(Context ctx) {
        String id = ctx.pathParam("run");
        Run run =
                store.runs().find(id).orElseThrow(() -> new VigilNotFoundException("run '" + id + "' does not exist"));
        Json.send(ctx, 200, describe(run));
    }

    /** The parameters metrics and drift share: dataset, range, granularity, segment and field. */
    private record ProfileQuery(
            ModelVersion version,
            DatasetConnection dataset,
            Optional<Instant> askedFrom,
            Optional<Instant> askedTo,
            Instant from,
            Instant to,
            Granularity granularity,
            String segment,
            Optional<String> field) {

        /** The field profiles (and dataset counts) of the query; performance profiles are left out. */
        /** The same query over all rows (the segment "" instead of the asked one). */
        ProfileQuery withSegment(String other) {
            return new ProfileQuery(version, dataset, askedFrom, askedTo, from, to, granularity, other, field);
        }

        List<StoredProfile> profiles(ProfileRepository profiles, String dataset, Instant from, Instant to) {
            return profiles
                    .find(version.modelId(), version.version(), dataset, from, to, Optional.of(segment), field)
                    .stream()
                    .filter(p -> !p.field().startsWith(PerformanceProfile.FIELD_PREFIX))
                    .toList();
        }

        /** The performance profiles of the query, of the asked prediction field or of all. */
        List<StoredProfile> performance(ProfileRepository profiles, String dataset, Instant from, Instant to) {
            return profiles.findFields(
                    version.modelId(),
                    version.version(),
                    dataset,
                    from,
                    to,
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

    private ProfileQuery profileQuery(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        DatasetKind kind = DatasetKind.fromSpec(
                Optional.ofNullable(ctx.queryParam("dataset")).orElse("serving"), "dataset");
        DatasetConnection dataset = connected(version, kind);
        Optional<Instant> askedFrom = param(ctx, "from");
        Optional<Instant> askedTo = param(ctx, "to");
        Instant from = askedFrom.orElse(Instant.EPOCH);
        Instant to = askedTo.orElse(FAR_FUTURE);
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("to: " + to + " must be after from " + from);
        }
        Granularity granularity = Optional.ofNullable(ctx.queryParam("granularity"))
                .map(Granularity::fromParam)
                .orElse(
                        version.aggregationPeriod().length().equals(Duration.ofHours(1))
                                ? Granularity.HOUR
                                : Granularity.DAY);
        String segment = Optional.ofNullable(ctx.queryParam("segment")).orElse("");
        if (!segment.isEmpty() && !segment.contains("=")) {
            throw new VigilArgumentException("segment: expected NAME=VALUE (e.g. owner=direct), got '" + segment + "'");
        }
        Optional<String> field = Optional.ofNullable(ctx.queryParam("field"))
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

    private void metrics(Context ctx) {
        ProfileQuery q = profileQuery(ctx);
        ArrayNode out = Json.array();
        MetricsQuery.rows(
                        q.dataset(),
                        q.profiles(store.profiles(), q.dataset().dataset().specName(), q.from(), q.to()),
                        q.granularity(),
                        q.askedFrom(),
                        q.askedTo(),
                        Optional.ofNullable(ctx.queryParam("metric")))
                .forEach(out::add);
        Json.send(ctx, 200, out);
    }

    private void drift(Context ctx) {
        ProfileQuery q = profileQuery(ctx);
        DriftQuery.Baseline baseline = DriftQuery.Baseline.parse(ctx.queryParam("baseline"));
        long minBaselineRows = count(ctx, "min_baseline_rows", DriftQuery.DEFAULT_MIN_BASELINE_ROWS);
        int top = (int) count(ctx, "top", 0);
        String dataset = q.dataset().dataset().specName();
        List<MetricsQuery.Bucket> windows;
        Function<MetricsQuery.Bucket, Optional<FieldProfile>> baselineOf;
        if (baseline.isPrevious() && q.granularity() == Granularity.ALL) {
            if (q.askedFrom().isEmpty() || q.askedTo().isEmpty()) {
                throw new VigilArgumentException(
                        "baseline: previous with granularity all needs from and to (the previous period is as long)");
            }
            Instant previousFrom = q.from().minus(Duration.between(q.from(), q.to()));
            windows = MetricsQuery.merge(
                    q.profiles(store.profiles(), dataset, q.from(), q.to()),
                    Granularity.ALL,
                    q.askedFrom(),
                    q.askedTo());
            baselineOf = bySegmentAndField(MetricsQuery.merge(
                    q.profiles(store.profiles(), dataset, previousFrom, q.from()),
                    Granularity.ALL,
                    Optional.empty(),
                    Optional.empty()));
        } else if (baseline.isPrevious()) {
            Granularity g = q.granularity();
            Instant first = g.bucketStart(q.from());
            Instant extended = q.askedFrom().isPresent() ? g.bucketStart(first.minusNanos(1)) : q.from();
            List<MetricsQuery.Bucket> all = MetricsQuery.merge(
                    q.profiles(store.profiles(), dataset, extended, q.to()), g, Optional.empty(), Optional.empty());
            Map<String, MetricsQuery.Bucket> byStart = new HashMap<>();
            all.forEach(b -> byStart.put(b.start + "|" + b.segment + "|" + b.field, b));
            windows = all.stream().filter(b -> !b.start.isBefore(first)).toList();
            baselineOf = w -> Optional.ofNullable(
                            byStart.get(g.bucketStart(w.start.minusNanos(1)) + "|" + w.segment + "|" + w.field))
                    .map(b -> b.fieldProfile);
        } else {
            windows = MetricsQuery.merge(
                    q.profiles(store.profiles(), dataset, q.from(), q.to()),
                    q.granularity(),
                    q.askedFrom(),
                    q.askedTo());
            List<StoredProfile> reference;
            if (baseline.reference().isPresent()) {
                DatasetKind kind = baseline.reference().get();
                if (store.datasets()
                        .find(q.version().modelId(), q.version().version(), kind)
                        .isEmpty()) {
                    throw new VigilNotFoundException(
                            q.version().modelId() + "/" + q.version().version() + " has no "
                                    + kind.specName() + " dataset connected to be the baseline: connect one, or pass"
                                    + " baseline=previous or a serving period FROM/TO");
                }
                reference = q.profiles(store.profiles(), kind.specName(), Instant.EPOCH, FAR_FUTURE);
            } else {
                reference = q.profiles(
                        store.profiles(),
                        dataset,
                        baseline.from().get(),
                        baseline.to().get());
            }
            baselineOf = bySegmentAndField(
                    MetricsQuery.merge(reference, Granularity.ALL, Optional.empty(), Optional.empty()));
        }
        ArrayNode out = Json.array();
        DriftQuery.rows(
                        dataset,
                        windows,
                        baselineOf,
                        baseline,
                        minBaselineRows,
                        Optional.ofNullable(ctx.queryParam("metric")),
                        top)
                .forEach(out::add);
        Json.send(ctx, 200, out);
    }

    private void performance(Context ctx) {
        ProfileQuery q = profileQuery(ctx);
        String dataset = q.dataset().dataset().specName();
        List<MetricsQuery.Bucket> windows = MetricsQuery.merge(
                q.performance(store.profiles(), dataset, q.from(), q.to()),
                q.granularity(),
                q.askedFrom(),
                q.askedTo());
        Optional<String> asked = Optional.ofNullable(ctx.queryParam("baseline"));
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
                            all.performance(store.profiles(), reference.specName(), Instant.EPOCH, FAR_FUTURE),
                            Granularity.ALL,
                            Optional.empty(),
                            Optional.empty())
                    .forEach(b -> Calibration.fit(b.performanceProfile).ifPresent(c -> calibrations.put(b.field, c)));
        }
        ArrayNode out = Json.array();
        PerformanceQuery.rows(
                        dataset,
                        windows,
                        calibrations,
                        reference.specName(),
                        Optional.ofNullable(ctx.queryParam("metric")))
                .forEach(out::add);
        Json.send(ctx, 200, out);
    }

    private static Function<MetricsQuery.Bucket, Optional<FieldProfile>> bySegmentAndField(
            List<MetricsQuery.Bucket> merged) {
        Map<String, FieldProfile> profiles = new HashMap<>();
        merged.forEach(b -> profiles.put(b.segment + "|" + b.field, b.fieldProfile));
        return w -> Optional.ofNullable(profiles.get(w.segment + "|" + w.field));
    }

    /** A non-negative whole number from the query, or {@code otherwise}. */
    private static long count(Context ctx, String name, long otherwise) {
        String value = ctx.queryParam(name);
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

    private static Optional<Instant> param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(parse(value, name));
    }

    private static Optional<Instant> instant(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(parse(node.asText(), key));
    }

    private static Instant parse(String value, String key) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new VigilArgumentException(
                    key + ": '" + value + "' is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)");
        }
    }

    ObjectNode describe(Run r) {
        ObjectNode n = Json.object();
        n.put("id", r.id());
        n.put("model", r.modelId());
        n.put("version", r.version());
        n.put("dataset", r.dataset());
        n.put("status", r.status().specName());
        n.put(
                "from",
                r.windowsTotal() == 0 && r.from().equals(Instant.EPOCH)
                        ? null
                        : r.from().toString());
        n.put("to", r.windowsTotal() == 0 && r.to().equals(Instant.EPOCH) ? null : r.to().toString());
        n.put("windows_total", r.windowsTotal());
        n.put("windows_done", r.windowsDone());
        n.put("rows_read", r.rowsRead());
        n.put("rows_with_problems", r.rowsWithProblems());
        n.put("null_timestamp_count", r.nullTimestampCount());
        if (r.dataset().equals(DatasetKind.ACTUALS.specName())) {
            n.put("unmatched_actuals_count", r.unmatchedActualsCount());
        }
        if (r.startedAt() != null) {
            Instant end = r.finishedAt() != null ? r.finishedAt() : clock.instant();
            double seconds =
                    Math.max(0.001, Duration.between(r.startedAt(), end).toMillis() / 1000.0);
            n.put("seconds", seconds);
            n.put("rows_per_second", Math.round(r.rowsRead() / seconds));
        }
        n.put("error", r.error());
        n.put("created_at", r.createdAt().toString());
        n.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
        n.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        return n;
    }
}
