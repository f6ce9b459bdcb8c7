package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.spec.GrantSql;
import dev.vigil.core.spec.ModelSpec;
import dev.vigil.core.spec.SecretResolver;
import dev.vigil.embeddedpg.EmbeddedPostgresServer;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil demo}: a demo database with a read-only user made exactly as the grant SQL, a few days
 * of predictions (drift injected on day 3), their actuals in a separate table (the last hours still
 * missing) and a training set;
 * then an in-process server to which the demo spec is applied. The database lives on the PostgreSQL that
 * {@code PGUSER} / {@code VIGIL_DEMO_PG_URL} name or, with neither set, on an embedded PostgreSQL the demo starts in
 * {@code --postgres-dir} and stops with its server (ADR 0024).
 */
@Command(
        name = "demo",
        description = "Create a demo database, start the server and apply the demo model. With PGUSER or"
                + " VIGIL_DEMO_PG_URL set it uses that PostgreSQL (a login that may create databases and roles);"
                + " with neither, an embedded PostgreSQL it starts in --postgres-dir.")
final class DemoCommand implements Callable<Integer> {
    static final int DAYS = 4;
    static final String MODEL = "insurance-demo";
    static final String VERSION = "v1";
    static final int ROWS_PER_HOUR = 50;

    private final CliContext context;

    @Option(
            names = "--port",
            defaultValue = "7070",
            description = "Port of the demo server (default: 7070; 0 = any free port).")
    int port;

    @Option(
            names = "--data-dir",
            defaultValue = "vigil-data/demo",
            description = "Where the demo keeps its metastore and spec; wiped at each run (default: vigil-data/demo).")
    Path dataDir;

    @Option(
            names = "--database",
            defaultValue = "vigil_demo",
            description = "Demo database; recreated (default: vigil_demo).")
    String database;

    @Option(
            names = "--reader",
            defaultValue = "vigil_demo_reader",
            description = "The read-only demo user (default: vigil_demo_reader).")
    String reader;

    @Option(
            names = "--postgres-dir",
            defaultValue = "vigil-data/postgres",
            description = "Where the embedded PostgreSQL keeps its data when neither PGUSER nor VIGIL_DEMO_PG_URL is"
                    + " set; kept across demos (default: vigil-data/postgres).")
    Path postgresDir;

    @Option(names = "--no-serve", description = "Stop after setting up instead of serving until interrupted.")
    boolean noServe;

    @Option(
            names = "--force",
            description = "Drop and wipe the targets even when they do not look like the demo's (a database or role"
                    + " not named vigil_demo..., a non-empty data directory the demo did not create).")
    boolean force;

    /** The file the demo leaves in its data directory: a directory without it is not wiped without --force. */
    static final String MARKER = ".vigil-demo";

    /** The prefix of the database and role names the demo drops without --force. */
    static final String DEMO_PREFIX = "vigil_demo";

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.toAbsolutePath();
        if (!force) {
            refuseTargetsThatAreNotTheDemos(dir);
        }
        if (context.env("PGUSER", null) != null || context.env("VIGIL_DEMO_PG_URL", null) != null) {
            String adminUrl = adminUrl();
            return demo(
                    dir,
                    adminUrl.substring(0, adminUrl.indexOf('/', "jdbc:postgresql://".length()) + 1),
                    adminUrl,
                    context.env("PGUSER", "postgres"),
                    context.env("PGPASSWORD", null),
                    null);
        }
        Path pgDir = postgresDir.toAbsolutePath();
        step("Starting an embedded PostgreSQL in " + pgDir + " (neither PGUSER nor VIGIL_DEMO_PG_URL is set)");
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(pgDir);
        boolean serving = false;
        try {
            int code = demo(
                    dir,
                    postgres.serverUrl(),
                    postgres.url("postgres"),
                    postgres.superuser(),
                    postgres.superuserPassword(),
                    postgres);
            serving = !noServe;
            return code;
        } finally {
            if (!serving) {
                postgres.close();
            }
        }
    }

    /**
     * Sets the demo up on the PostgreSQL at {@code serverUrl} and serves it; {@code embedded}, when the demo started
     * it, is stopped after the server when the demo is interrupted.
     */
    private int demo(
            Path dir,
            String serverUrl,
            String adminUrl,
            String adminUser,
            String adminPassword,
            EmbeddedPostgresServer embedded)
            throws Exception {
        var out = context.out();
        String postgresUsed = embedded == null
                ? "PostgreSQL at " + serverUrl + " as " + adminUser
                : "embedded PostgreSQL at " + serverUrl + " (data in " + embedded.directory()
                        + "; it stops with the demo)";
        step("Connecting to " + postgresUsed);
        try (Connection admin = connect(adminUrl, adminUser, adminPassword);
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + GrantSql.ident(database) + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + GrantSql.ident(reader));
            s.execute("CREATE DATABASE " + GrantSql.ident(database));
        } catch (SQLException e) {
            throw new VigilArgumentException("vigil demo needs a PostgreSQL login that may create databases and roles: "
                    + "set PGUSER and PGPASSWORD (and VIGIL_DEMO_PG_URL, default localhost:5432); " + adminUser + " at "
                    + serverUrl + " failed: " + firstLine(e) + ".");
        }
        String readerPassword = "demo_" + HexFormat.of().formatHex(random(12));
        String demoUrl = serverUrl + database;
        step("Creating schema shop with " + DAYS + " days of predictions (drift on day 3), their delayed actuals"
                + " (the last 6 hours still missing) and a training set");
        try (Connection c = connect(demoUrl, adminUser, adminPassword);
                Statement s = c.createStatement()) {
            for (String sql : DemoData.statements(DAYS, ROWS_PER_HOUR)) {
                s.execute(sql);
            }
            step("Creating the read-only user " + reader + " exactly as `vigil grant-sql` prints it");
            s.execute("CREATE USER " + GrantSql.ident(reader) + " WITH PASSWORD '" + readerPassword + "'");
            for (String grant : GrantSql.statements(
                    reader, database, "shop", List.of("predictions", "outcomes", "training"), false)) {
                s.execute(grant);
            }
        }

        deleteRecursively(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by vigil demo: wiped by the next vigil demo\n");
        Path passwordFile = dir.resolve("reader.password");
        Files.writeString(
                Files.createFile(
                        passwordFile,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                readerPassword);
        Path specFile = dir.resolve("insurance-demo.yaml");
        Files.writeString(specFile, DemoData.spec(demoUrl, reader, passwordFile), StandardCharsets.UTF_8);

        ServerConfig config = ServerConfig.fromEnvironment(context.env())
                .withPort(port)
                .withDataDir(dir)
                .withStore(null, null, null)
                .withAdminToken(null);
        step("Starting the Vigil server");
        // The demo narrates its own steps; the server's INFO lines would only interleave with them.
        org.apache.logging.log4j.core.config.Configurator.setLevel("dev.vigil", org.apache.logging.log4j.Level.WARN);
        VigilServer server = VigilServer.start(config, context.env(), Clock.systemUTC());
        try {
            String token = server.generatedAdminToken().orElseThrow();
            step("Applying " + specFile);
            // the demo's spec reads the reader's password from the demo's own directory, and nothing else
            ModelSpec spec = ApplyCommand.readSpec(
                    context, specFile.toString(), SecretResolver.Rules.DEFAULT.withSecretsDir(dir));
            Vigil vigil = Vigil.connect(server.url(), token);
            List<ObjectNode> rows = new ArrayList<>();
            for (Vigil.ApplyResult r : vigil.apply(spec)) {
                rows.add(
                        Output.row().put("kind", r.kind()).put("name", r.name()).put("change", r.change()));
            }
            Output.print(out, Output.Format.table, rows, "");
            step("Profiling every hour of the serving data and the training set with Spark, then joining the actuals");
            for (JsonNode run : vigil.startRun(MODEL, VERSION, "all", null, null)) {
                JsonNode done = RunCommand.follow(vigil, run.path("id").asText(), out);
                if (done.path("status").asText().equals("failed")) {
                    throw new VigilStateException(
                            "the demo's " + done.path("dataset").asText() + " run failed: "
                                    + done.path("error").asText());
                }
            }
            Instant today = Clock.systemUTC().instant().truncatedTo(ChronoUnit.DAYS);
            step("What the serving data looked like, day by day (day 3 drifts)");
            DemoSummary.print(
                    out,
                    vigil.metrics(
                            MODEL,
                            VERSION,
                            Map.of(
                                    "granularity", "day",
                                    "from", today.minus(Duration.ofDays(DAYS)).toString(),
                                    "to", today.toString())));
            step("Drift against the training set, day by day (drift_score: js_distance for numbers,"
                    + " hellinger for categories, centroid distance for embeddings)");
            Instant dayThree = today.minus(Duration.ofDays(DAYS - 2));
            DemoSummary.printDrift(
                    out,
                    vigil.drift(
                            MODEL,
                            VERSION,
                            Map.of(
                                    "granularity",
                                    "day",
                                    "metric",
                                    "drift_score",
                                    "from",
                                    today.minus(Duration.ofDays(DAYS)).toString(),
                                    "to",
                                    today.toString())),
                    vigil.drift(
                            MODEL,
                            VERSION,
                            Map.of(
                                    "granularity",
                                    "day",
                                    "top",
                                    "3",
                                    "from",
                                    dayThree.toString(),
                                    "to",
                                    dayThree.plus(Duration.ofDays(1)).toString())));
            step("Performance of will_buy_insurance over the last 12 hours: realized where actuals arrived,"
                    + " estimated (CBPE, calibrated on the training set) where they have not yet");
            DemoSummary.printPerformance(
                    out,
                    vigil.performance(
                            MODEL,
                            VERSION,
                            Map.of(
                                    "granularity",
                                    "hour",
                                    "field",
                                    "will_buy_insurance",
                                    "from",
                                    today.minus(Duration.ofHours(12)).toString(),
                                    "to",
                                    today.toString())));
            step("Alerts the demo's monitors raised (drift-watch: drift against training; accuracy-watch: accuracy"
                    + " more than 0.15 below training's): they fire on day 3, and resolve themselves when day 4 is"
                    + " clean");
            List<ObjectNode> alerts = new ArrayList<>();
            for (JsonNode a : vigil.alerts(Map.of("model", MODEL))) {
                alerts.add(Output.row()
                        .put("monitor", a.path("monitor").asText())
                        .put("field", a.path("field").asText(""))
                        .put("window_start", a.path("window_start").asText())
                        .put("metric", a.path("metric").asText())
                        .put("value", Math.round(a.path("value").asDouble() * 1000) / 1000.0)
                        .put("threshold", Math.round(a.path("threshold").asDouble() * 1000) / 1000.0)
                        .put("severity", a.path("severity").asText())
                        .put("status", a.path("status").asText()));
            }
            Output.print(out, Output.Format.table, alerts, "no alerts");
            out.println();
            out.println(
                    noServe
                            ? "Vigil demo is ready (--no-serve: the server stops now; `./vigil server --data-dir " + dir
                                    + "` serves it)"
                            : "Vigil demo is ready: " + server.url());
            out.println("  postgres: " + postgresUsed);
            out.println("  spec:   " + specFile);
            out.println("  token:  export VIGIL_TOKEN=" + token + " VIGIL_SERVER=" + server.url());
            out.println("  try:    ./vigil models");
            out.flush();
            if (!noServe) {
                out.println("Serving until interrupted (Ctrl-C).");
                out.flush();
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    server.close();
                                    if (embedded != null) {
                                        embedded.close();
                                    }
                                    stopped.countDown();
                                },
                                "vigil-demo-shutdown"));
                stopped.await();
                return 0;
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        server.close();
        return 0;
    }

    private String adminUrl() {
        String url = context.env("VIGIL_DEMO_PG_URL", "localhost:5432");
        if (!url.startsWith("jdbc:postgresql://")) {
            url = "jdbc:postgresql://" + url;
        }
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        return slash < 0 ? url + "/postgres" : url;
    }

    private void step(String message) {
        context.out().println("==> " + message);
        context.out().flush();
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, props);
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).replaceAll("\\.$", "");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * The demo drops its database and role and wipes its data directory (review F20): refused, before anything is
     * touched, when a name does not start with {@value #DEMO_PREFIX} or the directory holds files but not the marker
     * a previous demo left.
     */
    private void refuseTargetsThatAreNotTheDemos(Path dir) throws IOException {
        if (!database.startsWith(DEMO_PREFIX)) {
            throw new VigilArgumentException("--database: " + database + " would be dropped and recreated, and its"
                    + " name does not start with " + DEMO_PREFIX + "; name a demo database or add --force");
        }
        if (!reader.startsWith(DEMO_PREFIX)) {
            throw new VigilArgumentException("--reader: role " + reader + " would be dropped and recreated, and its"
                    + " name does not start with " + DEMO_PREFIX + "; name a demo role or add --force");
        }
        if (Files.exists(dir) && !Files.exists(dir.resolve(MARKER))) {
            boolean empty;
            try (var entries = Files.list(dir)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty) {
                throw new VigilArgumentException("--data-dir: " + dir + " would be wiped, and it holds files the demo"
                        + " did not make (no " + MARKER + " file); name another directory or add --force");
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
