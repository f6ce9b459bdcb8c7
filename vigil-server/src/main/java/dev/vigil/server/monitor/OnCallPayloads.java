package dev.vigil.server.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.store.Alert;
import java.time.Instant;

/**
 * An alert as the on-call services read it (decision 0023): PagerDuty's Events API v2 event, Opsgenie's create and
 * close requests, and a Microsoft Teams message holding an Adaptive Card. Each service deduplicates on the alert's
 * id, so the event that resolves an alert finds the one that opened it, and a repeated delivery changes nothing.
 */
final class OnCallPayloads {
    /** PagerDuty's limit on {@code payload.summary}. */
    static final int PAGERDUTY_SUMMARY = 1024;
    /** Opsgenie's limits on {@code message} and {@code description}. */
    static final int OPSGENIE_MESSAGE = 130;

    static final int OPSGENIE_DESCRIPTION = 15000;

    private OnCallPayloads() {}

    /**
     * A PagerDuty Events API v2 event: {@code trigger} while the alert is open or acknowledged, {@code resolve} once
     * it is resolved, both with the alert's id as {@code dedup_key}. Vigil's severities map to PagerDuty's: high to
     * critical, medium to error, low to warning.
     */
    static ObjectNode pagerDuty(Alert a, String routingKey, String link) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("routing_key", routingKey);
        n.put("event_action", resolved(a) ? "resolve" : "trigger");
        n.put("dedup_key", a.id());
        ObjectNode p = n.putObject("payload");
        p.put("summary", truncate(AlertPayloads.title(a) + ": " + a.reason(), PAGERDUTY_SUMMARY));
        p.put("source", a.modelId() + "/" + a.version());
        p.put("severity", pagerDutySeverity(a.severity()));
        p.put("timestamp", when(a).toString());
        p.put("component", a.field().isEmpty() ? "rows" : a.field());
        p.put("group", a.monitor());
        p.put("class", a.metric());
        p.set("custom_details", AlertPayloads.describe(a));
        n.putArray("links").addObject().put("href", link).put("text", "Open in Vigil");
        return n;
    }

    /** PagerDuty's severity for Vigil's {@code low}, {@code medium} or {@code high}. */
    static String pagerDutySeverity(String severity) {
        return switch (severity) {
            case "high" -> "critical";
            case "medium" -> "error";
            default -> "warning";
        };
    }

    /**
     * An Opsgenie alert to create: the title as {@code message} (at most 130 characters), the alert's id as
     * {@code alias}, the e-mail text as {@code description}, and the alert's row as {@code details} (Opsgenie takes
     * text values only). Priority: high is P1, medium P3, low P4.
     */
    static ObjectNode opsgenieCreate(Alert a, String link) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("message", truncate(AlertPayloads.title(a), OPSGENIE_MESSAGE));
        n.put("alias", a.id());
        n.put("description", truncate(AlertPayloads.text(a, link), OPSGENIE_DESCRIPTION));
        n.put("priority", opsgeniePriority(a.severity()));
        n.put("source", "vigil");
        ArrayNode tags = n.putArray("tags");
        tags.add("vigil")
                .add("model:" + a.modelId())
                .add("monitor:" + a.monitor())
                .add("severity:" + a.severity());
        ObjectNode details = n.putObject("details");
        AlertPayloads.describe(a).fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                details.put(f.getKey(), f.getValue().asText());
            }
        });
        details.put("dashboard_url", link);
        n.put("entity", a.modelId() + "/" + a.version());
        return n;
    }

    /** Opsgenie's priority for Vigil's {@code low}, {@code medium} or {@code high}. */
    static String opsgeniePriority(String severity) {
        return switch (severity) {
            case "high" -> "P1";
            case "medium" -> "P3";
            default -> "P4";
        };
    }

    /** The body that closes an Opsgenie alert, addressed by its alias (the alert's id). */
    static ObjectNode opsgenieClose(Alert a, String link) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("source", "vigil");
        n.put("note", "Resolved in Vigil at " + when(a) + ": " + link);
        return n;
    }

    /**
     * A Teams Workflows message: one Adaptive Card (version 1.4, which Teams renders) with the title, the reason, the
     * facts of the alert and a button that opens it in Vigil.
     */
    static ObjectNode teams(Alert a, String link) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", "message");
        ObjectNode attachment = n.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject()
                .put("type", "TextBlock")
                .put("text", (resolved(a) ? "Resolved: " : "") + AlertPayloads.title(a))
                .put("weight", "Bolder")
                .put("size", "Medium")
                .put("wrap", true);
        body.addObject().put("type", "TextBlock").put("text", a.reason()).put("wrap", true);
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Model", a.modelId());
        fact(facts, "Version", a.version());
        fact(facts, "Field", a.field().isEmpty() ? "(rows)" : a.field());
        if (!a.segment().isEmpty()) {
            fact(facts, "Segment", a.segment());
        }
        fact(facts, "Metric", a.metric());
        fact(facts, "Value", a.value() == null ? "none" : String.valueOf(a.value()));
        fact(facts, "Threshold", a.threshold() == null ? "none" : String.valueOf(a.threshold()));
        fact(facts, "Window", a.windowStart() + " to " + a.windowEnd());
        fact(facts, "Severity", a.severity());
        fact(facts, "Status", a.status().specName());
        card.putArray("actions")
                .addObject()
                .put("type", "Action.OpenUrl")
                .put("title", "Open in Vigil")
                .put("url", link);
        return n;
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", value);
    }

    static boolean resolved(Alert a) {
        return a.status() == Alert.Status.RESOLVED;
    }

    /** When the event happened: the alert's resolution, or its creation. */
    private static Instant when(Alert a) {
        return resolved(a) && a.resolvedAt() != null ? a.resolvedAt() : a.createdAt();
    }

    /**
     * {@code text} cut to {@code max} characters, the last one an ellipsis when cut; a character outside the BMP (an
     * emoji in a segment value) is never cut in half.
     */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
