package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilStateException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil runs follow ID}: waits for a run to end, with a progress bar on a terminal (plain lines in a log, on
 * stderr), then prints it as {@code vigil run --wait} does. A failed run exits 1 with its reason, so a script can
 * chain on it.
 */
@Command(
        name = "follow",
        description = "Wait for a run to finish, showing its progress; exits non-zero with the reason if it fails.")
final class RunsFollowCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The run's id (from `vigil runs` or `vigil run`).")
    String id;

    RunsFollowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        JsonNode run = RunCommand.follow(client.connect(context), id, context.err(), context.terminal());
        Output.print(context.out(), client.format, RunCommand.rows(List.of(run)), "");
        if (run.path("status").asText().equals("failed")) {
            throw new VigilStateException("run " + id + " of "
                    + run.path("model").asText() + "/"
                    + run.path("version").asText() + " (" + run.path("dataset").asText() + ") failed: "
                    + run.path("error").asText());
        }
        return 0;
    }
}
