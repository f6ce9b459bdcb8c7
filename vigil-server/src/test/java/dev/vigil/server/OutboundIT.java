package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.Alert;
import dev.vigil.testing.TestDatabase;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * Outbound requests (issue 14 item 5, F9): a server that allows only 127.0.0.2 refuses, at PUT, every webhook or
 * Slack action whose host is or resolves to an internal address, stores nothing and sends nothing; it delivers to
 * the allowed receiver; and a stored destination that is internal by the time of delivery is not contacted. What the
 * API shows of a failed delivery is "delivery failed" and a reference; the log has the detail.
 */
class OutboundIT extends AbstractServerIT {
    private static final String WHY =
            "; Vigil does not send notifications to internal addresses unless VIGIL_NOTIFY_ALLOW_HOSTS lists it";

    private HttpServer internal;
    private HttpServer allowed;
    private final List<String> internalHits = Collections.synchronizedList(new ArrayList<>());
    private final List<String> allowedHits = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected void createSource(TestDatabase db) {
        // no source: monitors are PUT on a version, and alerts raised in the metastore as an evaluation raises them
    }

    /** A receiver on 127.0.0.1 (internal, not allowed) and one on 127.0.0.2 (internal, allowed). */
    @Override
    protected ServerConfig configure(ServerConfig config) throws Exception {
        internal = receiver("127.0.0.1", internalHits);
        allowed = receiver("127.0.0.2", allowedHits);
        return config.withNotifications(config.notifications().withAllowHosts(AllowedHosts.parse("127.0.0.2")));
    }

    private HttpServer receiver(String address, List<String> hits) throws Exception {
        HttpServer r = HttpServer.create(new InetSocketAddress(address, 0), 0);
        r.createContext("/", exchange -> {
            hits.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        r.start();
        closeAfterClass(() -> r.stop(0));
        return r;
    }

    @BeforeAll
    void createVersion() {
        vigil().createModel("shop", "Shop");
        vigil().apply(new ModelVersion(
                "shop",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build()));
    }

    private static String monitor(String type, String url) {
        return "{\"type\": \"model_activity\", \"detection\": {\"method\": \"absolute\", \"min\": 1}, \"actions\":"
                + " [{\"type\": \"" + type + "\", \"url\": \"" + url + "\"}]}";
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

    private List<String> monitorNames() {
        List<String> out = new ArrayList<>();
        vigil().monitors("shop", "v1").forEach(m -> out.add(m.path("name").asText()));
        return out;
    }

    private int healthz() throws Exception {
        return ItSupport.get(server(), TOKEN, "/healthz").statusCode();
    }

    @Test
    void anInternalDestinationIsRefusedAtPutAndNothingIsStoredOrSent() throws Exception {
        int port = internal.getAddress().getPort();
        String[][] cases = {
            {"webhook", "http://127.0.0.1:" + port + "/hook", "host 127.0.0.1 is a loopback address"},
            {"webhook", "http://169.254.169.254/latest/meta-data/", "host 169.254.169.254 is a link-local address"},
            {"webhook", "http://10.1.2.3/hook", "host 10.1.2.3 is a private address (RFC 1918)"},
            {"webhook", "http://[::1]:" + port + "/hook", "host ::1 is a loopback address"},
            {"slack", "http://localhost:" + port + "/services/T/B/x", "host localhost resolves to a loopback address"},
            {"webhook", "http://[::ffff:127.0.0.1]:" + port + "/", "host ::ffff:127.0.0.1 is a loopback address"},
            {"webhook", "http://0.0.0.0:" + port + "/", "host 0.0.0.0 is an unspecified address (0.0.0.0/8)"},
            {"webhook", "http://100.64.0.1/", "host 100.64.0.1 is a carrier-grade NAT address (100.64.0.0/10)"},
            {"slack", "https://[fd00:ec2::254]/", "host fd00:ec2::254 is a unique-local address (fc00::/7)"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = put("internal", monitor(c[0], c[1]));
            assertThat(r.statusCode()).as(c[1] + ": " + r.body()).isEqualTo(400);
            assertThat(SpecCodec.json()
                            .readTree(r.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .as(c[1])
                    .isEqualTo("monitor.actions[0].url: " + c[2] + WHY);
        }
        // java.net.URI finds no host in "127.1" (a last label must start with a letter): refused as no URL
        HttpResponse<String> shortForm = put("internal", monitor("webhook", "http://127.1:" + port + "/"));
        assertThat(shortForm.statusCode()).isEqualTo(400);
        assertThat(shortForm.body())
                .contains("monitor.actions[0].url: expected an http:// or https:// URL with a host");
        HttpResponse<String> nowhere = put("internal", monitor("webhook", "https://nowhere.invalid/hook"));
        assertThat(nowhere.statusCode()).isEqualTo(400);
        assertThat(nowhere.body())
                .contains("monitor.actions[0].url: host nowhere.invalid does not resolve to an address; Vigil sends"
                        + " notifications only to hosts whose addresses it can check");
        assertThat(monitorNames()).as("nothing stored").doesNotContain("internal");
        Thread.sleep(1500); // a notifier pass
        assertThat(internalHits).as("no request reached the internal receiver").isEmpty();
        assertThat(healthz()).isEqualTo(200);
    }

    @Test
    void anEmailRecipientThatIsNotOnePlainAddressIsRefused() throws Exception {
        String expected = " is not a single e-mail address (expected one address such as oncall@example.com, without a"
                + " display name, list or line break)";
        // each passes the spec's own "something@something" check; a line break is refused by that check already
        for (String to : List.of("<a@example.com>", "a@example.com,oncall", "team:a@example.com;")) {
            HttpResponse<String> r = put(
                    "mail",
                    "{\"type\": \"model_activity\", \"detection\": {\"method\": \"absolute\", \"min\": 1}, \"actions\":"
                            + " [{\"type\": \"email\", \"to\": [\"ok@example.com\", \"" + to + "\"]}]}");
            assertThat(r.statusCode()).as(to + ": " + r.body()).isEqualTo(400);
            assertThat(SpecCodec.json()
                            .readTree(r.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .isEqualTo("monitor.actions[0].to: '" + to + "'" + expected);
        }
        HttpResponse<String> crlf = put(
                "mail",
                "{\"type\": \"model_activity\", \"detection\": {\"method\": \"absolute\", \"min\": 1}, \"actions\":"
                        + " [{\"type\": \"email\", \"to\": \"a@example.com\\r\\nBcc: b@example.com\"}]}");
        assertThat(crlf.statusCode()).as(crlf.body()).isEqualTo(400);
        assertThat(crlf.body()).contains("monitor.actions[0].to: 'a@example.com");
        assertThat(monitorNames()).doesNotContain("mail");
    }

    @Test
    void anAllowedDestinationIsAcceptedAndDeliveredWithItsDeliveryId() throws Exception {
        String url = "http://127.0.0.2:" + allowed.getAddress().getPort() + "/hook";
        HttpResponse<String> r = put("allowed", monitor("webhook", url));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String alertId = raise("allowed", "2026-03-01T00:00:00Z");
        JsonNode delivery = firstAttempt(alertId);
        assertThat(delivery.path("status").asText()).isEqualTo("delivered");
        assertThat(delivery.path("outcomes").get(0).asText()).isEqualTo("delivered");
        assertThat(allowedHits).hasSize(1);
        JsonNode payload = SpecCodec.json().readTree(allowedHits.get(0));
        assertThat(payload.path("id").asText()).isEqualTo(alertId);
        assertThat(payload.path("delivery_id").asText()).startsWith("dlv_");
        assertThat(payload.path("dashboard_url").asText()).isEqualTo(server().url() + "/alerts?model=shop");
    }

    @Test
    void aDestinationInternalByTheTimeOfDeliveryIsNotContacted() throws Exception {
        // Stored as if PUT under an earlier allowlist (or a name that resolved elsewhere then): delivery checks again.
        String url = "http://127.0.0.1:" + internal.getAddress().getPort() + "/hook";
        server().metastore()
                .monitors()
                .upsert(
                        "shop",
                        "v1",
                        "was-allowed",
                        ((com.fasterxml.jackson.databind.node.ObjectNode)
                                        SpecCodec.json().readTree(monitor("webhook", url)))
                                .put("name", "was-allowed"));
        String alertId = raise("was-allowed", "2026-03-02T00:00:00Z");
        JsonNode delivery = firstAttempt(alertId);
        assertThat(delivery.path("status").asText())
                .as("retried later: the allowlist may change")
                .isEqualTo("pending");
        assertThat(delivery.path("outcomes").get(0).asText())
                .isEqualTo("not sent: host 127.0.0.1 is a loopback address" + WHY);
        assertThat(internalHits).as("no request left").isEmpty();
        assertThat(healthz()).isEqualTo(200);
    }

    @Test
    void aFailedDeliveryShowsNoPortScanAnswerButTheLogHasIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            closed = s.getLocalPort(); // nothing listens there once it is closed: connection refused
        }
        HttpResponse<String> r = put("closed", monitor("webhook", "http://127.0.0.2:" + closed + "/hook"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String alertId = raise("closed", "2026-03-03T00:00:00Z");
        JsonNode delivery = firstAttempt(alertId);
        String outcome = delivery.path("outcomes").get(0).asText();
        assertThat(outcome)
                .as("not \"connection refused\": that would tell which ports are open (F9)")
                .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
        String reference = outcome.substring(outcome.indexOf("dlv_"), outcome.indexOf(';'));
        assertThat(Files.readString(Path.of("target/test-logs/vigil-server-tests.log")))
                .contains("(reference " + reference + ", attempt 1 of 6): to 127.0.0.2: ConnectException");
        assertThat(SpecCodec.json().writeValueAsString(vigil().alert(alertId))).doesNotContain("Connect");
    }

    /** Raises an alert of {@code monitor} with one webhook delivery due now, as an evaluation would; its id. */
    private String raise(String monitor, String windowStart) {
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
                .raise(draft, List.of("webhook"), Instant.EPOCH)
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
