package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil metrics}: metrics from stored profiles as flat rows (DESIGN.md's CLI contract). */
@Command(name = "metrics", description = "Metrics of a version's fields per window, answered from stored profiles.")
final class MetricsCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Mixin
    ProfileQueryOptions options;

    MetricsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : vigil.metrics(options.model, options.version, options.query())) {
            rows.add((ObjectNode) row);
        }
        Output.print(context.out(), client.format, rows, "no profiles in this range: run `vigil run` first");
        return 0;
    }
}
