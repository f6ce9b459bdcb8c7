package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.core.query.Suggest;
import dev.vigil.server.monitor.AlertPayloads;
import dev.vigil.server.monitor.Destinations;
import dev.vigil.server.monitor.MonitorEvaluator;
import dev.vigil.server.monitor.MonitorService;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Monitors of a version (declare, list, delete, evaluate now) and the alerts they raise (list, acknowledge, resolve). */
public final class MonitorRoutes {
    private static final String VERSION = "/api/v1/models/{model}/versions/{version}";

    private final Metastore store;
    private final MonitorEvaluator evaluator;
    private final MonitorService monitors;

    /**
     * Routes whose PUT refuses a monitor with an action {@code destinations} does not send to (an internal address),
     * before anything is stored, and warns of an e-mail action when the server has no SMTP server
     * ({@code emailConfigured} false).
     */
    public MonitorRoutes(
            Metastore store, MonitorEvaluator evaluator, Destinations destinations, boolean emailConfigured) {
        this.store = store;
        this.evaluator = evaluator;
        this.monitors = new MonitorService(store, monitor -> destinations.check(monitor, "monitor"), emailConfigured);
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
                .query("dry_run")
                .get(VERSION + "/monitors", this::listMonitors, "The monitors of a version")
                .delete(VERSION + "/monitors/{monitor}", this::deleteMonitor, "Delete a monitor (its alerts stay)")
                .returns(204)
                .post(
                        VERSION + "/monitors/evaluate",
                        this::evaluate,
                        "Evaluate every monitor now over the complete focal windows of a range (runs do this after"
                                + " each run by themselves)")
                .body("{\"from\": \"ISO instant\", \"to\": \"ISO instant\"}", Evaluation.Range.class)
                .answers(Evaluation.class)
                .tag("alerts")
                .get(
                        "/api/v1/alerts",
                        this::listAlerts,
                        "Alerts, newest window first; query model, status (open|acknowledged|resolved), since (windows"
                                + " starting at or after an ISO instant), limit")
                .query("model", "status", "since", "limit")
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
        MonitorService.Stored stored =
                monitors.put(version, ctx.pathParam("monitor"), Json.body(ctx), Lookups.dryRun(ctx));
        ObjectNode out = stored.spec();
        out.put("change", stored.change().name().toLowerCase(Locale.ROOT));
        Json.send(ctx, 200, out);
    }

    private void listMonitors(Context ctx) {
        ArrayNode out = Json.array();
        monitors.list(Lookups.version(store, ctx)).forEach(out::add);
        Json.send(ctx, 200, out);
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
        Json.send(ctx, 200, new Evaluation(s.evaluated(), s.fired(), s.created(), s.resolved(), s.skipped()));
    }

    /**
     * What {@code POST …/monitors/evaluate} did: monitors evaluated, windows where one fired, alerts created and
     * resolved, and evaluations skipped (a precondition unmet or no data).
     */
    record Evaluation(int evaluated, int fired, int created, int resolved, int skipped) {

        /** Its body: the range whose complete focal windows are evaluated. */
        record Range(Instant from, Instant to) {}
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
        model.ifPresent(this::checkModel);
        Optional<Instant> since = Optional.ofNullable(ctx.queryParam("since"))
                .filter(s -> !s.isBlank())
                .map(s -> ProfileRequest.parseInstant(s.strip(), "since"));
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
        store.alerts().list(model, status, since, limit).forEach(a -> out.add(AlertPayloads.describe(a)));
        Json.send(ctx, 200, out);
    }

    /** A misspelt model would list no alerts, as if all were well: refused, with the closest id. */
    private void checkModel(String id) {
        if (store.models().find(id).isEmpty()) {
            List<String> ids = store.models().list().stream().map(Model::id).toList();
            throw new VigilNotFoundException(
                    "model '" + id + "' does not exist (" + Suggest.didYouMean(id, ids) + "vigil models lists them)");
        }
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
            n.put("kind", d.kind());
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
