package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.server.runs.RunService;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Runs: pull and profile a dataset over a range, and how each run went. */
public final class RunRoutes {
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
        return new Routes()
                .tag("runs")
                .post(
                        VERSION + "/runs",
                        this::startRun,
                        "Start a run: pull a dataset (or all connected ones) over a range and profile every window")
                .body(
                        "{\"dataset\": \"serving|training|testing|actuals|all\", \"from\": \"ISO instant\", \"to\":"
                                + " \"ISO instant\"} (from/to optional)",
                        RunJson.Start.class)
                .returns(202)
                .answers(Routes.listOf(RunJson.class))
                .get(VERSION + "/runs", this::listRuns, "The latest runs of a version, newest first")
                .answers(Routes.listOf(RunJson.class))
                .get(
                        "/api/v1/runs/{run}",
                        this::getRun,
                        "One run: status, progress, rows read, rows with problems, failure reason")
                .answers(RunJson.class)
                .endpoints();
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
            // the references first: serving's windows are evaluated as they are stored, and a drift or performance
            // monitor compares them with the training set; serving before actuals: actuals recompute its windows
            kinds.sort(Comparator.comparingInt(RunRoutes::order));
            if (kinds.isEmpty()) {
                throw new VigilArgumentException(version.modelId() + "/" + version.version()
                        + " has no dataset connected: apply a spec that connects serving or training (vigil apply -f"
                        + " spec.yaml)");
            }
        } else {
            kinds.add(DatasetKind.fromSpec(dataset, "dataset"));
        }
        List<Run> started;
        try {
            // with all, training and testing are read whole: a serving range would cut them to nothing
            started = runs.submitAll(version, kinds, from, to, dataset.equals("all"));
        } catch (RunService.QueueFull e) {
            ctx.header("Retry-After", "60");
            Json.send(ctx, 429, Json.error("too_many_runs", e.getMessage(), List.of()));
            return;
        }
        Json.send(ctx, 202, started.stream().map(this::describe).toList());
    }

    /** The order {@code dataset=all} runs the datasets in: training, testing, serving, actuals. */
    private static int order(DatasetKind kind) {
        return switch (kind) {
            case TRAINING -> 0;
            case TESTING -> 1;
            case SERVING -> 2;
            case ACTUALS -> 3;
        };
    }

    private void listRuns(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        Json.send(
                ctx,
                200,
                store.runs().list(version.modelId(), version.version(), 50).stream()
                        .map(this::describe)
                        .toList());
    }

    private void getRun(Context ctx) {
        String id = ctx.pathParam("run");
        Run run =
                store.runs().find(id).orElseThrow(() -> new VigilNotFoundException("run '" + id + "' does not exist"));
        Json.send(ctx, 200, describe(run));
    }

    private static Optional<Instant> instant(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(ProfileRequest.parseInstant(node.asText(), key));
    }

    RunJson describe(Run r) {
        boolean planned = !(r.windowsTotal() == 0 && r.from().equals(Instant.EPOCH));
        Double seconds = null;
        Long rowsPerSecond = null;
        if (r.startedAt() != null) {
            Instant end = r.finishedAt() != null ? r.finishedAt() : clock.instant();
            seconds = Math.max(0.001, Duration.between(r.startedAt(), end).toMillis() / 1000.0);
            rowsPerSecond = Math.round(r.rowsRead() / seconds);
        }
        return new RunJson(
                r.id(),
                r.modelId(),
                r.version(),
                r.dataset(),
                r.status().specName(),
                planned ? r.from() : null,
                r.windowsTotal() == 0 && r.to().equals(Instant.EPOCH) ? null : r.to(),
                r.windowsTotal(),
                r.windowsDone(),
                r.rowsRead(),
                r.rowsWithProblems(),
                r.nullTimestampCount(),
                r.dataset().equals(DatasetKind.ACTUALS.specName()) ? r.unmatchedActualsCount() : null,
                seconds,
                rowsPerSecond,
                r.error(),
                r.createdAt(),
                r.startedAt(),
                r.finishedAt(),
                r.problems(),
                r.warning(),
                r.note());
    }
}
