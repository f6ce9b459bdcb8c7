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

/** {@code vigil apply -f spec.yaml}: creates or updates what the spec declares; applying twice changes nothing. */
@Command(
        name = "apply",
        description = "Create or update the model, version, datasets and monitors of a YAML spec (idempotent).")
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
        List<ObjectNode> rows = new ArrayList<>();
        for (Vigil.ApplyResult r : vigil.apply(spec, prune)) {
            rows.add(Output.row().put("kind", r.kind()).put("name", r.name()).put("change", r.change()));
        }
        Output.print(context.out(), client.format, rows, "nothing to apply");
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
