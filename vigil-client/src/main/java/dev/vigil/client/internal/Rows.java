package dev.vigil.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The server's flat JSON rows read back into the query records they were written from (the inverse of its RowJson). */
public final class Rows {
    private Rows() {}

    public static List<MetricRow> metrics(JsonNode rows) {
        return read(
                rows,
                r -> new MetricRow(
                        text(r, "dataset"),
                        text(r, "segment"),
                        text(r, "field"),
                        text(r, "metric"),
                        instant(r, "window_start"),
                        instant(r, "window_end"),
                        number(r, "value")));
    }

    public static List<DriftRow> drift(JsonNode rows) {
        return read(
                rows,
                r -> new DriftRow(
                        text(r, "dataset"),
                        text(r, "segment"),
                        text(r, "field"),
                        text(r, "metric"),
                        instant(r, "window_start"),
                        instant(r, "window_end"),
                        number(r, "value"),
                        text(r, "baseline"),
                        text(r, "reason")));
    }

    public static List<PerformanceRow> performance(JsonNode rows) {
        return read(
                rows,
                r -> new PerformanceRow(
                        text(r, "dataset"),
                        text(r, "segment"),
                        text(r, "field"),
                        text(r, "metric"),
                        instant(r, "window_start"),
                        instant(r, "window_end"),
                        number(r, "value"),
                        r.has("reference")
                                ? Optional.of(new PerformanceRow.Estimate(number(r, "std"), text(r, "reference")))
                                : Optional.empty()));
    }

    private static <R> List<R> read(JsonNode rows, Function<JsonNode, R> row) {
        List<R> out = new ArrayList<>();
        rows.forEach(r -> out.add(row.apply(r)));
        return out;
    }

    private static String text(JsonNode row, String key) {
        JsonNode n = row.path(key);
        return n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private static Double number(JsonNode row, String key) {
        JsonNode n = row.path(key);
        return n.isNull() || n.isMissingNode() ? null : n.asDouble();
    }

    private static Instant instant(JsonNode row, String key) {
        return Instant.parse(row.path(key).asText());
    }
}
