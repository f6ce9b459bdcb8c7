package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.server.monitor.AlertPayloads;
import dev.vigil.server.monitor.MetricCatalogs;
import dev.vigil.server.monitor.MonitorEvaluator;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.Change;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Monitors of a version (declare, list, delete, evaluate now) and the alerts they raise (list, acknowledge, resolve). */
public final class MonitorRoutes {
    private static final String VERSION = "/api/v1/models/{model}/versions/{version}";

    private final Metastore store;
    private final MonitorEvaluator evaluator;

    public MonitorRoutes(Metastore store, MonitorEvaluator evaluator) {
        this.store = store;
        this.evaluator = evaluator;
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("monitors")
                .put(
                        VERSION + "/monitors/{monitor}",
                        this::putMonitor,
                        "Create or replace a monitor (type, fields, metric or expression, focal window, detection,"
                                + " preconditions, severity, actions); answers with what changed")
                .body("a monitor as in the spec's monitors: list")
                .get(VERSION + "/monitors", this::listMonitors, "The monitors of a version")
                .delete(VERSION + "/monitors/{monitor}", this::deleteMonitor, "Delete a monitor (its alerts stay)")
                .returns(204)
                .post(
                        VERSION + "/monitors/evaluate",
                        this::evaluate,
                        "Evaluate every monitor now over the complete focal windows of a range (runs do this after"
                                + " each run by themselves)")
                .body("{\"from\": \"ISO instant\", \"to\": \"ISO instant\"}")
                .tag("alerts")
                .get(
                        "/api/v1/alerts",
                        this::listAlerts,
                        "Alerts, newest window first; query model, status (open|acknowledged|resolved), limit")
                .get(
                        "/api/v1/alerts/{alert}",
                        this::getAlert,
                        "One alert with its notifications and every delivery attempt")
                .post(
                        "/api/v1/alerts/{alert}/acknowledge",
                        ctx -> setStatus(ctx, Alert.Status.ACKNOWLEDGED),
                        "Acknowledge an alert")
                .post(
                        "/api/v1/alerts/{alert}/resolve",
                        ctx -> setStatus(ctx, Alert.Status.RESOLVED),
                        "Resolve an alert")
                .endpoints();
    }

    private void putMonitor(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        String name = ctx.pathParam("monitor");
        JsonNode body = Json.body(ctx);
        if (body.isObject() && !body.has("name")) {
            ((ObjectNode) body).put("name", name);
        }
        keepStoredUrls(version, name, body);
        Monitor monitor = MonitorCodec.read(body, "monitor", version);
        checkMetric(monitor, version);
        if (!monitor.name().equals(name)) {
            throw new VigilArgumentException(
                    "monitor.name: '" + monitor.name() + "' differs from the path's '" + name + "'");
        }
        Change change =
                store.monitors().upsert(version.modelId(), version.version(), name, MonitorCodec.write(monitor));
        ObjectNode out = redacted(MonitorCodec.write(monitor));
        out.put("change", change.name().toLowerCase(Locale.ROOT));
        Json.send(ctx, 200, out);
    }

    private void listMonitors(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        ArrayNode out = Json.array();
        for (MonitorRepository.StoredMonitor m : store.monitors().list(version.modelId(), version.version())) {
            try {
                out.add(redacted(MonitorCodec.write(MonitorCodec.read(m.spec(), "monitor " + m.name(), version))));
            } catch (VigilException e) {
                ObjectNode broken = redacted(m.spec().deepCopy());
                broken.put("problem", e.getMessage());
                out.add(broken);
            }
        }
        Json.send(ctx, 200, out);
    }

    /**
     * {@code monitor} as the API shows it: an action's URL is a credential (a Slack incoming webhook is one), so
     * like a data source's password it is never returned. {@code url_set} says there is one and {@code url_host}
     * which host it points at.
     */
    static ObjectNode redacted(ObjectNode monitor) {
        for (JsonNode action : monitor.path("actions")) {
            if (action instanceof ObjectNode a && a.has("url")) {
                String url = a.remove("url").asText();
                a.put("url_set", true);
                String host = hostOf(url);
                if (host == null) {
                    a.putNull("url_host");
                } else {
                    a.put("url_host", host);
                }
            }
        }
        return monitor;
    }

    /**
     * An action given as the API shows it ({@code url_set: true} and {@code url_host}, no {@code url}) keeps the URL
     * stored for this monitor's one action of the same type and host, as a dataset updated without its password
     * keeps it: so a monitor read with GET can be PUT back, its actions reordered or some removed. When no stored
     * action, or more than one, fits, the action is left to say that it needs its URL.
     */
    private void keepStoredUrls(ModelVersion version, String name, JsonNode body) {
        JsonNode actions = body.path("actions");
        if (!actions.isArray()) {
            return;
        }
        List<JsonNode> stored = new ArrayList<>();
        boolean asked = false;
        for (JsonNode a : actions) {
            asked |= a.path("url_set").asBoolean(false) && !a.has("url");
        }
        if (!asked) {
            return;
        }
        store.monitors().list(version.modelId(), version.version()).stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .ifPresent(m -> m.spec().path("actions").forEach(stored::add));
        for (JsonNode action : actions) {
            if (action instanceof ObjectNode a
                    && !a.has("url")
                    && a.path("url_set").asBoolean(false)) {
                String host = a.path("url_host").asText(null);
                a.remove("url_set");
                a.remove("url_host");
                List<JsonNode> fits = stored.stream()
                        .filter(s -> s.path("type").equals(a.path("type"))
                                && s.path("url").isTextual())
                        .filter(s ->
                                host != null && host.equals(hostOf(s.path("url").asText())))
                        .toList();
                if (fits.size() == 1) {
                    a.set("url", fits.get(0).get("url"));
                }
            }
        }
    }

    private static String hostOf(String url) {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Refuses a metric the monitor's fields never give (a typo would otherwise never fire, silently): for
     * {@code metric_change}, the metrics of METRICS.md of each field's kind, or of the rows when it names no field;
     * for {@code performance_degradation}, the realized performance metrics.
     */
    static void checkMetric(Monitor monitor, ModelVersion version) {
        String metric = monitor.metric();
        if (metric == null) {
            return; // the type's default
        }
        java.util.Set<String> known = new java.util.TreeSet<>();
        boolean valueCounts = false;
        switch (monitor.type().source()) {
            case METRICS -> {
                if (monitor.fields().isEmpty()) {
                    known.addAll(new DatasetProfile().metrics().keySet());
                    known.remove("null_timestamp_count"); // counted per run, not per window (decision 0007)
                }
                for (String f : monitor.fields()) {
                    for (Field field : version.schema().fields()) {
                        if (field.name().equals(f)) {
                            known.addAll(
                                    FieldProfile.create(field.type()).metrics().keySet());
                            FieldType.Kind k = field.type().kind();
                            valueCounts |= k == FieldType.Kind.CATEGORICAL
                                    || k == FieldType.Kind.STRING
                                    || k == FieldType.Kind.BOOLEAN;
                        }
                    }
                }
            }
            case PERFORMANCE -> known.addAll(MetricCatalogs.PERFORMANCE_METRICS);
            default -> {
                return;
            }
        }
        if (!known.contains(metric) && !(valueCounts && metric.startsWith("value_count[") && metric.endsWith("]"))) {
            throw new VigilArgumentException("monitor.metric: '" + metric + "' is not a metric a "
                    + monitor.type().name().toLowerCase(Locale.ROOT) + " monitor of "
                    + (monitor.fields().isEmpty() ? "the rows" : String.join(", ", monitor.fields()))
                    + " can watch (METRICS.md); expected one of " + String.join(", ", known)
                    + (valueCounts ? ", value_count[<value>]" : ""));
        }
    }

    private void deleteMonitor(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        String name = ctx.pathParam("monitor");
        if (!store.monitors().delete(version.modelId(), version.version(), name)) {
            throw new VigilNotFoundException(
                    version.modelId() + "/" + version.version() + " has no monitor '" + name + "'");
        }
        ctx.status(204);
    }

    private void evaluate(Context ctx) {
        ModelVersion version = Lookups.version(store, ctx);
        JsonNode body = ctx.body().isBlank() ? Json.object() : Json.body(ctx);
        Instant from = ProfileRequest.parseInstant(text(body, "from"), "from");
        Instant to = ProfileRequest.parseInstant(text(body, "to"), "to");
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("to: " + to + " must be after from " + from);
        }
        MonitorEvaluator.Summary s = evaluator.evaluate(version, from, to);
        Json.send(
                ctx,
                200,
                Json.object()
                        .put("evaluated", s.evaluated())
                        .put("fired", s.fired())
                        .put("created", s.created())
                        .put("resolved", s.resolved())
                        .put("skipped", s.skipped()));
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new VigilArgumentException(key + ": is required (an ISO instant such as 2026-03-01T00:00:00Z)");
        }
        return v.asText();
    }

    private void listAlerts(Context ctx) {
        Optional<String> model = Optional.ofNullable(ctx.queryParam("model")).filter(s -> !s.isBlank());
        Optional<Alert.Status> status = Optional.ofNullable(ctx.queryParam("status"))
                .filter(s -> !s.isBlank())
                .map(Alert.Status::fromSpec);
        int limit = 500;
        String asked = ctx.queryParam("limit");
        if (asked != null && !asked.isBlank()) {
            try {
                limit = Integer.parseInt(asked.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                throw new VigilArgumentException("limit: expected a whole number of 1 or more, got '" + asked + "'");
            }
        }
        ArrayNode out = Json.array();
        store.alerts().list(model, status, limit).forEach(a -> out.add(AlertPayloads.describe(a)));
        Json.send(ctx, 200, out);
    }

    private void getAlert(Context ctx) {
        String id = ctx.pathParam("alert");
        AlertRepository alerts = store.alerts();
        Alert alert =
                alerts.find(id).orElseThrow(() -> new VigilNotFoundException("alert '" + id + "' does not exist"));
        ObjectNode out = AlertPayloads.describe(alert);
        ArrayNode deliveries = out.putArray("notifications");
        for (DeliveryRepository.Delivery d : store.deliveries().list(id)) {
            ObjectNode n = deliveries.addObject();
            n.put("channel", d.channel());
            n.put("action", d.actionIndex());
            n.put("status", d.status().toLowerCase(Locale.ROOT));
            n.put("attempts", d.attempts());
            n.put("last_error", d.lastError());
            ArrayNode attempts = n.putArray("outcomes");
            store.deliveries().attempts(d.id()).forEach(attempts::add);
        }
        Json.send(ctx, 200, out);
    }

    private void setStatus(Context ctx, Alert.Status status) {
        Json.send(ctx, 200, AlertPayloads.describe(store.alerts().setStatus(ctx.pathParam("alert"), status)));
    }
}
