package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;
import java.time.Duration;

/**
 * Where a notification goes, one implementation per action type: {@link WebhookChannel}, {@link SlackChannel},
 * {@link EmailChannel}, {@link PagerDutyChannel}, {@link OpsgenieChannel}, {@link TeamsChannel}. The {@link Notifier} decides when to send and records what happened; a channel makes one
 * attempt.
 */
interface Channel {
    /** How long one attempt may wait to connect, and for each answer. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Sends {@code alert} to {@code action}'s destination; {@code link} opens the alert on the dashboard and
     * {@code deliveryId} lets a receiver drop a repeat (delivery is at least once). The outcome in one line (it is
     * stored with the delivery and shown by the API), or a {@link DeliveryException}.
     */
    String send(Alert alert, Action action, String link, String deliveryId);

    /**
     * A failed delivery attempt: what the API may show ({@code shown}) and what only the server log gets
     * ({@code detail}). A connection refused, a timeout or a status code would tell whoever wrote the URL which
     * ports are open where (F9), so a failure is shown as "delivery failed" and its detail logged; a refusal Vigil
     * decided itself (an internal address, no SMTP server) is shown as it is.
     */
    final class DeliveryException extends RuntimeException {
        private final String detail;
        private final boolean final_;

        private DeliveryException(String shown, String detail, boolean isFinal) {
            super(shown, null, false, false);
            this.detail = detail;
            this.final_ = isFinal;
        }

        /** The attempt failed out there and may succeed later: {@code detail} goes to the log only. */
        static DeliveryException failed(String detail) {
            return new DeliveryException("delivery failed", detail, false);
        }

        /**
         * The receiver refused the request itself (an HTTP 4xx other than 408 and 429: a revoked key, a payload it
         * will never take): sending it again cannot succeed, so it is not retried.
         */
        static DeliveryException rejected(String detail) {
            return new DeliveryException("delivery failed; not retried", detail, true);
        }

        /** Vigil did not send, for a reason that tells nothing about the destination's network. */
        static DeliveryException refused(String sentence) {
            return new DeliveryException(sentence, sentence, false);
        }

        /** Whether another attempt cannot help. */
        boolean isFinal() {
            return final_;
        }

        /** What went wrong, for the server log. */
        String detail() {
            return detail;
        }

        /** Whether the API shows less than the log has. */
        boolean hidden() {
            return !detail.equals(getMessage());
        }
    }

    /** The server is stopping: the attempt in progress is dropped, not recorded. */
    final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }
}
