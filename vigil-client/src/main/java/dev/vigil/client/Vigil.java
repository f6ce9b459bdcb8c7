package dev.vigil.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.internal.CaCertificates;
import dev.vigil.client.internal.Http;
import dev.vigil.client.internal.Rows;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.core.spec.ModelSpec;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.core.spec.SpecValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The Java SDK: a connection to a Vigil server. The quickstart in Java:
 *
 * <pre>{@code
 * Vigil vigil = Vigil.connect("http://localhost:7070", System.getenv("VIGIL_TOKEN"));
 * vigil.createModel("insurance", "Insurance upsell");
 * VersionHandle v1 = vigil.createModelVersion("insurance", "v1", ModelType.BINARY, Schema.builder()
 *     .rawInput("raw_text", FieldType.text())
 *     .feature("amount", FieldType.numeric())
 *     .feature("embeddings", FieldType.tensor(768))
 *     .prediction("will_buy_insurance", FieldType.bool())
 *     .prediction("proba", FieldType.numeric())
 *     .build());
 * v1.connectServing(PostgresJdbcDataSource.builder()
 *         .url("jdbc:postgresql://localhost:5432/shop").query("SELECT * FROM ml.model_predictions")
 *         .user("vigil").password(System.getenv("VIGIL_PG_PASSWORD")).build(),
 *     "prediction_id", "prediction_timestamp");
 * }</pre>
 *
 * Every create is idempotent (create or replace): it replaces what is stored whole, so manage one version from YAML or
 * from Java, not both; an update that dropped something (a YAML spec's segments, a monitor's actions) says so in its
 * answer and logs a WARNING. A request that the server rejects throws the {@code VigilException} it reported, with its
 * message. {@link #runAndWait} profiles data and waits, so the queries after it have rows.
 */
public final class Vigil {
    private static final System.Logger LOG = System.getLogger(Vigil.class.getName());

    private final Http http;

    private Vigil(Http http) {
        this.http = http;
    }

    /** A client for the server at {@code url} (e.g. {@code http://localhost:7070}) using API {@code token}. */
    public static Vigil connect(String url, String token) {
        return connect(url, token, Duration.ofMinutes(2));
    }

    /** As {@link #connect(String, String)}, with a per-request timeout. */
    public static Vigil connect(String url, String token, Duration requestTimeout) {
        return new Vigil(new Http(url, token, requestTimeout));
    }

    /**
     * As {@link #connect(String, String)}, for an {@code https://} server whose certificate {@code sslContext} trusts,
     * e.g. {@link #trustOnly(Path)} for a private CA or a self-signed server.
     */
    public static Vigil connect(String url, String token, SSLContext sslContext) {
        return connect(url, token, Duration.ofMinutes(2), sslContext);
    }

    /** As {@link #connect(String, String, SSLContext)}, with a per-request timeout. */
    public static Vigil connect(String url, String token, Duration requestTimeout, SSLContext sslContext) {
        return new Vigil(new Http(url, token, requestTimeout, sslContext));
    }

    /**
     * A TLS context that trusts only the certificates in {@code caCertPem} (a private CA, or the server's own
     * self-signed certificate), as {@code curl --cacert} does; the host name is still verified. There is no way to
     * trust every certificate.
     */
    public static SSLContext trustOnly(Path caCertPem) {
        return CaCertificates.trustOnly(caCertPem);
    }

    /** The server's base URL. */
    public String url() {
        return http.baseUrl();
    }

    /** Creates the model, or renames it if it exists. */
    public Model createModel(String id, String name) {
        return apply(new Model(id, name)).model();
    }

    /** Creates or updates a model and says which it was. */
    public Applied<Model> apply(Model model) {
        ObjectNode body = SpecCodec.write(model);
        JsonNode answer = http.put("/api/v1/models/" + Http.segment(model.id()), body);
        return new Applied<>(
                SpecCodec.readModel(strip(answer, "change"), ""),
                answer.path("change").asText());
    }

    /** All models, ordered by id. */
    public List<Model> listModels() {
        List<Model> models = new ArrayList<>();
        http.get("/api/v1/models").forEach(n -> models.add(SpecCodec.readModel(n, "")));
        return models;
    }

    /** The model, if it exists. */
    public Optional<Model> getModel(String id) {
        try {
            return Optional.of(
                    SpecCodec.readModel(strip(http.get("/api/v1/models/" + Http.segment(id)), "versions"), ""));
        } catch (VigilNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Deletes a model with its versions and datasets. */
    public void deleteModel(String id) {
        http.delete("/api/v1/models/" + Http.segment(id));
    }

    /** Creates (or updates) an hourly version of {@code modelId}. */
    public VersionHandle createModelVersion(String modelId, String version, ModelType type, Schema schema) {
        return createModelVersion(modelId, version, type, AggregationPeriod.HOURLY, schema);
    }

    /**
     * Creates (or replaces) a version of {@code modelId} aggregated by {@code period}. It replaces a stored version
     * whole: segments a YAML spec declared are dropped (a WARNING is logged listing them); declare them here with
     * {@link #createModelVersion(String, String, ModelType, AggregationPeriod, Schema, List)}, or manage one version
     * from YAML or from Java, not both.
     */
    public VersionHandle createModelVersion(
            String modelId, String version, ModelType type, AggregationPeriod period, Schema schema) {
        return createModelVersion(modelId, version, type, period, schema, List.of());
    }

    /** As {@link #createModelVersion(String, String, ModelType, AggregationPeriod, Schema)}, with its segments. */
    public VersionHandle createModelVersion(
            String modelId,
            String version,
            ModelType type,
            AggregationPeriod period,
            Schema schema,
            List<Segment> segments) {
        ModelVersion v = new ModelVersion(modelId, version, type, period, schema, segments);
        SpecValidator.throwIfAny(SpecValidator.versionProblems(v, ""));
        apply(v);
        return version(modelId, version);
    }

    /**
     * Creates or replaces a version and says which it was and, after an update, what it replaced (also logged as a
     * WARNING, as a version is replaced whole).
     */
    public Applied<ModelVersion> apply(ModelVersion version) {
        JsonNode answer = http.put(versionPath(version.modelId(), version.version()), SpecCodec.write(version));
        List<String> replaced = strings(answer.path("replaced"));
        warnReplaced(
                "version " + version.modelId() + "/" + version.version(),
                answer.path("change").asText(),
                replaced);
        return new Applied<>(
                SpecCodec.readVersion(version.modelId(), strip(answer, "change", "replaced"), ""),
                answer.path("change").asText(),
                replaced);
    }

    /** Logs a WARNING when an update replaced something, which a second source of truth (YAML and Java) would hide. */
    static void warnReplaced(String what, String change, List<String> replaced) {
        if (change.equals("updated") && !replaced.isEmpty()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    what + " was replaced; it dropped or changed: " + String.join("; ", replaced));
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A handle on an existing version (no request is made until it is used). */
    public VersionHandle version(String modelId, String version) {
        return new VersionHandle(this, modelId, version);
    }

    /** The version as stored, if it exists. */
    public Optional<ModelVersion> getVersion(String modelId, String version) {
        try {
            return Optional.of(SpecCodec.readVersion(modelId, http.get(versionPath(modelId, version)), ""));
        } catch (VigilNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The versions of a model. */
    public List<ModelVersion> listVersions(String modelId) {
        List<ModelVersion> out = new ArrayList<>();
        http.get("/api/v1/models/" + Http.segment(modelId) + "/versions")
                .forEach(n -> out.add(SpecCodec.readVersion(modelId, n, "")));
        return out;
    }

    /**
     * Applies a whole spec (model, version, datasets, monitors) and reports what changed; applying the same spec twice
     * changes nothing. It is all or nothing: every dataset is checked against its live source by the server before
     * any is stored, and when anything is refused what this apply changed is put back and it throws "nothing was
     * applied: …".
     */
    public List<ApplyResult> apply(ModelSpec spec) {
        return apply(spec, false);
    }

    /**
     * {@link #apply(ModelSpec)}; with {@code prune}, the version's monitors the spec does not list are deleted too
     * (reported as {@code deleted}), so the spec is the whole truth about them. Their alerts stay.
     */
    public List<ApplyResult> apply(ModelSpec spec, boolean prune) {
        return apply(spec, prune, false);
    }

    /**
     * {@link #apply(ModelSpec, boolean)}; with {@code dryRun}, nothing is stored: the server checks the version and
     * every dataset (against its live source) and each line says what would be created, updated, deleted or left
     * unchanged, an update with what it replaces ({@link ApplyResult#diff()}).
     */
    public List<ApplyResult> apply(ModelSpec spec, boolean prune, boolean dryRun) {
        return dryRun
                ? new SpecApply(this, http, spec, prune).dryRun()
                : new SpecApply(this, http, spec, prune).apply();
    }

    /**
     * Creates or replaces a monitor of a version; the answer is the monitor as stored, with {@code change}. Action
     * URLs and keys (PagerDuty, Opsgenie) are secrets: the answer gives {@code url_set}, {@code url_host} and
     * {@code key_set} instead.
     */
    public JsonNode putMonitor(String modelId, String version, Monitor monitor) {
        return http.put(
                versionPath(modelId, version) + "/monitors/" + Http.segment(monitor.name()),
                MonitorCodec.write(monitor));
    }

    /** The monitors of a version, as JSON. */
    public JsonNode monitors(String modelId, String version) {
        return http.get(versionPath(modelId, version) + "/monitors");
    }

    /** Deletes a monitor (its alerts stay). */
    public void deleteMonitor(String modelId, String version, String name) {
        http.delete(versionPath(modelId, version) + "/monitors/" + Http.segment(name));
    }

    /**
     * Evaluates every monitor of a version now over the complete focal windows of [{@code from}, {@code to});
     * the answer counts what was evaluated, fired, created, resolved and skipped. Runs evaluate by themselves.
     */
    public JsonNode evaluateMonitors(String modelId, String version, Instant from, Instant to) {
        ObjectNode body = JsonNodeFactory.instance
                .objectNode()
                .put("from", from.toString())
                .put("to", to.toString());
        return http.post(versionPath(modelId, version) + "/monitors/evaluate", body);
    }

    /**
     * Alerts as flat JSON rows ({@code id, monitor, model, version, field, segment, window_start, window_end,
     * metric, value, threshold, severity, status}, …); {@code query} holds any of model, status, limit.
     */
    public JsonNode alerts(Map<String, String> query) {
        return http.get("/api/v1/alerts" + queryString(query));
    }

    /**
     * The HTML report of a version (one self-contained page: inline CSS and SVG charts, no script, no network),
     * built from stored aggregates; {@code query} holds from, to and granularity.
     */
    public String report(String modelId, String version, Map<String, String> query) {
        return http.getText(versionPath(modelId, version) + "/report" + queryString(query));
    }

    /** One alert with its notifications and each delivery attempt's outcome. */
    public JsonNode alert(String id) {
        return http.get("/api/v1/alerts/" + Http.segment(id));
    }

    public JsonNode acknowledgeAlert(String id) {
        return http.post("/api/v1/alerts/" + Http.segment(id) + "/acknowledge", JsonNodeFactory.instance.objectNode());
    }

    public JsonNode resolveAlert(String id) {
        return http.post("/api/v1/alerts/" + Http.segment(id) + "/resolve", JsonNodeFactory.instance.objectNode());
    }

    /**
     * One line of {@link #apply(ModelSpec)}: what was applied, whether it was created, updated, deleted or unchanged,
     * for an update what it replaced ({@code segments: −owner}, {@code detection.threshold: 0.1 → 0.15}), and what
     * the server warned of (an e-mail action on a server without SMTP).
     */
    public record ApplyResult(String kind, String name, String change, List<String> diff, List<String> warnings) {
        public ApplyResult {
            diff = List.copyOf(diff);
            warnings = List.copyOf(warnings);
        }

        public ApplyResult(String kind, String name, String change, List<String> diff) {
            this(kind, name, change, diff, List.of());
        }

        public ApplyResult(String kind, String name, String change) {
            this(kind, name, change, List.of(), List.of());
        }
    }

    /** Creates a viewer token (reads only); the answer holds the token, the only time it is shown. */
    public JsonNode createToken(String name) {
        return createToken(name, "viewer", null);
    }

    /**
     * Creates an API token with {@code role} ({@code viewer}, {@code editor} or {@code admin}) that expires after
     * {@code expiresIn} ({@code "90d"}, {@code "12h"}, ISO-8601 {@code "P90D"}; null for never). Needs an admin token;
     * the answer holds the new token, the only time it is shown.
     */
    public JsonNode createToken(String name, String role, String expiresIn) {
        var body = JsonNodeFactory.instance.objectNode().put("name", name).put("role", role);
        if (expiresIn != null) {
            body.put("expires_in", expiresIn);
        }
        return http.post("/api/v1/tokens", body);
    }

    /** Revokes the token with this id (an admin token is needed). */
    public void revokeToken(String id) {
        http.delete("/api/v1/tokens/" + Http.segment(id));
    }

    /**
     * Starts runs of {@code dataset} ({@code serving}, {@code training}, {@code testing},
     * {@code actuals} or {@code all}) over [{@code from}, {@code to}) (null: what the server
     * works out); returns the runs as JSON, one per dataset.
     */
    public JsonNode startRun(String modelId, String version, String dataset, Instant from, Instant to) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("dataset", dataset);
        if (from != null) {
            body.put("from", from.toString());
        }
        if (to != null) {
            body.put("to", to.toString());
        }
        return http.post(versionPath(modelId, version) + "/runs", body);
    }

    /** One run as JSON: status, progress, rows read, failure reason. */
    public JsonNode getRun(String runId) {
        return http.get("/api/v1/runs/" + Http.segment(runId));
    }

    /**
     * Waits for run {@code runId} to finish and returns it as {@link #getRun} does, once it {@code succeeded}. It asks
     * every 250 ms at first, then less often, up to every 2 s. A run that failed throws a {@link VigilStateException}
     * with the run's error ("run run_… (serving) failed: …"); one still going after {@code timeout} throws one with
     * its progress ("run run_… (serving) is still running after 120 s (3/24 windows)"); the run itself goes on.
     */
    public JsonNode awaitRun(String runId, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = 250;
        while (true) {
            JsonNode run = getRun(runId);
            String status = run.path("status").asText();
            String name = "run " + runId + " (" + run.path("dataset").asText() + ")";
            if (status.equals("succeeded")) {
                return run;
            }
            if (status.equals("failed")) {
                throw new VigilStateException(
                        name + " failed: " + run.path("error").asText("no reason recorded"));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new VigilStateException(name + " is still " + status + " after "
                        + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s ("
                        + run.path("windows_done").asInt() + "/"
                        + run.path("windows_total").asInt()
                        + " windows); wait longer with awaitRun(\"" + runId + "\", timeout)");
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VigilStateException("interrupted while waiting for " + name, e);
            }
            pause = Math.min(2000, pause * 2);
        }
    }

    /**
     * Starts runs of {@code dataset} as {@link #startRun} does and waits for each in turn as {@link #awaitRun} does,
     * {@code timeout} being for all of them; returns the finished runs, one per dataset. The first run that fails
     * throws with its error, so queries made after this call read profiles that exist.
     */
    public List<JsonNode> runAndWait(
            String modelId, String version, String dataset, Instant from, Instant to, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> done = new ArrayList<>();
        for (JsonNode run : startRun(modelId, version, dataset, from, to)) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            done.add(awaitRun(run.path("id").asText(), left));
        }
        return done;
    }

    /**
     * Metrics from stored profiles as flat JSON rows; {@code query} holds any of dataset, field,
     * metric, from, to, granularity and segment.
     */
    public JsonNode metrics(String modelId, String version, Map<String, String> query) {
        return http.get(versionPath(modelId, version) + "/metrics" + queryString(query));
    }

    /**
     * Drift of each window against a baseline as flat JSON rows carrying {@code baseline} (and a
     * {@code reason} when a value is null); {@code query} holds the keys of {@link #metrics} plus
     * baseline ({@code training|testing|previous|FROM/TO}), top and min_baseline_rows.
     */
    public JsonNode drift(String modelId, String version, Map<String, String> query) {
        return http.get(versionPath(modelId, version) + "/drift" + queryString(query));
    }

    /**
     * Model performance per window as flat JSON rows, {@code field} being the prediction field: realized metrics
     * of the rows whose actuals arrived and, for binary models with a score, CBPE estimates (rows named {@code
     * estimated_*} with {@code std} and {@code reference}); {@code query} holds the keys of {@link #metrics} plus
     * baseline ({@code training|testing}, the calibration reference).
     */
    public JsonNode performance(String modelId, String version, Map<String, String> query) {
        return http.get(versionPath(modelId, version) + "/performance" + queryString(query));
    }

    /**
     * Which segment is worst for a field's drift: the range's psi of {@code field} against a baseline split into each
     * declared segment's contribution, largest first ({@code query}: field, dataset, from, to, baseline,
     * min_baseline_rows).
     */
    public JsonNode explainDrift(String modelId, String version, Map<String, String> query) {
        return http.get(versionPath(modelId, version) + "/drift/explain" + queryString(query));
    }

    /**
     * Which segment is worst for a performance drop: the range's worsening of {@code metric} from the reference split
     * into each declared segment's contribution, largest first ({@code query}: metric, field, dataset, from, to,
     * baseline).
     */
    public JsonNode explainPerformance(String modelId, String version, Map<String, String> query) {
        return http.get(versionPath(modelId, version) + "/performance/explain" + queryString(query));
    }

    /** {@link #metrics(String, String, Map)} as typed rows, for a typed request (the records the server answers from). */
    public List<MetricRow> metrics(String modelId, String version, ProfileRequest request) {
        return Rows.metrics(metrics(modelId, version, request.toParams()));
    }

    /** {@link #drift(String, String, Map)} as typed rows, for a typed request. */
    public List<DriftRow> drift(String modelId, String version, ProfileRequest request) {
        return Rows.drift(drift(modelId, version, request.toParams()));
    }

    /** {@link #performance(String, String, Map)} as typed rows, for a typed request. */
    public List<PerformanceRow> performance(String modelId, String version, ProfileRequest request) {
        return Rows.performance(performance(modelId, version, request.toParams()));
    }

    private static String queryString(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (e.getValue() != null) {
                out.append(out.length() == 0 ? '?' : '&')
                        .append(e.getKey())
                        .append('=')
                        .append(java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    /** Server-side routes the SDK does not wrap yet, as raw JSON (GET). */
    public JsonNode getJson(String path) {
        return http.get(path);
    }

    Connected connect(String modelId, String version, DatasetConnection connection) {
        JsonNode answer = http.put(
                versionPath(modelId, version) + "/datasets/"
                        + connection.dataset().specName(),
                SpecCodec.write(connection, true));
        List<String> columns = new ArrayList<>();
        answer.path("columns")
                .forEach(c -> columns.add(
                        c.path("name").asText() + " " + c.path("type").asText()));
        warnReplaced(
                "dataset " + modelId + "/" + version + "/"
                        + connection.dataset().specName(),
                answer.path("change").asText(),
                strings(answer.path("replaced")));
        return new Connected(connection.dataset(), answer.path("change").asText(), columns);
    }

    List<JsonNode> datasets(String modelId, String version) {
        List<JsonNode> out = new ArrayList<>();
        http.get(versionPath(modelId, version) + "/datasets").forEach(out::add);
        return out;
    }

    void disconnect(String modelId, String version, DatasetKind dataset) {
        http.delete(versionPath(modelId, version) + "/datasets/" + dataset.specName());
    }

    static String versionPath(String modelId, String version) {
        return "/api/v1/models/" + Http.segment(modelId) + "/versions/" + Http.segment(version);
    }

    private static JsonNode strip(JsonNode node, String... keys) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(List.of(keys));
        return copy;
    }

    /**
     * What the server stored, whether it was {@code created}, {@code updated} or {@code unchanged}, and what an update
     * replaced ({@code segments: −owner}).
     */
    public record Applied<T>(T value, String change, List<String> replaced) {
        public Applied {
            replaced = List.copyOf(replaced);
        }

        public Applied(T value, String change) {
            this(value, change, List.of());
        }

        public T model() {
            return value;
        }
    }
}
