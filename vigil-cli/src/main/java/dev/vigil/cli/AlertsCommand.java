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

    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", description = "Only the alerts of this model.")
    String model;

    @Option(names = "--status", description = "Only alerts with this status: open, acknowledged or resolved.")
    String status;

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
            query.put("limit", String.valueOf(limit));
            vigil.alerts(query).forEach(alerts::add);
        }
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode a : alerts) {
            ObjectNode row = Output.row();
            COLUMNS.forEach(c -> row.set(c, a.path(c)));
            rows.add(row);
        }
        Output.print(context.out(), client.format, rows, "no alerts");
        return 0;
    }
}
