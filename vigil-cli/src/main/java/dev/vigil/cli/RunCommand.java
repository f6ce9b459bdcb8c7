package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.VigilStateException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil run}: pull a dataset over a range and profile every window; {@code --wait} shows progress. */
@Command(
        name = "run",
        description =
                "Pull a dataset from its source and profile every window (a backfill when --from/--to are given).")
final class RunCommand implements Callable<Integer> {
    private static final int BAR_WIDTH = 30;

    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", required = true, description = "Model id.")
    String model;

    @Option(names = "--version", required = true, description = "Model version.")
    String version;

    @Option(
            names = "--dataset",
            defaultValue = "serving",
            description = "serving, training, testing, actuals or all (default: serving).")
    String dataset;

    @Option(names = "--from", description = "First instant (ISO-8601, e.g. 2026-01-01T00:00:00Z).")
    Instant from;

    @Option(names = "--to", description = "End instant, exclusive.")
    Instant to;

    @Option(names = "--wait", description = "Wait for the runs to finish, with a progress bar, and print a summary.")
    boolean await;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        Vigil vigil = client.connect(context);
        JsonNode started = vigil.startRun(model, version, dataset, from, to);
        List<JsonNode> runs = new ArrayList<>();
        started.forEach(runs::add);
        if (!await) {
            Output.print(context.out(), client.format, rows(runs), "");
            return 0;
        }
        PrintWriter err = context.err();
        List<JsonNode> finished = new ArrayList<>();
        int failed = 0;
        for (JsonNode run : runs) {
            JsonNode last = follow(vigil, run.path("id").asText(), err, context.terminal());
            finished.add(last);
            if (last.path("status").asText().equals("failed")) {
                failed++;
            }
        }
        Output.print(context.out(), client.format, rows(finished), "");
        if (failed > 0) {
            throw new VigilStateException(failed + " of " + finished.size() + " runs failed: "
                    + finished.stream()
                            .filter(r -> r.path("status").asText().equals("failed"))
                            .map(r -> r.path("dataset").asText() + ": "
                                    + r.path("error").asText())
                            .reduce((a, b) -> a + "; " + b)
                            .orElse(""));
        }
        return 0;
    }

    /** {@link #follow(Vigil, String, PrintWriter, boolean)} with a bar redrawn on one line (the demo's). */
    static JsonNode follow(Vigil vigil, String id, PrintWriter err) throws InterruptedException {
        return follow(vigil, id, err, true);
    }

    /**
     * Polls a run until it ends, showing its progress on {@code err} whenever it moves: on a terminal one line redrawn
     * with a bar, otherwise one plain line per change, so that a CI log reads as a list.
     */
    static JsonNode follow(Vigil vigil, String id, PrintWriter err, boolean terminal) throws InterruptedException {
        String shown = null;
        while (true) {
            JsonNode run = vigil.getRun(id);
            String status = run.path("status").asText();
            String progress = status + run.path("windows_done").asInt() + "/"
                    + run.path("windows_total").asInt() + " "
                    + run.path("rows_read").asLong();
            boolean finished = status.equals("succeeded") || status.equals("failed");
            if (!progress.equals(shown)) {
                // printed only when it moves, so that a log stays short
                if (terminal) {
                    err.print("\r" + progressLine(run));
                } else {
                    err.println(plainLine(run));
                }
                err.flush();
                shown = progress;
            }
            if (finished) {
                if (terminal) {
                    err.println();
                    err.flush();
                }
                return run;
            }
            Thread.sleep(250);
        }
    }

    /** One change of a run's progress for a log: {@code serving running: 3/10 windows, 1234 rows}. */
    static String plainLine(JsonNode run) {
        return String.format(
                Locale.ROOT,
                "%s %s: %d/%d windows, %d rows",
                run.path("dataset").asText(),
                run.path("status").asText(),
                run.path("windows_done").asInt(),
                run.path("windows_total").asInt(),
                run.path("rows_read").asLong());
    }

    static String progressLine(JsonNode run) {
        int total = run.path("windows_total").asInt();
        int done = run.path("windows_done").asInt();
        int filled = total == 0 ? 0 : (int) Math.round(BAR_WIDTH * (double) done / total);
        return String.format(
                Locale.ROOT,
                "%-8s [%s%s] %d/%d windows  %,d rows  %,d rows/s  %s",
                run.path("dataset").asText(),
                "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled),
                done,
                total,
                run.path("rows_read").asLong(),
                run.path("rows_per_second").asLong(),
                run.path("status").asText());
    }

    /** A run's problems as people read them: {@code emb: wrong_dimensions 960, id: null_id 2}. */
    static String problems(JsonNode problems) {
        List<String> parts = new ArrayList<>();
        problems.fields()
                .forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asLong()));
        return String.join(", ", parts);
    }

    static List<ObjectNode> rows(List<JsonNode> runs) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : runs) {
            ObjectNode row = Output.row()
                    .put("run", r.path("id").asText())
                    .put("dataset", r.path("dataset").asText())
                    .put("status", r.path("status").asText())
                    .put(
                            "windows",
                            r.path("windows_done").asInt() + "/"
                                    + r.path("windows_total").asInt())
                    .put("rows_read", r.path("rows_read").asLong())
                    .put("rows_per_second", r.path("rows_per_second").asLong())
                    .put("rows_with_problems", r.path("rows_with_problems").asLong())
                    .put("null_timestamp_count", r.path("null_timestamp_count").asLong());
            if (r.has("unmatched_actuals_count")) {
                row.put(
                        "unmatched_actuals_count",
                        r.path("unmatched_actuals_count").asLong());
            }
            if (!r.path("problems").isEmpty()) {
                row.put("problems", problems(r.path("problems")));
            }
            for (String key : List.of("warning", "note", "error")) {
                if (r.hasNonNull(key)) {
                    row.put(key, r.path(key).asText());
                }
            }
            out.add(row);
        }
        return out;
    }
}
