package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.server.AllowedHosts;
import dev.vigil.server.NotifySettings;
import dev.vigil.server.monitor.RecordingReceiver.Request;
import dev.vigil.store.Alert;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resolving an alert resolves what it opened at PagerDuty and Opsgenie (decision 0023): through the real notifier and
 * metastore against a receiver on 127.0.0.1, an alert resolved by a person ({@code setStatus}, which the API's and
 * the dashboard's resolve call) or by a clean window ({@code resolveCleared}, which the evaluator calls) sends
 * PagerDuty's resolve with the trigger's {@code dedup_key}, or Opsgenie's close by the create's alias, retried as an
 * opening is; a webhook gets nothing more, and an alert resolved before its opening went out sends neither.
 */
class OnCallResolveIT {
    private static final String PD_KEY = "0123456789abcdefPDSECRET01234567";
    private static final String GENIE_KEY = "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d";

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

    private String pagerDuty() {
        return "{\"type\": \"pagerduty\", \"url\": \"" + base() + "/v2/enqueue\", \"key\": \"" + PD_KEY + "\"}";
    }

    private String opsgenie() {
        return "{\"type\": \"opsgenie\", \"url\": \"" + base() + "\", \"key\": \"" + GENIE_KEY + "\"}";
    }

    private String webhook() {
        return "{\"type\": \"webhook\", \"url\": \"" + base() + "/hook\"}";
    }

    private void startNotifier() {
        NotifySettings settings = NotifySettings.defaults()
                .withRetries(4, Duration.ofMillis(200))
                .withAllowHosts(AllowedHosts.parse("127.0.0.1"));
        notifier = new Notifier(store, settings, () -> "http://vigil.test", Clock.systemUTC());
        notifier.start();
    }

    /** The alert's deliveries once there are {@code n} and none is pending, within 20 s. */
    private List<DeliveryRepository.Delivery> awaitSettled(String alertId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<DeliveryRepository.Delivery> all = store.deliveries().list(alertId);
            if (all.size() == n && all.stream().noneMatch(d -> d.status().equals("PENDING"))) {
                return all;
            }
            assertThat(System.nanoTime())
                    .as("%d settled deliveries within 20 s, got %s", n, all)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String summary(DeliveryRepository.Delivery d) {
        return d.actionIndex() + " " + d.channel() + " " + d.kind() + " " + d.status();
    }

    @Test
    void aPersonResolvingTheAlertResolvesThePagerDutyIncidentByItsDedupKeyAndTheWebhookGetsNothingMore()
            throws Exception {
        monitor("pd", pagerDuty(), webhook());
        String alertId = raise("pd", "pagerduty", "webhook");
        startNotifier();
        awaitSettled(alertId, 2);
        assertThat(requests).hasSize(2);

        store.alerts().setStatus(alertId, Alert.Status.RESOLVED);
        List<DeliveryRepository.Delivery> all = awaitSettled(alertId, 3);

        assertThat(all)
                .extracting(OnCallResolveIT::summary)
                .containsExactly(
                        "0 pagerduty open DELIVERED", "0 pagerduty resolve DELIVERED", "1 webhook open DELIVERED");
        assertThat(store.deliveries().attempts(all.get(1).id())).containsExactly("delivered (resolve)");
        assertThat(requests).hasSize(3);
        List<Request> pd =
                requests.stream().filter(r -> r.uri().equals("/v2/enqueue")).toList();
        assertThat(pd).extracting(r -> r.json().path("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(pd).extracting(r -> r.json().path("dedup_key").asText()).containsOnly(alertId);
        assertThat(pd).extracting(r -> r.json().path("routing_key").asText()).containsOnly(PD_KEY);
        assertThat(requests.stream().filter(r -> r.uri().equals("/hook"))).hasSize(1);
    }

    @Test
    void aCleanWindowClosesTheOpsgenieAlertByItsAliasRetriedAsAnOpeningIs() throws Exception {
        monitor("og", opsgenie());
        String alertId = raise("og", "opsgenie");
        startNotifier();
        awaitSettled(alertId, 1);
        statuses.add(500);

        assertThat(store.alerts().resolveCleared("shop", "v1", "og", "", "", Instant.parse("2026-03-01T01:00:00Z")))
                .isEqualTo(1);
        List<DeliveryRepository.Delivery> all = awaitSettled(alertId, 2);

        assertThat(all)
                .extracting(OnCallResolveIT::summary)
                .containsExactly("0 opsgenie open DELIVERED", "0 opsgenie resolve DELIVERED");
        List<String> closeAttempts = store.deliveries().attempts(all.get(1).id());
        assertThat(closeAttempts).hasSize(2);
        assertThat(closeAttempts.get(0))
                .matches("delivery failed \\(reference dlv_[0-9a-f]{12}#1; the server log has the detail\\)");
        assertThat(closeAttempts.get(1)).isEqualTo("delivered (close)");
        String close = "/v2/alerts/" + alertId + "/close?identifierType=alias";
        assertThat(requests).extracting(Request::uri).containsExactly("/v2/alerts", close, close);
        assertThat(requests).extracting(Request::authorization).containsOnly("GenieKey " + GENIE_KEY);
        assertThat(requests.get(0).json().path("alias").asText()).isEqualTo(alertId);
    }

    @Test
    void anAlertResolvedBeforeItsTriggerWentOutSendsNeither() throws Exception {
        monitor("pd", pagerDuty());
        String alertId = raise("pd", "pagerduty");
        store.alerts().setStatus(alertId, Alert.Status.RESOLVED);
        assertThat(store.deliveries().list(alertId))
                .extracting(OnCallResolveIT::summary)
                .as("the resolve waits for its opening")
                .containsExactly("0 pagerduty open PENDING", "0 pagerduty resolve PENDING");
        startNotifier();

        List<DeliveryRepository.Delivery> all = awaitSettled(alertId, 2);

        assertThat(all)
                .extracting(OnCallResolveIT::summary)
                .containsExactly("0 pagerduty open SKIPPED", "0 pagerduty resolve SKIPPED");
        assertThat(store.deliveries().attempts(all.get(1).id()))
                .containsExactly("not sent: the alert's opening was not delivered, so there is nothing to resolve");
        Thread.sleep(500); // a pass or two more: still nothing sent
        assertThat(requests).isEmpty();
    }

    /** Stores monitor {@code name} of shop/v1 with {@code actions}. */
    private void monitor(String name, String... actions) throws Exception {
        ShopAlerts.monitor(store, name, actions);
    }

    /** Raises an alert of {@code monitor} in the hour from 00:00, its deliveries due at once, as the evaluator does. */
    private String raise(String monitor, String... channels) {
        return ShopAlerts.raise(store, monitor, Instant.parse("2026-03-01T00:00:00Z"), channels);
    }
}
