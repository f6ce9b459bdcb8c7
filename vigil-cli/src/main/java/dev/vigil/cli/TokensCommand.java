package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil tokens [create NAME]}: list API tokens or create one (shown once). */
@Command(name = "tokens", description = "List API tokens, or create one with `vigil tokens create NAME` (shown once).")
final class TokensCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(arity = "0..2", paramLabel = "create NAME", description = "create NAME: make a new token.")
    List<String> args = new ArrayList<>();

    @Mixin
    ClientOptions client;

    TokensCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var vigil = client.connect(context);
        List<ObjectNode> rows = new ArrayList<>();
        if (!args.isEmpty()) {
            if (!args.get(0).equals("create") || args.size() != 2) {
                throw new dev.vigil.core.VigilArgumentException(
                        "tokens: expected `vigil tokens` or `vigil tokens create NAME`");
            }
            JsonNode created = vigil.createToken(args.get(1));
            rows.add(((ObjectNode) created).deepCopy());
        } else {
            vigil.getJson("/api/v1/tokens").forEach(t -> rows.add(((ObjectNode) t).deepCopy()));
        }
        Output.print(context.out(), client.format, rows, "no tokens");
        return 0;
    }
}
