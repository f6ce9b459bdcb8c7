package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;
import java.time.Duration;

/**
 * Where a notification goes, one implementation per action type: {@link WebhookChannel}, {@link SlackChannel},
 * {@link EmailChannel}. The {@link Notifier} decides when to send and records what happened; a channel makes one
 * attempt.
 */
interface Channel {
    /** How long one attempt may wait to connect, and for each answer. */
    Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Sends {@code alert} to {@code action}'s destination; {@code link} opens the alert on the dashboard. The outcome
     * in one line (it is stored with the delivery), or a {@link DeliveryException}.
     */
    String send(Alert alert, Action action, String link);

    /** A failed delivery attempt, in one line. */
    final class DeliveryException extends RuntimeException {
        DeliveryException(String message) {
            super(message, null, false, false);
        }
    }

    /** The server is stopping: the attempt in progress is dropped, not recorded. */
    final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }
}
