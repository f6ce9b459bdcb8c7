package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.store.Alert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Opsgenie's Alert API: an open alert is created ({@code POST /v2/alerts}), a resolved one closed by its alias
 * ({@code POST /v2/alerts/<alias>/close?identifierType=alias}), under the action's URL (https://api.opsgenie.com, or
 * the EU instance https://api.eu.opsgenie.com) once {@link Destinations} has vetted its host. The key goes in
 * {@code Authorization: GenieKey <key>} and is never logged.
 */
record OpsgenieChannel(WebhookChannel webhook) implements Channel {
    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        String base = action.url().replaceAll("/+$", "");
        Map<String, String> auth = Map.of("Authorization", "GenieKey " + action.key());
        if (OnCallPayloads.resolved(alert)) {
            String alias = URLEncoder.encode(alert.id(), StandardCharsets.UTF_8);
            return webhook.post(
                            base + "/v2/alerts/" + alias + "/close?identifierType=alias",
                            OnCallPayloads.opsgenieClose(alert, link).toString(),
                            auth)
                    + " (close)";
        }
        return webhook.post(
                        base + "/v2/alerts",
                        OnCallPayloads.opsgenieCreate(alert, link).toString(),
                        auth)
                + " (create)";
    }
}
