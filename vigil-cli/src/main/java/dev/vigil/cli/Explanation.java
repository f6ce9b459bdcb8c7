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
            if (r.path("source").asText().equals("discovered")) {
                t.put("source", "discovered (sample)");
            }
            table.add(t);
        }
        Output.print(out, format, table, empty);
    }
}
