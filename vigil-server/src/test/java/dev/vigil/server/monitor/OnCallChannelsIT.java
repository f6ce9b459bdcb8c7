package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.server.AllowedHosts;
import dev.vigil.server.NotifySettings;
import dev.vigil.server.monitor.RecordingReceiver.Request;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PagerDuty, Opsgenie and Teams channels (issue 17 item 4, decision 0023) against a real HTTP receiver on 127.0.0.1,
 * which records each request as the service would get it. The expected bodies are written out here from the
 * services' documentation, not built by the code under test; and through the notifier with a real metastore, a
 * failing receiver is retried as every channel is, with the integration key in no log line.
 */
class OnCallChannelsIT {
    private static final String PD_KEY = "0123456789abcdefPDSECRET01234567";
    private static final String GENIE_KEY = "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d";
    private static final String LINK = "https://vigil.example.com/alerts?model=shop";
    /** PagerDuty Events API v2: the event's documented fields, and its payload's. */
    private static final Set<String> PD_EVENT =
            Set.of("routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url");

    private static final Set<String> PD_PAYLOAD =
            Set.of("summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details");
    /** Opsgenie's create alert request: its documented fields. */
    private static final Set<String> GENIE_CREATE = Set.of(
            "message",
            "alias",
            "description",
            "responders",
            "visibleTo",
            "actions",
            "tags",
            "details",
            "entity",
            "source",
            "priority",
            "user",
            "note");

    private RecordingReceiver receiver;
    private List<Request> requests;
    /** The statuses the receiver answers, in turn; 202 once they are used up. */
    private Queue<Integer> statuses;

    private Metastore store;
    private Notifier notifier;

    @BeforeEach
    void start(@TempDir Path dataDir) throws Exception {
        receiver = new RecordingReceiver();
        requests = receiver.requests();
        statuses = receiver.statuses();
        store = Metastore.openDefault(dataDir, Map.of(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.close();
        }
        receiver.close();
        store.close();
    }

    private String base() {
        return receiver.base();
    }

    private static WebhookChannel webhook() {
        return new WebhookChannel(new Destinations(AllowedHosts.parse("127.0.0.1")));
    }

    private static final Instant CREATED = Instant.parse("2026-03-01T01:05:00Z");
    private static final Instant RESOLVED = Instant.parse("2026-03-01T03:00:00Z");

    private static Alert open(String monitor) {
        return new Alert(
                "alr_test1",
                "shop",
                "v1",
                monitor,
                "amount",
                "",
                Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-03-01T01:00:00Z"),
                "mean",
                250.5,
                200.0,
                120.0,
                "high",
                Alert.Status.OPEN,
                "mean 250.5 is above 200",
                CREATED,
                CREATED,
                null);
    }

    private static Alert resolved(Alert a) {
        return new Alert(
                a.id(),
                a.modelId(),
                a.version(),
                a.monitor(),
                a.field(),
                a.segment(),
                a.windowStart(),
                a.windowEnd(),
                a.metric(),
                a.value(),
                a.threshold(),
                a.baseline(),
                a.severity(),
                Alert.Status.RESOLVED,
                a.reason(),
                a.createdAt(),
                RESOLVED,
                RESOLVED);
    }

    private static JsonNode json(String text) throws Exception {
        return SpecCodec.json().readTree(text);
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** The alert's row as {@code custom_details} carries it, with its status and times. */
    private static String row(String status, String updated, String resolvedAt) {
        return "{\"id\": \"alr_test1\", \"monitor\": \"volume\", \"model\": \"shop\", \"version\": \"v1\", \"field\":"
                + " \"amount\", \"segment\": null, \"window_start\": \"2026-03-01T00:00:00Z\", \"window_end\":"
                + " \"2026-03-01T01:00:00Z\", \"metric\": \"mean\", \"value\": 250.5, \"threshold\": 200.0, \"severity\":"
                + " \"high\", \"status\": \"" + status + "\", \"baseline\": 120.0, \"reason\": \"mean 250.5 is above"
                + " 200\", \"created_at\": \"2026-03-01T01:05:00Z\", \"updated_at\": \"" + updated + "\","
                + " \"resolved_at\": " + (resolvedAt == null ? "null" : "\"" + resolvedAt + "\"") + "}";
    }

    @Test
    void pagerDutyTriggersOnOpenAndResolvesOnResolveWithTheAlertIdAsDedupKey() throws Exception {
        Action action = new Action(Action.Type.PAGERDUTY, base() + "/v2/enqueue", List.of(), PD_KEY);
        PagerDutyChannel channel = new PagerDutyChannel(webhook());
        assertThat(channel.send(open("volume"), action, LINK, "dlv_1")).isEqualTo("delivered (trigger)");
        assertThat(channel.send(resolved(open("volume")), action, LINK, "dlv_2"))
                .isEqualTo("delivered (resolve)");

        assertThat(requests).hasSize(2);
        for (Request r : requests) {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.uri()).isEqualTo("/v2/enqueue");
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.authorization()).as("PagerDuty's key goes in the body").isNull();
            assertThat(PD_EVENT).containsAll(keys(r.json()));
            assertThat(PD_PAYLOAD).containsAll(keys(r.json().path("payload")));
        }
        assertThat(requests.get(0).json())
                .isEqualTo(json("{\"routing_key\": \"" + PD_KEY + "\", \"event_action\": \"trigger\", \"dedup_key\":"
                        + " \"alr_test1\", \"payload\": {\"summary\": \"[HIGH] volume on shop/v1 amount: mean 250.5 is"
                        + " above 200\", \"source\": \"shop/v1\", \"severity\": \"critical\", \"timestamp\":"
                        + " \"2026-03-01T01:05:00Z\", \"component\": \"amount\", \"group\": \"volume\", \"class\":"
                        + " \"mean\", \"custom_details\": " + row("open", "2026-03-01T01:05:00Z", null) + "},"
                        + " \"links\": [{\"href\": \"" + LINK + "\", \"text\": \"Open in Vigil\"}]}"));
        assertThat(requests.get(1).json())
                .isEqualTo(json("{\"routing_key\": \"" + PD_KEY + "\", \"event_action\": \"resolve\", \"dedup_key\":"
                        + " \"alr_test1\", \"payload\": {\"summary\": \"[HIGH] volume on shop/v1 amount: mean 250.5 is"
                        + " above 200\", \"source\": \"shop/v1\", \"severity\": \"critical\", \"timestamp\":"
                        + " \"2026-03-01T03:00:00Z\", \"component\": \"amount\", \"group\": \"volume\", \"class\":"
                        + " \"mean\", \"custom_details\": "
                        + row("resolved", "2026-03-01T03:00:00Z", "2026-03-01T03:00:00Z") + "}, \"links\": [{\"href\":"
                        + " \"" + LINK + "\", \"text\": \"Open in Vigil\"}]}"));
        assertThat(OnCallPayloads.pagerDutySeverity("medium")).isEqualTo("error");
        assertThat(OnCallPayloads.pagerDutySeverity("low")).isEqualTo("warning");
    }

    @Test
    void opsgenieCreatesOnOpenAndClosesByAliasOnResolveWithItsGenieKey() throws Exception {
        Action action = new Action(Action.Type.OPSGENIE, base() + "/", List.of(), GENIE_KEY);
        OpsgenieChannel channel = new OpsgenieChannel(webhook());
        assertThat(channel.send(open("volume"), action, LINK, "dlv_1")).isEqualTo("delivered (create)");
        assertThat(channel.send(resolved(open("volume")), action, LINK, "dlv_2"))
                .isEqualTo("delivered (close)");

        assertThat(requests).extracting(Request::method).containsExactly("POST", "POST");
        assertThat(requests)
                .extracting(Request::uri)
                .containsExactly("/v2/alerts", "/v2/alerts/alr_test1/close?identifierType=alias");
        assertThat(requests).extracting(Request::authorization).containsOnly("GenieKey " + GENIE_KEY);
        assertThat(requests).extracting(Request::contentType).containsOnly("application/json");
        assertThat(GENIE_CREATE).containsAll(keys(requests.get(0).json()));
        assertThat(requests.get(0).json())
                .isEqualTo(json("{\"message\": \"[HIGH] volume on shop/v1 amount\", \"alias\": \"alr_test1\","
                        + " \"description\": \"[HIGH] volume on shop/v1 amount\\n\\nmean 250.5 is above 200\\n\\nModel:"
                        + "    shop version v1\\nMonitor:  volume\\nField:    amount\\nSegment:  all rows\\nWindow:  "
                        + " 2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z\\nMetric:   mean = 250.5\\nSeverity: high\\n"
                        + "Status:   open\\n\\n" + LINK
                        + "\\n\", \"priority\": \"P1\", \"source\": \"vigil\", \"tags\":"
                        + " [\"vigil\", \"model:shop\", \"monitor:volume\", \"severity:high\"], \"details\": {\"id\":"
                        + " \"alr_test1\", \"monitor\": \"volume\", \"model\": \"shop\", \"version\": \"v1\", \"field\":"
                        + " \"amount\", \"window_start\": \"2026-03-01T00:00:00Z\", \"window_end\":"
                        + " \"2026-03-01T01:00:00Z\", \"metric\": \"mean\", \"value\": \"250.5\", \"threshold\":"
                        + " \"200.0\", \"severity\": \"high\", \"status\": \"open\", \"baseline\": \"120.0\","
                        + " \"reason\": \"mean 250.5 is above 200\", \"created_at\": \"2026-03-01T01:05:00Z\","
                        + " \"updated_at\": \"2026-03-01T01:05:00Z\", \"dashboard_url\": \"" + LINK + "\"},"
                        + " \"entity\": \"shop/v1\"}"));
        assertThat(requests.get(1).json())
                .isEqualTo(json("{\"source\": \"vigil\", \"note\": \"Resolved in Vigil at 2026-03-01T03:00:00Z: " + LINK
                        + "\"}"));
    }

    @Test
    void opsgenieMessageIsCutTo130Characters() throws Exception {
        String monitor = "m".repeat(200);
        new OpsgenieChannel(webhook())
                .send(open(monitor), new Action(Action.Type.OPSGENIE, base(), List.of(), GENIE_KEY), LINK, "dlv_1");
        String message = requests.get(0).json().path("message").asText();
        assertThat(message).hasSize(130).startsWith("[HIGH] mmm").endsWith("m…");
    }

    @Test
    void teamsGetsOneAdaptiveCardWithTheFactsAndALinkToVigil() throws Exception {
        Action action =
                new Action(Action.Type.TEAMS, base() + "/workflows/abc/triggers/manual/paths/invoke", List.of());
        assertThat(new TeamsChannel(webhook()).send(open("volume"), action, LINK, "dlv_1"))
                .isEqualTo("delivered");
        Request r = requests.get(0);
        assertThat(r.uri()).isEqualTo("/workflows/abc/triggers/manual/paths/invoke");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.json())
                .isEqualTo(json("{\"type\": \"message\", \"attachments\": [{\"contentType\":"
                        + " \"application/vnd.microsoft.card.adaptive\", \"contentUrl\": null, \"content\": {\"$schema\":"
                        + " \"http://adaptivecards.io/schemas/adaptive-card.json\", \"type\": \"AdaptiveCard\","
                        + " \"version\": \"1.4\", \"body\": [{\"type\": \"TextBlock\", \"text\": \"[HIGH] volume on"
                        + " shop/v1 amount\", \"weight\": \"Bolder\", \"size\": \"Medium\", \"wrap\": true}, {\"type\":"
                        + " \"TextBlock\", \"text\": \"mean 250.5 is above 200\", \"wrap\": true}, {\"type\":"
                        + " \"FactSet\", \"facts\": [{\"title\": \"Model\", \"value\": \"shop\"}, {\"title\":"
                        + " \"Version\", \"value\": \"v1\"}, {\"title\": \"Field\", \"value\": \"amount\"}, {\"title\":"
                        + " \"Metric\", \"value\": \"mean\"}, {\"title\": \"Value\", \"value\": \"250.5\"}, {\"title\":"
                        + " \"Threshold\", \"value\": \"200.0\"}, {\"title\": \"Window\", \"value\":"
                        + " \"2026-03-01T00:00:00Z to 2026-03-01T01:00:00Z\"}, {\"title\": \"Severity\", \"value\":"
                        + " \"high\"}, {\"title\": \"Status\", \"value\": \"open\"}]}], \"actions\": [{\"type\":"
                        + " \"Action.OpenUrl\", \"title\": \"Open in Vigil\", \"url\": \"" + LINK + "\"}]}}]}"));
    }

    @Test
    void anInternalServiceUrlIsRefusedBeforeAnyConnection() {
        Action action = new Action(Action.Type.PAGERDUTY, base() + "/v2/enqueue", List.of(), PD_KEY);
        PagerDutyChannel channel = new PagerDutyChannel(new WebhookChannel(new Destinations(AllowedHosts.none())));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> channel.send(open("volume"), action, LINK, "dlv_1")))
                .isInstanceOf(Channel.DeliveryException.class)
                .hasMessage("not sent: host 127.0.0.1 is a loopback address; Vigil does not send notifications to"
                        + " internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it");
        assertThat(requests).isEmpty();
    }

    /** Stores a monitor of shop/v1 whose one action is {@code action}, as a PUT that passed would have. */
    private void monitor(String name, String action) throws Exception {
        store.models().upsert(new Model("shop", "Shop"));
        store.versions()
                .upsert(new ModelVersion(
                        "shop",
                        "v1",
                        ModelType.BINARY,
                        AggregationPeriod.HOURLY,
                        Schema.builder()
                                .feature("amount", FieldType.numeric())
                                .prediction("score", FieldType.numeric())
                                .build()));
        ShopAlerts.monitor(store, name, action);
    }

    private List<String> awaitAttempts(String alertId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> outcomes = store.deliveries()
                    .attempts(store.deliveries().list(alertId).get(0).id());
            if (outcomes.size() >= n) {
                return outcomes;
            }
            assertThat(System.nanoTime()).as(n + " attempts within 20 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private void startNotifier() {
        NotifySettings settings = NotifySettings.defaults()
                .withRetries(4, Duration.ofMillis(200))
                .withAllowHosts(AllowedHosts.parse("127.0.0.1"));
        notifier = new Notifier(store, settings, () -> "http://vigil.test", Clock.systemUTC());
        notifier.start();
    }

    @Test
    void aFailingReceiverIsRetriedAsEveryChannelIsAndTheKeyIsInNoLog() throws Exception {
        monitor("pd", "{\"type\": \"pagerduty\", \"url\": \"" + base() + "/v2/enqueue\", \"key\": \"" + PD_KEY + "\"}");
        statuses.add(503);
        statuses.add(429); // rate limited: PagerDuty asks for another try later
        String alertId = raise("pd", "pagerduty");
        startNotifier();
        List<String> outcomes = awaitAttempts(alertId, 3);
        assertThat(outcomes.get(0))
                .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
        assertThat(outcomes.get(1))
                .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#2; the server log has the detail\\)");
        assertThat(outcomes.get(2)).isEqualTo("delivered (trigger)");
        assertThat(requests).hasSize(3);
        assertThat(requests)
                .extracting(r -> r.json().path("dedup_key").asText())
                .as("one dedup key for every attempt: PagerDuty keeps one incident")
                .containsOnly(alertId);
        assertThat(requests.get(0).json().path("routing_key").asText()).isEqualTo(PD_KEY);
        String log = Files.readString(Path.of("target/test-logs/vigil-server-tests.log"));
        String reference = outcomes.get(0)
                .substring(outcomes.get(0).indexOf("dlv_"), outcomes.get(0).indexOf(';'));
        assertThat(log).contains("(reference " + reference + ", attempt 1 of 4): to 127.0.0.1: HTTP 503");
        assertThat(log).doesNotContain(PD_KEY).doesNotContain("PDSECRET");
    }

    @Test
    void aReceiverThatRefusesTheRequestIsNotAskedAgain() throws Exception {
        monitor("pd", "{\"type\": \"pagerduty\", \"url\": \"" + base() + "/v2/enqueue\", \"key\": \"" + PD_KEY + "\"}");
        statuses.add(400); // PagerDuty: "invalid event", the same event would be refused again
        String alertId = raise("pd", "pagerduty");
        startNotifier();
        List<String> outcomes = awaitAttempts(alertId, 1);
        assertThat(outcomes.get(0))
                .matches(
                        "delivery failed; not retried \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
        Thread.sleep(1_000); // five times the first retry's delay: a retry would have come
        assertThat(store.deliveries()
                        .attempts(store.deliveries().list(alertId).get(0).id()))
                .hasSize(1);
        assertThat(requests).hasSize(1);
        assertThat(store.deliveries().list(alertId).get(0).status())
                .as("failed for good, not due again")
                .isEqualTo("FAILED");
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .contains("to 127.0.0.1: HTTP 400; not retried; giving up");
    }

    @Test
    void opsgenieThroughTheNotifierSendsItsKeyOnlyInTheHeader() throws Exception {
        monitor("og", "{\"type\": \"opsgenie\", \"url\": \"" + base() + "\", \"key\": \"" + GENIE_KEY + "\"}");
        statuses.add(500);
        String alertId = raise("og", "opsgenie");
        startNotifier();
        assertThat(awaitAttempts(alertId, 2).get(1)).isEqualTo("delivered (create)");
        assertThat(requests).extracting(Request::uri).containsExactly("/v2/alerts", "/v2/alerts");
        assertThat(requests).extracting(Request::authorization).containsOnly("GenieKey " + GENIE_KEY);
        assertThat(requests).extracting(Request::body).noneMatch(b -> b.contains(GENIE_KEY));
        assertThat(requests.get(1).json().path("alias").asText()).isEqualTo(alertId);
        assertThat(requests.get(1).json().path("priority").asText())
                .as("medium")
                .isEqualTo("P3");
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .doesNotContain(GENIE_KEY);
    }

    private String raise(String monitor, String channel) {
        return ShopAlerts.raise(store, monitor, Instant.parse("2026-03-01T00:00:00Z"), channel);
    }
}
