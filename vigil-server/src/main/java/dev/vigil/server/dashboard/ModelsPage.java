package dev.vigil.server.dashboard;

import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.query.ProfileQueries;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The dashboard's home: the models list. */
final class ModelsPage {
    private final Metastore store;
    private final ProfileQueries queries;
    private final Clock clock;

    ModelsPage(Metastore store, ProfileQueries queries, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.clock = clock;
    }

    /** Every model and version with its last day of serving data: rows, top drift, performance, open alerts. */
    String render(String csrf) {
        StringBuilder body = new StringBuilder("<h1>Models</h1>");
        List<Model> models = store.models().list();
        if (models.isEmpty()) {
            body.append(
                    "<p class=\"muted\">No models yet: apply a spec with <code>vigil apply -f spec.yaml</code>.</p>");
        }
        body.append("<table class=\"models\"><thead><tr><th>Model</th><th>Version</th><th>Rows (last day)</th>"
                + "<th>Top drift (last day)</th><th>Performance (last day)</th><th>Open alerts</th></tr></thead>"
                + "<tbody>");
        for (Model m : models) {
            List<ModelVersion> versions = store.versions().list(m.id());
            if (versions.isEmpty()) {
                body.append("<tr><td><span class=\"model-link\">")
                        .append(Html.text(m.name()))
                        .append("</span> <span class=\"muted\">")
                        .append(Html.text(m.id()))
                        .append("</span></td><td colspan=\"5\" class=\"muted\">no versions yet</td></tr>");
            }
            for (ModelVersion v : versions) {
                PageRange last =
                        PageRange.resolve(store, clock, v, Optional.empty(), Optional.empty(), Optional.of("all"));
                PageRange day = new PageRange(last.to().minus(Duration.ofDays(1)), last.to(), Granularity.ALL);
                long open = store.alerts().list(Optional.of(m.id()), Optional.of(Alert.Status.OPEN), 10_000).stream()
                        .filter(a -> a.version().equals(v.version()))
                        .count();
                boolean serving = VersionData.hasServing(store, v);
                List<DriftRow> drift = serving ? topDrift(v, day) : List.of();
                body.append("<tr><td><a class=\"model-link\" href=\"/models/")
                        .append(Html.attr(Html.segment(m.id())))
                        .append("/versions/")
                        .append(Html.attr(Html.segment(v.version())))
                        .append("\">")
                        .append(Html.text(m.name()))
                        .append("</a> <span class=\"muted\">")
                        .append(Html.text(m.id()))
                        .append("</span></td><td>")
                        .append(Html.text(v.version()))
                        .append("</td><td class=\"num\">")
                        .append(Html.text(serving ? rows(v, day) : "no serving data"))
                        .append("</td><td>")
                        .append(
                                drift.isEmpty()
                                        ? "<span class=\"muted\">–</span>"
                                        : String.join(
                                                " · ",
                                                drift.stream()
                                                        .map(r -> Html.text(r.field()) + " "
                                                                + Layout.badge(r.value(), 0.1, 0.2))
                                                        .toList()))
                        .append("</td><td>")
                        .append(Html.text(serving ? performanceSummary(v, day) : "–"))
                        .append("</td><td>")
                        .append(
                                open > 0
                                        ? "<span class=\"badge bad\">" + open + " open</span>"
                                        : "<span class=\"badge" + " ok\">none</span>")
                        .append("</td></tr>");
            }
        }
        body.append("</tbody></table>");
        return Layout.page("Vigil — models", body.toString(), csrf, false);
    }

    private String rows(ModelVersion v, PageRange day) {
        for (MetricRow r : queries.metrics(v, day.request().withMetric("count"))) {
            if (r.field() == null) {
                return String.format(Locale.ROOT, "%,d", r.value().longValue());
            }
        }
        return "0";
    }

    /**
     * The row of the field with the largest drift score over the range among the distributions and categories, whose
     * scores lie in [0, 1]; a vector's centroid distance grows with its dimensions and would top every ordinary day,
     * so an embedding or tensor is shown beside it only when a monitor of that field fired in the range. Empty
     * without a training set.
     */
    private List<DriftRow> topDrift(ModelVersion v, PageRange range) {
        if (!VersionData.hasTraining(store, v)) {
            return List.of();
        }
        List<DriftRow> rows =
                queries.drift(v, range.request().withMetric("drift_score").withBaseline(Baseline.TRAINING)).stream()
                        .filter(r -> r.segment() == null && r.value() != null)
                        .toList();
        List<DriftRow> out = new ArrayList<>();
        rows.stream()
                .filter(r -> !isVector(v, r.field()))
                .reduce((best, r) -> r.value() > best.value() ? r : best)
                .ifPresent(out::add);
        Set<String> fired = new HashSet<>();
        store.alerts().list(Optional.of(v.modelId()), Optional.empty(), Optional.of(range.from()), 10_000).stream()
                .filter(a -> a.version().equals(v.version()) && a.windowStart().isBefore(range.to()))
                .forEach(a -> fired.add(a.field()));
        rows.stream()
                .filter(r -> isVector(v, r.field()) && fired.contains(r.field()))
                .reduce((best, r) -> r.value() > best.value() ? r : best)
                .ifPresent(out::add);
        return out;
    }

    private static boolean isVector(ModelVersion v, String field) {
        return v.schema().fields().stream()
                .anyMatch(f -> f.name().equals(field)
                        && (f.type().kind() == FieldType.Kind.EMBEDDING
                                || f.type().kind() == FieldType.Kind.TENSOR));
    }

    private String performanceSummary(ModelVersion v, PageRange range) {
        Map<String, Double> realized = new LinkedHashMap<>();
        Map<String, Double> estimated = new LinkedHashMap<>();
        for (PerformanceRow r : queries.performance(v, range.request())) {
            if (r.segment() != null || r.value() == null) {
                continue;
            }
            (r.estimated() ? estimated : realized).put(r.field() + " " + r.metric(), r.value());
        }
        // the label prediction (will_buy_insurance) before a score (proba): the label is what the model decides
        List<String> predictions = v.schema().group(FieldGroup.PREDICTIONS).stream()
                .sorted(Comparator.comparing((Field f) -> f.type().kind() == FieldType.Kind.NUMERIC))
                .map(Field::name)
                .toList();
        for (String metric : List.of("accuracy", "f1_macro", "rmse", "f1_micro", "ndcg_at_k")) {
            for (String field : predictions) {
                Double value = realized.get(field + " " + metric);
                if (value != null) {
                    return field + " " + metric + " " + Svg.number(value);
                }
            }
        }
        for (String metric : List.of("estimated_accuracy", "estimated_f1_micro", "estimated_rmse")) {
            for (String field : predictions) {
                Double value = estimated.get(field + " " + metric);
                if (value != null) {
                    return field + " " + metric + " " + Svg.number(value);
                }
            }
        }
        return "–";
    }
}
