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

/** {@code vigil drift}: drift of each window against a baseline, as flat rows with {@code "baseline"}. */
@Command(
        name = "drift",
        description = "Drift of a version's fields per window against a baseline, answered from stored profiles.")
final class DriftCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Mixin
    ProfileQueryOptions options;

    @Option(
            names = "--baseline",
            defaultValue = "training",
            paramLabel = "training|testing|previous|FROM/TO",
            description = "What windows are compared with (default: training).")
    String baseline;

    @Option(
            names = "--top",
            paramLabel = "N",
            description = "Only the N fields with the highest drift_score in each window: what changed?")
    Integer top;

    @Option(
            names = "--min-baseline-rows",
            paramLabel = "N",
            description = "A baseline with fewer valid values gives no drift value (default: 100).")
    Integer minBaselineRows;

    @Option(
            names = "--explain",
            paramLabel = "FIELD",
            description = "Which segment is worst: FIELD's drift (psi) over the whole range split into each declared"
                    + " segment's contribution, largest first.")
    String explain;

    DriftCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        if (explain != null) {
            if (options.metric != null && !options.metric.equals("psi")) {
                throw new dev.vigil.core.VigilArgumentException("--metric: --explain splits psi, the one drift metric"
                        + " that adds up over segments; leave --metric out");
            }
            Explanation.print(
                    context.out(),
                    client.format,
                    vigil.explainDrift(
                            options.model,
                            options.version,
                            options.explainQuery(
                                    "field",
                                    explain,
                                    baseline,
                                    minBaselineRows == null ? null : minBaselineRows.toString())),
                    "drift_score",
                    "of_psi",
                    "no profiles of " + explain + " in this range: run `vigil run` first (and `vigil run --dataset"
                            + " training` for its baseline)");
            return 0;
        }
        Map<String, String> query = options.query();
        query.put("baseline", baseline);
        query.put("top", top == null ? null : top.toString());
        query.put("min_baseline_rows", minBaselineRows == null ? null : minBaselineRows.toString());
        List<ObjectNode> rows = new ArrayList<>();
        for (JsonNode row : vigil.drift(options.model, options.version, query)) {
            rows.add((ObjectNode) row);
        }
        Output.print(
                context.out(),
                client.format,
                rows,
                "no profiles in this range: run `vigil run` first (and `vigil run --dataset training` for its baseline)");
        return 0;
    }
}
