package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's per-field summary: one line per field, one column per day, showing the number a person
 * would look at first (the mean of a number, the share of the most common value, the mean length
 * of a text, the mean norm of an embedding), plus rows read and missing values.
 */
final class DemoSummary {
    private DemoSummary() {}

    static void print(PrintWriter out, JsonNode metricRows) {
        TreeSet<String> days = new TreeSet<>();
        Map<String, Map<String, Map<String, Double>>> byField = new LinkedHashMap<>();
        for (JsonNode r : metricRows) {
            String metric = r.path("metric").asText();
            if (!r.path("segment").isNull() || metric.startsWith("null_") || metric.equals("duplicate_id_count")) {
                continue; // all rows only; the id and timestamp checks are in `vigil metrics`
            }
            String day = r.path("window_start").asText().substring(0, 10);
            days.add(day);
            String field = r.path("field").isNull() ? "(rows)" : r.path("field").asText();
            if (r.path("value").isNull()) {
                continue;
            }
            byField.computeIfAbsent(field, f -> new LinkedHashMap<>())
                    .computeIfAbsent(day, d -> new LinkedHashMap<>())
                    .put(r.path("metric").asText(), r.path("value").asDouble());
        }
        List<String> header = new ArrayList<>(List.of("FIELD", "SHOWS"));
        days.forEach(d -> header.add(d.substring(5)));
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        byField.forEach((field, perDay) -> {
            Map<String, Double> any = perDay.values().iterator().next();
            String shows = field.equals("(rows)") ? "count" : headline(any);
            List<String> line = new ArrayList<>(List.of(field, shows));
            for (String day : days) {
                Map<String, Double> m = perDay.getOrDefault(day, Map.of());
                line.add(cell(shows, m));
            }
            lines.add(line);
        });
        printAligned(out, lines, 2);
        out.flush();
    }

    /**
     * The drift table (one line per field, one column per day, the day's {@code drift_score}
     * against the training set) and the top drifting fields of the drifted day.
     */
    static void printDrift(PrintWriter out, JsonNode scoreRows, JsonNode topRows) {
        TreeSet<String> days = new TreeSet<>();
        Map<String, Map<String, String>> byField = new LinkedHashMap<>();
        for (JsonNode r : scoreRows) {
            if (!r.path("segment").isNull()) {
                continue;
            }
            String day = r.path("window_start").asText().substring(0, 10);
            days.add(day);
            byField.computeIfAbsent(r.path("field").asText(), f -> new LinkedHashMap<>())
                    .put(
                            day,
                            r.path("value").isNull()
                                    ? "-"
                                    : number(r.path("value").asDouble()));
        }
        List<String> header = new ArrayList<>(List.of("FIELD"));
        days.forEach(d -> header.add(d.substring(5)));
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        byField.forEach((field, perDay) -> {
            List<String> line = new ArrayList<>(List.of(field));
            days.forEach(d -> line.add(perDay.getOrDefault(d, "-")));
            lines.add(line);
        });
        printAligned(out, lines, 1);
        List<String> top = new ArrayList<>();
        String day = null;
        for (JsonNode r : topRows) {
            if (r.path("segment").isNull() && !r.path("value").isNull()) {
                day = r.path("window_start").asText().substring(0, 10);
                top.add(r.path("field").asText() + " (" + number(r.path("value").asDouble()) + ")");
            }
        }
        if (day != null) {
            out.println("Top drifting fields on " + day + ": " + String.join(", ", top));
        }
        out.flush();
    }

    /**
     * One line per hour: predictions, actuals arrived, realized accuracy and F1, and CBPE's estimated accuracy
     * with its standard deviation; a dash where a value does not exist (no actuals yet, or no estimate).
     */
    static void printPerformance(PrintWriter out, JsonNode performanceRows) {
        Map<String, Map<String, JsonNode>> byHour = new TreeMap<>();
        for (JsonNode r : performanceRows) {
            if (r.path("segment").isNull()) {
                byHour.computeIfAbsent(r.path("window_start").asText(), h -> new LinkedHashMap<>())
                        .put(r.path("metric").asText(), r);
            }
        }
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of("HOUR (UTC)", "PREDICTIONS", "ACTUALS", "ACCURACY", "F1", "ESTIMATED ACCURACY"));
        byHour.forEach((hour, m) -> {
            JsonNode estimate = m.get("estimated_accuracy");
            lines.add(List.of(
                    hour.substring(5, 16).replace('T', ' '),
                    value(m.get("count"), "%.0f"),
                    value(m.get("actuals_count"), "%.0f"),
                    value(m.get("accuracy"), "%.3f"),
                    value(m.get("f1"), "%.3f"),
                    estimate == null || estimate.path("value").isNull()
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%.3f ± %.3f",
                                    estimate.path("value").asDouble(),
                                    estimate.path("std").asDouble())));
        });
        printAligned(out, lines, 1);
        out.flush();
    }

    private static String value(JsonNode row, String format) {
        return row == null || row.path("value").isNull()
                ? "-"
                : String.format(Locale.ROOT, format, row.path("value").asDouble());
    }

    /** Columns padded to their widest cell: the first {@code textColumns} left-aligned, the numbers right-aligned. */
    private static void printAligned(PrintWriter out, List<List<String>> lines, int textColumns) {
        int[] widths = new int[lines.get(0).size()];
        lines.forEach(l -> {
            for (int i = 0; i < l.size(); i++) {
                widths[i] = Math.max(widths[i], l.get(i).length());
            }
        });
        for (List<String> l : lines) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                b.append(String.format(
                        Locale.ROOT, i < textColumns ? "%-" + widths[i] + "s  " : "%" + widths[i] + "s  ", l.get(i)));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private static String headline(Map<String, Double> metrics) {
        if (metrics.containsKey("mean")) {
            return "mean";
        }
        if (metrics.containsKey("mean_norm")) {
            return "mean_norm";
        }
        if (metrics.containsKey("mean_length")) {
            return "mean_length";
        }
        return "top value";
    }

    private static String cell(String shows, Map<String, Double> m) {
        if (shows.equals("top value")) {
            String top = null;
            double best = -1;
            for (Map.Entry<String, Double> e : m.entrySet()) {
                if (e.getKey().startsWith("value_count[") && e.getValue() > best) {
                    best = e.getValue();
                    top = e.getKey()
                            .substring("value_count[".length(), e.getKey().length() - 1);
                }
            }
            Double count = m.get("count");
            return top == null || count == null || count == 0
                    ? "-"
                    : String.format(Locale.ROOT, "%s %.0f%%", top, 100 * best / count);
        }
        Double v = m.get(shows);
        return v == null ? "-" : number(v);
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.2f", v);
    }
}
