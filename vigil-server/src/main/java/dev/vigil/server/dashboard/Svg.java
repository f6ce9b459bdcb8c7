package dev.vigil.server.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Charts drawn on the server as inline SVG: no script, no network, the same in the dashboard and in the
 * self-contained HTML report. Every label goes through {@link Html#text}.
 */
final class Svg {
    static final String[] COLORS = {"#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626", "#0891b2"};

    /** Font sizes of dashboard.css: {@code .chart-title} is 12 px bold, {@code .axis} and {@code .legend} 10 px. */
    static final double TITLE_PX = 12;

    static final double SMALL_PX = 10;

    /** The space kept between two labels, or a label and the title, in pixels. */
    static final double GAP = 6;

    /** A line of 10 px text with the room it needs above and below (DejaVu Sans: 1.17 em), and a little air. */
    private static final double LINE_PX = 13;

    /** Label baselines below the bars' base: level labels, and the anchor of turned ones. */
    private static final double LEVEL_BASELINE = 14;

    private static final double TURNED_BASELINE = 10;

    private Svg() {}

    /**
     * An upper estimate of {@code text}'s width in pixels at {@code px}: per character, the advance of DejaVu Sans
     * (the widest of the usual sans-serif fonts, and Debian's default) rounded up, bold 12% wider. The server has no
     * font to measure with, and a label placed by an overestimate only leaves more room than needed.
     */
    static double textWidth(String text, double px, boolean bold) {
        double em = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if ("iljtf.,:;'|!()[] ".indexOf(c) >= 0) {
                em += 0.42;
            } else if ("mwMW%<>+=~…@".indexOf(c) >= 0) {
                em += 1.0;
            } else if (Character.isUpperCase(c)) {
                em += 0.8;
            } else {
                em += 0.68;
            }
        }
        return em * px * (bold ? 1.12 : 1);
    }

    /**
     * Where a bar chart's labels go: every {@code step}-th label is written (1: all of them), level or
     * {@code turned} 45°, reaching {@code depth} pixels below the bars' base.
     */
    record LabelLayout(int step, boolean turned, double depth) {}

    /**
     * Level labels when the widest fits its {@code slot} (the pixels per bar group); else labels turned 45°, which
     * stand {@code slot}·sin 45° apart across their lines and so fit slots down to about 18 pixels; below that only
     * every {@code step}-th label, so that no two labels overlap.
     */
    static LabelLayout labelLayout(List<String> labels, double slot) {
        double widest = labels.stream()
                .mapToDouble(l -> textWidth(l, SMALL_PX, false))
                .max()
                .orElse(0);
        if (widest + GAP <= slot) {
            return new LabelLayout(1, false, LEVEL_BASELINE + 3);
        }
        double across = slot * Math.sqrt(0.5);
        int step = (int) Math.ceil(LINE_PX / across);
        // the label ends at its anchor and runs down-left: its far end is widest·sin 45° lower, its descent 3 px more
        return new LabelLayout(Math.max(1, step), true, TURNED_BASELINE + widest * Math.sqrt(0.5) + 3);
    }

    /**
     * The legend's row: beside the title when both fit in {@code width} from {@code left}, else a row of its own
     * under the title. Returns the baseline of the legend's text.
     */
    static int legendBaseline(String title, double legendWidth, int left, int width) {
        return left + textWidth(title, TITLE_PX, true) + 2 * GAP + legendWidth <= width ? 14 : 28;
    }

    /** A named series of (time, value) points; null values are gaps. */
    record Series(String name, List<Instant> times, List<Double> values, boolean dashed) {}

    /** A shaded time span on a chart (an alert's window) with its tooltip. */
    record Marker(Instant start, Instant end, String title) {}

    /**
     * A line chart of {@code series} over [{@code from}, {@code to}), {@code width} × {@code height} pixels, with a
     * y axis from the data's range (or [0, yMax] when {@code fromZero}), the alert {@code markers} shaded, and a
     * legend when more than one series (beside the title when both fit, else on a row of its own under it).
     */
    static String lineChart(
            String title, List<Series> series, List<Marker> markers, Instant from, Instant to, int width, int height) {
        int left = 48;
        int right = 10;
        int bottom = 22;
        // a legend entry: a 10 px swatch, 4 px, the name, and a gap before the next
        List<Double> legendX = new ArrayList<>();
        double legendWidth = 0;
        for (Series s : series.size() > 1 ? series : List.<Series>of()) {
            legendX.add(legendWidth);
            legendWidth += 14 + textWidth(s.name(), SMALL_PX, false) + 2 * GAP;
        }
        int legendBaseline = legendBaseline(title, legendWidth, left, width - right);
        // the plot starts under the title, and under the legend when the legend has a row of its own
        int top = legendBaseline == 14 ? 22 : 36;
        double legendLeft = legendBaseline == 14 ? width - right - legendWidth + 2 * GAP : left;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (Double v : s.values()) {
                if (v != null && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\"><title>")
                .append(Html.text(title))
                .append("</title>");
        out.append("<text x=\"")
                .append(left)
                .append("\" y=\"14\" class=\"chart-title\">")
                .append(Html.text(title))
                .append("</text>");
        if (lo == Double.POSITIVE_INFINITY) {
            out.append("<text x=\"")
                    .append(width / 2)
                    .append("\" y=\"")
                    .append(height / 2)
                    .append("\" text-anchor=\"middle\" class=\"muted\">no data</text></svg>");
            return out.toString();
        }
        if (lo > 0 && lo < hi * 0.5) {
            lo = 0; // a quantity near zero reads better from zero
        }
        if (hi == lo) {
            hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
        }
        double x0 = left;
        double x1 = width - right;
        double y0 = height - bottom;
        double y1 = top;
        long t0 = from.getEpochSecond();
        long span = Math.max(1, to.getEpochSecond() - t0);
        double finalLo = lo;
        double finalHi = hi;
        java.util.function.DoubleUnaryOperator y = v -> y0 - (v - finalLo) / (finalHi - finalLo) * (y0 - y1);
        // a bucket that starts before the range (a day or month bucket) is drawn at the range's edge, never outside
        java.util.function.ToDoubleFunction<Instant> x =
                t -> Math.max(x0, Math.min(x1, x0 + (t.getEpochSecond() - t0) / (double) span * (x1 - x0)));
        for (Marker m : markers) {
            double a = Math.max(x0, x.applyAsDouble(m.start()));
            double b = Math.min(x1, x.applyAsDouble(m.end()));
            if (b > a) {
                out.append(String.format(
                                Locale.ROOT,
                                "<rect class=\"alert-marker\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                                a,
                                y1,
                                Math.max(1.5, b - a),
                                y0 - y1))
                        .append("<title>")
                        .append(Html.text(m.title()))
                        .append("</title></rect>");
            }
        }
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double yy = y.applyAsDouble(v);
            out.append(String.format(
                    Locale.ROOT,
                    "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                            + "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    x0,
                    x1,
                    yy,
                    yy,
                    x0 - 4,
                    yy + 4,
                    Html.text(number(v))));
        }
        out.append(String.format(
                Locale.ROOT,
                "<text class=\"axis\" x=\"%.1f\" y=\"%d\">%s</text><text class=\"axis\" x=\"%.1f\" y=\"%d\""
                        + " text-anchor=\"end\">%s</text>",
                x0,
                height - 6,
                Html.text(from.toString().substring(0, 16).replace('T', ' ')),
                x1,
                height - 6,
                Html.text(to.toString().substring(0, 16).replace('T', ' '))));
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String color = COLORS[si % COLORS.length];
            List<String> segments = new ArrayList<>();
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < s.values().size(); i++) {
                Double v = s.values().get(i);
                if (v == null || !Double.isFinite(v)) {
                    if (path.length() > 0) {
                        segments.add(path.toString());
                        path.setLength(0);
                    }
                    continue;
                }
                path.append(path.length() == 0 ? "M" : " L")
                        .append(String.format(
                                Locale.ROOT,
                                "%.1f %.1f",
                                x.applyAsDouble(s.times().get(i)),
                                y.applyAsDouble(v)));
            }
            if (path.length() > 0) {
                segments.add(path.toString());
            }
            for (String d : segments) {
                out.append("<path class=\"series\" fill=\"none\" stroke=\"")
                        .append(color)
                        .append('"')
                        .append(s.dashed() ? " stroke-dasharray=\"4 3\"" : "")
                        .append(" d=\"")
                        .append(d)
                        .append("\"/>");
                if (!d.contains(" L")) { // a single point: draw it
                    String[] xy = d.substring(1).split(" ");
                    out.append("<circle r=\"2.5\" fill=\"")
                            .append(color)
                            .append("\" cx=\"")
                            .append(xy[0])
                            .append("\" cy=\"")
                            .append(xy[1])
                            .append("\"/>");
                }
            }
            if (series.size() > 1) {
                double lx = legendLeft + legendX.get(si);
                out.append(String.format(
                                Locale.ROOT,
                                "<rect class=\"legend-swatch\" x=\"%.1f\" y=\"%d\" width=\"10\" height=\"3\""
                                        + " fill=\"%s\"/>",
                                lx,
                                legendBaseline - 4,
                                color))
                        .append(String.format(
                                Locale.ROOT, "<text class=\"legend\" x=\"%.1f\" y=\"%d\">", lx + 14, legendBaseline))
                        .append(Html.text(s.name()))
                        .append("</text>");
            }
        }
        return out.append("</svg>").toString();
    }

    /**
     * Grouped bars: for each label the window's share beside the baseline's, 0 to the largest share; labels under
     * the bars (cut to 12 characters; the full label in the tooltip), turned or thinned by {@link #labelLayout} so
     * that none overlaps its neighbour. The chart grows taller by what turned labels or a legend row need.
     */
    static String bars(
            String title, List<String> labels, List<Double> window, List<Double> baseline, int width, int height) {
        int left = 40;
        List<String> shown = labels.stream()
                .map(l -> l.length() > 12 ? l.substring(0, 11) + "…" : l)
                .toList();
        int groups = Math.max(1, labels.size());
        double slot = (width - left - 10) / (double) groups;
        LabelLayout layout = labelLayout(shown, slot);
        if (layout.turned()) {
            // the first label runs down-left from under its bars (about 0.48 slot from the left edge): keep it whole,
            // with the slot it would have if the chart started as far right as the label reaches
            double reach = textWidth(shown.get(0), SMALL_PX, false) * Math.sqrt(0.5) + 4;
            left = Math.max(left, (int) Math.ceil(reach - 0.48 * ((width - reach - 10) / groups)));
            slot = (width - left - 10) / (double) groups;
            layout = labelLayout(shown, slot);
        }
        int bottom = Math.max(34, (int) Math.ceil(layout.depth()) + 4);
        // legend entries: a 10 px swatch, 4 px, the word, a gap
        double windowEntry = 14 + textWidth("window", SMALL_PX, false) + 2 * GAP;
        double legendWidth = windowEntry + 14 + textWidth("baseline", SMALL_PX, false);
        int legendBaseline = legendBaseline(title, legendWidth, left, width - 10);
        int top = legendBaseline == 14 ? 24 : 38;
        double legendLeft = legendBaseline == 14 ? width - 10 - legendWidth : left;
        height += (bottom - 34) + (top - 24);
        double max = 0;
        for (int i = 0; i < labels.size(); i++) {
            max = Math.max(max, value(window, i));
            max = Math.max(max, value(baseline, i));
        }
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"chart bars\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\"><title>")
                .append(Html.text(title))
                .append("</title><text x=\"")
                .append(left)
                .append("\" y=\"14\" class=\"chart-title\">")
                .append(Html.text(title))
                .append("</text>");
        out.append(String.format(
                Locale.ROOT,
                "<rect class=\"legend-swatch\" x=\"%.1f\" y=\"%d\" width=\"10\" height=\"8\" fill=\"%s\"/>"
                        + "<text class=\"legend\" x=\"%.1f\" y=\"%d\">window</text>"
                        + "<rect class=\"legend-swatch\" x=\"%.1f\" y=\"%d\" width=\"10\" height=\"8\" fill=\"%s\"/>"
                        + "<text class=\"legend\" x=\"%.1f\" y=\"%d\">baseline</text>",
                legendLeft,
                legendBaseline - 8,
                COLORS[0],
                legendLeft + 14,
                legendBaseline,
                legendLeft + windowEntry,
                legendBaseline - 8,
                COLORS[1],
                legendLeft + windowEntry + 14,
                legendBaseline));
        if (labels.isEmpty() || max <= 0) {
            return out.append("<text x=\"")
                    .append(width / 2)
                    .append("\" y=\"")
                    .append(height / 2)
                    .append("\" text-anchor=\"middle\" class=\"muted\">no data</text></svg>")
                    .toString();
        }
        double barWidth = Math.max(2, slot * 0.38);
        double y0 = height - bottom;
        for (int i = 0; i < labels.size(); i++) {
            double sx = left + i * slot + slot * 0.1;
            for (int side = 0; side < 2; side++) {
                double v = value(side == 0 ? window : baseline, i);
                double h = v / max * (y0 - top);
                out.append(String.format(
                                Locale.ROOT,
                                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
                                sx + side * barWidth,
                                y0 - h,
                                barWidth,
                                h,
                                COLORS[side]))
                        .append("<title>")
                        .append(Html.text(labels.get(i) + " " + (side == 0 ? "window" : "baseline") + ": "
                                + String.format(Locale.ROOT, "%.1f%%", 100 * v)))
                        .append("</title></rect>");
            }
            if (i % layout.step() != 0) {
                continue; // thinned out: the bars' tooltips still name it
            }
            String label = labels.get(i);
            double cx = sx + barWidth;
            out.append(
                            layout.turned()
                                    ? String.format(
                                            Locale.ROOT,
                                            "<text class=\"axis bar-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\""
                                                    + " transform=\"rotate(-45 %.1f %.1f)\">",
                                            cx,
                                            y0 + TURNED_BASELINE,
                                            cx,
                                            y0 + TURNED_BASELINE)
                                    : String.format(
                                            Locale.ROOT,
                                            "<text class=\"axis bar-label\" x=\"%.1f\" y=\"%.1f\""
                                                    + " text-anchor=\"middle\">",
                                            cx,
                                            y0 + LEVEL_BASELINE))
                    .append(Html.text(shown.get(i)))
                    .append("<title>")
                    .append(Html.text(label))
                    .append("</title></text>");
        }
        out.append(String.format(
                Locale.ROOT,
                "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                left - 4,
                top + 8,
                Html.text(String.format(Locale.ROOT, "%.0f%%", 100 * max))));
        return out.append("</svg>").toString();
    }

    /**
     * Horizontal bars, one row per label, from a zero line: positive values to the right (in the first colour),
     * negative to the left (in grey), scaled to the largest magnitude; each row shows its label at the left (cut to
     * 24 characters; the full label in the tooltip) and {@code notes}' text at the bar's end. A row whose {@code
     * light} entry is true is drawn in a lighter shade (class {@code bar-light}): an estimate beside exact values.
     */
    static String horizontalBars(
            String title,
            List<String> labels,
            List<Double> values,
            List<String> notes,
            List<Boolean> light,
            int width) {
        int row = 20;
        int top = 24;
        int labelWidth = 170;
        int noteWidth = 170;
        int height = top + Math.max(1, labels.size()) * row + 6;
        double max = 0;
        for (int i = 0; i < labels.size(); i++) {
            max = Math.max(max, Math.abs(value(values, i)));
        }
        boolean negatives = values.stream().anyMatch(v -> v != null && v < 0);
        double span = width - labelWidth - noteWidth - 10;
        double zero = labelWidth + (negatives ? span * 0.25 : 0);
        double scale = max <= 0 ? 0 : (negatives ? span * 0.75 : span) / max;
        StringBuilder out = new StringBuilder();
        out.append("<svg class=\"chart hbars\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\"><title>")
                .append(Html.text(title))
                .append("</title><text x=\"0\" y=\"14\" class=\"chart-title\">")
                .append(Html.text(title))
                .append("</text>");
        for (int i = 0; i < labels.size(); i++) {
            double v = value(values, i);
            double y = top + i * row;
            double w = Math.abs(v) * scale;
            double x = v >= 0 ? zero : zero - w;
            String label = labels.get(i);
            String shown = label.length() > 24 ? label.substring(0, 23) + "…" : label;
            out.append(String.format(
                            Locale.ROOT,
                            "<text class=\"axis bar-label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
                            labelWidth - 6,
                            y + 13))
                    .append(Html.text(shown))
                    // a cut label keeps the whole one as its tooltip
                    .append(shown.equals(label) ? "" : "<title>" + Html.text(label) + "</title>")
                    .append("</text>")
                    .append(String.format(
                            Locale.ROOT,
                            "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
                            lightAt(light, i) ? "bar bar-light" : "bar",
                            x,
                            y + 3,
                            Math.max(w, 0.5),
                            row - 6,
                            lightAt(light, i) ? (v >= 0 ? LIGHT : "#d1d5db") : (v >= 0 ? COLORS[0] : "#9ca3af")))
                    .append("<title>")
                    .append(Html.text(label + ": " + number(v)))
                    .append("</title></rect>")
                    .append(String.format(
                            Locale.ROOT,
                            "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">",
                            Math.max(zero, x + w) + 4,
                            y + 13))
                    .append(Html.text(i < notes.size() ? notes.get(i) : number(v)))
                    .append("</text>");
        }
        out.append(String.format(
                Locale.ROOT,
                "<line class=\"axis-line\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#6b7280\"/>",
                zero,
                top,
                zero,
                height - 6));
        return out.append("</svg>").toString();
    }

    /** The lighter shade of {@code COLORS[0]} for {@link #horizontalBars}' estimated rows. */
    static final String LIGHT = "#93c5fd";

    private static boolean lightAt(List<Boolean> light, int i) {
        return i < light.size() && Boolean.TRUE.equals(light.get(i));
    }

    private static double value(List<Double> values, int i) {
        Double v = i < values.size() ? values.get(i) : null;
        return v == null || !Double.isFinite(v) ? 0 : v;
    }

    /** A short number for an axis: 0.123, 12.3, 1234, 1.2e+06. */
    static String number(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, a >= 10 ? "%.1f" : "%.3f", v);
    }
}
