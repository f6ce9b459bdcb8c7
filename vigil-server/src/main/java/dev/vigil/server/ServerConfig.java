package dev.vigil.server;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.engine.spark.SparkRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code vigil server} can be told, with its defaults. Each setting has an environment
 * variable; the CLI's flags override them.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>environment</th><th>default</th></tr>
 * <tr><td>host</td><td>VIGIL_HOST</td><td>127.0.0.1 (use 0.0.0.0 to listen on every interface)</td></tr>
 * <tr><td>port</td><td>VIGIL_PORT</td><td>7070 (0 picks a free port)</td></tr>
 * <tr><td>dataDir</td><td>VIGIL_DATA_DIR</td><td>vigil-data (H2 metastore, master key)</td></tr>
 * <tr><td>storeUrl</td><td>VIGIL_STORE_URL</td><td>none: H2 file in dataDir; or jdbc:postgresql://…</td></tr>
 * <tr><td>storeUser / storePassword</td><td>VIGIL_STORE_USER / VIGIL_STORE_PASSWORD</td><td>none</td></tr>
 * <tr><td>sparkMaster</td><td>VIGIL_SPARK_MASTER</td><td>local[*]</td></tr>
 * <tr><td>sparkConf</td><td>VIGIL_SPARK_CONF (spark.key=value entries, one a line or separated by ;)</td>
 * <td>none: {@link dev.vigil.engine.spark.SparkRuntime}'s defaults</td></tr>
 * <tr><td>adminToken</td><td>VIGIL_ADMIN_TOKEN</td><td>none: generated at first start, printed once</td></tr>
 * <tr><td>sourceConnectTimeout</td><td>VIGIL_SOURCE_CONNECT_TIMEOUT (seconds)</td><td>5</td></tr>
 * <tr><td>sourceStatementTimeout</td><td>VIGIL_SOURCE_STATEMENT_TIMEOUT (seconds)</td><td>300</td></tr>
 * <tr><td>schedulerTick</td><td>VIGIL_SCHEDULER_TICK (seconds; 0 = no scheduler)</td><td>30</td></tr>
 * <tr><td>limits.maxBodyBytes</td><td>VIGIL_MAX_BODY_BYTES</td><td>1048576 (1 MiB; past it, 413)</td></tr>
 * <tr><td>limits.maxRunWindows</td><td>VIGIL_MAX_RUN_WINDOWS</td><td>10000 (windows per run; past it, 400)</td></tr>
 * <tr><td>limits.maxQueuedRuns</td><td>VIGIL_MAX_QUEUED_RUNS</td><td>100 (runs waiting; past it, 429)</td></tr>
 * <tr><td>limits.runLeaseSeconds</td><td>VIGIL_RUN_LEASE (seconds)</td><td>7200 (a run without progress
 * that long is failed)</td></tr>
 * <tr><td>limits.serverLeaseSeconds</td><td>VIGIL_SERVER_LEASE (seconds)</td><td>60 (a server silent that long is
 * taken for dead and its runs taken over)</td></tr>
 * <tr><td>notifications</td><td>VIGIL_PUBLIC_URL, VIGIL_SMTP_*, VIGIL_NOTIFY_*</td><td>{@link NotifySettings}</td></tr>
 * <tr><td>tls</td><td>VIGIL_TLS_CERT, VIGIL_TLS_KEY, VIGIL_TLS_KEYSTORE, VIGIL_TLS_KEYSTORE_PASSWORD(_FILE)</td>
 * <td>none: plain HTTP ({@link TlsSettings})</td></tr>
 * <tr><td>metricsSegments</td><td>VIGIL_METRICS_SEGMENTS (true/false)</td><td>false: /metrics has no segment
 * label (bounded cardinality)</td></tr>
 * </table>
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String storeUrl,
        String storeUser,
        String storePassword,
        String sparkMaster,
        Map<String, String> sparkConf,
        String adminToken,
        Duration sourceConnectTimeout,
        Duration sourceStatementTimeout,
        Duration schedulerTick,
        NotifySettings notifications,
        Limits limits,
        TlsSettings tls,
        boolean metricsSegments) {

    /**
     * What one client can ask of the server: the bytes of a request body (chunked and multipart included; past it,
     * 413), the windows of one run (past it, 400) and the runs waiting for the run thread (past it, 429); and the
     * seconds a running run may go without progress before the reaper fails it (its lease); and the seconds the
     * server's heartbeat holds its runs in the metastore, after which a server that stopped beating is taken for dead
     * and another server sharing the metastore takes its runs over (decision 0022).
     */
    public record Limits(
            int maxBodyBytes, int maxRunWindows, int maxQueuedRuns, int runLeaseSeconds, int serverLeaseSeconds) {
        /** These limits with the default run and server leases. */
        public Limits(int maxBodyBytes, int maxRunWindows, int maxQueuedRuns) {
            this(maxBodyBytes, maxRunWindows, maxQueuedRuns, 7200);
        }

        /** These limits with the default server lease. */
        public Limits(int maxBodyBytes, int maxRunWindows, int maxQueuedRuns, int runLeaseSeconds) {
            this(maxBodyBytes, maxRunWindows, maxQueuedRuns, runLeaseSeconds, 60);
        }

        /**
         * 1 MiB of body, 10,000 windows per run (over a year of hours), 100 queued runs, a 2 h run lease, a 60 s
         * server lease.
         */
        public static Limits defaults() {
            return new Limits(1 << 20, 10_000, 100, 7200, 60);
        }

        static Limits fromEnvironment(Map<String, String> env, List<String> problems) {
            Limits d = defaults();
            return new Limits(
                    integer(env, "VIGIL_MAX_BODY_BYTES", d.maxBodyBytes, problems),
                    integer(env, "VIGIL_MAX_RUN_WINDOWS", d.maxRunWindows, problems),
                    integer(env, "VIGIL_MAX_QUEUED_RUNS", d.maxQueuedRuns, problems),
                    integer(env, "VIGIL_RUN_LEASE", d.runLeaseSeconds, problems),
                    integer(env, "VIGIL_SERVER_LEASE", d.serverLeaseSeconds, problems));
        }

        void validate(List<String> problems) {
            if (maxBodyBytes < 1) {
                problems.add("VIGIL_MAX_BODY_BYTES: must be at least 1, got " + maxBodyBytes);
            }
            if (maxRunWindows < 1) {
                problems.add("VIGIL_MAX_RUN_WINDOWS: must be at least 1, got " + maxRunWindows);
            }
            if (maxQueuedRuns < 1) {
                problems.add("VIGIL_MAX_QUEUED_RUNS: must be at least 1, got " + maxQueuedRuns);
            }
            if (runLeaseSeconds < 1) {
                problems.add("VIGIL_RUN_LEASE: must be at least 1 second, got " + runLeaseSeconds);
            }
            if (serverLeaseSeconds < 3) {
                problems.add("VIGIL_SERVER_LEASE: must be at least 3 seconds (the heartbeat renews it every third),"
                        + " got " + serverLeaseSeconds);
            }
        }
    }

    /**
     * Where the server's TLS certificate and key are: either a PEM certificate chain ({@code certFile}) with its
     * unencrypted PKCS#8 or PKCS#1 key ({@code keyFile}), or a PKCS#12 keystore ({@code keystoreFile}) whose password
     * is in {@code keystorePasswordFile} or {@code keystorePassword}. With none of them set the server speaks plain
     * HTTP; with one, it speaks HTTPS only (TLS 1.2 and 1.3) on its port. The files are read when the server starts.
     */
    public record TlsSettings(
            Path certFile, Path keyFile, Path keystoreFile, Path keystorePasswordFile, String keystorePassword) {

        /** Plain HTTP. */
        public static TlsSettings off() {
            return new TlsSettings(null, null, null, null, null);
        }

        /** A PEM certificate chain and its private key. */
        public static TlsSettings pem(Path certFile, Path keyFile) {
            return new TlsSettings(certFile, keyFile, null, null, null);
        }

        /** A PKCS#12 keystore and the file holding its password (the key's password is the same). */
        public static TlsSettings keystore(Path keystoreFile, Path keystorePasswordFile) {
            return new TlsSettings(null, null, keystoreFile, keystorePasswordFile, null);
        }

        /** Whether the server speaks HTTPS. */
        public boolean enabled() {
            return certFile != null || keyFile != null || keystoreFile != null;
        }

        static TlsSettings fromEnvironment(Map<String, String> env) {
            return new TlsSettings(
                    path(env, "VIGIL_TLS_CERT"),
                    path(env, "VIGIL_TLS_KEY"),
                    path(env, "VIGIL_TLS_KEYSTORE"),
                    path(env, "VIGIL_TLS_KEYSTORE_PASSWORD_FILE"),
                    blankToNull(env.get("VIGIL_TLS_KEYSTORE_PASSWORD")));
        }

        void validate(List<String> problems) {
            if (certFile != null && keyFile == null) {
                problems.add("--tls-key (VIGIL_TLS_KEY): is missing (expected the private key of --tls-cert " + certFile
                        + ")");
            }
            if (keyFile != null && certFile == null) {
                problems.add("--tls-cert (VIGIL_TLS_CERT): is missing (expected the certificate of --tls-key " + keyFile
                        + ")");
            }
            if (keystoreFile != null && (certFile != null || keyFile != null)) {
                problems.add("--tls-keystore (VIGIL_TLS_KEYSTORE): is set together with --tls-cert/--tls-key"
                        + " (expected one or the other)");
            }
            if (keystoreFile != null && keystorePasswordFile == null && keystorePassword == null) {
                problems.add("--tls-keystore-password-file (VIGIL_TLS_KEYSTORE_PASSWORD_FILE): is missing"
                        + " (expected the password of --tls-keystore " + keystoreFile
                        + ", from a file or VIGIL_TLS_KEYSTORE_PASSWORD)");
            }
        }

        @Override
        public String toString() {
            return "TlsSettings[certFile=" + certFile + ", keyFile=" + keyFile + ", keystoreFile=" + keystoreFile
                    + ", keystorePasswordFile=" + keystorePasswordFile + ", keystorePassword="
                    + (keystorePassword == null ? "<none>" : "******") + "]";
        }

        private static Path path(Map<String, String> env, String key) {
            String value = blankToNull(env.get(key));
            return value == null ? null : Path.of(value);
        }
    }

    /** The defaults, with nothing read from the environment. */
    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1",
                7070,
                Path.of("vigil-data"),
                null,
                null,
                null,
                "local[*]",
                Map.of(),
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(300),
                Duration.ofSeconds(30),
                NotifySettings.defaults(),
                Limits.defaults(),
                TlsSettings.off(),
                false);
    }

    /** The defaults overridden by the {@code VIGIL_*} variables of {@code env}; a malformed value names its variable. */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        ServerConfig d = defaults();
        List<String> problems = new ArrayList<>();
        ServerConfig c = new ServerConfig(
                env.getOrDefault("VIGIL_HOST", d.host),
                integer(env, "VIGIL_PORT", d.port, problems),
                env.containsKey("VIGIL_DATA_DIR") ? Path.of(env.get("VIGIL_DATA_DIR")) : d.dataDir,
                blankToNull(env.get("VIGIL_STORE_URL")),
                blankToNull(env.get("VIGIL_STORE_USER")),
                blankToNull(env.get("VIGIL_STORE_PASSWORD")),
                env.getOrDefault("VIGIL_SPARK_MASTER", d.sparkMaster),
                sparkConf(env.get("VIGIL_SPARK_CONF"), problems),
                blankToNull(env.get("VIGIL_ADMIN_TOKEN")),
                Duration.ofSeconds(integer(env, "VIGIL_SOURCE_CONNECT_TIMEOUT", 5, problems)),
                Duration.ofSeconds(integer(env, "VIGIL_SOURCE_STATEMENT_TIMEOUT", 300, problems)),
                Duration.ofSeconds(integer(env, "VIGIL_SCHEDULER_TICK", 30, problems)),
                NotifySettings.fromEnvironment(env, problems),
                Limits.fromEnvironment(env, problems),
                TlsSettings.fromEnvironment(env),
                Boolean.parseBoolean(
                        env.getOrDefault("VIGIL_METRICS_SEGMENTS", "false").strip()));
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
        return c;
    }

    /** Throws one exception naming every setting that is out of range. */
    public ServerConfig validate() {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65535) {
            problems.add("port: " + port + " is out of range (expected 0 to 65535)");
        }
        if (host == null || host.isBlank()) {
            problems.add("host: is empty (expected an address such as 127.0.0.1 or 0.0.0.0)");
        }
        if (storeUrl != null && !storeUrl.startsWith("jdbc:h2:") && !storeUrl.startsWith("jdbc:postgresql://")) {
            problems.add("store: '" + dev.vigil.core.model.Jdbc.redactUrl(storeUrl)
                    + "' is not a supported metastore URL (expected jdbc:postgresql://host:port/db or jdbc:h2:...)");
        }
        if (sparkMaster == null || sparkMaster.isBlank()) {
            problems.add("spark-master: is empty (expected local[*] or spark://host:port)");
        }
        problems.addAll(SparkRuntime.problems(sparkConf));
        if (sourceConnectTimeout.isNegative() || sourceConnectTimeout.isZero()) {
            problems.add("VIGIL_SOURCE_CONNECT_TIMEOUT: must be at least 1 second");
        }
        if (schedulerTick.isNegative()) {
            problems.add("VIGIL_SCHEDULER_TICK: must be 0 (off) or more seconds");
        }
        if (sourceStatementTimeout.isNegative() || sourceStatementTimeout.isZero()) {
            problems.add("VIGIL_SOURCE_STATEMENT_TIMEOUT: must be at least 1 second");
        }
        if (notifications.maxAttempts() < 1) {
            problems.add("VIGIL_NOTIFY_MAX_ATTEMPTS: must be at least 1, got " + notifications.maxAttempts());
        }
        if (notifications.firstRetry().isNegative()
                || notifications.firstRetry().isZero()) {
            problems.add("VIGIL_NOTIFY_FIRST_RETRY: must be at least 1 second");
        }
        if (notifications.threads() < 1 || notifications.threads() > NotifySettings.MAX_THREADS) {
            problems.add("VIGIL_NOTIFY_THREADS: must be 1 to " + NotifySettings.MAX_THREADS + ", got "
                    + notifications.threads());
        }
        limits.validate(problems);
        tls.validate(problems);
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
        return this;
    }

    /** A copy of this configuration with what {@code change} sets on it: how every {@code with…} is made. */
    private ServerConfig with(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(
                c.host,
                c.port,
                c.dataDir,
                c.storeUrl,
                c.storeUser,
                c.storePassword,
                c.sparkMaster,
                c.sparkConf,
                c.adminToken,
                c.sourceConnectTimeout,
                c.sourceStatementTimeout,
                c.schedulerTick,
                c.notifications,
                c.limits,
                c.tls,
                c.metricsSegments);
    }

    /** The fields of a configuration being copied with a change. */
    private static final class Copy {
        String host;
        int port;
        Path dataDir;
        String storeUrl;
        String storeUser;
        String storePassword;
        String sparkMaster;
        Map<String, String> sparkConf;
        String adminToken;
        Duration sourceConnectTimeout;
        Duration sourceStatementTimeout;
        Duration schedulerTick;
        NotifySettings notifications;
        Limits limits;
        TlsSettings tls;
        boolean metricsSegments;

        Copy(ServerConfig from) {
            host = from.host;
            port = from.port;
            dataDir = from.dataDir;
            storeUrl = from.storeUrl;
            storeUser = from.storeUser;
            storePassword = from.storePassword;
            sparkMaster = from.sparkMaster;
            sparkConf = from.sparkConf;
            adminToken = from.adminToken;
            sourceConnectTimeout = from.sourceConnectTimeout;
            sourceStatementTimeout = from.sourceStatementTimeout;
            schedulerTick = from.schedulerTick;
            notifications = from.notifications;
            limits = from.limits;
            tls = from.tls;
            metricsSegments = from.metricsSegments;
        }
    }

    /** How often the scheduler looks for due datasets; zero turns it off (tests drive it by hand). */
    public ServerConfig withSchedulerTick(Duration value) {
        return with(c -> c.schedulerTick = value);
    }

    public ServerConfig withHost(String value) {
        return with(c -> c.host = value);
    }

    public ServerConfig withPort(int value) {
        return with(c -> c.port = value);
    }

    public ServerConfig withDataDir(Path value) {
        return with(c -> c.dataDir = value);
    }

    public ServerConfig withStore(String url, String user, String password) {
        return with(c -> {
            c.storeUrl = url;
            c.storeUser = user;
            c.storePassword = password;
        });
    }

    public ServerConfig withSparkMaster(String value) {
        return with(c -> c.sparkMaster = value);
    }

    /** Spark settings ({@code spark.*} keys) for the server's Spark, over Vigil's defaults. */
    public ServerConfig withSparkConf(Map<String, String> value) {
        return with(c -> c.sparkConf = Map.copyOf(value));
    }

    /**
     * The {@code key=value} {@code entries} as Spark settings, later ones winning; an entry without {@code =} is a
     * problem named after {@code label}. The keys are checked by {@link #validate()}.
     */
    public static Map<String, String> sparkConf(String label, List<String> entries, List<String> problems) {
        Map<String, String> conf = new java.util.LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                problems.add(label + ": '" + entry + "' is not key=value (such as spark.executor.memory=2g)");
            } else {
                conf.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
            }
        }
        return conf;
    }

    /** {@code VIGIL_SPARK_CONF}: entries one a line or separated by {@code ;} (a value may hold commas, not {@code ;}). */
    private static Map<String, String> sparkConf(String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            return Map.of();
        }
        List<String> entries = java.util.Arrays.stream(value.split("[;\\n]"))
                .map(String::strip)
                .filter(e -> !e.isEmpty())
                .toList();
        return Map.copyOf(sparkConf("VIGIL_SPARK_CONF", entries, problems));
    }

    public ServerConfig withAdminToken(String value) {
        return with(c -> c.adminToken = value);
    }

    /** How alerts are sent: SMTP, retries, the dashboard link. */
    public ServerConfig withNotifications(NotifySettings value) {
        return with(c -> c.notifications = value);
    }

    /** How much one request or run may ask for. */
    public ServerConfig withLimits(Limits value) {
        return with(c -> c.limits = value);
    }

    /** Whether {@code /metrics} also exports per-field series per segment (a {@code segment} label). */
    public ServerConfig withMetricsSegments(boolean value) {
        return with(c -> c.metricsSegments = value);
    }

    /** HTTPS instead of HTTP: where the certificate and key are ({@link TlsSettings#off()} for plain HTTP). */
    public ServerConfig withTls(TlsSettings value) {
        return with(c -> c.tls = value);
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", storeUrl="
                + dev.vigil.core.model.Jdbc.redactUrl(storeUrl) + ", storeUser=" + storeUser + ", storePassword="
                + (storePassword == null ? "<none>" : "******") + ", sparkMaster=" + sparkMaster + ", sparkConf="
                + sparkConf.keySet() + ", adminToken="
                + (adminToken == null ? "<none>" : "******") + ", sourceConnectTimeout=" + sourceConnectTimeout
                + ", sourceStatementTimeout=" + sourceStatementTimeout + ", schedulerTick=" + schedulerTick
                + ", notifications="
                + notifications + ", limits=" + limits + ", tls=" + tls + ", metricsSegments="
                + metricsSegments + "]";
    }

    private static int integer(Map<String, String> env, String key, int fallback, List<String> problems) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            problems.add(key + ": '" + value + "' is not a whole number");
            return fallback;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
