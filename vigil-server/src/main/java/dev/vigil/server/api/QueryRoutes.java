package dev.vigil.server.api;

import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.ExplainRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.core.query.ProfileRequest.Question;
import dev.vigil.query.ProfileQueries;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import java.util.List;

/** The questions over stored profiles: metrics, drift and performance of a version, as flat JSON rows: the query's records, serialized as they are. */
public final class QueryRoutes {
    private static final String VERSION = "/api/v1/models/{model}/versions/{version}";

    private final Metastore store;
    private final ProfileQueries queries;

    public QueryRoutes(Metastore store) {
        this.store = store;
        this.queries = new ProfileQueries(store);
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("metrics")
                .get(
                        VERSION + "/metrics",
                        this::metrics,
                        "Metrics from stored profiles: query dataset, field, metric, from, to, granularity"
                                + " (hour|day|week|month|all), segment (NAME=VALUE)")
                .query("dataset", "field", "metric", "from", "to", "granularity", "segment")
                .answers(Routes.listOf(MetricRow.class))
                .tag("drift")
                .get(
                        VERSION + "/drift",
                        this::drift,
                        "Drift of each window against a baseline, from stored profiles: query dataset, field, metric,"
                                + " from, to, granularity, segment, baseline (training|testing|previous|FROM/TO),"
                                + " min_baseline_rows (default 100), top (the N fields with the highest drift_score)")
                .query(
                        "dataset",
                        "field",
                        "metric",
                        "from",
                        "to",
                        "granularity",
                        "segment",
                        "baseline",
                        "min_baseline_rows",
                        "top")
                .answers(Routes.listOf(DriftRow.class))
                .get(
                        VERSION + "/drift/explain",
                        this::explainDrift,
                        "Which segment is worst: a field's drift (psi) over the range against a baseline, split into"
                                + " each declared segment's contribution (they add up to the psi), with its share of"
                                + " the rows and its own drift_score, largest first. Query field (required), dataset,"
                                + " from, to, baseline (training|testing|FROM/TO), min_baseline_rows (default 100)")
                .query("field", "dataset", "from", "to", "baseline", "min_baseline_rows")
                .answers(Routes.listOf(ExplainRow.class))
                .tag("performance")
                .get(
                        VERSION + "/performance",
                        this::performance,
                        "Model performance per window from stored profiles: realized from the rows whose actuals"
                                + " arrived, and estimated by CBPE for binary models with a score and multiclass and"
                                + " multi-label models with dict predictions (rows with std and reference). Query dataset, field (a prediction), metric, from, to, granularity,"
                                + " segment, baseline (training|testing: the calibration reference, default training)")
                .query("dataset", "field", "metric", "from", "to", "granularity", "segment", "baseline")
                .answers(Routes.listOf(PerformanceRowJson.class))
                .get(
                        VERSION + "/performance/explain",
                        this::explainPerformance,
                        "Which segment is worst: a performance metric's worsening over the range from its value on"
                                + " the reference, split into each declared segment's contribution (exactly for"
                                + " metrics that are means over rows: accuracy, mae, mse, subset_accuracy), with its"
                                + " share of the labeled rows and its own value, largest first. Query metric"
                                + " (required), field (a prediction), dataset, from, to, baseline (training|testing)")
                .query("metric", "field", "dataset", "from", "to", "baseline")
                .answers(Routes.listOf(ExplainRow.class))
                .endpoints();
    }

    private void metrics(Context ctx) {
        var version = Lookups.version(store, ctx);
        Json.send(ctx, 200, queries.metrics(version, request(ctx, Question.METRICS)));
    }

    private void drift(Context ctx) {
        var version = Lookups.version(store, ctx);
        Json.send(ctx, 200, queries.drift(version, request(ctx, Question.DRIFT)));
    }

    private void explainDrift(Context ctx) {
        var version = Lookups.version(store, ctx);
        Json.send(ctx, 200, queries.explainDrift(version, request(ctx, Question.DRIFT)));
    }

    private void explainPerformance(Context ctx) {
        var version = Lookups.version(store, ctx);
        Json.send(ctx, 200, queries.explainPerformance(version, request(ctx, Question.PERFORMANCE)));
    }

    private void performance(Context ctx) {
        var version = Lookups.version(store, ctx);
        Json.send(
                ctx,
                200,
                queries.performance(version, request(ctx, Question.PERFORMANCE)).stream()
                        .map(PerformanceRowJson::of)
                        .toList());
    }

    private static ProfileRequest request(Context ctx, Question question) {
        return ProfileRequest.fromParams(ctx::queryParam, question);
    }
}
