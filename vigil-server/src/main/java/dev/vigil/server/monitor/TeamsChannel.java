package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;

/**
 * A Microsoft Teams channel through a Workflows (Power Automate) webhook: a webhook whose URL is a credential and that
 * receives a message with one Adaptive Card ({@link OnCallPayloads#teams}).
 */
record TeamsChannel(WebhookChannel webhook) implements Channel {
    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        return webhook.post(action.url(), OnCallPayloads.teams(alert, link).toString());
    }
}
