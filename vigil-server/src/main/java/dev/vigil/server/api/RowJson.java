package dev.vigil.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.core.query.QueryRow;
import dev.vigil.server.web.Json;
import java.util.List;
import java.util.function.Function;

/**
 * The one place query rows become JSON: DESIGN.md's flat rows {@code {dataset, segment, field, metric, window_start,
 * window_end, value}}, with drift's {@code baseline} (and {@code reason} when the value is null) and an estimate's
 * {@code std} and {@code reference}. Absent segments, fields and values are JSON nulls
 * ({@code ObjectNode.put} writes a null {@code String} or {@code Double} as one).
 */
final class RowJson {
    private RowJson() {}

    static ArrayNode metrics(List<MetricRow> rows) {
        return array(rows, RowJson::row);
    }

    static ArrayNode drift(List<DriftRow> rows) {
        return array(rows, r -> {
            ObjectNode n = row(r);
            n.put("baseline", r.baseline());
            if (r.reason() != null) {
                n.put("reason", r.reason());
            }
            return n;
        });
    }

    static ArrayNode performance(List<PerformanceRow> rows) {
        return array(rows, r -> {
            ObjectNode n = row(r);
            r.estimate().ifPresent(e -> {
                n.put("std", e.std());
                n.put("reference", e.reference());
            });
            return n;
        });
    }

    private static <R> ArrayNode array(List<R> rows, Function<R, ObjectNode> toJson) {
        ArrayNode out = Json.array();
        rows.forEach(r -> out.add(toJson.apply(r)));
        return out;
    }

    private static ObjectNode row(QueryRow r) {
        ObjectNode n = Json.object();
        n.put("dataset", r.dataset());
        n.put("segment", r.segment());
        n.put("field", r.field());
        n.put("metric", r.metric());
        n.put("window_start", r.windowStart().toString());
        n.put("window_end", r.windowEnd().toString());
        n.put("value", r.value());
        return n;
    }
}
