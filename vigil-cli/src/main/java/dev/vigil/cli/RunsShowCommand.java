package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil runs show ID}: everything the server knows of one run. The table is one {@code field value} line per
 * key, as a run has too many to fit across; json and csv give the run as one flat row.
 */
@Command(name = "show", description = "Show one run: status, range, progress, rows, timing and failure reason.")
final class RunsShowCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The run's id (from `vigil runs` or `vigil run`).")
    String id;

    RunsShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        JsonNode run = client.connect(context).getRun(id);
        if (client.format != Output.Format.table) {
            Output.print(context.out(), client.format, List.of((ObjectNode) run), "");
            return 0;
        }
        List<ObjectNode> rows = new ArrayList<>();
        run.fields()
                .forEachRemaining(e -> rows.add(Output.row()
                        .put("field", e.getKey())
                        .put(
                                "value",
                                e.getKey().equals("problems")
                                        ? RunCommand.problems(e.getValue())
                                        : Output.text(e.getValue()))));
        Output.print(context.out(), client.format, rows, "");
        return 0;
    }
}
