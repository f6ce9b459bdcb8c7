package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil runs}: the latest runs, newest first, across every version or the ones the filters name; {@code runs
 * show ID} and {@code runs follow ID} look at one run.
 */
@Command(
        name = "runs",
        description = "List recent runs, newest first; `runs show ID` shows one, `runs follow ID` waits for one.",
        subcommands = {RunsShowCommand.class, RunsFollowCommand.class})
final class RunsCommand implements Callable<Integer> {
    static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed");

    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", description = "Only the runs of this model.")
    String model;

    @Option(names = "--version", description = "Only the runs of this version (with --model).")
    String version;

    @Option(names = "--dataset", description = "Only runs of this dataset: serving, training, testing or actuals.")
    String dataset;

    @Option(names = "--status", description = "Only runs with this status: queued, running, succeeded or failed.")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many runs (default: 20).")
    int limit;

    RunsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new VigilArgumentException("--limit: expected a whole number of 1 or more, got " + limit);
        }
        if (status != null && !STATUSES.contains(status)) {
            throw new VigilArgumentException(
                    "--status: '" + status + "' is not a run status (expected " + String.join(", ", STATUSES) + ")");
        }
        Vigil vigil = client.connect(context);
        // The server keeps the latest 50 runs of each version in its listing; more is for the metastore itself.
        List<JsonNode> runs = new ArrayList<>();
        for (Versions.Ref v : Versions.of(vigil, model, version)) {
            for (JsonNode run : vigil.getJson(versionPath(v) + "/runs")) {
                if ((dataset == null || dataset.equals(run.path("dataset").asText()))
                        && (status == null || status.equals(run.path("status").asText()))) {
                    runs.add(run);
                }
            }
        }
        runs.sort(Comparator.comparing(
                        (JsonNode r) -> Instant.parse(r.path("created_at").asText()))
                .thenComparing(r -> r.path("id").asText())
                .reversed());
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode run : runs.subList(0, Math.min(limit, runs.size()))) {
            rows.add(row(run));
        }
        Output.print(context.out(), client.format, rows, "no runs: start one with `vigil run`");
        return 0;
    }

    /** A run as one row of the listing: {@code id, model, version, dataset, status, windows, rows_read, created_at, error}. */
    static ObjectNode row(JsonNode run) {
        ObjectNode row = Output.row()
                .put("id", run.path("id").asText())
                .put("model", run.path("model").asText())
                .put("version", run.path("version").asText())
                .put("dataset", run.path("dataset").asText())
                .put("status", run.path("status").asText())
                .put(
                        "windows",
                        run.path("windows_done").asInt() + "/"
                                + run.path("windows_total").asInt())
                .put("rows_read", run.path("rows_read").asLong())
                .put("created_at", run.path("created_at").asText());
        row.set("error", run.path("error").isMissingNode() ? null : run.path("error"));
        return row;
    }

    private static String versionPath(Versions.Ref v) {
        return "/api/v1/models/" + segment(v.model()) + "/versions/" + segment(v.version());
    }

    private static String segment(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
