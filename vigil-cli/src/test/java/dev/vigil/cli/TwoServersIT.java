package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.SecretCipher;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@code vigil server} processes on one PostgreSQL metastore (decision 0022), each its own JVM started from the
 * CLI's main class on the test classpath, on loopback and a free port. A reference dataset due on both is profiled by
 * one of them, once; the one running it is killed with SIGKILL mid-run, and the other fails the run once its server
 * lease ({@code VIGIL_SERVER_LEASE}, short) expires, naming the dead server, then tries it again and completes it. The
 * run lease ({@code VIGIL_RUN_LEASE}, an hour) plays no part: the takeover waits for the heartbeat, not for progress. A dashboard session begun on one server is
 * answered by the other, and ended there for both.
 */
class TwoServersIT {
    private static final Logger LOG = LoggerFactory.getLogger(TwoServersIT.class);
    private static final String TOKEN = "vgl_two_servers_it_admin_token_0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Hours of rows in the source, and rows per hour: enough batches that the run is caught mid-way. */
    private static final int HOURS = 1200;

    private static final int ROWS_PER_HOUR = 50;
    /**
     * The lease each server's heartbeat holds its runs under (VIGIL_SERVER_LEASE): short, so the takeover is soon, yet
     * long enough (a beat every 5 s, two may be missed) that two server JVMs, the test and PostgreSQL on a loaded
     * 2-core machine do not get a live holder taken for dead.
     */
    private static final int LEASE_SECONDS = 15;
    /** How long a run may go without progress (VIGIL_RUN_LEASE): long, as in production; it plays no part here. */
    private static final int RUN_LEASE_SECONDS = 3600;

    private static TestDatabase source;
    private static TestDatabase metastore;
    private static TestDatabase.Credentials reader;

    @TempDir
    Path dir;

    private final List<Server> servers = new ArrayList<>();

    /** One server process, and where it listens. */
    private record Server(Process process, String url, Path log) {}

    @BeforeAll
    static void createDatabases() {
        PostgresTestServer pg = PostgresTestServer.fromEnvironment();
        source = pg.createDatabase("twoservers_source");
        source.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.training (id bigint, ts timestamptz, amount double precision, proba double"
                        + " precision)",
                "INSERT INTO ml.training SELECT h * " + ROWS_PER_HOUR + " + r,"
                        + " timestamptz '2026-01-01 00:00:00+00' + h * interval '1 hour' + r * interval '1 second',"
                        + " (h % 97) + r / 10.0, ((h + r) % 100) / 100.0"
                        + " FROM generate_series(0, " + (HOURS - 1) + ") h, generate_series(0, "
                        + (ROWS_PER_HOUR - 1) + ") r");
        reader = source.createReadOnlyUser("ml", List.of("training"));
        metastore = pg.createDatabase("twoservers_store");
    }

    @AfterAll
    static void dropDatabases() {
        if (source != null) {
            source.close();
        }
        if (metastore != null) {
            metastore.close();
        }
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Server s : servers) {
            s.process().destroyForcibly();
            s.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDueRunIsMadeOnceAndTheOtherServerTakesOverTheRunOfAKilledOne() throws Exception {
        List<Server> started = start("takeover-one", "takeover-two");
        Server one = started.get(0);
        Server two = started.get(1);
        for (Server s : List.of(one, two)) {
            assertThat(get(s, "/healthz", null).statusCode()).isEqualTo(200);
        }
        // created through one server, profiled by whichever claims it first: both tick every second
        assertThat(put(one, "/api/v1/models/shop", "{\"name\": \"Shop\"}").statusCode())
                .isEqualTo(201);
        HttpResponse<String> v = put(
                two,
                "/api/v1/models/shop/versions/v1",
                "{\"model_type\": \"regression\", \"features\": {\"amount\": \"numeric\"},"
                        + " \"predictions\": {\"proba\": \"numeric\"}}");
        assertThat(v.statusCode()).as(v.body()).isEqualTo(201);
        HttpResponse<String> d = put(one, "/api/v1/models/shop/versions/v1/datasets/training", datasetBody());
        assertThat(d.statusCode()).as(d.body()).isEqualTo(201);

        // the run is caught once it has stored a batch and before it has stored them all
        Row running = await(Duration.ofSeconds(90), () -> runs().stream()
                .filter(r -> r.status().equals("RUNNING") && r.windowsDone() > 0)
                .findFirst()
                .orElse(null));
        assertThat(running.windowsDone()).as("caught mid-run").isLessThan(running.windowsTotal());
        Server holder = running.owner().endsWith("pid " + one.process().pid()) ? one : two;
        Server other = holder == one ? two : one;
        assertThat(running.owner()).endsWith(", pid " + holder.process().pid());
        List<Row> beforeKill = runs();
        assertThat(beforeKill)
                .as("no run failed before the kill (a live holder taken for dead would read as one): " + beforeKill)
                .noneMatch(r -> r.status().equals("FAILED"));
        holder.process().destroyForcibly(); // SIGKILL: no shutdown hook, no lease given back
        assertThat(holder.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();
        await(Duration.ofSeconds(90), () -> runs().stream()
                .filter(r -> r.id().equals(running.id()) && r.status().equals("FAILED"))
                .findFirst()
                .orElse(null));
        LOG.info(
                "the run of the killed server was failed {} s after the kill (VIGIL_SERVER_LEASE {} s)",
                String.format("%.1f", (System.nanoTime() - killed) / 1e9),
                LEASE_SECONDS);

        Row succeeded = await(Duration.ofSeconds(150), () -> runs().stream()
                .filter(r -> r.status().equals("SUCCEEDED"))
                .findFirst()
                .orElse(null));
        List<Row> all = runs();
        assertThat(all).as(all.toString()).hasSize(2);
        Row failed = all.stream()
                .filter(r -> r.id().equals(running.id()))
                .findFirst()
                .orElseThrow();
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.error())
                .startsWith("server " + running.owner() + " stopped renewing its lease at ")
                .endsWith(
                        " (VIGIL_SERVER_LEASE " + LEASE_SECONDS
                                + " seconds); another server failed the run so that it can run again (a scheduled run is retried)");
        assertThat(succeeded.owner())
                .as("the survivor ran it")
                .endsWith(", pid " + other.process().pid());
        assertThat(succeeded.dueAt())
                .as("a retry: claimed for its own due time")
                .isAfter(failed.dueAt());
        assertThat(succeeded.rowsRead()).isEqualTo((long) HOURS * ROWS_PER_HOUR);
        assertThat(succeeded.windowsDone()).isEqualTo(HOURS);
        assertThat(count("SELECT count(DISTINCT window_start) FROM profiles WHERE model_id = 'shop'"
                        + " AND dataset = 'training'"))
                .as("every hour of the source, profiled")
                .isEqualTo(HOURS);

        Thread.sleep(3_000); // a few more ticks of the survivor: nothing more is due
        assertThat(runs()).hasSize(2);
        assertThat(Files.readString(other.log())).contains("failed: server " + running.owner());
    }

    @Test
    void aDashboardSessionBegunOnOneServerIsAnsweredAndEndedByTheOther() throws Exception {
        List<Server> started = start("session-one", "session-two");
        Server one = started.get(0);
        Server two = started.get(1);
        HttpResponse<String> signIn = HTTP.send(
                HttpRequest.newBuilder(URI.create(one.url() + "/signin"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(302);
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie).startsWith("vigil_session=");

        HttpResponse<String> page = get(two, "/", cookie);
        assertThat(page.statusCode()).as("signed in on the other server").isEqualTo(200);
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"").matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        assertThat(get(one, "/", cookie).statusCode()).isEqualTo(200);
        assertThat(get(two, "/", null).statusCode()).as("no cookie").isEqualTo(302);

        HttpResponse<String> signOut = HTTP.send(
                HttpRequest.newBuilder(URI.create(two.url() + "/signout"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signOut.statusCode()).isEqualTo(302);
        HttpResponse<String> after = get(one, "/", cookie);
        assertThat(after.statusCode()).as("ended on the other server").isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).contains("/signin");
        assertThat(count("SELECT count(*) FROM dashboard_sessions")).isZero();
    }

    /**
     * Server processes on the shared metastore, started side by side; returns once they all listen. Their output goes
     * to {@code target/TwoServersIT/<name>.log}, kept for a failure's post-mortem.
     */
    private List<Server> start(String... names) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "TwoServersIT"));
        List<Process> processes = new ArrayList<>();
        for (String name : names) {
            processes.add(launch(name, logs.resolve(name + ".log")));
        }
        Pattern listening = Pattern.compile("Vigil server listening on (http://127\\.0\\.0\\.1:\\d+) ");
        List<Server> started = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int i = 0; i < names.length; i++) {
            Path log = logs.resolve(names[i] + ".log");
            while (true) {
                Matcher m = listening.matcher(Files.readString(log));
                if (m.find()) {
                    Server s = new Server(processes.get(i), m.group(1), log);
                    servers.add(s);
                    started.add(s);
                    break;
                }
                assertThat(processes.get(i).isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime())
                        .as("server " + names[i] + " listening within 90 s")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        return started;
    }

    private Process launch(String name, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        // the JVM flags Spark needs on this Java (the parent POM's), as the test JVM got them
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dio.netty")) {
                command.add(arg);
            }
        }
        // the server's INFO logs to its own output, not to the test JVM's log file (log4j2-test.xml, append=false)
        Path logConfig = dir.resolve("log4j2-server.xml");
        Files.writeString(
                logConfig,
                "<Configuration status=\"WARN\"><Appenders><Console name=\"out\" target=\"SYSTEM_OUT\">"
                        + "<PatternLayout pattern=\"%d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n\"/></Console></Appenders>"
                        + "<Loggers><Logger name=\"dev.vigil\" level=\"INFO\"/><Logger name=\"org.apache\" level=\"WARN\"/>"
                        + "<Logger name=\"org.sparkproject\" level=\"WARN\"/><Root level=\"WARN\">"
                        + "<AppenderRef ref=\"out\"/></Root></Loggers></Configuration>");
        command.addAll(List.of(
                "-Dlog4j2.configurationFile=" + logConfig,
                "-Xmx768m",
                "-cp",
                System.getProperty("java.class.path"),
                VigilCli.class.getName(),
                "server",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--store",
                metastore.url(),
                "--data-dir",
                dir.resolve(name).toString(),
                "--spark-master",
                "local[2]"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("VIGIL_"));
        builder.environment().put("VIGIL_STORE_USER", metastore.server().adminUser());
        builder.environment().put("VIGIL_STORE_PASSWORD", metastore.server().adminPassword());
        builder.environment().put("VIGIL_ADMIN_TOKEN", TOKEN);
        builder.environment().put(SecretCipher.MASTER_KEY_ENV, MASTER_KEY);
        builder.environment().put("VIGIL_SCHEDULER_TICK", "1");
        builder.environment().put("VIGIL_SERVER_LEASE", String.valueOf(LEASE_SECONDS));
        builder.environment().put("VIGIL_RUN_LEASE", String.valueOf(RUN_LEASE_SECONDS));
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    /** Both servers open the dataset's stored password with the same master key. */
    private static final String MASTER_KEY = java.util.Base64.getEncoder().encodeToString(SecretCipher.newKey());

    /** A run as the metastore holds it, with its holder and due time. */
    private record Row(
            String id,
            String status,
            String owner,
            java.time.Instant dueAt,
            int windowsDone,
            int windowsTotal,
            long rowsRead,
            String error) {}

    private static List<Row> runs() throws SQLException {
        try (Connection c = metastore.connectAsAdmin();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, status, owner, scheduled_for, windows_done, windows_total,"
                        + " rows_read, error FROM runs WHERE model_id = 'shop' ORDER BY created_at")) {
            List<Row> out = new ArrayList<>();
            while (rs.next()) {
                java.time.OffsetDateTime due = rs.getObject("scheduled_for", java.time.OffsetDateTime.class);
                out.add(new Row(
                        rs.getString("id"),
                        rs.getString("status"),
                        rs.getString("owner"),
                        due == null ? null : due.toInstant(),
                        rs.getInt("windows_done"),
                        rs.getInt("windows_total"),
                        rs.getLong("rows_read"),
                        rs.getString("error")));
            }
            return out;
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = metastore.connectAsAdmin();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static <T> T await(Duration limit, SqlSupplier<T> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + limit + "; the runs: " + runs());
    }

    /** A read of the metastore that may throw. */
    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private static String datasetBody() {
        ObjectNode body = SpecCodec.json().createObjectNode();
        ObjectNode src = body.putObject("data_source");
        src.put("type", "postgres-jdbc");
        src.put("url", source.url());
        src.put("query", "SELECT * FROM ml.training");
        src.put("user", reader.user());
        src.put("password", reader.password());
        body.put("id_column", "id");
        body.put("timestamp_column", "ts");
        return body.toString();
    }

    private static HttpResponse<String> put(Server s, String path, String json) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(s.url() + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(Server s, String path, String cookie) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(s.url() + path)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
