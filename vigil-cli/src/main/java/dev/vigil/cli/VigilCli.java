package dev.vigil.cli;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code vigil} command. {@link #createCommandLine} builds it without touching
 * {@code System.exit}, so tests drive it with their own environment and streams.
 */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VigilCli.Version.class,
        description = "Monitor ML models from the data they keep in PostgreSQL.",
        subcommands = {
            ServerCommand.class,
            DemoCommand.class,
            ApplyCommand.class,
            ModelsCommand.class,
            RunCommand.class,
            RunsCommand.class,
            MonitorsCommand.class,
            MetricsCommand.class,
            DriftCommand.class,
            PerformanceCommand.class,
            AlertsCommand.class,
            ReportCommand.class,
            CheckSourceCommand.class,
            GrantSqlCommand.class,
            TokensCommand.class,
            RotateKeyCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class VigilCli implements Runnable {
    @Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and debug logging on failure.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        // System.console() is null when either stream is redirected: then progress prints plain lines
        int code = createCommandLine(new CliContext(System.getenv(), out, err, System.console() != null))
                .execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The command line, wired to {@code context}'s environment and streams. */
    public static CommandLine createCommandLine(CliContext context) {
        CommandLine cli = new CommandLine(new VigilCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(cls);
                }
            }
        });
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Instant.class, new InstantConverter());
        // one line and exit 2, as for every other refusal, rather than picocli's message and the whole usage
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("vigil: " + parameterMessage(e.getMessage()) + " (see "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                    || deepVerbose(parseResult);
            PrintWriter err = commandLine.getErr();
            err.println("vigil: " + oneLine(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof VigilArgumentException ? 2 : 1;
        });
        return cli;
    }

    private static boolean deepVerbose(CommandLine.ParseResult result) {
        CommandLine.ParseResult r = result;
        while (r != null) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
            r = r.subcommand();
        }
        return false;
    }

    /**
     * The message with the sentence openers the server and the SDK capitalise ("Cannot …", "The …") in lower case,
     * as every other message after "vigil: " is; names (PostgreSQL, Spark, VIGIL_…) keep their capitals.
     */
    static String lowerCaseOpening(String message) {
        if (message != null && (message.startsWith("Cannot ") || message.startsWith("The "))) {
            return Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        return message;
    }

    /** Picocli's "Invalid value for option '--from': …" as Vigil's other messages name a key: "--from: …". */
    static String parameterMessage(String message) {
        Matcher m = INVALID_OPTION.matcher(message == null ? "" : message);
        if (m.matches()) {
            return m.group(1) + ": " + m.group(2);
        }
        // picocli's own sentences ("Unknown option: …", "Missing required option: …") in lower case, as Vigil's are
        return message != null && message.matches("(Unknown|Invalid|Missing|Expected) .*")
                ? Character.toLowerCase(message.charAt(0)) + message.substring(1)
                : message;
    }

    private static final Pattern INVALID_OPTION =
            Pattern.compile("Invalid value for option '([^']+)': (.*)", Pattern.DOTALL);

    /** The message a user reads: ours as is; anything else with its type, as it is a bug. */
    static String oneLine(Throwable e) {
        if (e instanceof VigilException) {
            return lowerCaseOpening(e.getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null
                ? ""
                : ": " + root.getMessage().lines().findFirst().orElse("");
        return "unexpected " + root.getClass().getSimpleName() + message + " (run with --verbose for details)";
    }

    /** {@code --version}: what {@code vigil version} prints. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return VersionCommand.lines().toArray(String[]::new);
        }
    }

    /**
     * The server and token client commands use: {@code --server}, {@code VIGIL_SERVER}, {@code VIGIL_TOKEN}, {@code
     * VIGIL_CA_CERT}; {@link ClientOptions#connect} adds {@code --ca-cert}.
     */
    static dev.vigil.client.Vigil client(CliContext context, String serverOption) {
        return ClientOptions.connect(context, serverOption, null);
    }

    static Map<String, String> env(CliContext context) {
        return context.env();
    }
}
