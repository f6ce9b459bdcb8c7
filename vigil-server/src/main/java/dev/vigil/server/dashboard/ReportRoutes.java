package dev.vigil.server.dashboard;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.query.ProfileQueries;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The HTML report of a version, for the REST API: the dashboard's views on one self-contained page. */
public final class ReportRoutes {
    private final Metastore store;
    private final Clock clock;
    private final ReportPage report;

    public ReportRoutes(Metastore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        ProfileQueries queries = new ProfileQueries(store);
        this.report = new ReportPage(new VersionPage(store, queries), new FieldPage(store, queries), clock);
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("reports")
                .get(
                        "/api/v1/models/{model}/versions/{version}/report",
                        this::report,
                        "The HTML report of a version over a range (from, to, granularity): one self-contained page"
                                + " with the dashboard's views, built from stored aggregates only (text/html)")
                .endpoints();
    }

    private void report(Context ctx) {
        ModelVersion v = Lookups.version(store, ctx);
        PageRange range = PageRange.resolve(
                store,
                clock,
                v,
                DashboardRoutes.instant(ctx, "from", false),
                DashboardRoutes.instant(ctx, "to", false),
                Optional.ofNullable(ctx.queryParam("granularity")).filter(s -> !s.isBlank()));
        if (!range.to().isAfter(range.from())) {
            throw new VigilArgumentException("to: " + range.to() + " must be after from " + range.from());
        }
        ctx.header("Content-Security-Policy", Layout.CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(report.render(v, range));
    }
}
