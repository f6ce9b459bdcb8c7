package dev.vigil.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil completion bash|zsh}: the completion script picocli's {@link AutoComplete} writes from the commands
 * themselves, so it never lags behind them. One script serves both shells: under zsh it turns on bashcompinit.
 */
@Command(
        name = "completion",
        description = "Print a shell completion script: source <(vigil completion bash), or the same in ~/.zshrc"
                + " with zsh.")
final class CompletionCommand implements Callable<Integer> {
    enum Shell {
        bash,
        zsh
    }

    private final CliContext context;

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    CompletionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        context.out().print(AutoComplete.bash(root.getCommandName(), root));
        context.out().flush();
        return 0;
    }
}
