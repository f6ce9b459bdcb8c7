package dev.vigil.server.api;

import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.server.dashboard.Reports;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The HTML report of a version over the REST API, rendered by the dashboard's {@link Reports}. */
public final class ReportRoutes {
    private final Metastore store;
    private final Reports reports;

    public ReportRoutes(Metastore store, Clock clock) {
        this.store = store;
        this.reports = new Reports(store, clock);
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("reports")
                .get(
                        "/api/v1/models/{model}/versions/{version}/report",
                        this::report,
                        "The HTML report of a version over a range (from, to, granularity): one self-contained page"
                                + " with the dashboard's views, built from stored aggregates only (text/html)")
                .query("from", "to", "granularity")
                .answers(String.class)
                .endpoints();
    }

    private void report(Context ctx) {
        ModelVersion v = Lookups.version(store, ctx);
        String html = reports.render(
                v,
                instant(ctx, "from"),
                instant(ctx, "to"),
                Optional.ofNullable(ctx.queryParam("granularity")).filter(s -> !s.isBlank()));
        ctx.header("Content-Security-Policy", Reports.CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(html);
    }

    private static Optional<Instant> instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank()
                ? Optional.empty()
                : Optional.of(ProfileRequest.parseInstant(value, name));
    }
}
