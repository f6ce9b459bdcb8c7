package dev.vigil.server.dashboard;

import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.ModelVersion;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/** The HTML report of a version: its page and every field's page (but the actuals') as one file. */
final class ReportPage {
    private final VersionPage version;
    private final FieldPage field;
    private final Clock clock;

    ReportPage(VersionPage version, FieldPage field, Clock clock) {
        this.version = version;
        this.field = field;
        this.clock = clock;
    }

    /**
     * The report of {@code v} over {@code range}: one self-contained file (inline CSS and SVG, no script, no link
     * out), built from stored aggregates only.
     */
    String render(ModelVersion v, PageRange range) {
        StringBuilder body = new StringBuilder(version.body(v, range, "", true, false));
        body.append("<h2>Fields</h2>");
        for (Field f : v.schema().fields()) {
            if (f.group() != FieldGroup.ACTUALS) {
                body.append(field.body(v, f.name(), range, "", true, false));
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
                .append(Html.text(clock.instant().truncatedTo(ChronoUnit.SECONDS)))
                .append(" from stored profiles.</p>");
        return Layout.page("Vigil report — " + v.modelId() + " " + v.version(), body.toString(), "", true);
    }
}
