package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.server.NotifySettings;
import dev.vigil.server.ServerId;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued alert notifications, so a channel that is down never holds up evaluation: a webhook (the alert as JSON,
 * with a dashboard link), a Slack incoming webhook (a readable message), or e-mail over SMTP, each a {@link Channel}.
 * A failed attempt is recorded and retried after {@code firstRetry}, then twice as late each time, up to
 * {@code maxAttempts}; then the delivery is failed for good (and its last error kept). A receiver's own refusal (HTTP 4xx
 * but 408 and 429) fails it for good at once: a revoked key stays revoked. What the API shows of a failed
 * attempt is "delivery failed" and a reference; the server log has the detail under that reference (F9: a stored
 * "connection refused" would be a port scanner's answer).
 *
 * <p>One thread picks what is due; a pool of {@code threads} ({@code VIGIL_NOTIFY_THREADS}) sends, at most one attempt
 * per destination at a time ({@link DeliveriesInFlight}). An attempt may take 20 s, so on one thread a receiver that
 * never answers held up every other team's alerts behind its own (F18); now it holds up only its own destination's.
 * A destination is the URL's host name, port aside (a slow machine is slow on every port), or the SMTP server for
 * every e-mail.
 *
 * <p>A resolve delivery ({@link DeliveryRepository#RESOLVE}, queued when an alert resolves, for PagerDuty and Opsgenie
 * only) hands the channel the resolved alert, which it sends as PagerDuty's {@code resolve} or Opsgenie's close, with
 * the same claims and retries; the metastore makes it due only once its opening was delivered. An opening whose alert
 * was resolved before it went out is skipped, and its resolve with it.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /**
     * How many due deliveries one pass looks at, oldest first. Those waiting for a busy destination stay due, so this
     * is how many may queue behind slow destinations before other destinations' wait for them too.
     */
    private static final int SCAN = 1000;
    /**
     * How long a claimed delivery is held for its attempt at most (an attempt takes 20 s at most): a server that dies
     * mid-attempt leaves it to another after this (decision 0022).
     */
    static final Duration CLAIM = Duration.ofMinutes(5);

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
    private final ExecutorService senders;
    private final DeliveriesInFlight inFlight;
    /** This server, as the holder of its claims on deliveries in the metastore. */
    private final String owner;
    /**
     * The destination each delivery last went to, so a pass passes over those waiting for a busy destination without
     * reading their monitor again. A hint only: the destination is read afresh before each attempt.
     */
    private final Map<String, String> lastDestination = new ConcurrentHashMap<>();

    private final Object signal = new Object();
    private volatile boolean woken;
    private volatile boolean stopped;

    public Notifier(Metastore store, NotifySettings settings, Supplier<String> serverUrl, Clock clock) {
        this(store, settings, serverUrl, clock, ServerId.create());
    }

    /** A notifier claiming each delivery as {@code server} among the servers sharing the metastore. */
    public Notifier(
            Metastore store, NotifySettings settings, Supplier<String> serverUrl, Clock clock, ServerId server) {
        this(store, settings, serverUrl, clock, channels(settings), server);
    }

    /** A notifier sending through {@code channels}, one per action type (tests put a failing one in). */
    Notifier(
            Metastore store,
            NotifySettings settings,
            Supplier<String> serverUrl,
            Clock clock,
            Map<Action.Type, Channel> channels) {
        this(store, settings, serverUrl, clock, channels, ServerId.create());
    }

    /** A notifier sending through {@code channels}, claiming each delivery as {@code server}. */
    Notifier(
            Metastore store,
            NotifySettings settings,
            Supplier<String> serverUrl,
            Clock clock,
            Map<Action.Type, Channel> channels,
            ServerId server) {
        this.owner = server.toString();
        this.store = store;
        this.settings = settings;
        this.serverUrl = serverUrl;
        this.clock = clock;
        this.channels = Map.copyOf(channels);
        int threads = Math.max(1, settings.threads());
        this.inFlight = new DeliveriesInFlight(threads);
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vigil-notifier-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The real channels: webhooks, Slack, PagerDuty, Opsgenie and Teams to destinations vetted against the allowlist,
     * e-mail over SMTP.
     */
    static Map<Action.Type, Channel> channels(NotifySettings settings) {
        WebhookChannel webhook = new WebhookChannel(new Destinations(settings.allowHosts()));
        return Map.of(
                Action.Type.WEBHOOK,
                webhook,
                Action.Type.SLACK,
                new SlackChannel(webhook),
                Action.Type.EMAIL,
                new EmailChannel(settings),
                Action.Type.PAGERDUTY,
                new PagerDutyChannel(webhook),
                Action.Type.OPSGENIE,
                new OpsgenieChannel(webhook),
                Action.Type.TEAMS,
                new TeamsChannel(webhook));
    }

    /** Starts the thread that picks due notifications. */
    public void start() {
        thread.submit(this::loop);
    }

    /** New notifications are queued, or a destination is free again: look now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Picks what is due until stopped. Nothing ends it but {@link #close}: any throwable of a pass, an {@code Error}
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

    /**
     * Starts an attempt of every delivery that is due now and whose destination is free, on the sending pool, and
     * settles at once those that need no network (a resolved alert, a monitor gone). Returns without waiting for the
     * attempts. Safe to call from several threads: a delivery is claimed before anything is done with it, and then
     * read again, so one that another pass attempted meanwhile is not attempted twice.
     */
    public void deliverDue() {
        AlertRepository alerts = store.alerts();
        for (DeliveryRepository.Delivery d : store.deliveries().due(clock.instant(), SCAN)) {
            if (stopped) {
                return;
            }
            String hint = lastDestination.get(d.id());
            if (inFlight.contains(d.id()) || (hint != null && !inFlight.canSendTo(hint))) {
                continue;
            }
            Optional<Alert> alert = alerts.find(d.alertId());
            if (alert.isEmpty()) {
                continue;
            }
            String reference = d.id() + "#" + (d.attempts() + 1);
            Action action = null;
            DeliveryException refused = null;
            Throwable unreadable = null;
            boolean stale = !d.resolves() && alert.get().status() == Alert.Status.RESOLVED;
            if (!stale) {
                try {
                    Action read = action(alert.get(), d.actionIndex());
                    if (d.resolves() && !read.type().specName().equals(d.channel())) {
                        throw DeliveryException.refused("monitor " + alert.get().monitor() + "'s action "
                                + d.actionIndex() + " is no longer of type " + d.channel() + "; nothing to resolve");
                    }
                    action = read;
                } catch (DeliveryException e) {
                    refused = e;
                } catch (Throwable e) { // a bug or an Error reading one monitor: that attempt failed, the others go on
                    unreadable = e;
                }
            }
            String destination = action == null ? null : destination(action, settings);
            if (destination != null) {
                if (lastDestination.size() > SCAN * 10) {
                    lastDestination.clear(); // a hint: forgetting costs a monitor read, keeping all costs memory
                }
                lastDestination.put(d.id(), destination);
            }
            if (!(destination == null ? inFlight.claimToSettle(d.id()) : inFlight.claim(d.id(), destination))) {
                continue;
            }
            boolean handedOver = false;
            try {
                if (!store.deliveries().claim(d.id(), d.attempts(), owner, CLAIM)) {
                    continue; // another pass, here or on another server, attempted or is attempting it
                }
                if (stale) {
                    store.deliveries().skipped(d.id(), "not sent: the alert was resolved before it could be sent");
                    lastDestination.remove(d.id());
                } else if (refused != null) {
                    record(d, Outcome.failed(refused, reference));
                } else if (unreadable != null) {
                    record(d, Outcome.threw(d, reference, unreadable));
                } else {
                    Alert a = alert.get();
                    Action to = action;
                    senders.execute(() -> attempt(d, a, to));
                    handedOver = true;
                }
            } catch (RejectedExecutionException e) {
                return; // closing: the pool takes no more
            } finally {
                if (!handedOver) {
                    inFlight.release(d.id());
                }
            }
        }
    }

    /**
     * Where an attempt of {@code action} goes, for "one at a time per destination": the URL's host name (port aside),
     * or the SMTP server, through which every e-mail goes.
     */
    static String destination(Action action, NotifySettings settings) {
        if (action.type() == Action.Type.EMAIL) {
            return "smtp " + settings.smtpHost();
        }
        try {
            return "http " + Destinations.host(action.url()).toLowerCase(Locale.ROOT);
        } catch (Destinations.Refused e) {
            return "http (not a valid URL)"; // refused by the channel without a connection
        }
    }

    /** One attempt of {@code d}, on a sending thread; its claim ends when it is recorded (or dropped at close). */
    private void attempt(DeliveryRepository.Delivery d, Alert alert, Action action) {
        try {
            if (stopped) {
                return; // handed over just before close: left for the next start
            }
            String reference = d.id() + "#" + (d.attempts() + 1);
            Outcome outcome;
            try {
                outcome = Outcome.delivered(send(alert, action, d.id()));
            } catch (DeliveryException e) {
                outcome = Outcome.failed(e, reference);
            } catch (Interrupted e) {
                return; // the server is stopping: this attempt does not count
            } catch (Throwable e) { // a bug or an Error in one channel: that attempt failed, the others go on
                outcome = Outcome.threw(d, reference, e);
            }
            record(d, outcome);
        } catch (Throwable e) { // recording failed (a metastore gone): the delivery stays due and is tried again
            LOG.error("alert {} by {}: the attempt could not be recorded", d.alertId(), d.channel(), e);
        } finally {
            inFlight.release(d.id());
            wake(); // its destination is free: the next delivery there need not wait for the poll
        }
    }

    /** An attempt's result: what the API shows, and what the log gets. */
    private record Outcome(boolean delivered, String shown, String detail, boolean isFinal) {
        static Outcome delivered(String outcome) {
            return new Outcome(true, outcome, outcome, true);
        }

        static Outcome failed(DeliveryException e, String reference) {
            return new Outcome(
                    false,
                    e.hidden()
                            ? e.getMessage() + " (reference " + reference + "; the server log has the detail)"
                            : e.getMessage(),
                    e.detail(),
                    e.isFinal());
        }

        static Outcome threw(DeliveryRepository.Delivery d, String reference, Throwable e) {
            LOG.error("alert {} by {}: attempt {} threw", d.alertId(), d.channel(), reference, e);
            return new Outcome(
                    false,
                    "delivery failed (reference " + reference + "; the server log has the detail)",
                    e.toString(),
                    false);
        }
    }

    /** Records attempt {@code attempts + 1} of {@code d}: delivered, due again after the backoff, or failed for good. */
    private void record(DeliveryRepository.Delivery d, Outcome outcome) {
        int attempt = d.attempts() + 1;
        String reference = d.id() + "#" + attempt;
        Optional<Instant> retry = outcome.isFinal() || attempt >= settings.maxAttempts()
                ? Optional.empty()
                : Optional.of(
                        clock.instant().plus(settings.firstRetry().multipliedBy(1L << Math.min(20, attempt - 1))));
        store.deliveries().attempted(d.id(), outcome.delivered(), outcome.shown(), retry);
        if (retry.isEmpty()) {
            lastDestination.remove(d.id());
        }
        if (outcome.delivered()) {
            LOG.info("alert {} sent by {} ({}): {}", d.alertId(), d.channel(), reference, outcome.detail());
        } else {
            LOG.warn(
                    "alert {} not sent by {} (reference {}, attempt {} of {}): {}{}",
                    d.alertId(),
                    d.channel(),
                    reference,
                    attempt,
                    settings.maxAttempts(),
                    outcome.detail(),
                    retry.map(r -> "; retrying at " + r).orElse("; giving up"));
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

    /**
     * Stops picking, lets the attempts in flight finish and be recorded within 5 s in all, and starts no new one. An
     * attempt still running then is interrupted and not recorded: it is made again after a restart (delivery is at
     * least once; {@code delivery_id} lets a receiver drop the repeat). Attempts are not interrupted at once, as a
     * reply that arrives within the wait is better recorded than sent again.
     */
    @Override
    public void close() {
        stopped = true;
        wake();
        thread.shutdownNow();
        senders.shutdown();
        long end = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            thread.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!senders.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn(
                        "{} notification attempts still in flight after {} s at shutdown; they are not recorded and"
                                + " will be made again",
                        inFlight.sending(),
                        CLOSE_WAIT.toSeconds());
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            store.deliveries().releaseClaims(owner); // what it did not record is due again now, for any server
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not release this server's notification claims; they expire in {} minutes: {}",
                    CLAIM.toMinutes(),
                    e.getMessage());
        }
    }
}
