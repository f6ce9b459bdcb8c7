package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.server.NotifySettings;
import dev.vigil.server.monitor.Channel.DeliveryException;
import dev.vigil.server.monitor.Channel.Interrupted;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued alert notifications on its own thread, so a channel that is down never holds up evaluation: a
 * webhook (the alert as JSON, with a dashboard link), a Slack incoming webhook (a readable message), or e-mail over
 * SMTP, each a {@link Channel}. A failed attempt is recorded and retried after {@code firstRetry}, then twice as
 * late each time, up to {@code maxAttempts}; then the delivery is failed for good (and its last error kept). What the
 * API shows of a failed attempt is "delivery failed" and a reference; the server log has the detail under that
 * reference (F9: a stored "connection refused" would be a port scanner's answer).
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Metastore store;
    private final NotifySettings settings;
    private final Supplier<String> serverUrl;
    private final Clock clock;
    private final Map<Action.Type, Channel> channels;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-notifier");
        t.setDaemon(true);
        return t;
    });
    private final Object signal = new Object();
    private volatile boolean woken;
    private volatile boolean stopped;

    public Notifier(Metastore store, NotifySettings settings, Supplier<String> serverUrl, Clock clock) {
        this(store, settings, serverUrl, clock, channels(settings));
    }

    /** A notifier sending through {@code channels}, one per action type (tests put a failing one in). */
    Notifier(
            Metastore store,
            NotifySettings settings,
            Supplier<String> serverUrl,
            Clock clock,
            Map<Action.Type, Channel> channels) {
        this.store = store;
        this.settings = settings;
        this.serverUrl = serverUrl;
        this.clock = clock;
        this.channels = Map.copyOf(channels);
    }

    /** The real channels: webhooks and Slack to destinations vetted against the allowlist, e-mail over SMTP. */
    static Map<Action.Type, Channel> channels(NotifySettings settings) {
        WebhookChannel webhook = new WebhookChannel(new Destinations(settings.allowHosts()));
        return Map.of(
                Action.Type.WEBHOOK,
                webhook,
                Action.Type.SLACK,
                new SlackChannel(webhook),
                Action.Type.EMAIL,
                new EmailChannel(settings));
    }

    /** Starts the sending thread. */
    public void start() {
        thread.submit(this::loop);
    }

    /** New notifications are queued: send them now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Sends what is due until stopped. Nothing ends it but {@link #close}: any throwable of a pass, an {@code Error}
     * included (a metastore gone, out of memory), is logged and the next pass tries again, for an {@code Error}
     * escaping here would otherwise end notifications for the life of the process (F6).
     */
    private void loop() {
        while (!stopped) {
            try {
                deliverDue();
            } catch (Throwable e) {
                LOG.error("sending notifications failed; trying again in {} s", POLL.toSeconds(), e);
            }
            synchronized (signal) {
                if (!woken && !stopped) {
                    try {
                        signal.wait(POLL.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Attempts every delivery that is due now. */
    public void deliverDue() {
        AlertRepository alerts = store.alerts();
        DeliveryRepository deliveries = store.deliveries();
        for (DeliveryRepository.Delivery d : deliveries.due(clock.instant(), 100)) {
            Optional<Alert> alert = alerts.find(d.alertId());
            if (alert.isEmpty()) {
                continue;
            }
            if (alert.get().status() == Alert.Status.RESOLVED) {
                deliveries.skipped(d.id(), "not sent: the alert was resolved before it could be sent");
                continue;
            }
            int attempt = d.attempts() + 1;
            String reference = d.id() + "#" + attempt;
            String outcome;
            String detail;
            boolean delivered;
            try {
                Action action = action(alert.get(), d.actionIndex());
                outcome = send(alert.get(), action, d.id());
                detail = outcome;
                delivered = true;
            } catch (DeliveryException e) {
                outcome = e.hidden()
                        ? e.getMessage() + " (reference " + reference + "; the server log has the detail)"
                        : e.getMessage();
                detail = e.detail();
                delivered = false;
            } catch (Interrupted e) {
                return; // the server is stopping: this attempt does not count
            } catch (Throwable e) { // a bug or an Error in one channel: that attempt failed, the others go on
                outcome = "delivery failed (reference " + reference + "; the server log has the detail)";
                detail = e.toString();
                delivered = false;
                LOG.error("alert {} by {}: attempt {} threw", d.alertId(), d.channel(), reference, e);
            }
            Optional<Instant> retry = delivered || attempt >= settings.maxAttempts()
                    ? Optional.empty()
                    : Optional.of(
                            clock.instant().plus(settings.firstRetry().multipliedBy(1L << Math.min(20, attempt - 1))));
            deliveries.attempted(d.id(), delivered, outcome, retry);
            if (delivered) {
                LOG.info("alert {} sent by {} ({}): {}", d.alertId(), d.channel(), reference, detail);
            } else {
                LOG.warn(
                        "alert {} not sent by {} (reference {}, attempt {} of {}): {}{}",
                        d.alertId(),
                        d.channel(),
                        reference,
                        attempt,
                        settings.maxAttempts(),
                        detail,
                        retry.map(r -> "; retrying at " + r).orElse("; giving up"));
            }
        }
    }

    /** The action a delivery goes to, from the alert's monitor as it is now. */
    private Action action(Alert alert, int index) {
        ModelVersion version = store.versions()
                .find(alert.modelId(), alert.version())
                .orElseThrow(() -> DeliveryException.refused(
                        "version " + alert.modelId() + "/" + alert.version() + " no longer exists"));
        List<MonitorRepository.StoredMonitor> monitors;
        try {
            monitors = store.monitors().list(alert.modelId(), alert.version());
        } catch (VigilException e) { // e.g. a master key that does not decrypt the action URLs
            throw DeliveryException.refused("the monitors of " + alert.modelId() + "/" + alert.version()
                    + " cannot be read: " + e.getMessage());
        }
        for (MonitorRepository.StoredMonitor m : monitors) {
            if (m.name().equals(alert.monitor())) {
                Monitor monitor;
                try {
                    monitor = MonitorCodec.read(m.spec(), "monitor " + m.name(), version);
                } catch (VigilException e) {
                    throw DeliveryException.refused("monitor " + m.name() + " no longer reads: " + e.getMessage());
                }
                if (index >= monitor.actions().size()) {
                    throw DeliveryException.refused("monitor " + m.name() + " no longer has action " + index);
                }
                return monitor.actions().get(index);
            }
        }
        throw DeliveryException.refused("monitor " + alert.monitor() + " no longer exists");
    }

    /** Sends one notification by the action's channel: the outcome in one line, or a {@link DeliveryException}. */
    private String send(Alert alert, Action action, String deliveryId) {
        return channels.get(action.type()).send(alert, action, dashboardLink(alert), deliveryId);
    }

    /** The dashboard's alerts page of the alert's model, where it is listed with its buttons. */
    static String dashboardLink(String base, Alert alert) {
        return base.replaceAll("/+$", "") + "/alerts?model="
                + URLEncoder.encode(alert.modelId(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String dashboardLink(Alert alert) {
        return dashboardLink(settings.publicUrl() != null ? settings.publicUrl() : serverUrl.get(), alert);
    }

    @Override
    public void close() {
        stopped = true;
        wake();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
