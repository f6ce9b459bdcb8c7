package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monitors end to end: four days of serving data in PostgreSQL with drift on day 3, missing amounts in two hours, a
 * thin hour and an evening of low activity; the alerts after a run must be exactly those numpy finds (absolute,
 * percentage, anomaly, training and segment detection, a custom expression, a precondition), the model found
 * stale on a
 * scheduler tick
 * ({@code src/test/python/make_monitor_expected.py}). Notifications reach a real local HTTP receiver (a webhook
 * that answers 500 first, then 200; a Slack-style receiver) and GreenMail over SMTP.
 */
class MonitorIT extends AbstractServerIT {
    private final JsonNode expected = ItSupport.json("monitors/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end = start.plus(Duration.ofDays(expected.path("days").asInt()));
    private TestDatabase.Credentials reader;
    private HttpServer receiver;
    private GreenMail mail;
    private final List<String> hook = Collections.synchronizedList(new ArrayList<>());
    private final List<String> slack = Collections.synchronizedList(new ArrayList<>());
    private final List<String> grouped = Collections.synchronizedList(new ArrayList<>());
    /** PagerDuty's events: drift-watch's alert is triggered, then resolved by day 4's clean window. */
    private final List<String> pagerDuty = Collections.synchronizedList(new ArrayList<>());

    private final List<String> missing = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger hookCalls = new AtomicInteger();

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        reader = ItSupport.loadShop(db);
    }

    /** The receivers start before the server, whose notifications go to them. */
    @Override
    protected ServerConfig configure(ServerConfig config) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receive("/hook", hook, () -> hookCalls.incrementAndGet() == 1 ? 500 : 200); // down once, then up
        receive("/slack", slack, () -> 200);
        receive("/missing", missing, () -> 200);
        receive("/grouped", grouped, () -> 200);
        receive("/v2/enqueue", pagerDuty, () -> 202);
        receiver.start();
        closeAfterClass(() -> receiver.stop(0));
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        closeAfterClass(mail::stop);
        // The receivers listen on 127.0.0.1, an internal address: allowed, as an operator would list an internal
        // host. The made-up hosts of actionUrlsAreUsedButNeverReturned resolve nowhere: listed by name too.
        return config.withNotifications(NotifySettings.defaults()
                .withSmtp("127.0.0.1", mail.getSmtp().getPort(), "vigil@example.test")
                .withRetries(4, Duration.ofMillis(300))
                .withAllowHosts(AllowedHosts.parse("127.0.0.1, hooks.slack.test, a.test, b.test")));
    }

    /** Keeps each request's body in {@code bodies} and answers {@code status}. */
    private void receive(String path, List<String> bodies, IntSupplier status) {
        receiver.createContext(path, exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(exchange, status.getAsInt());
        });
    }

    @BeforeAll
    void runAndEvaluate() throws Exception {
        ItSupport.createShop(vigil(), db(), reader);
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String monitors =
                """
                - name: drift-watch
                  type: data_drift
                  fields: [amount]
                  focal: {window: 1d}
                  detection: {method: training, threshold: 0.2}
                  severity: high
                  actions:
                    - {type: webhook, url: "%1$s/hook"}
                    - {type: slack, url: "%1$s/slack"}
                    - {type: email, to: [oncall@example.test]}
                    - {type: pagerduty, url: "%1$s/v2/enqueue", key: "0123456789abcdef0123456789abcdef"}
                - name: missing-amount
                  type: missing_values
                  fields: [amount]
                  detection: {method: absolute, max: 0.2}
                  preconditions: {min_focal_rows: 10}
                  actions: [{type: webhook, url: "%1$s/missing"}]
                - name: rows-low
                  type: model_activity
                  detection: {method: absolute, min: 25}
                  actions: [{type: webhook, url: "%1$s/grouped"}]
                - name: activity
                  type: model_activity
                  detection: {method: anomaly, k: 3, min_history: 5, baseline_windows: 24}
                  severity: low
                - name: custom
                  type: custom_metric
                  expression: missing_ratio(amount) + new_value_ratio(owner)
                  focal: {window: 1d}
                  detection: {method: absolute, max: 0.3}
                - name: volume
                  type: model_activity
                  detection: {method: percentage, threshold: 0.5, baseline_windows: 3}
                - name: stale
                  type: model_staleness
                  detection: {method: absolute, max: 24}
                - name: new-owners
                  type: new_values
                  fields: [owner]
                  focal: {window: 1d}
                  detection: {method: training, threshold: 0.2}
                - name: out-of-range
                  type: values_range
                  fields: [amount]
                  focal: {window: 1d}
                  detection: {method: training, threshold: 0.2}
                - name: score-drift
                  type: prediction_drift
                  focal: {window: 1d}
                  detection: {method: training, threshold: 0.2}
                - name: segment-missing
                  type: missing_values
                  fields: [amount]
                  focal: {window: 1d}
                  detection: {method: segment, threshold: 0.2}
                  preconditions: {min_focal_rows: 50}
                """
                        .formatted(base);
        for (JsonNode m : SpecCodec.parseYaml(monitors, "monitors.yaml")) {
            vigil().version("shop", "v1").createMonitor(m.toString()); // JSON is YAML
        }
        run("training", null, null);
        // The first three days (drift on the third): each run evaluates the monitors over what it stored.
        Instant dayFour = start.plus(Duration.ofDays(3));
        run("serving", start, dayFour);
        // Wait for the notifications (the webhook is retried once) before day 4 resolves the drift alert.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
                && (hook.size() < 2 || slack.isEmpty() || grouped.size() < 3 || pagerDuty.isEmpty())) {
            Thread.sleep(100);
        }
        mail.waitForIncomingEmail(10_000, 1);
        run("serving", dayFour, end);
        while (System.nanoTime() < deadline
                && (grouped.size() < expected.path("days").asInt() || pagerDuty.size() < 2)) {
            Thread.sleep(100);
        }
    }

    private void run(String dataset, Instant from, Instant to) throws InterruptedException {
        runToSuccess("shop", "v1", dataset, from, to);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
        byte[] body = (status == 200 ? "ok" : "receiver down").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private List<JsonNode> alerts() {
        List<JsonNode> out = new ArrayList<>();
        vigil().alerts(Map.of("model", "shop")).forEach(out::add);
        return out;
    }

    private static String key(JsonNode a) {
        return a.path("monitor").asText() + "|"
                + (a.path("field").isNull() ? "" : a.path("field").asText()) + "|"
                + a.path("window_start").asText() + "|" + a.path("segment").asText("");
    }

    @Test
    void theAlertsAreExactlyTheWindowsNumpyFinds() {
        Map<String, JsonNode> got = new HashMap<>();
        for (JsonNode a : alerts()) {
            if (!a.path("monitor").asText().equals("stale")) { // raised by the scheduler's tick (below)
                assertThat(got.put(key(a), a))
                        .as("one alert per monitor, field and window")
                        .isNull();
            }
        }
        Map<String, JsonNode> want = new HashMap<>();
        expected.path("alerts").forEach(a -> want.put(key(a), a));
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (Map.Entry<String, JsonNode> e : want.entrySet()) {
            JsonNode a = got.get(e.getKey());
            // drift and out-of-range ratios come from quantile sketches (METRICS.md's tolerance); the rest are exact
            double tolerance =
                    e.getKey().startsWith("drift-watch") || e.getKey().startsWith("out-of-range") ? 0.02 : 1e-9;
            assertThat(a.path("value").asDouble())
                    .as("value of %s", e.getKey())
                    .isCloseTo(e.getValue().path("value").asDouble(), org.assertj.core.data.Offset.offset(tolerance));
            assertThat(a.path("threshold").asDouble())
                    .as("threshold of %s", e.getKey())
                    .isCloseTo(e.getValue().path("threshold").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.path("window_end").asText())
                    .isEqualTo(e.getValue().path("window_end").asText());
            assertThat(a.path("model").asText()).isEqualTo("shop");
            assertThat(a.path("version").asText()).isEqualTo("v1");
            assertThat(a.path("reason").asText()).isNotBlank();
        }
        assertThat(got.keySet())
                .as("the thin hour's missing ratio is 1/3, but it has 3 rows and the monitor needs 10")
                .doesNotContain("missing-amount|amount|2026-03-11T15:00:00Z|");
        assertThat(got.get("drift-watch|amount|2026-03-12T00:00:00Z|")
                        .path("severity")
                        .asText())
                .isEqualTo("high");
    }

    @Test
    void alertsResolveWhenTheConditionClearsAndPeopleAcknowledgeOrResolveThem() {
        Map<String, JsonNode> got = new HashMap<>();
        alerts().forEach(a -> got.put(key(a), a));
        // day 4 is not drifted, hour 12 of day 2 has its amounts: those alerts resolved themselves
        JsonNode drift = got.get("drift-watch|amount|2026-03-12T00:00:00Z|");
        assertThat(drift.path("status").asText()).isEqualTo("resolved");
        assertThat(drift.path("resolved_at").isNull()).isFalse();
        assertThat(got.get("missing-amount|amount|2026-03-11T10:00:00Z|")
                        .path("status")
                        .asText())
                .isEqualTo("resolved");
        assertThatThrownBy(() -> vigil().acknowledgeAlert(got.get("activity||2026-03-13T22:00:00Z|")
                        .path("id")
                        .asText()))
                .as("resolved when hour 23 was clean: it cannot be acknowledged")
                .hasMessageContaining("is resolved already");
        // the last hour of rows-low is still open
        String id = got.get("rows-low||2026-03-13T23:00:00Z|").path("id").asText();
        assertThat(vigil().acknowledgeAlert(id).path("status").asText()).isEqualTo("acknowledged");
        assertThat(vigil().resolveAlert(id).path("status").asText()).isEqualTo("resolved");
        assertThat(vigil().alerts(Map.of("model", "shop", "status", "open")))
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.path("status").asText()).isEqualTo("open"));
        assertThatThrownBy(() -> vigil().alerts(Map.of("status", "closed")))
                .hasMessageContaining("status: unknown value 'closed' (expected open, acknowledged or resolved)");
    }

    @Test
    void sinceListsWhatFiredFromAWindowOnWhateverItsStatus() {
        Instant dayThree = start.plus(Duration.ofDays(2));
        Set<String> want = new HashSet<>();
        expected.path("alerts").forEach(a -> {
            if (!Instant.parse(a.path("window_start").asText()).isBefore(dayThree)) {
                want.add(key(a));
            }
        });
        Set<String> got = new HashSet<>();
        vigil().alerts(Map.of("model", "shop", "since", dayThree.toString())).forEach(a -> {
            if (!a.path("monitor").asText().equals("stale")) { // raised by the scheduler's tick
                got.add(key(a));
            }
        });
        assertThat(got).isEqualTo(want).isNotEmpty();
        assertThat(want.size()).isLessThan(expected.path("alerts").size());
        assertThat(vigil().alerts(Map.of("model", "shop", "since", end.toString())))
                .allSatisfy(a -> assertThat(a.path("monitor").asText()).isEqualTo("stale"));
        assertThatThrownBy(() -> vigil().alerts(Map.of("since", "yesterday")))
                .hasMessage("since: 'yesterday' is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)");
    }

    @Test
    void alertsOfAMisspeltModelAreRefusedWithTheClosestId() {
        int before = alerts().size();
        assertThatThrownBy(() -> vigil().alerts(Map.of("model", "shoop", "status", "open")))
                .isInstanceOf(dev.vigil.core.VigilNotFoundException.class)
                .hasMessage("model 'shoop' does not exist (did you mean 'shop'? vigil models lists them)");
        assertThatThrownBy(() -> vigil().alerts(Map.of("model", "elsewhere")))
                .hasMessage("model 'elsewhere' does not exist (vigil models lists them)");
        assertThat(alerts()).hasSize(before);
    }

    @Test
    void theSchedulersTickFindsTheModelStale() {
        server().tick();
        Instant now = Instant.now();
        List<JsonNode> stale = alerts().stream()
                .filter(a -> a.path("monitor").asText().equals("stale"))
                .toList();
        assertThat(stale).hasSize(1);
        double hours = Duration.between(end, now).toSeconds() / 3600.0;
        assertThat(stale.get(0).path("metric").asText()).isEqualTo("hours_since_last_row");
        assertThat(stale.get(0).path("value").asDouble())
                .as("hours since the last hour with rows, %s", end)
                .isCloseTo(hours, org.assertj.core.data.Offset.offset(0.1));
        assertThat(stale.get(0).path("threshold").asDouble()).isEqualTo(24.0);
        server().tick();
        assertThat(alerts().stream().filter(a -> a.path("monitor").asText().equals("stale")))
                .as("the same hour, the same alert")
                .hasSize(1);
    }

    @Test
    void evaluatingAgainRaisesNothingTwice() throws Exception {
        Set<String> before = new HashSet<>();
        alerts().stream()
                .filter(a -> !a.path("monitor").asText().equals("stale"))
                .forEach(a -> before.add(a.path("id").asText()));
        int hooks = hook.size();
        JsonNode summary = vigil().evaluateMonitors("shop", "v1", start, end);
        assertThat(summary.path("created").asInt()).isZero();
        assertThat(summary.path("fired").asInt())
                .isEqualTo(expected.path("alerts").size());
        Set<String> after = new HashSet<>();
        alerts().stream()
                .filter(a -> !a.path("monitor").asText().equals("stale"))
                .forEach(a -> after.add(a.path("id").asText()));
        assertThat(after).isEqualTo(before);
        Thread.sleep(1500);
        assertThat(hook).hasSize(hooks);
    }

    @Test
    void notificationsReachTheWebhookSlackAndMailOnceAGroupWithEveryAttemptRecorded() throws Exception {
        assertThat(hook).as("500, then 200 on the retry").hasSize(2);
        JsonNode payload = SpecCodec.json().readTree(hook.get(1));
        assertThat(payload.path("monitor").asText()).isEqualTo("drift-watch");
        assertThat(payload.path("field").asText()).isEqualTo("amount");
        assertThat(payload.path("window_start").asText()).isEqualTo("2026-03-12T00:00:00Z");
        assertThat(payload.path("severity").asText()).isEqualTo("high");
        assertThat(payload.path("dashboard_url").asText()).isEqualTo(server().url() + "/alerts?model=shop");
        String deliveryId = payload.path("delivery_id").asText();
        assertThat(deliveryId).startsWith("dlv_");
        assertThat(SpecCodec.json().readTree(hook.get(0)).path("delivery_id").asText())
                .as("the retry carries the first attempt's delivery_id: a receiver can drop a repeat")
                .isEqualTo(deliveryId);
        assertThat(SpecCodec.json().readTree(slack.get(0)).path("text").asText())
                .startsWith("*[HIGH] drift-watch on shop/v1 amount*\ndrift_score ");
        MimeMessage[] messages = mail.getReceivedMessages();
        assertThat(messages).hasSize(1);
        assertThat(messages[0].getSubject()).isEqualTo("[HIGH] drift-watch on shop/v1 amount");
        assertThat(messages[0].getAllRecipients()[0].toString()).isEqualTo("oncall@example.test");
        assertThat(grouped)
                .as("rows-low fires every hour; its alerts of one day are one notification group")
                .hasSize(expected.path("days").asInt());
        assertThat(missing)
                .as("each day's first missing-amount alert cleared in the hour after, in the same evaluation")
                .isEmpty();
        JsonNode cleared = alerts().stream()
                .filter(a -> key(a).equals("missing-amount|amount|2026-03-11T10:00:00Z|"))
                .findFirst()
                .orElseThrow();
        JsonNode skipped =
                vigil().alert(cleared.path("id").asText()).path("notifications").get(0);
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("outcomes").get(0).asText())
                .isEqualTo("not sent: the alert was resolved in the same evaluation (a later window was clean)");
        String driftId = payload.path("id").asText();
        JsonNode alert = vigil().alert(driftId);
        JsonNode webhook = alert.path("notifications").get(0);
        assertThat(webhook.path("channel").asText()).isEqualTo("webhook");
        assertThat(webhook.path("status").asText()).isEqualTo("delivered");
        assertThat(webhook.path("outcomes").get(0).asText())
                .as("neither the receiver's body (\"receiver down\") nor its status is shown: a webhook cannot read"
                        + " another service or tell which ports answer (F9)")
                .isEqualTo("delivery failed (reference " + deliveryId + "#1; the server log has the detail)");
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .as("the server log keeps the status under the reference")
                .contains("(reference " + deliveryId + "#1, attempt 1 of 4): to 127.0.0.1: HTTP 500;");
        assertThat(webhook.path("outcomes").get(1).asText()).isEqualTo("delivered");
        assertThat(alert.path("notifications").get(2).path("outcomes").get(0).asText())
                .isEqualTo("sent to oncall@example.test");
    }

    /**
     * Day 4's clean window resolves drift-watch's alert in the evaluator, which queues PagerDuty's resolve with the
     * trigger's dedup key (decision 0023); the webhook, Slack and e-mail got one notification each (above).
     */
    @Test
    void aCleanWindowResolvesThePagerDutyIncidentItTriggered() throws Exception {
        assertThat(pagerDuty).hasSize(2);
        JsonNode trigger = SpecCodec.json().readTree(pagerDuty.get(0));
        JsonNode resolve = SpecCodec.json().readTree(pagerDuty.get(1));
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        String driftId = trigger.path("dedup_key").asText();
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(driftId);
        assertThat(trigger.path("payload").path("group").asText()).isEqualTo("drift-watch");
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
        JsonNode alert = vigil().alert(driftId);
        assertThat(alert.path("status").asText()).isEqualTo("resolved");
        JsonNode notifications = alert.path("notifications");
        assertThat(notifications).hasSize(5);
        for (int i = 0; i < 4; i++) {
            assertThat(notifications.get(i).path("kind").asText()).isEqualTo("open");
        }
        JsonNode resolved = notifications.get(4);
        assertThat(resolved.path("channel").asText()).isEqualTo("pagerduty");
        assertThat(resolved.path("action").asInt()).isEqualTo(3);
        assertThat(resolved.path("kind").asText()).isEqualTo("resolve");
        assertThat(resolved.path("status").asText()).isEqualTo("delivered");
        assertThat(resolved.path("outcomes").get(0).asText()).isEqualTo("delivered (resolve)");
    }

    @Test
    void actionUrlsAreUsedButNeverReturned() throws Exception {
        // The notifications test shows the stored (encrypted) URLs are used; here, no answer gives them back.
        JsonNode listed = vigil().monitors("shop", "v1");
        assertThat(listed.toString())
                .doesNotContain("/hook")
                .doesNotContain("/slack")
                .doesNotContain("\"url\"");
        JsonNode drift = null;
        for (JsonNode m : listed) {
            if (m.path("name").asText().equals("drift-watch")) {
                drift = m;
            }
        }
        assertThat(drift).isNotNull();
        JsonNode actions = drift.path("actions");
        assertThat(actions.get(0).path("type").asText()).isEqualTo("webhook");
        assertThat(actions.get(0).path("url_set").asBoolean()).isTrue();
        assertThat(actions.get(0).path("url_host").asText()).isEqualTo("127.0.0.1");
        assertThat(actions.get(2).has("url_set")).as("e-mail has no URL").isFalse();
        assertThat(actions.get(2).path("to").get(0).asText()).isEqualTo("oncall@example.test");
        // What GET shows can be PUT back: the stored URLs are kept, so nothing changes.
        java.net.http.HttpResponse<String> putBack = putMonitor("drift-watch", drift.toString());
        assertThat(putBack.statusCode()).as(putBack.body()).isEqualTo(200);
        assertThat(SpecCodec.json().readTree(putBack.body()).path("change").asText())
                .as("the stored URLs were kept")
                .isEqualTo("unchanged");
        String spec = "{name: url-check, type: model_activity, detection: {method: absolute, min: 1},"
                + " actions: [{type: slack, url: \"https://hooks.slack.test/services/T0/B0/secret\"}]}";
        try {
            JsonNode put = vigil().version("shop", "v1").createMonitor(spec);
            assertThat(put.toString()).doesNotContain("secret").contains("hooks.slack.test");
            assertThat(put.path("change").asText()).isEqualTo("created");
            assertThat(vigil().version("shop", "v1")
                            .createMonitor(spec)
                            .path("change")
                            .asText())
                    .as("the same URL again is no change")
                    .isEqualTo("unchanged");
            // Kept URLs follow their action by type and host, not by position: reordered, each keeps its own.
            vigil().version("shop", "v1")
                    .createMonitor("{name: url-check, type: model_activity, detection: {method: absolute, min: 1},"
                            + " actions: [{type: webhook, url: \"https://a.test/h\"}, {type: webhook, url:"
                            + " \"https://b.test/h\"}]}");
            ObjectNode shown = (ObjectNode) monitorNamed("url-check");
            com.fasterxml.jackson.databind.node.ArrayNode reversed = shown.putArray("actions");
            reversed.add(monitorNamed("url-check").path("actions").get(1));
            reversed.add(monitorNamed("url-check").path("actions").get(0));
            assertThat(putMonitor("url-check", shown.toString()).statusCode()).isEqualTo(200);
            assertThat(monitorNamed("url-check").path("actions"))
                    .extracting(a -> a.path("url_host").asText())
                    .containsExactly("b.test", "a.test");
            // Two stored actions of one type and host: which URL is meant cannot be told, so it must be given.
            vigil().version("shop", "v1")
                    .createMonitor("{name: url-check, type: model_activity, detection: {method: absolute, min: 1},"
                            + " actions: [{type: webhook, url: \"https://a.test/one\"}, {type: webhook, url:"
                            + " \"https://a.test/two\"}]}");
            java.net.http.HttpResponse<String> ambiguous =
                    putMonitor("url-check", monitorNamed("url-check").toString());
            assertThat(ambiguous.statusCode()).isEqualTo(400);
            assertThat(ambiguous.body()).contains("actions[0].url: is required for a webhook action");
        } finally {
            vigil().deleteMonitor("shop", "v1", "url-check"); // the other tests count this version's alerts
        }
    }

    private JsonNode monitorNamed(String name) {
        for (JsonNode m : vigil().monitors("shop", "v1")) {
            if (m.path("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no monitor " + name);
    }

    private java.net.http.HttpResponse<String> putMonitor(String name, String json) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        server().url() + "/api/v1/models/shop/versions/v1/monitors/" + name))
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMalformedMonitorIsRefusedWithAMessageNamingIt() throws Exception {
        String[][] cases = {
            {
                "{\"type\": \"drift\", \"detection\": {\"method\": \"training\", \"threshold\": 0.1}}",
                "monitor.type: unknown monitor type 'drift'"
            },
            {
                "{\"type\": \"data_drift\", \"detection\": {\"method\": \"training\"}}",
                "monitor.detection.threshold: is required for training detection"
            },
            {
                "{\"type\": \"custom_metric\", \"expression\": \"mean(amount\", \"detection\": {\"method\":"
                        + " \"absolute\", \"max\": 1}}",
                "monitor.expression: expected ')' at the end of 'mean(amount'"
            },
            {
                "{\"type\": \"metric_change\", \"fields\": [\"amount\"], \"metric\": \"meen\", \"detection\":"
                        + " {\"method\": \"anomaly\"}}",
                "monitor.metric: 'meen' is not a metric a metric_change monitor of amount can watch (docs/metrics.md);"
                        + " expected one of count, distinct_count, invalid_count, max, mean,"
            },
            {
                "{\"type\": \"performance_degradation\", \"metric\": \"acuracy\", \"detection\": {\"method\":"
                        + " \"training\", \"threshold\": 0.1}}",
                "monitor.metric: 'acuracy' is not a metric a performance_degradation monitor"
            }
        };
        for (String[] c : cases) {
            java.net.http.HttpResponse<String> response = putMonitor("bad", c[0]);
            assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(SpecCodec.json()
                            .readTree(response.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .contains(c[1]);
        }
        assertThat(vigil().monitors("shop", "v1"))
                .extracting(m -> m.path("name").asText())
                .doesNotContain("bad");
    }
}
