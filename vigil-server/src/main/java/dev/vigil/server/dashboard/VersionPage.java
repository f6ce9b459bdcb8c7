package dev.vigil.server.dashboard;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.stats.multivariate.PcaReconstruction;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A version's page: its fields ranked by drift against the training set (each with its drift over time and its
 * distribution against training), its performance over time, its alerts and its runs.
 */
final class VersionPage {
    private final Metastore store;
    private final ProfileQueries queries;

    VersionPage(Metastore store, ProfileQueries queries) {
        this.store = store;
        this.queries = queries;
    }

    /** The page of {@code v} over {@code range}, with alert buttons when the signed-in token {@code mayAct}. */
    String render(ModelVersion v, PageRange range, String csrf, boolean mayAct) {
        return Layout.page(
                "Vigil — " + v.modelId() + " " + v.version(), body(v, range, csrf, false, mayAct), csrf, false);
    }

    /**
     * The page's body; in a report ({@code report} true) the range is text instead of a form, field links point into
     * the report, and alerts have no buttons and runs are left out. Alerts have buttons only when {@code mayAct}.
     */
    String body(ModelVersion v, PageRange range, String csrf, boolean report, boolean mayAct) {
        String base = "/models/" + Html.segment(v.modelId()) + "/versions/" + Html.segment(v.version());
        StringBuilder body = new StringBuilder();
        if (!report) {
            body.append("<p class=\"crumbs\"><a href=\"/\">Models</a> / ")
                    .append(Html.text(v.modelId()))
                    .append("</p>");
        }
        body.append("<h1>")
                .append(Html.text(v.modelId()))
                .append(" <span class=\"muted\">version ")
                .append(Html.text(v.version()))
                .append("</span></h1>");
        body.append(
                report
                        ? "<p class=\"muted\">"
                                + Html.text(range.from() + " to " + range.to() + ", by "
                                        + range.granularity().specName())
                                + "</p>"
                        : Layout.rangePicker(base, range));
        if (!VersionData.hasServing(store, v)) {
            return body.append(Layout.NO_SERVING).toString();
        }
        List<Alert> alerts = VersionData.alerts(store, v);
        // Each chart shades only the alerts of what it shows: drift monitors' on drift charts, and so on.
        Set<String> driftMonitors = AlertTable.monitorsOf(store, v, MonitorType.Source.DRIFT);
        // Drift of every field, ranked by its drift over the whole range.
        body.append("<h2>Drift against the training set</h2>");
        if (!VersionData.hasTraining(store, v)) {
            body.append("<p class=\"muted\">No training dataset connected: drift needs one as its baseline.</p>");
        } else {
            // One read of the range: each bucket's drift for the charts, the whole range's for the ranking.
            ProfileQueries.DriftOverview drift = queries.driftOverview(v, range.request(), DatasetKind.TRAINING);
            List<DriftRow> ranked = drift.overRange().stream()
                    .filter(r -> r.segment() == null)
                    .sorted(Comparator.comparingDouble((DriftRow r) -> r.value() == null ? -1 : r.value())
                            .reversed())
                    .toList();
            Map<String, Svg.Series> series = new LinkedHashMap<>();
            for (DriftRow r : drift.byWindow()) {
                if (r.segment() != null) {
                    continue;
                }
                Svg.Series s = series.computeIfAbsent(
                        r.field(), k -> new Svg.Series("drift_score", new ArrayList<>(), new ArrayList<>(), false));
                s.times().add(r.windowStart());
                s.values().add(r.value());
            }
            body.append("<table class=\"drift\"><thead><tr><th>#</th><th>Field</th><th>Drift score</th>"
                    + "<th>Over time</th><th>Distribution (range vs training)</th></tr></thead><tbody>");
            int rank = 0;
            for (DriftRow r : ranked) {
                String f = r.field();
                String stored = TextLength.fieldOf(f);
                Double score = r.value();
                body.append("<tr class=\"field-row\" data-field=\"")
                        .append(Html.attr(f))
                        .append("\"><td>")
                        .append(++rank)
                        .append("</td><td><a class=\"field-link\" href=\"")
                        .append(
                                report
                                        ? "#field-" + Html.attr(Html.segment(stored))
                                        : base + "/fields/" + Html.attr(Html.segment(stored)) + range.query())
                        .append("\">")
                        .append(Html.text(f))
                        .append("</a></td><td class=\"num\">")
                        .append(
                                score == null
                                        ? "<span class=\"muted\" title=\"" + Html.attr(r.reason()) + "\">–</span>"
                                        : Layout.badge(score, 0.1, 0.2))
                        .append("</td><td>")
                        .append(Svg.lineChart(
                                "drift_score of " + f,
                                series.containsKey(f) ? List.of(series.get(f)) : List.of(),
                                AlertTable.markers(alerts, stored, driftMonitors),
                                range.from(),
                                range.to(),
                                360,
                                110))
                        .append("</td><td>")
                        .append(DistributionChart.of(
                                stored,
                                Optional.ofNullable(drift.range().get(stored)),
                                Optional.ofNullable(drift.reference().get(stored))))
                        .append("</td></tr>");
            }
            body.append("</tbody></table>");
            body.append(multivariate(v, range, alerts, driftMonitors));
        }
        body.append(performance(v, range, alerts));
        body.append("<h2>Alerts</h2>").append(AlertTable.render(inRange(alerts, range), csrf, !report && mayAct));
        if (!report) {
            body.append("<h2>Runs</h2>").append(runs(v));
        }
        return body.toString();
    }

    /**
     * The row sample's drift against training over the page's windows (decision 0030): {@code
     * pca_reconstruction_error} with its band, and {@code domain_classifier_auc}; nothing when the version samples no
     * rows. The classifier is computed for at most 31 windows unless asked: past that its chart says so.
     */
    private String multivariate(ModelVersion v, PageRange range, List<Alert> alerts, Set<String> driftMonitors) {
        List<DriftRow> rows = queries.drift(
                v, range.request().withBaseline(Baseline.TRAINING).withField(MultivariateMetrics.ROW_FIELD));
        if (rows.isEmpty()) {
            return "";
        }
        Map<String, Svg.Series> series = new LinkedHashMap<>();
        String aucReason = null;
        for (DriftRow r : rows) {
            String name =
                    switch (r.metric()) {
                        case "pca_reconstruction_error_lower" -> "lower band";
                        case "pca_reconstruction_error_upper" -> "upper band";
                        default -> r.metric();
                    };
            Svg.Series s = series.computeIfAbsent(
                    r.metric(),
                    k -> new Svg.Series(
                            name, new ArrayList<>(), new ArrayList<>(), k.startsWith(PcaReconstruction.METRIC + "_")));
            s.times().add(r.windowStart());
            s.values().add(r.value());
            if (r.metric().equals(DomainClassifier.METRIC) && r.value() == null && r.reason() != null) {
                aucReason = r.reason();
            }
        }
        List<Svg.Marker> markers = AlertTable.markers(alerts, MultivariateMetrics.ROW_FIELD, driftMonitors);
        StringBuilder out = new StringBuilder(
                "<h2>Multivariate drift (row sample against training)</h2>" + "<div class=\"charts multivariate\">");
        List<Svg.Series> pca = new ArrayList<>();
        for (String m :
                List.of(PcaReconstruction.METRIC, MultivariateMetrics.PCA_UPPER, MultivariateMetrics.PCA_LOWER)) {
            if (series.containsKey(m)) {
                pca.add(series.get(m));
            }
        }
        out.append(Svg.lineChart(
                "pca_reconstruction_error and its band", pca, markers, range.from(), range.to(), 560, 180));
        if (series.containsKey(DomainClassifier.METRIC)) {
            out.append(Svg.lineChart(
                    "domain_classifier_auc (0.5: no drift)",
                    List.of(series.get(DomainClassifier.METRIC)),
                    markers,
                    range.from(),
                    range.to(),
                    560,
                    180));
        }
        out.append("</div>");
        if (aucReason != null) {
            out.append("<p class=\"muted\">domain_classifier_auc: ")
                    .append(Html.text(aucReason))
                    .append("</p>");
        }
        return out.toString();
    }

    private static List<Alert> inRange(List<Alert> alerts, PageRange range) {
        return alerts.stream()
                .filter(a ->
                        a.windowEnd().isAfter(range.from()) && a.windowStart().isBefore(range.to()))
                .toList();
    }

    private String performance(ModelVersion v, PageRange range, List<Alert> alerts) {
        List<Field> predictions = v.schema().group(FieldGroup.PREDICTIONS);
        Map<String, Map<String, Svg.Series>> byField = new LinkedHashMap<>();
        for (PerformanceRow r : queries.performance(v, range.request())) {
            if (r.segment() != null) {
                continue;
            }
            String metric = r.metric();
            // estimated_f1_micro: a multi-label model's CBPE beside its realized f1_micro
            if (!List.of(
                                    "accuracy",
                                    "estimated_accuracy",
                                    "rmse",
                                    "estimated_rmse",
                                    "mae",
                                    "estimated_mae",
                                    "f1_macro",
                                    "ndcg_at_k",
                                    "f1_micro",
                                    "estimated_f1_micro")
                            .contains(metric)
                    || (metric.equals("estimated_f1_micro") && v.modelType() != ModelType.MULTI_LABEL)) {
                continue;
            }
            Svg.Series s = byField.computeIfAbsent(r.field(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(
                            metric,
                            k -> new Svg.Series(
                                    k.startsWith("estimated_")
                                            ? k
                                                    + (k.equals("estimated_mae") || k.equals("estimated_rmse")
                                                            ? " (DLE)"
                                                            : " (CBPE)")
                                            : k + " (realized)",
                                    new ArrayList<>(),
                                    new ArrayList<>(),
                                    k.startsWith("estimated_")));
            s.times().add(r.windowStart());
            s.values().add(r.value());
        }
        StringBuilder out = new StringBuilder("<h2>Performance</h2>");
        if (byField.isEmpty()) {
            return out.append("<p class=\"muted\">No performance yet: label the predictions (labels on the serving"
                            + " dataset, or an actuals dataset).</p>")
                    .toString();
        }
        Set<String> performanceMonitors = AlertTable.monitorsOf(store, v, MonitorType.Source.PERFORMANCE);
        out.append("<div class=\"charts\">");
        for (Field f : predictions) {
            Map<String, Svg.Series> series = byField.get(f.name());
            if (series != null) {
                out.append(Svg.lineChart(
                        "performance of " + f.name(),
                        new ArrayList<>(series.values()),
                        AlertTable.markers(alerts, f.name(), performanceMonitors),
                        range.from(),
                        range.to(),
                        560,
                        180));
            }
        }
        return out.append("</div>").toString();
    }

    private String runs(ModelVersion v) {
        List<Run> runs = store.runs().list(v.modelId(), v.version(), 10);
        if (runs.isEmpty()) {
            return "<p class=\"muted\">No runs yet.</p>";
        }
        StringBuilder out = new StringBuilder("<table class=\"runs\"><thead><tr><th>Run</th><th>Dataset</th>"
                + "<th>Status</th><th>Progress</th><th>Rows</th><th>With problems</th><th>Failure</th></tr></thead>"
                + "<tbody>");
        for (Run r : runs) {
            int percent = r.windowsTotal() == 0 ? 100 : 100 * r.windowsDone() / r.windowsTotal();
            out.append("<tr><td>")
                    .append(Html.text(r.id()))
                    .append("</td><td>")
                    .append(Html.text(r.dataset()))
                    .append("</td><td>")
                    .append(Html.text(r.status().specName()))
                    .append("</td><td><progress max=\"100\" value=\"")
                    .append(percent)
                    .append("\"></progress> ")
                    .append(r.windowsDone())
                    .append('/')
                    .append(r.windowsTotal())
                    .append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%,d", r.rowsRead()))
                    .append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%,d", r.rowsWithProblems()))
                    .append("</td><td>")
                    .append(Html.text(r.error() == null ? "" : r.error()))
                    .append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }
}
