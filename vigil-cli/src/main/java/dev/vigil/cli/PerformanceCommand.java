package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil performance}: realized performance per window (the prediction field as {@code field}) and, for
 * binary models with a score and multiclass and multi-label models with dict predictions, CBPE estimates beside it;
 * for regression models, DLE's (ADR 0028).
 */
@Command(
        name = "performance",
        description = "Model performance per window from stored profiles: realized where actuals arrived,"
                + " estimated (CBPE) for binary models with a score and multiclass and multi-label models with"
                + " dict predictions, (DLE) for regression models.")
final class PerformanceCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Mixin
    ProfileQueryOptions options;

    @Option(
            names = "--baseline",
            paramLabel = "training|testing",
            description = "The labeled reference estimates come from: CBPE calibrates on it, DLE's models were fitted"
                    + " on it (default: training, when connected).")
    String baseline;

    @Option(
            names = "--explain",
            paramLabel = "METRIC",
            description = "Which segment is worst: METRIC's worsening over the whole range from its value on the"
                    + " reference, split into each declared segment's contribution, largest first.")
    String explain;

    PerformanceCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        if (explain != null) {
            Map<String, String> query = options.explainQuery("metric", explain, baseline, null);
            query.put("field", options.field);
            Explanation.print(
                    context.out(),
                    client.format,
                    vigil.explainPerformance(options.model, options.version, query),
                    explain,
                    "of_drop",
                    "no performance in this range: map a prediction to its actual column with `labels` and run"
                            + " `vigil run`, and `vigil run --dataset training` for the reference");
            return 0;
        }
        Map<String, String> query = options.query();
        query.put("baseline", baseline);
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : vigil.performance(options.model, options.version, query)) {
            rows.add((ObjectNode) row);
        }
        Output.print(
                context.out(),
                client.format,
                rows,
                "no performance in this range: map a prediction to its actual column with `labels` and run"
                        + " `vigil run` (and `--dataset training` to estimate before actuals arrive)");
        return 0;
    }
}
