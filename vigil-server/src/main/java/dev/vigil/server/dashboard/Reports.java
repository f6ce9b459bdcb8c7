package dev.vigil.server.dashboard;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.query.ProfileQueries;
import dev.vigil.store.Metastore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The HTML report of a version: the dashboard's version page and every field's page in one self-contained file
 * (inline CSS and SVG, no script, no link out), built from stored aggregates only. The REST API serves it.
 */
public final class Reports {
    /** The Content-Security-Policy a report is served with: the dashboard's (inline CSS and SVG only). */
    public static final String CSP = Layout.CSP;

    private final Metastore store;
    private final Clock clock;
    private final ReportPage report;

    public Reports(Metastore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        ProfileQueries queries = new ProfileQueries(store);
        this.report = new ReportPage(new VersionPage(store, queries), new FieldPage(store, queries), clock);
    }

    /**
     * The report of {@code v} over [{@code from}, {@code to}) by {@code granularity}, each defaulting as the version
     * page does (the last week of serving data, by the hour up to 8 days); refused in one sentence when the range is
     * empty or would draw too many points.
     */
    public String render(ModelVersion v, Optional<Instant> from, Optional<Instant> to, Optional<String> granularity) {
        PageRange range = PageRange.resolve(store, clock, v, from, to, granularity);
        if (!range.to().isAfter(range.from())) {
            throw new VigilArgumentException("to: " + range.to() + " must be after from " + range.from());
        }
        return report.render(v, range);
    }
}
