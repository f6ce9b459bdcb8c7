package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs (pull and profile a dataset over a range) and the metrics their profiles answer. */
public final class RunRoutes {
    private static final String VERSION = "/api/v1/models/{model}/versions/{version}";

    private final Metastore store;
    private final RunService runs;
    private final Clock clock;
    private final ProfileQueries queries;

    public RunRoutes(Metastore store, RunService runs, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.clock = clock;
        this.queries = new ProfileQueries(store);
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
                        this::performance),
                new Endpoint(
                        HandlerType.GET,
                        VERSION + "/report",
                        "reports",
                        "The HTML report of a version over a range (from, to, granularity): one self-contained page"
                                + " with the dashboard's views, built from stored aggregates only (text/html)",
                        null,
                        200,
                        true,
                        this::report));
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

    private void metrics(Context ctx) {
        send(ctx, queries.metrics(Lookups.version(store, ctx), ctx::queryParam));
    }

    private void drift(Context ctx) {
        send(ctx, queries.drift(Lookups.version(store, ctx), ctx::queryParam));
    }

    private void performance(Context ctx) {
        send(ctx, queries.performance(Lookups.version(store, ctx), ctx::queryParam));
    }

    private void report(Context ctx) {
        ModelVersion v = Lookups.version(store, ctx);
        DashboardPages pages = new DashboardPages(store, clock);
        DashboardPages.Range range = pages.range(
                v,
                Optional.ofNullable(ctx.queryParam("from"))
                        .filter(s -> !s.isBlank())
                        .map(s -> parse(s, "from")),
                Optional.ofNullable(ctx.queryParam("to"))
                        .filter(s -> !s.isBlank())
                        .map(s -> parse(s, "to")),
                Optional.ofNullable(ctx.queryParam("granularity")).filter(s -> !s.isBlank()));
        if (!range.to().isAfter(range.from())) {
            throw new VigilArgumentException("to: " + range.to() + " must be after from " + range.from());
        }
        ctx.header("Content-Security-Policy", DashboardRoutes.CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(pages.report(v, range));
    }

    private static void send(Context ctx, List<ObjectNode> rows) {
        ArrayNode out = Json.array();
        rows.forEach(out::add);
        Json.send(ctx, 200, out);
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

    static Instant parse(String value, String key) {
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
