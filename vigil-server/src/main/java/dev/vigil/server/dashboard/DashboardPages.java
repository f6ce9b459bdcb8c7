package dev.vigil.server.dashboard;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.FieldProfile;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The pages of the dashboard and of the HTML report, rendered on the server from stored profiles only (the same
 * queries as the REST API): plain HTML with inline CSS and inline SVG charts, every value escaped.
 */
final class DashboardPages {
    private final Metastore store;
    private final ProfileQueries queries;
    private final java.time.Clock clock;
    private final FieldPage fieldPage;

    DashboardPages(Metastore store, java.time.Clock clock) {
        this.store = store;
        this.queries = new ProfileQueries(store);
        this.clock = clock;
        this.fieldPage = new FieldPage(store, queries);
    }

    // ---- a version ----------------------------------------------------------------------------------

    String version(ModelVersion v, PageRange range, String csrf) {
        return Layout.page(
                "Vigil — " + v.modelId() + " " + v.version(), versionBody(v, range, csrf, false), csrf, false);
    }

    /**
     * The HTML report of a version over a range: the version page and every field's page in one self-contained
     * file (inline CSS and SVG, no script, no link out), built from stored aggregates only.
     */
    String report(ModelVersion v, PageRange range) {
        StringBuilder body = new StringBuilder(versionBody(v, range, "", true));
        body.append("<h2>Fields</h2>");
        for (Field f : v.schema().fields()) {
            if (f.group() != FieldGroup.ACTUALS) {
                body.append(fieldPage.body(v, f.name(), range, "", true));
            }
        }
        body.append("<p class=\"muted\">Vigil report of ")
                .append(Html.text(v.modelId() + " " + v.version()))
                .append(" from ")
                .append(Html.text(range.from()))
                .append(" to ")
                .append(Html.text(range.to()))
                .append(" by ")
                .append(Html.text(range.granularity().specName()))
                .append(", generated ")
                .append(Html.text(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .append(" from stored profiles.</p>");
        return Layout.page("Vigil report — " + v.modelId() + " " + v.version(), body.toString(), "", true);
    }

    private String versionBody(ModelVersion v, PageRange range, String csrf, boolean report) {
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
                String stored = f.endsWith(".length") ? f.substring(0, f.length() - ".length".length()) : f;
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
                                AlertTable.markers(alerts, stored),
                                range.from(),
                                range.to(),
                                360,
                                110))
                        .append("</td><td>")
                        .append(distribution(
                                stored,
                                Optional.ofNullable(drift.range().get(stored)),
                                Optional.ofNullable(drift.reference().get(stored))))
                        .append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append(performance(v, range, alerts));
        body.append("<h2>Alerts</h2>").append(AlertTable.render(inRange(alerts, range), csrf, !report));
        if (!report) {
            body.append("<h2>Runs</h2>").append(runs(v));
        }
        return body.toString();
    }

    private static List<Alert> inRange(List<Alert> alerts, PageRange range) {
        return alerts.stream()
                .filter(a ->
                        a.windowEnd().isAfter(range.from()) && a.windowStart().isBefore(range.to()))
                .toList();
    }

    /** Window vs baseline: numeric fields by the training deciles (as drift bins them), others by their top values. */
    private static String distribution(String field, Optional<FieldProfile> window, Optional<FieldProfile> baseline) {
        if (window.isEmpty() || baseline.isEmpty()) {
            return "<span class=\"muted\">–</span>";
        }
        FieldType.Kind kind = window.get().kind();
        List<String> labels = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        if (kind == FieldType.Kind.NUMERIC) {
            Optional<KllDoublesSketch> bs = baseline.get().quantileSketch();
            Optional<KllDoublesSketch> ws = window.get().quantileSketch();
            if (bs.isEmpty() || ws.isEmpty() || bs.get().isEmpty() || ws.get().isEmpty()) {
                return "<span class=\"muted\">–</span>";
            }
            double[] edges = bs.get().getQuantiles(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});
            edges = java.util.Arrays.stream(edges).distinct().toArray();
            double[] wc = ws.get().getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
            double[] bc = bs.get().getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
            for (int i = 0; i < wc.length; i++) {
                // the bin's lower edge is its label (the first bin: below the first edge)
                labels.add(i == 0 ? "<" + Svg.number(edges[0]) : Svg.number(edges[i - 1]) + "+");
                w.add(wc[i] - (i == 0 ? 0 : wc[i - 1]));
                b.add(bc[i] - (i == 0 ? 0 : bc[i - 1]));
            }
        } else if (kind == FieldType.Kind.CATEGORICAL
                || kind == FieldType.Kind.STRING
                || kind == FieldType.Kind.BOOLEAN) {
            Map<String, Long> wv = window.get().valueCounts();
            Map<String, Long> bv = baseline.get().valueCounts();
            long wn = Math.max(
                    1,
                    wv.values().stream().mapToLong(Long::longValue).sum()
                            + window.get().otherCount());
            long bn = Math.max(
                    1,
                    bv.values().stream().mapToLong(Long::longValue).sum()
                            + baseline.get().otherCount());
            Map<String, Double> weight = new HashMap<>();
            wv.forEach((k, c) -> weight.merge(k, (double) c / wn, Double::sum));
            bv.forEach((k, c) -> weight.merge(k, (double) c / bn, Double::sum));
            weight.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(10)
                    .forEach(e -> {
                        labels.add(e.getKey());
                        w.add((double) wv.getOrDefault(e.getKey(), 0L) / wn);
                        b.add((double) bv.getOrDefault(e.getKey(), 0L) / bn);
                    });
        } else {
            return "<span class=\"muted\">–</span>";
        }
        return Svg.bars("share of " + field, labels, w, b, 380, 130);
    }

    private String performance(ModelVersion v, PageRange range, List<Alert> alerts) {
        List<Field> predictions = v.schema().group(FieldGroup.PREDICTIONS);
        Map<String, Map<String, Svg.Series>> byField = new LinkedHashMap<>();
        for (PerformanceRow r : queries.performance(v, range.request())) {
            if (r.segment() != null) {
                continue;
            }
            String metric = r.metric();
            if (!List.of("accuracy", "estimated_accuracy", "rmse", "mae", "f1_macro", "ndcg_at_k", "f1_micro")
                    .contains(metric)) {
                continue;
            }
            Svg.Series s = byField.computeIfAbsent(r.field(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(
                            metric,
                            k -> new Svg.Series(
                                    k.startsWith("estimated_") ? k + " (CBPE)" : k + " (realized)",
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
        out.append("<div class=\"charts\">");
        for (Field f : predictions) {
            Map<String, Svg.Series> series = byField.get(f.name());
            if (series != null) {
                out.append(Svg.lineChart(
                        "performance of " + f.name(),
                        new ArrayList<>(series.values()),
                        AlertTable.markers(alerts, f.name()),
                        range.from(),
                        range.to(),
                        560,
                        180));
            }
        }
        return out.append("</div>").toString();
    }

    // ---- runs ----------------------------------------------------------------------------

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
