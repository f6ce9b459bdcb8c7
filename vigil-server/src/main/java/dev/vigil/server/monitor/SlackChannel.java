package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;

/**
 * A Slack incoming webhook: a webhook that receives one readable message ({@link AlertPayloads#slackPayload})
 * instead of the alert's row.
 */
record SlackChannel(WebhookChannel webhook) implements Channel {
    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        return webhook.post(
                action.url(), AlertPayloads.slackPayload(alert, link).toString());
    }
}
