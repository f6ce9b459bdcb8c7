package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.Alert;
import dev.vigil.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PagerDuty, Opsgenie and Teams actions through the REST API and the SDK (issue 17 item 4): the key is accepted, never
 * shown (not by the PUT's answer, GET, the alert, nor the log), kept when what GET showed is PUT back, and used by the
 * delivery; a bad key or an internal URL is refused in one sentence and nothing is stored.
 */
class OnCallActionsIT extends AbstractServerIT {
    private static final String PD_KEY = "0123456789abcdefPDSECRET01234567";
    private static final String GENIE_KEY = "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d";

    private HttpServer allowed;
    private final List<String> hits = Collections.synchronizedList(new ArrayList<>());
    private final List<String> auth = Collections.synchronizedList(new ArrayList<>());
    private ModelVersion version;

    @Override
    protected void createSource(TestDatabase db) {
        // no source: monitors are PUT on a version, and alerts raised in the metastore as an evaluation raises them
    }

    /** A receiver on 127.0.0.2, which the server's allowlist names. */
    @Override
    protected ServerConfig configure(ServerConfig config) throws Exception {
        allowed = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        allowed.createContext("/", exchange -> {
            hits.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        allowed.start();
        closeAfterClass(() -> allowed.stop(0));
        return config.withNotifications(config.notifications().withAllowHosts(AllowedHosts.parse("127.0.0.2")));
    }

    @BeforeAll
    void createVersion() {
        vigil().createModel("shop", "Shop");
        version = new ModelVersion(
                "shop",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build());
        vigil().apply(version);
    }

    private String base() {
        return "http://127.0.0.2:" + allowed.getAddress().getPort();
    }

    private static String monitor(String action) {
        return "{\"type\": \"model_activity\", \"detection\": {\"method\": \"absolute\", \"min\": 1}, \"actions\": ["
                + action + "]}";
    }

    private HttpResponse<String> put(String name, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(server().url() + "/api/v1/models/shop/versions/v1/monitors/" + name))
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode stored(String name) {
        for (JsonNode m : vigil().monitors("shop", "v1")) {
            if (m.path("name").asText().equals(name)) {
                return m;
            }
        }
        return null;
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return SpecCodec.json().readTree(r.body()).path("error").path("message").asText();
    }

    @Test
    void aPagerDutyKeyIsNeverShownIsKeptWhenGetIsPutBackAndIsDelivered() throws Exception {
        HttpResponse<String> r = put(
                "pd",
                monitor("{\"type\": \"pagerduty\", \"url\": \"" + base() + "/v2/enqueue\", \"key\": \"" + PD_KEY
                        + "\"}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(PD_KEY);
        JsonNode action = SpecCodec.json().readTree(r.body()).path("actions").get(0);
        assertThat(action.path("key_set").asBoolean()).isTrue();
        assertThat(action.has("key")).isFalse();
        assertThat(action.path("url_host").asText()).isEqualTo("127.0.0.2");

        JsonNode shown = stored("pd");
        assertThat(shown.toString()).doesNotContain(PD_KEY).doesNotContain("PDSECRET");
        assertThat(shown.path("actions").get(0).path("key_set").asBoolean()).isTrue();
        HttpResponse<String> back = put("pd", shown.toString());
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(SpecCodec.json().readTree(back.body()).path("change").asText())
                .as("the key and the URL are kept as they were")
                .isEqualTo("unchanged");

        String alertId = raise("pd", "pagerduty", "2026-03-01T00:00:00Z");
        JsonNode delivery = firstAttempt(alertId);
        assertThat(delivery.path("outcomes").get(0).asText()).isEqualTo("delivered (trigger)");
        JsonNode event = SpecCodec.json().readTree(hits.get(hits.size() - 1));
        assertThat(event.path("routing_key").asText()).isEqualTo(PD_KEY);
        assertThat(event.path("dedup_key").asText()).isEqualTo(alertId);
        assertThat(event.path("payload").path("severity").asText()).as("medium").isEqualTo("error");
        assertThat(event.path("links").get(0).path("href").asText()).isEqualTo(server().url() + "/alerts?model=shop");
        assertThat(SpecCodec.json().writeValueAsString(vigil().alert(alertId))).doesNotContain(PD_KEY);
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .doesNotContain(PD_KEY);
    }

    /** Resolving the alert through the API sends PagerDuty's resolve, with the trigger's dedup key (decision 0023). */
    @Test
    void resolvingThroughTheApiResolvesThePagerDutyIncident() throws Exception {
        HttpResponse<String> r = put(
                "pdresolve",
                monitor("{\"type\": \"pagerduty\", \"url\": \"" + base() + "/v2/enqueue\", \"key\": \"" + PD_KEY
                        + "\"}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String alertId = raise("pdresolve", "pagerduty", "2026-03-03T00:00:00Z");
        assertThat(firstAttempt(alertId).path("outcomes").get(0).asText()).isEqualTo("delivered (trigger)");

        assertThat(vigil().resolveAlert(alertId).path("status").asText()).isEqualTo("resolved");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode notifications = vigil().alert(alertId).path("notifications");
        while (notifications.size() < 2 || notifications.get(1).path("attempts").asInt() < 1) {
            assertThat(System.nanoTime()).as("a resolve attempted within 30 s").isLessThan(deadline);
            Thread.sleep(100);
            notifications = vigil().alert(alertId).path("notifications");
        }
        assertThat(notifications).hasSize(2);
        assertThat(notifications.get(0).path("kind").asText()).isEqualTo("open");
        assertThat(notifications.get(1).path("kind").asText()).isEqualTo("resolve");
        assertThat(notifications.get(1).path("channel").asText()).isEqualTo("pagerduty");
        assertThat(notifications.get(1).path("outcomes").get(0).asText()).isEqualTo("delivered (resolve)");
        List<JsonNode> events = new ArrayList<>();
        for (String hit : List.copyOf(hits)) {
            JsonNode event = SpecCodec.json().readTree(hit);
            if (event.path("dedup_key").asText().equals(alertId)) {
                events.add(event);
            }
        }
        assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(events).extracting(e -> e.path("routing_key").asText()).containsOnly(PD_KEY);
        assertThat(SpecCodec.json().writeValueAsString(vigil().alert(alertId))).doesNotContain(PD_KEY);
    }

    @Test
    void theSdkDeclaresAnOpsgenieAndATeamsAction() throws Exception {
        JsonNode answer = vigil().putMonitor(
                        "shop",
                        "v1",
                        MonitorCodec.read(
                                SpecCodec.json()
                                        .readTree("{\"name\": \"sdk\", \"type\": \"model_activity\", \"detection\":"
                                                + " {\"method\": \"absolute\", \"min\": 1}, \"actions\": [{\"type\":"
                                                + " \"opsgenie\", \"url\": \"" + base() + "\", \"key\": \""
                                                + GENIE_KEY + "\"}, {\"type\": \"teams\", \"url\": \"" + base()
                                                + "/workflows/x\"}]}"),
                                "monitor",
                                version));
        assertThat(answer.toString()).doesNotContain(GENIE_KEY).doesNotContain("/workflows/x");
        assertThat(answer.path("actions").get(0).path("key_set").asBoolean()).isTrue();
        assertThat(answer.path("actions").get(1).path("url_set").asBoolean()).isTrue();
        assertThat(answer.path("actions").get(1).has("key_set")).isFalse();
        String alertId = raise("sdk", "opsgenie", "2026-03-02T00:00:00Z");
        assertThat(firstAttempt(alertId).path("outcomes").get(0).asText()).isEqualTo("delivered (create)");
        assertThat(auth).contains("GenieKey " + GENIE_KEY);
    }

    @Test
    void aBadKeyOrAnInternalUrlIsRefusedInOneSentenceAndNothingIsStored() throws Exception {
        String hidden = " (the value is not shown: it is a secret)";
        String[][] cases = {
            {
                "{\"type\": \"pagerduty\", \"url\": \"" + base() + "\", \"key\": \"PDSECRET-too-short\"}",
                "monitor.actions[0].key: expected a PagerDuty integration key of 32 letters and digits, got 18"
                        + " characters" + hidden
            },
            {
                "{\"type\": \"opsgenie\", \"url\": \"" + base() + "\", \"key\": \"GENIESECRET\"}",
                "monitor.actions[0].key: expected an Opsgenie API key, a UUID such as"
                        + " 00000000-0000-0000-0000-000000000000" + hidden
            },
            {
                "{\"type\": \"opsgenie\", \"url\": \"" + base() + "\"}",
                "monitor.actions[0].key: is required for an opsgenie action (the API key of an Opsgenie API"
                        + " integration)"
            },
            {
                "{\"type\": \"teams\", \"url\": \"http://127.0.0.1:1/workflows/x\"}",
                "monitor.actions[0].url: host 127.0.0.1 is a loopback address; Vigil does not send notifications"
                        + " to internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it"
            },
            {
                "{\"type\": \"pagerduty\", \"url\": \"http://10.1.2.3/v2/enqueue\", \"key\": \"" + PD_KEY + "\"}",
                "monitor.actions[0].url: host 10.1.2.3 is a private address (RFC 1918); Vigil does not send"
                        + " notifications to internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it"
            },
        };
        int before = hits.size();
        for (String[] c : cases) {
            HttpResponse<String> r = put("refused", monitor(c[0]));
            assertThat(r.statusCode()).as(c[0] + ": " + r.body()).isEqualTo(400);
            assertThat(message(r)).as(c[0]).isEqualTo(c[1]);
            assertThat(r.body()).doesNotContain("SECRET").doesNotContain(PD_KEY);
        }
        assertThat(stored("refused")).as("nothing stored").isNull();
        assertThat(hits).hasSize(before);
    }

    /** Raises an alert of {@code monitor} with one delivery by {@code channel} due now, as an evaluation would. */
    private String raise(String monitor, String channel, String windowStart) {
        Instant start = Instant.parse(windowStart);
        Alert draft = new Alert(
                null,
                "shop",
                "v1",
                monitor,
                "",
                "",
                start,
                start.plus(Duration.ofHours(1)),
                "row_count",
                0.0,
                1.0,
                null,
                "medium",
                Alert.Status.OPEN,
                "row_count 0 is below 1",
                null,
                null,
                null);
        return server().metastore()
                .alerts()
                .raise(draft, List.of(channel), Instant.EPOCH)
                .alert()
                .id();
    }

    /** The alert's first notification once it has had an attempt (the notifier polls every second). */
    private JsonNode firstAttempt(String alertId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode n = vigil().alert(alertId).path("notifications").get(0);
            if (n != null && n.path("attempts").asInt() >= 1) {
                return n;
            }
            assertThat(System.nanoTime()).as("an attempt within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
