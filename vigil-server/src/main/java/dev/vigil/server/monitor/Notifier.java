package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.server.NotifySettings;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued alert notifications on its own thread, so a channel that is down never holds up evaluation: a
 * webhook (the alert as JSON, with a dashboard link), a Slack incoming webhook (a readable message), or e-mail over
 * SMTP. A failed attempt is recorded and retried after {@code firstRetry}, then twice as late each time, up to
 * {@code maxAttempts}; then the delivery is failed for good (and its last error kept).
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Metastore store;
    private final NotifySettings settings;
    private final Supplier<String> serverUrl;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-notifier");
        t.setDaemon(true);
        return t;
    });
    private final Object signal = new Object();
    private volatile boolean woken;
    private volatile boolean stopped;

    public Notifier(Metastore store, NotifySettings settings, Supplier<String> serverUrl, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.serverUrl = serverUrl;
        this.clock = clock;
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

    private void loop() {
        while (!stopped) {
            try {
                deliverDue();
            } catch (RuntimeException e) {
                LOG.warn("sending notifications failed: {}", e.getMessage(), e);
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
            String outcome;
            boolean delivered;
            try {
                Action action = action(alert.get(), d.actionIndex());
                outcome = send(alert.get(), action);
                delivered = true;
            } catch (DeliveryException e) {
                outcome = e.getMessage();
                delivered = false;
            } catch (Interrupted e) {
                return; // the server is stopping: this attempt does not count
            }
            int attempt = d.attempts() + 1;
            Optional<Instant> retry = delivered || attempt >= settings.maxAttempts()
                    ? Optional.empty()
                    : Optional.of(
                            clock.instant().plus(settings.firstRetry().multipliedBy(1L << Math.min(20, attempt - 1))));
            deliveries.attempted(d.id(), delivered, outcome, retry);
            if (delivered) {
                LOG.info("alert {} sent by {}: {}", d.alertId(), d.channel(), outcome);
            } else {
                LOG.warn(
                        "alert {} not sent by {} (attempt {} of {}): {}{}",
                        d.alertId(),
                        d.channel(),
                        attempt,
                        settings.maxAttempts(),
                        outcome,
                        retry.map(r -> "; retrying at " + r).orElse("; giving up"));
            }
        }
    }

    /** The action a delivery goes to, from the alert's monitor as it is now. */
    private Action action(Alert alert, int index) {
        ModelVersion version = store.versions()
                .find(alert.modelId(), alert.version())
                .orElseThrow(() -> new DeliveryException(
                        "version " + alert.modelId() + "/" + alert.version() + " no longer exists"));
        List<MonitorRepository.StoredMonitor> monitors;
        try {
            monitors = store.monitors().list(alert.modelId(), alert.version());
        } catch (VigilException e) { // e.g. a master key that does not decrypt the action URLs
            throw new DeliveryException("the monitors of " + alert.modelId() + "/" + alert.version()
                    + " cannot be read: " + e.getMessage());
        }
        for (MonitorRepository.StoredMonitor m : monitors) {
            if (m.name().equals(alert.monitor())) {
                Monitor monitor;
                try {
                    monitor = MonitorCodec.read(m.spec(), "monitor " + m.name(), version);
                } catch (VigilException e) {
                    throw new DeliveryException("monitor " + m.name() + " no longer reads: " + e.getMessage());
                }
                if (index >= monitor.actions().size()) {
                    throw new DeliveryException("monitor " + m.name() + " no longer has action " + index);
                }
                return monitor.actions().get(index);
            }
        }
        throw new DeliveryException("monitor " + alert.monitor() + " no longer exists");
    }

    /** Sends one notification; the outcome in one line, or a {@link DeliveryException}. */
    private String send(Alert alert, Action action) {
        return switch (action.type()) {
            case WEBHOOK ->
                post(
                        action.url(),
                        AlertPayloads.webhookPayload(alert, dashboardLink(alert))
                                .toString());
            case SLACK ->
                post(
                        action.url(),
                        AlertPayloads.slackPayload(alert, dashboardLink(alert)).toString());
            case EMAIL -> mail(alert, action);
        };
    }

    /**
     * POSTs {@code json}; the outcome is the status code only: the receiver's body is discarded (it is neither
     * stored nor shown, so a webhook cannot be used to read another service), and the URL is never logged (a Slack
     * URL is a credential). The whole exchange is bounded by the timeout.
     */
    private String post(String url, String json) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "vigil")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("the action's URL is not a valid http(s) URL");
        }
        try {
            HttpResponse<Void> response = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            if (response.statusCode() / 100 == 2) {
                return "HTTP " + response.statusCode();
            }
            throw new DeliveryException("HTTP " + response.statusCode());
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DeliveryException(cause.getClass().getSimpleName()
                    + (cause instanceof java.net.ConnectException ? ": connection refused" : ""));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DeliveryException(
                    "no answer within " + TIMEOUT.multipliedBy(2).toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
    }

    private String mail(Alert alert, Action action) {
        if (settings.smtpHost() == null) {
            throw new DeliveryException("no SMTP server configured (set VIGIL_SMTP_HOST)");
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.smtpHost());
        props.put("mail.smtp.port", String.valueOf(settings.smtpPort()));
        props.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.starttls.enable", String.valueOf(settings.smtpStartTls()));
        // a password never goes out unencrypted: with STARTTLS on and a login, the server must offer TLS
        props.put(
                "mail.smtp.starttls.required", String.valueOf(settings.smtpStartTls() && settings.smtpUser() != null));
        props.put("mail.smtp.auth", String.valueOf(settings.smtpUser() != null));
        Session session = Session.getInstance(props);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.smtpFrom()));
            for (String to : action.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(AlertPayloads.title(alert), "UTF-8");
            message.setText(AlertPayloads.text(alert, dashboardLink(alert)), "UTF-8");
            if (settings.smtpUser() != null) {
                Transport.send(message, settings.smtpUser(), settings.smtpPassword());
            } else {
                Transport.send(message);
            }
            return "sent to " + String.join(", ", action.to());
        } catch (MessagingException e) {
            throw new DeliveryException(
                    "SMTP " + settings.smtpHost() + ":" + settings.smtpPort() + ": " + e.getMessage());
        }
    }

    private String dashboardLink(Alert alert) {
        String base = settings.publicUrl() != null ? settings.publicUrl() : serverUrl.get();
        return base.replaceAll("/+$", "") + "/#/alerts/" + alert.id().toLowerCase(Locale.ROOT);
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

    /** The server is stopping: the attempt in progress is dropped, not recorded. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /** A failed delivery attempt, in one line. */
    private static final class DeliveryException extends RuntimeException {
        DeliveryException(String message) {
            super(message, null, false, false);
        }
    }
}
