package dev.vigil.server.dashboard;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.ExplainRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.multivariate.EmbeddingMmd;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A field's page: its metrics over time and by segment, and its alerts. */
final class FieldPage {
    private final Metastore store;
    private final ProfileQueries queries;

    FieldPage(Metastore store, ProfileQueries queries) {
        this.store = store;
        this.queries = queries;
    }

    /** The page of {@code field} of {@code v} over {@code range}, with alert buttons when the token {@code mayAct}. */
    String render(ModelVersion v, String field, PageRange range, String csrf, boolean mayAct) {
        return Layout.page("Vigil — " + field, body(v, field, range, csrf, false, mayAct), csrf, false);
    }

    /** A legend's colour square, inline (the dashboard's one stylesheet is shared by every page). */
    private static final String SWATCH = "display:inline-block;width:10px;height:10px;margin:0 4px 0 8px;";

    /**
     * "Which segment is worst": the field's drift (psi) over the whole range against training, split into each
     * declared segment's contribution and those discovered in the range's row sample (a lighter shade, with a legend
     * saying they are estimates; decision 0032), as horizontal bars, largest first (the 12 largest). A version
     * without segments or sample, a field without binned drift, or no training baseline says so in a line instead.
     */
    private String rootCause(ModelVersion v, String field, PageRange range, boolean report) {
        StringBuilder out =
                new StringBuilder(report ? "<h4>Which segment is worst</h4>" : "<h2>Which segment is worst</h2>");
        out.append("<div class=\"root-cause\">");
        List<ExplainRow> rows;
        try {
            rows = queries.explainDrift(v, range.request().withField(field));
        } catch (VigilException e) {
            return out.append("<p class=\"muted\">")
                    .append(Html.text(e.getMessage()))
                    .append("</p></div>")
                    .toString();
        }
        if (rows.isEmpty()) {
            return out.append("<p class=\"muted\">")
                    .append(Html.text(
                            v.segments().isEmpty()
                                    ? "No segments declared for this version, and none discovered in its row sample."
                                    : ProfileQueries.segmentsExplaining(v, field)
                                                    .isEmpty()
                                            ? "Every declared segment is cut on " + field
                                                    + " itself, which would explain its" + " drift by construction."
                                            : "No segment splits this field's drift in this range (no binned drift, or no"
                                                    + " rows)."))
                    .append("</p></div>")
                    .toString();
        }
        List<ExplainRow> top = rows.subList(0, Math.min(12, rows.size()));
        List<String> notes = top.stream()
                .map(r -> Svg.number(r.contribution() == null ? 0 : r.contribution())
                        + (r.contributionShare() == null
                                ? ""
                                : String.format(java.util.Locale.ROOT, " (%.0f%%)", 100 * r.contributionShare()))
                        + String.format(java.util.Locale.ROOT, " · %.0f%% of rows", 100 * r.share()))
                .toList();
        out.append(Svg.horizontalBars(
                "Contribution to psi " + Svg.number(rows.get(0).total()) + " against "
                        + rows.get(0).baseline(),
                top.stream().map(ExplainRow::segment).toList(),
                top.stream().map(ExplainRow::contribution).toList(),
                notes,
                top.stream().map(r -> ExplainRow.DISCOVERED.equals(r.source())).toList(),
                680));
        Integer sampled = top.stream()
                .map(ExplainRow::sampleRows)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        if (sampled != null) {
            out.append("<p class=\"muted root-cause-legend\"><span class=\"swatch\" style=\"" + SWATCH + "background:")
                    .append(Svg.COLORS[0])
                    .append(
                            "\"></span> declared segment (from its profiles) <span class=\"swatch swatch-discovered\" style=\""
                                    + SWATCH + "background:")
                    .append(Svg.LIGHT)
                    .append("\"></span> discovered in the row sample (")
                    .append(sampled)
                    .append(" rows; each value against the rest of the sample): an estimate</p>");
        }
        out.append("<p class=\"muted\">The contributions of one declared segment's values (and of its"
                + " __rest__: rows none of them holds) add up to the field's psi; a segment cut on this field"
                + " itself is left out, and so is a column a declared segment already splits from the"
                + " discovered ones (decision 0032).</p></div>");
        return out.toString();
    }

    /**
     * The page's body: its charts of the field's metrics over time, its segments over the whole range and, on the
     * dashboard ({@code report} false), its alerts; in a report, a section under the version's.
     */
    String body(ModelVersion v, String field, PageRange range, String csrf, boolean report, boolean mayAct) {
        String base = "/models/" + Html.segment(v.modelId()) + "/versions/" + Html.segment(v.version());
        StringBuilder body = new StringBuilder();
        if (report) {
            body.append("<h3 id=\"field-")
                    .append(Html.attr(Html.segment(field)))
                    .append("\">")
                    .append(Html.text(field))
                    .append("</h3>");
        } else {
            body.append("<p class=\"crumbs\"><a href=\"/\">Models</a> / <a href=\"")
                    .append(Html.attr(base))
                    .append(range.query())
                    .append("\">")
                    .append(Html.text(v.modelId() + " " + v.version()))
                    .append("</a></p><h1>")
                    .append(Html.text(field))
                    .append("</h1>");
            body.append(Layout.rangePicker(base + "/fields/" + Html.segment(field), range));
        }
        if (!VersionData.hasServing(store, v)) {
            return body.append(Layout.NO_SERVING).toString();
        }
        List<Alert> alerts = VersionData.alerts(store, v);
        Map<String, Svg.Series> byMetric = new TreeMap<>();
        Map<String, Map<String, Double>> segments = new TreeMap<>();
        for (MetricRow r : queries.metrics(v, range.request().withField(field))) {
            String metric = r.metric();
            if (!List.of("count", "missing_ratio", "mean", "p50", "distinct_count", "mean_length", "mean_norm")
                    .contains(metric)) {
                continue;
            }
            Svg.Series s = byMetric.computeIfAbsent(
                    metric, k -> new Svg.Series(k, new ArrayList<>(), new ArrayList<>(), false));
            s.times().add(r.windowStart());
            s.values().add(r.value());
        }
        body.append("<div class=\"charts\">");
        for (Map.Entry<String, Svg.Series> e : byMetric.entrySet()) {
            body.append(Svg.lineChart(
                    e.getKey(),
                    List.of(e.getValue()),
                    AlertTable.markers(alerts, field),
                    range.from(),
                    range.to(),
                    460,
                    160));
        }
        body.append(embeddingDrift(v, field, range, alerts));
        body.append("</div>");
        // Segment breakdown over the whole range.
        for (String segment : store
                .profiles()
                .find(
                        v.modelId(),
                        v.version(),
                        "serving",
                        range.from(),
                        range.to(),
                        Optional.empty(),
                        Optional.of(field))
                .stream()
                .map(sp -> sp.segment())
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList()) {
            ProfileRequest whole = new PageRange(range.from(), range.to(), Granularity.ALL)
                    .request()
                    .withField(field)
                    .withSegment(Optional.of(segment));
            Map<String, Double> values = new LinkedHashMap<>();
            for (MetricRow r : queries.metrics(v, whole)) {
                if (r.value() != null) {
                    values.put(r.metric(), r.value());
                }
            }
            segments.put(segment, values);
        }
        body.append(report ? "<h4>Segments</h4>" : "<h2>Segments</h2>");
        if (segments.isEmpty()) {
            body.append("<p class=\"muted\">No segments declared for this version.</p>");
        } else {
            body.append("<table class=\"segments\"><thead><tr><th>Segment</th><th>Rows</th><th>Missing</th>"
                    + "<th>Mean</th></tr></thead><tbody>");
            segments.forEach((segment, values) -> body.append("<tr><td>")
                    .append(Html.text(segment))
                    .append("</td><td class=\"num\">")
                    .append(Layout.cell(values.get("count")))
                    .append("</td><td class=\"num\">")
                    .append(Layout.cell(values.get("missing_ratio")))
                    .append("</td><td class=\"num\">")
                    .append(Layout.cell(values.get("mean")))
                    .append("</td></tr>"));
            body.append("</tbody></table>");
        }
        body.append(rootCause(v, field, range, report));
        if (!report) {
            body.append("<h2>Alerts</h2>")
                    .append(AlertTable.render(
                            alerts.stream().filter(a -> a.field().equals(field)).toList(), csrf, mayAct));
        }
        return body.toString();
    }

    /**
     * An embedding or tensor field's MMD against training over the page's windows, from the row samples (decision
     * 0030): {@code mmd} and {@code mmd_pvalue}; nothing for other fields, without a training dataset or samples.
     */
    private String embeddingDrift(ModelVersion v, String field, PageRange range, List<Alert> alerts) {
        boolean vector = v.schema().fields().stream()
                .anyMatch(f -> f.name().equals(field)
                        && (f.type().kind() == FieldType.Kind.EMBEDDING
                                || f.type().kind() == FieldType.Kind.TENSOR));
        if (!vector || !VersionData.hasTraining(store, v)) {
            return "";
        }
        Map<String, Svg.Series> byMetric = new TreeMap<>();
        for (DriftRow r :
                queries.drift(v, range.request().withBaseline(Baseline.TRAINING).withField(field))) {
            if (r.metric().equals(EmbeddingMmd.METRIC) || r.metric().equals(EmbeddingMmd.PVALUE_METRIC)) {
                Svg.Series s = byMetric.computeIfAbsent(
                        r.metric(), k -> new Svg.Series(k, new ArrayList<>(), new ArrayList<>(), false));
                s.times().add(r.windowStart());
                s.values().add(r.value());
            }
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Svg.Series> e : byMetric.entrySet()) {
            out.append(Svg.lineChart(
                    e.getKey() + " against training",
                    List.of(e.getValue()),
                    AlertTable.markers(alerts, field),
                    range.from(),
                    range.to(),
                    460,
                    160));
        }
        return out.toString();
    }
}
