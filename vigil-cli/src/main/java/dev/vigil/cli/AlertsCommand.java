package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil alerts}: the alerts monitors raised, newest window first, one flat row each ({@code id, monitor,
 * model, version, field, segment, window_start, window_end, metric, value, threshold, severity, status}); with
 * {@code --acknowledge ID} or {@code --resolve ID}, changes one alert's status instead.
 */
@Command(name = "alerts", description = "List the alerts monitors raised, or acknowledge / resolve one.")
final class AlertsCommand implements Callable<Integer> {
    private static final List<String> COLUMNS = List.of(
            "id",
            "monitor",
            "model",
            "version",
            "field",
            "segment",
            "window_start",
            "window_end",
            "metric",
            "value",
            "threshold",
            "severity",
            "status");

    /** The most alerts read to count those of other statuses. */
    private static final int COUNT_LIMIT = 10_000;

    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", description = "Only the alerts of this model.")
    String model;

    @Option(names = "--status", description = "Only alerts with this status: open, acknowledged or resolved.")
    String status;

    @Option(
            names = "--since",
            paramLabel = "INSTANT",
            description = "Only alerts of windows starting at or after this ISO instant (e.g. 2026-01-01T00:00:00Z),"
                    + " whatever their status: what fired over a backfill, which resolves most of its own alerts.")
    String since;

    @Option(names = "--limit", defaultValue = "500", description = "At most this many alerts (default: 500).")
    int limit;

    @Option(names = "--acknowledge", paramLabel = "ID", description = "Acknowledge the alert with this id.")
    String acknowledge;

    @Option(names = "--resolve", paramLabel = "ID", description = "Resolve the alert with this id.")
    String resolve;

    AlertsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        List<JsonNode> alerts = new ArrayList<>();
        if (acknowledge != null) {
            alerts.add(vigil.acknowledgeAlert(acknowledge));
        }
        if (resolve != null) {
            alerts.add(vigil.resolveAlert(resolve));
        }
        if (acknowledge == null && resolve == null) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("model", model);
            query.put("status", status);
            query.put("since", since);
            query.put("limit", String.valueOf(limit));
            vigil.alerts(query).forEach(alerts::add);
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode a : alerts) {
            ObjectNode row = Output.row();
            COLUMNS.forEach(c -> row.set(c, a.path(c)));
            rows.add(row);
        }
        String none = acknowledge == null && resolve == null && status != null && rows.isEmpty()
                ? noneWithStatus(vigil)
                : "no alerts";
        Output.print(context.out(), client.format, rows, none);
        return 0;
    }

    /**
     * "no open alerts", and how many have another status: after a backfill the alerts it raised are resolved by
     * the clean windows that follow, and a bare "no alerts" reads as if nothing had fired.
     */
    private String noneWithStatus(Vigil vigil) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("model", model);
        query.put("since", since);
        query.put("limit", String.valueOf(COUNT_LIMIT));
        Map<String, Integer> others = new LinkedHashMap<>();
        for (String s : List.of("open", "acknowledged", "resolved")) {
            if (!s.equals(status)) {
                others.put(s, 0);
            }
        }
        for (JsonNode a : vigil.alerts(query)) {
            others.computeIfPresent(a.path("status").asText(), (s, n) -> n + 1);
        }
        others.values().removeIf(n -> n == 0);
        String none = "no " + status + " alerts";
        if (others.isEmpty()) {
            return none;
        }
        List<String> counts = new ArrayList<>();
        others.forEach((s, n) -> counts.add(n + " " + s));
        String first = others.keySet().iterator().next();
        return none + " (" + String.join(", ", counts) + (since == null ? "" : " since " + since) + ": vigil alerts"
                + (model == null ? "" : " --model " + model) + " --status " + first
                + (since == null ? "" : " --since " + since) + ")";
    }
}
