package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A webhook: the alert as JSON, with a dashboard link ({@link AlertPayloads#webhookPayload}), POSTed to its URL. */
final class WebhookChannel implements Channel {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @Override
    public String send(Alert alert, Action action, String link) {
        return post(action.url(), AlertPayloads.webhookPayload(alert, link).toString());
    }

    /**
     * POSTs {@code json}; the outcome is the status code only: the receiver's body is discarded (it is neither
     * stored nor shown, so a webhook cannot be used to read another service), and the URL is never logged (a Slack
     * URL is a credential). The whole exchange is bounded by the timeout.
     */
    String post(String url, String json) {
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
}
