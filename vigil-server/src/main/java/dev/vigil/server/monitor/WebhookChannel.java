package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;

/**
 * A webhook: the alert as JSON, with a dashboard link and the delivery's id ({@link AlertPayloads#webhookPayload}),
 * POSTed to its URL once {@link Destinations} has vetted where the URL's host resolves to now.
 */
final class WebhookChannel implements Channel {
    private final Destinations destinations;
    private final SSLSocketFactory tls;
    private final Duration timeout;

    WebhookChannel(Destinations destinations) {
        this(destinations, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** A webhook channel trusting the certificates {@code tls} trusts (tests; the JDK's trust store otherwise). */
    WebhookChannel(Destinations destinations, SSLSocketFactory tls) {
        this(destinations, tls, TIMEOUT);
    }

    /**
     * A webhook channel whose attempts may take {@code timeout} to connect and twice that in all (tests, so that a
     * receiver that never answers fails in seconds; {@link Channel#TIMEOUT} otherwise).
     */
    WebhookChannel(Destinations destinations, SSLSocketFactory tls, Duration timeout) {
        this.destinations = destinations;
        this.tls = tls;
        this.timeout = timeout;
    }

    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        return post(
                action.url(),
                AlertPayloads.webhookPayload(alert, link, deliveryId).toString());
    }

    /**
     * POSTs {@code json} to {@code url} when its host resolves only to addresses Vigil may send to, connecting to
     * those very addresses ({@link PinnedPost}). The outcome shown is "delivered" or "delivery failed"; the status
     * code or error goes to the log ({@link DeliveryException}). The receiver's body is never read, and the URL is
     * never logged (a Slack URL is a credential). The whole exchange is bounded by twice the timeout.
     */
    String post(String url, String json) {
        return post(url, json, Map.of());
    }

    /**
     * {@link #post(String, String)} with {@code headers} besides the usual ones; a header's value (Opsgenie's key) is
     * never logged either.
     */
    String post(String url, String json, Map<String, String> headers) {
        String host;
        try {
            host = Destinations.host(url);
        } catch (Destinations.Refused e) {
            throw DeliveryException.refused("not sent: the action's URL is not a valid http(s) URL");
        }
        List<InetAddress> addresses;
        try {
            addresses = destinations.vet(host);
        } catch (Destinations.Refused e) {
            throw DeliveryException.refused("not sent: " + e.getMessage());
        }
        int status;
        try {
            status = PinnedPost.post(URI.create(url), addresses, json, headers, timeout, timeout.multipliedBy(2), tls);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new Interrupted();
            }
            throw DeliveryException.failed("to " + host + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (status / 100 == 2) {
            return "delivered";
        }
        if (status / 100 == 4 && status != 408 && status != 429) {
            throw DeliveryException.rejected("to " + host + ": HTTP " + status + "; not retried");
        }
        throw DeliveryException.failed("to " + host + ": HTTP " + status);
    }
}
