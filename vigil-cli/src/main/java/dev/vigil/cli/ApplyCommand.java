package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.spec.ModelSpec;
import dev.vigil.core.spec.SecretResolver;
import dev.vigil.core.spec.SpecCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil apply -f spec.yaml}: creates or updates what the spec declares, all or nothing; applying twice changes
 * nothing, and {@code --dry-run} says what would change, with a diff, storing nothing.
 */
@Command(
        name = "apply",
        description = "Create or update the model, version, datasets and monitors of a YAML spec (idempotent; all or"
                + " nothing: a refused dataset or monitor leaves everything as it was).")
final class ApplyCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "SPEC",
            description = "The YAML spec (- for stdin).")
    String file;

    @Option(
            names = "--prune",
            description = "Also delete the version's monitors the spec does not list (their alerts stay).")
    boolean prune;

    @Option(
            names = "--dry-run",
            description = "Check everything (the datasets against their live sources too) and print what would be"
                    + " created, updated or deleted, with what an update replaces; store nothing.")
    boolean dryRun;

    @Mixin
    ClientOptions client;

    @Mixin
    SecretOptions secrets;

    ApplyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        String text = readText(file);
        ModelSpec spec = parse(context, file, text, secrets.rules(context.env()));
        if (prune && !SpecCodec.parseYaml(text, file).has("monitors")) {
            throw new VigilArgumentException("--prune: the spec has no monitors: key, so it would delete every monitor"
                    + " of the version; write monitors: [] if that is what you want");
        }
        Vigil vigil = client.connect(context);
        List<Vigil.ApplyResult> results = vigil.apply(spec, prune, dryRun);
        boolean anyDiff = results.stream().anyMatch(r -> !r.diff().isEmpty());
        List<ObjectNode> rows = new ArrayList<>();
        for (Vigil.ApplyResult r : results) {
            ObjectNode row =
                    Output.row().put("kind", r.kind()).put("name", r.name()).put("change", r.change());
            if (client.format == Output.Format.json) {
                r.diff().forEach(row.putArray("diff")::add);
            } else if (anyDiff) {
                row.put("diff", String.join("; ", r.diff()));
            }
            rows.add(row);
        }
        Output.print(context.out(), client.format, rows, "nothing to apply");
        results.forEach(r -> r.warnings().forEach(w -> context.err().println("warning: " + w)));
        if (dryRun) {
            context.err().println("dry run: nothing was stored (apply without --dry-run to store it)");
        }
        return 0;
    }

    /**
     * Reads and validates a spec file, resolving ${env:...} and ${file:...} secrets here, on the client, within
     * {@code rules}.
     */
    static ModelSpec readSpec(CliContext context, String file, SecretResolver.Rules rules) {
        return parse(context, file, readText(file), rules);
    }

    private static String readText(String file) {
        try {
            return file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new VigilArgumentException("-f: file " + file + " does not exist");
        } catch (IOException e) {
            throw new VigilArgumentException("-f: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static ModelSpec parse(CliContext context, String file, String text, SecretResolver.Rules rules) {
        String name = file.equals("-") ? "stdin" : Path.of(file).getFileName().toString();
        return SpecCodec.readSpec(text, name, SecretResolver.fromEnvironment(context.env()::get, rules));
    }
}
