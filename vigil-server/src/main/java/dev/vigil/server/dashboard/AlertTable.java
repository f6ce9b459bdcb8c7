package dev.vigil.server.dashboard;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Alerts as the pages show them: a table (with acknowledge and resolve buttons on the dashboard, none in a report)
 * and shaded windows on a field's charts.
 */
final class AlertTable {
    private AlertTable() {}

    /** The table of {@code alerts}, with a button per possible change when {@code actions}. */
    static String render(List<Alert> alerts, String csrf, boolean actions) {
        if (alerts.isEmpty()) {
            return "<p class=\"muted\">No alerts.</p>";
        }
        StringBuilder out = new StringBuilder("<table class=\"alerts\"><thead><tr><th>Window</th><th>Monitor</th>"
                + "<th>Model</th><th>Field</th><th>Segment</th><th>Value</th><th>Threshold</th><th>Severity</th>"
                + "<th>Status</th><th>Why</th>" + (actions ? "<th></th>" : "") + "</tr></thead><tbody>");
        for (Alert a : alerts) {
            out.append("<tr class=\"alert-row\" data-alert=\"")
                    .append(Html.attr(a.id()))
                    .append("\"><td>")
                    .append(Html.text(
                            a.windowStart().toString().substring(0, 16).replace('T', ' ')))
                    .append("</td><td>")
                    .append(Html.text(a.monitor()))
                    .append("</td><td>")
                    .append(Html.text(a.modelId() + " " + a.version()))
                    .append("</td><td>")
                    .append(Html.text(a.field()))
                    .append("</td><td>")
                    .append(Html.text(a.segment()))
                    .append("</td><td class=\"num\">")
                    .append(Layout.cell(a.value()))
                    .append("</td><td class=\"num\">")
                    .append(Layout.cell(a.threshold()))
                    .append("</td><td><span class=\"badge ")
                    .append(a.severity().equals("high") ? "bad" : a.severity().equals("medium") ? "warn" : "ok")
                    .append("\">")
                    .append(Html.text(a.severity()))
                    .append("</span></td><td class=\"status\">")
                    .append(Html.text(a.status().specName()))
                    .append("</td><td class=\"reason\">")
                    .append(Html.text(a.reason()))
                    .append("</td>");
            if (actions) {
                out.append("<td>");
                if (a.status() == Alert.Status.OPEN) {
                    out.append(button(a, "acknowledge", csrf));
                }
                if (a.status() != Alert.Status.RESOLVED) {
                    out.append(button(a, "resolve", csrf));
                }
                out.append("</td>");
            }
            out.append("</tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    private static String button(Alert a, String action, String csrf) {
        return "<form class=\"inline\" method=\"post\" action=\"/alerts/" + Html.attr(Html.segment(a.id())) + "/"
                + action + "\"><input type=\"hidden\" name=\"csrf\" value=\"" + Html.attr(csrf)
                + "\"><button class=\"" + action + "\">" + action + "</button></form>";
    }

    /** The windows of {@code field}'s alerts, to shade on its charts. */
    static List<Svg.Marker> markers(List<Alert> alerts, String field) {
        return alerts.stream()
                .filter(a -> a.field().equals(field))
                .map(a -> new Svg.Marker(a.windowStart(), a.windowEnd(), a.monitor() + ": " + a.reason()))
                .toList();
    }

    /**
     * The windows of {@code field}'s alerts raised by one of {@code monitors}, to shade on a chart of what those
     * monitors watch: an accuracy alert belongs on the performance chart, not on the same field's drift chart.
     */
    static List<Svg.Marker> markers(List<Alert> alerts, String field, Set<String> monitors) {
        return markers(
                alerts.stream().filter(a -> monitors.contains(a.monitor())).toList(), field);
    }

    /**
     * The names of {@code v}'s monitors whose metric comes from {@code source} (drift or performance). A stored
     * monitor whose type this server does not know is left out: its alerts stay in the tables, unshaded.
     */
    static Set<String> monitorsOf(Metastore store, ModelVersion v, MonitorType.Source source) {
        return store.monitors().list(v.modelId(), v.version()).stream()
                .filter(m -> sourceOf(m) == source)
                .map(MonitorRepository.StoredMonitor::name)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static MonitorType.Source sourceOf(MonitorRepository.StoredMonitor m) {
        try {
            return MonitorType.fromSpec(m.spec().path("type").asText(), "monitors." + m.name() + ".type")
                    .source();
        } catch (VigilArgumentException e) {
            return null;
        }
    }
}
