package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@code vigil drift --explain} and {@code vigil performance --explain}: which segment is worst. JSON
 * and CSV keep the server's rows whole; the table keeps what a person ranks by (segment, share, its own value, its
 * contribution and that as a share of the total), under one line that names the total, largest contribution first.
 * Segments discovered in the range's row sample are marked in a {@code source} column and a footnote says how many
 * rows their estimates come from; a performance table says why it has declared segments only.
 */
final class Explanation {
    private Explanation() {}

    /**
     * Prints {@code answer}; {@code ownColumn} names the segment's own value in the table ({@code drift_score}, or the
     * metric), {@code ofTotal} the share of the total ({@code of_psi}, {@code of_drop}).
     */
    static void print(
            PrintWriter out, Output.Format format, JsonNode answer, String ownColumn, String ofTotal, String empty) {
        List<ObjectNode> rows = new ArrayList<>();
        answer.forEach(r -> rows.add((ObjectNode) r));
        if (format != Output.Format.table || rows.isEmpty()) {
            Output.print(out, format, rows, empty);
            return;
        }
        JsonNode first = rows.get(0);
        boolean drift = first.path("metric").asText().equals("psi");
        out.println(first.path("field").asText() + ": "
                + (drift ? "psi " : first.path("metric").asText() + " worsened by ")
                + Output.cell(first.path("total"))
                + (drift ? " against " : " from " + Output.cell(first.path("reference")) + " on ")
                + first.path("baseline").asText() + ", "
                + first.path("window_start").asText() + " to "
                + first.path("window_end").asText() + "; each segment's contribution, largest first"
                + (first.path("exact").asBoolean(true) ? "" : " (a ratio metric: a ranking, not an exact split)"));
        long discovered = rows.stream()
                .filter(r -> r.path("source").asText().equals("discovered"))
                .count();
        int sampleRows = rows.stream()
                .mapToInt(r -> r.path("sample_rows").asInt(0))
                .max()
                .orElse(0);
        List<ObjectNode> table = new ArrayList<>();
        for (ObjectNode r : rows) {
            ObjectNode t = Output.row();
            if (!drift && answer.size() > 0 && !r.path("field").equals(first.path("field"))) {
                t.set("field", r.path("field"));
            }
            t.set("segment", r.path("segment"));
            t.set("share", r.path("share"));
            t.set(ownColumn, r.path("own"));
            t.set("contribution", r.path("contribution"));
            t.set(ofTotal, r.path("contribution_share"));
            if (discovered > 0) {
                t.put("source", r.path("source").asText());
            }
            table.add(t);
        }
        Output.print(out, format, table, empty);
        if (discovered > 0) {
            out.println("discovered: " + discovered + " segments found in the range's row sample (each column's 5"
                    + " most frequent values, each against the rest of the sample), estimated from a sample of "
                    + sampleRows + " rows, not from profiles");
        } else if (drift) {
            out.println("(no discovered segments: the range has no row sample of the field, or the sample has no"
                    + " categorical, string or boolean column that is not a declared segment)");
        }
        if (!drift) {
            out.println("(declared segments only: discovering segments in a performance drop needs each sampled row's"
                    + " actual, which the row sample does not keep)");
        }
    }
}
