package dev.vigil.server;

import dev.vigil.core.VigilStateException;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.spark.SparkRuntime;
import dev.vigil.server.api.AuditRoutes;
import dev.vigil.server.api.ModelRoutes;
import dev.vigil.server.api.MonitorRoutes;
import dev.vigil.server.api.OpenApi;
import dev.vigil.server.api.QueryRoutes;
import dev.vigil.server.api.ReportRoutes;
import dev.vigil.server.api.RunRoutes;
import dev.vigil.server.api.TokenRoutes;
import dev.vigil.server.dashboard.DashboardRoutes;
import dev.vigil.server.metrics.MetricsRoutes;
import dev.vigil.server.monitor.Destinations;
import dev.vigil.server.monitor.MonitorEvaluator;
import dev.vigil.server.monitor.Notifier;
import dev.vigil.server.runs.RunService;
import dev.vigil.server.runs.Scheduler;
import dev.vigil.server.runs.ServerHeartbeat;
import dev.vigil.server.web.Access;
import dev.vigil.server.web.ApiErrors;
import dev.vigil.server.web.BodyLimit;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Health;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Routes;
import dev.vigil.server.web.Tls;
import dev.vigil.store.Metastore;
import dev.vigil.store.SecretCipher;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vigil server: the REST API over the metastore, with a bearer token and a role ({@link Access}) needed on every
 * {@code /api} route. {@link #start} returns once it listens; {@link #close} stops it gracefully
 * (requests in flight get up to 10 s) and closes the metastore.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);
    /** The API version reported in the OpenAPI document. */
    public static final String API_VERSION = "1.0.0";

    private final ServerConfig config;
    private final Metastore store;
    private final Javalin app;
    private final String generatedAdminToken;
    private final List<Endpoint> endpoints;
    private final RunService runs;
    private final Scheduler scheduler;
    private final Notifier notifier;
    private final SparkRuntime spark;
    private final MonitorEvaluator evaluator;
    /** Renews this server's runs in the metastore on its own thread (decision 0022); set once started. */
    private ServerHeartbeat heartbeat;

    private VigilServer(
            ServerConfig config,
            Metastore store,
            String generatedAdminToken,
            List<Endpoint> endpoints,
            RunService runs,
            Scheduler scheduler,
            Notifier notifier,
            SparkRuntime spark,
            MonitorEvaluator evaluator,
            Javalin app) {
        this.spark = spark;
        this.evaluator = evaluator;
        this.runs = runs;
        this.notifier = notifier;
        this.scheduler = scheduler;
        this.config = config;
        this.store = store;
        this.generatedAdminToken = generatedAdminToken;
        this.endpoints = endpoints;
        this.app = app;
    }

    /**
     * Spark's smallest driver heap: 1.5 times the 300 MiB it reserves (Spark's {@code UnifiedMemoryManager}); below
     * it, Spark refuses to start at the first run, which a user would only see as an internal error.
     */
    static final long MIN_HEAP_BYTES = 450L << 20;

    /**
     * Opens the metastore (migrating it), starts listening, and only then makes sure an admin token exists: a start
     * that fails (a port in use, say) must not store a token nobody was shown (issue 18).
     */
    public static VigilServer start(ServerConfig config, Map<String, String> env, Clock clock) {
        config.validate();
        requireHeap(Runtime.getRuntime().maxMemory());
        Optional<Tls> tls = Tls.load(config.tls(), config.host(), config.port()); // bad files: refused before listening
        requireFreePort(config.host(), config.port()); // before the data directory and its key are created
        Metastore store = config.storeUrl() == null
                ? Metastore.openDefault(config.dataDir(), env, clock)
                : Metastore.open(
                        config.storeUrl(),
                        config.storeUser(),
                        config.storePassword(),
                        SecretCipher.fromEnvironmentOrKeyFile(
                                env, config.dataDir().resolve("master.key")),
                        clock);
        RunService runs = null;
        Scheduler scheduler = null;
        Notifier notifier = null;
        MonitorEvaluator evaluator = null;
        Javalin app = null;
        boolean listening = false;
        try {
            if (config.adminToken() != null) { // checked and stored before listening: a token too short is refused
                int revoked = store.tokens().ensureBootstrapAdmin(config.adminToken());
                if (revoked > 0) {
                    LOG.info("VIGIL_ADMIN_TOKEN changed: the previous admin token is revoked");
                }
            }
            // the server's one Spark, started on first use (seconds to warm up; most requests never need it)
            SparkRuntime spark = new SparkRuntime(config.sparkMaster(), config.sparkConf());
            PostgresSource source =
                    new PostgresSource(config.sourceConnectTimeout(), config.sourceStatementTimeout(), spark);
            List<Endpoint> endpoints = new ArrayList<>();
            endpoints.addAll(new ModelRoutes(store, source).endpoints());
            endpoints.addAll(new TokenRoutes(store).endpoints());
            endpoints.addAll(new AuditRoutes(store).endpoints());
            String[] url = new String[1];
            ServerId id = ServerId.create(); // the holder of its runs, leases and claims among servers (ADR 0022)
            notifier = new Notifier(store, config.notifications(), () -> url[0], clock, id);
            evaluator = new MonitorEvaluator(store, notifier::wake, clock, id);
            runs = new RunService(store, profiler(spark, source), clock, evaluator::evaluate, config.limits(), id);
            evaluator.catchUp(); // windows a crash left unevaluated, once RunService has repaired their roll-ups
            endpoints.addAll(new RunRoutes(store, runs, clock).endpoints());
            endpoints.addAll(new QueryRoutes(store).endpoints());
            endpoints.addAll(new ReportRoutes(store, clock).endpoints());
            endpoints.addAll(new MetricsRoutes(store, clock, config.metricsSegments()).endpoints());
            endpoints.addAll(new MonitorRoutes(
                            store,
                            evaluator,
                            new Destinations(config.notifications().allowHosts()),
                            config.notifications().smtpHost() != null)
                    .endpoints());
            scheduler = new Scheduler(store, runs, clock, evaluator::tick);
            // answered by createApp itself, listed here so that the document describes them
            endpoints.addAll(new Routes()
                    .tag("meta")
                    .get("/api/v1/openapi.json", null, "This OpenAPI document")
                    .get("/healthz", null, "Health: 200 when the server and its metastore answer (no token needed)")
                    .answers(Health.class)
                    .open()
                    .endpoints());
            Access access = new Access(store, clock);
            app = createApp(store, access, endpoints, config.limits(), tls, clock);
            new DashboardRoutes(store, clock).install(app);
            listen(app, config.host(), config.port());
            listening = true;
            if (!config.schedulerTick().isZero()) {
                scheduler.start(config.schedulerTick());
            }
            // made last, once nothing is left to fail, so that the token stored is the token shown
            String generated = config.adminToken() == null && store.tokens().isEmpty()
                    ? store.tokens().createBootstrapAdmin().token()
                    : null;
            VigilServer server = new VigilServer(
                    config, store, generated, endpoints, runs, scheduler, notifier, spark, evaluator, app);
            url[0] = server.url();
            notifier.start();
            server.heartbeat = new ServerHeartbeat(runs); // with the scheduler off too: queued runs stay held
            LOG.info("Vigil server {} listening on {} (metastore: {})", id, server.url(), store.describe());
            LOG.info("Spark master {}: Spark starts at the first run, and logs its executors then", spark.master());
            return server;
        } catch (RuntimeException e) {
            if (scheduler != null) {
                scheduler.close();
            }
            if (listening) {
                app.stop();
            }
            if (runs != null) {
                runs.close();
            }
            if (notifier != null) {
                notifier.close();
            }
            store.close();
            throw e;
        }
    }

    /**
     * Refuses a heap Spark would refuse at the first run ({@value #MIN_HEAP_BYTES} bytes): said at start, in one
     * sentence, rather than as an internal error on the first dataset.
     */
    static void requireHeap(long maxHeapBytes) {
        if (maxHeapBytes < MIN_HEAP_BYTES) {
            throw new VigilStateException("the server needs a Java heap of at least 450 MB for Spark (it has "
                    + (maxHeapBytes >> 20) + " MB); raise -Xmx in VIGIL_JAVA_OPTS (e.g. -Xmx1g)");
        }
    }

    /**
     * Refuses a port that something already listens on, before anything is opened or stored. Binds as Jetty does
     * (with SO_REUSEADDR), so that a port a stopped server left in TIME_WAIT still counts as free.
     */
    private static void requireFreePort(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw portInUse(host, port, e);
        }
    }

    /** Starts listening; a port taken since {@link #requireFreePort} is said so, in the same sentence. */
    private static void listen(Javalin app, String host, int port) {
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            if (isBindFailure(e)) {
                throw portInUse(host, port, e);
            }
            throw e;
        }
    }

    /**
     * Whether a failed start was a bind: Javalin 6 throws {@code JavalinBindException} over Jetty's
     * {@code IOException("Failed to bind to …")}, whose cause is the {@link BindException}.
     */
    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException || t instanceof JavalinBindException) {
                return true;
            }
        }
        return false;
    }

    private static VigilStateException portInUse(String host, int port, Exception cause) {
        return new VigilStateException(
                "port " + port + " on " + host + " is already in use (another Vigil server?); use --port or VIGIL_PORT",
                cause);
    }

    /**
     * The engine, its Spark started (or started again, if its context stopped) as a run begins, while the run says
     * it is "starting Spark": on a cluster that includes waiting for the first executor.
     */
    private static Supplier<DatasetProfiler> profiler(SparkRuntime spark, PostgresSource source) {
        DatasetProfiler profiler = new DatasetProfiler(spark, source);
        return () -> {
            spark.sessionForRun();
            return profiler;
        };
    }

    private static Javalin createApp(
            Metastore store,
            Access access,
            List<Endpoint> endpoints,
            ServerConfig.Limits limits,
            Optional<Tls> tls,
            Clock clock) {
        Javalin app = Javalin.create(cfg -> {
            tls.ifPresent(t -> t.install(cfg));
            cfg.showJavalinBanner = false;
            BodyLimit.install(cfg, limits.maxBodyBytes());
            cfg.http.defaultContentType = "application/json";
            cfg.jetty.modifyServer(server -> server.setStopTimeout(10_000));
        });
        ApiErrors.install(app);
        access.install(app);
        for (Endpoint e : endpoints) {
            if (e.handler() != null) {
                app.addHttpHandler(e.method(), e.path(), access.guard(e));
            }
        }
        var document = OpenApi.document(endpoints, API_VERSION);
        app.get("/api/v1/openapi.json", ctx -> Json.send(ctx, 200, document));
        // Open to anyone: says only whether the metastore answers, never where it lives (review F14).
        Supplier<Boolean> health = healthCheck(store, clock);
        app.get("/healthz", ctx -> {
            boolean up = health.get();
            Json.send(ctx, up ? 200 : 503, new Health(up ? "ok" : "unavailable"));
        });
        app.after(ctx -> LOG.debug("{} {} -> {}", ctx.method(), ctx.path(), ctx.statusCode()));
        return app;
    }

    /**
     * Whether the metastore answers, asked at most once every two seconds and by one caller at a time: anyone may
     * call {@code /healthz}, and a flood of it must not take the metastore's few connections from the API (F14).
     */
    private static Supplier<Boolean> healthCheck(Metastore store, Clock clock) {
        return new Supplier<>() {
            private Instant checkedAt;
            private boolean up;

            @Override
            public synchronized Boolean get() {
                if (checkedAt == null || !clock.instant().isBefore(checkedAt.plusSeconds(2))) {
                    up = store.answers();
                    checkedAt = clock.instant();
                    if (!up) {
                        LOG.warn("health check: the metastore ({}) does not answer", store.describe());
                    }
                }
                return up;
            }
        };
    }

    /** The port the server listens on (the one picked when configured with 0). */
    public int port() {
        return app.port();
    }

    /** {@code http://host:port} ({@code https://} with TLS on), with 127.0.0.1 when listening on every interface. */
    public String url() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return (config.tls().enabled() ? "https://" : "http://") + host + ":" + port();
    }

    /** The admin token generated at this first start, if any: show it once, it is stored hashed only. */
    public Optional<String> generatedAdminToken() {
        return Optional.ofNullable(generatedAdminToken);
    }

    /** The routes this server answers, as the OpenAPI document lists them. */
    public List<Route> routes() {
        return endpoints.stream()
                .map(e -> new Route(
                        e.method().name(),
                        e.path(),
                        e.authenticated(),
                        e.role() == null ? null : e.role().spec(),
                        e.requestBody() != null))
                .toList();
    }

    /** The server's Spark (started on first use). */
    public SparkRuntime spark() {
        return spark;
    }

    public Metastore metastore() {
        return store;
    }

    /** Runs one pass of the scheduler now (what its tick does): for an operator, or a test that drives the clock. */
    public void tick() {
        scheduler.tick();
    }

    @Override
    public void close() {
        LOG.info("Vigil server stopping");
        try {
            scheduler.close();
            if (heartbeat != null) {
                heartbeat.close();
            }
            app.stop();
            runs.close();
            notifier.close();
            evaluator.stop();
        } finally {
            store.close();
        }
    }
}
