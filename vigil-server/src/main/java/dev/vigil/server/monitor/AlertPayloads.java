package dev.vigil.server.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.store.Alert;
import java.util.Locale;

/** An alert as the API, the CLI and notifications show it. */
public final class AlertPayloads {
    private AlertPayloads() {}

    /**
     * The flat row: {@code id, monitor, model, version, field, segment, window_start, window_end, metric, value,
     * threshold, severity, status}, then {@code baseline, reason} and the times. {@code field} and {@code segment}
     * are null for the dataset level and all rows.
     */
    public static ObjectNode describe(Alert a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", a.id());
        n.put("monitor", a.monitor());
        n.put("model", a.modelId());
        n.put("version", a.version());
        putText(n, "field", a.field());
        putText(n, "segment", a.segment());
        n.put("window_start", a.windowStart().toString());
        n.put("window_end", a.windowEnd().toString());
        n.put("metric", a.metric());
        putNumber(n, "value", a.value());
        putNumber(n, "threshold", a.threshold());
        n.put("severity", a.severity());
        n.put("status", a.status().specName());
        putNumber(n, "baseline", a.baseline());
        n.put("reason", a.reason());
        n.put("created_at", a.createdAt().toString());
        n.put("updated_at", a.updatedAt().toString());
        n.put("resolved_at", a.resolvedAt() == null ? null : a.resolvedAt().toString());
        return n;
    }

    /**
     * What a webhook receives: the alert, a link to it on the dashboard and {@code delivery_id}, the same on every
     * attempt of one notification: delivery is at least once (a crash after sending and before recording sends
     * again), so a receiver drops a {@code delivery_id} it has seen.
     */
    public static ObjectNode webhookPayload(Alert a, String link, String deliveryId) {
        ObjectNode n = describe(a);
        n.put("dashboard_url", link);
        n.put("delivery_id", deliveryId);
        return n;
    }

    /** What a Slack incoming webhook receives: one readable message (Slack's mrkdwn). */
    public static ObjectNode slackPayload(Alert a, String link) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put(
                "text",
                "*" + slack(title(a)) + "*\n" + slack(a.reason()) + "\nWindow " + a.windowStart() + " to "
                        + a.windowEnd() + " (" + a.status().specName() + ")\n<" + link + "|Open in Vigil>");
        return n;
    }

    /** Slack's escaping: values from the data (a segment) cannot make links or mentions. */
    private static String slack(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** One line: severity, monitor, model and what it is about. */
    public static String title(Alert a) {
        return "[" + a.severity().toUpperCase(Locale.ROOT) + "] " + a.monitor() + " on " + a.modelId() + "/"
                + a.version() + (a.field().isEmpty() ? "" : " " + a.field())
                + (a.segment().isEmpty() ? "" : " (" + a.segment() + ")");
    }

    /** The body of an e-mail. */
    public static String text(Alert a, String link) {
        return title(a) + "\n\n" + a.reason() + "\n\nModel:    " + a.modelId() + " version " + a.version()
                + "\nMonitor:  " + a.monitor() + "\nField:    " + (a.field().isEmpty() ? "(rows)" : a.field())
                + "\nSegment:  " + (a.segment().isEmpty() ? "all rows" : a.segment()) + "\nWindow:   "
                + a.windowStart() + " to " + a.windowEnd() + "\nMetric:   " + a.metric() + " = " + a.value()
                + "\nSeverity: " + a.severity() + "\nStatus:   " + a.status().specName() + "\n\n" + link + "\n";
    }

    private static void putText(ObjectNode n, String key, String value) {
        if (value == null || value.isEmpty()) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }

    private static void putNumber(ObjectNode n, String key, Double value) {
        if (value == null) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }
}
