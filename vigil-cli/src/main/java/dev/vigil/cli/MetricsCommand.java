package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil metrics}: metrics from stored profiles as flat rows (DESIGN.md's CLI contract). */
@Command(name = "metrics", description = "Metrics of a version's fields per window, answered from stored profiles.")
final class MetricsCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", required = true, description = "Model id.")
    String model;

    @Option(names = "--version", required = true, description = "Model version.")
    String version;

    @Option(names = "--dataset", defaultValue = "serving", description = "Dataset (default: serving).")
    String dataset;

    @Option(names = "--field", description = "Only this field.")
    String field;

    @Option(names = "--metric", description = "Only this metric (value_count selects every value_count[...]).")
    String metric;

    @Option(names = "--from", description = "First instant (ISO-8601).")
    Instant from;

    @Option(names = "--to", description = "End instant, exclusive.")
    Instant to;

    @Option(
            names = "--granularity",
            description = "hour, day, week, month or all (default: the version's aggregation period).")
    String granularity;

    @Option(names = "--segment", paramLabel = "NAME=VALUE", description = "A segment instead of all rows.")
    String segment;

    MetricsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = VigilCli.client(context, client.server);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("dataset", dataset);
        query.put("field", field);
        query.put("metric", metric);
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        query.put("granularity", granularity);
        query.put("segment", segment);
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : vigil.metrics(model, version, query)) {
            rows.add((ObjectNode) row);
        }
        Output.print(context.out(), client.format, rows, "no profiles in this range: run `vigil run` first");
        return 0;
    }
}
