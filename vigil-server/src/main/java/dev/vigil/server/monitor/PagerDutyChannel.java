package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;

/**
 * PagerDuty's Events API v2 ({@link OnCallPayloads#pagerDuty}): the event POSTed to the action's URL
 * (https://events.pagerduty.com/v2/enqueue unless it names another) once {@link Destinations} has vetted its host,
 * as a webhook is. The integration key travels in the body only; it is never logged.
 */
record PagerDutyChannel(WebhookChannel webhook) implements Channel {
    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        String outcome = webhook.post(
                action.url(),
                OnCallPayloads.pagerDuty(alert, action.key(), link).toString());
        return OnCallPayloads.resolved(alert) ? outcome + " (resolve)" : outcome + " (trigger)";
    }
}
