package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil tokens [create NAME --role R --expires D | revoke ID]}: list API tokens, create one (shown once) or
 * revoke one. All three need an admin token.
 */
@Command(
        name = "tokens",
        description = "List API tokens; `vigil tokens create NAME --role viewer|editor|admin --expires 90d` makes one"
                + " (shown once); `vigil tokens revoke ID` revokes one. Needs an admin token.")
final class TokensCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(
            arity = "0..2",
            paramLabel = "create NAME | revoke ID",
            description = "create NAME: make a new token; revoke ID: revoke one.")
    List<String> args = new ArrayList<>();

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            description = "With create: viewer (reads and the dashboard; the default), editor (also changes models,"
                    + " datasets, monitors, runs, alerts) or admin (also tokens and the audit log).")
    String role = "viewer";

    @Option(
            names = "--expires",
            paramLabel = "DURATION",
            description =
                    "With create: how long the token works, e.g. 90d, 12h, 30m or ISO-8601 P90D (default: never).")
    String expires;

    @Mixin
    ClientOptions client;

    TokensCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        var vigil = VigilCli.client(context, client.server);
        List<ObjectNode> rows = new ArrayList<>();
        if (args.isEmpty()) {
            vigil.getJson("/api/v1/tokens").forEach(t -> rows.add(((ObjectNode) t).deepCopy()));
            Output.print(context.out(), client.format, rows, "no tokens");
            return 0;
        }
        String verb = args.get(0);
        if (args.size() != 2 || !(verb.equals("create") || verb.equals("revoke"))) {
            throw new VigilArgumentException(
                    "tokens: expected `vigil tokens`, `vigil tokens create NAME` or `vigil tokens revoke ID`");
        }
        if (verb.equals("revoke")) {
            vigil.revokeToken(args.get(1));
            context.out().println("revoked token " + args.get(1));
            return 0;
        }
        JsonNode created = vigil.createToken(args.get(1), role, expires);
        rows.add(((ObjectNode) created).deepCopy());
        Output.print(context.out(), client.format, rows, "no tokens");
        return 0;
    }
}
