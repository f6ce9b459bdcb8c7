package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints rows as an aligned table, a JSON array of flat objects ({@code --format json}) or CSV ({@code --format csv}:
 * RFC 4180, a header row of the table's columns, CRLF line ends, so that spreadsheets and {@code csv} readers take it
 * as it is).
 */
final class Output {
    enum Format {
        table,
        json,
        csv
    }

    private static final int TABLE_DIGITS = 4;
    private static final JsonMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Output() {}

    static ObjectNode row() {
        return JsonNodeFactory.instance.objectNode();
    }

    static void print(PrintWriter out, Format format, List<ObjectNode> rows, String emptyMessage) {
        if (format == Format.json) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            rows.forEach(array::add);
            try {
                out.println(MAPPER.writeValueAsString(array));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        if (format == Format.csv) {
            printCsv(out, rows);
            return;
        }
        if (rows.isEmpty()) {
            out.println(emptyMessage);
            return;
        }
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (ObjectNode r : rows) {
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                widths.merge(
                        e.getKey(),
                        Math.max(e.getKey().length(), cell(e.getValue()).length()),
                        Math::max);
            }
        }
        List<String> header = new ArrayList<>();
        widths.forEach((k, w) -> header.add(pad(k.toUpperCase(java.util.Locale.ROOT), w)));
        out.println(String.join("  ", header).stripTrailing());
        for (ObjectNode r : rows) {
            List<String> cells = new ArrayList<>();
            widths.forEach((k, w) -> cells.add(pad(cell(r.path(k)), w)));
            out.println(String.join("  ", cells).stripTrailing());
        }
    }

    /** No rows print nothing at all: a header alone would claim columns that no row has told. */
    private static void printCsv(PrintWriter out, List<ObjectNode> rows) {
        List<String> columns = columns(rows);
        if (columns.isEmpty()) {
            return;
        }
        StringBuilder csv = new StringBuilder();
        csv.append(csvLine(columns));
        for (ObjectNode r : rows) {
            List<String> cells = new ArrayList<>();
            columns.forEach(c -> cells.add(text(r.path(c))));
            csv.append(csvLine(cells));
        }
        out.print(csv);
        out.flush();
    }

    /** Every key of the rows in the order first seen: the table's columns too. */
    private static List<String> columns(List<ObjectNode> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(columns::add));
        return new ArrayList<>(columns);
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        cells.forEach(c -> quoted.add(csvField(c)));
        return String.join(",", quoted) + "\r\n";
    }

    /** RFC 4180 section 2: a field holding a comma, a double quote or a line break is quoted, its quotes doubled. */
    static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /**
     * A table cell: a fractional number shows 4 significant digits ({@code 0.2983}, not {@code 0.29834410112359}),
     * as people read a table, but never fewer than its whole part ({@code 123457}, not {@code 123500}); JSON and CSV
     * keep every digit for the programs that read them.
     */
    static String cell(JsonNode node) {
        if (node != null && node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())) {
            BigDecimal value = node.decimalValue();
            if (value.stripTrailingZeros().scale() > 0) {
                int wholeDigits = Math.max(0, value.precision() - value.scale());
                MathContext digits = new MathContext(Math.max(TABLE_DIGITS, wholeDigits), RoundingMode.HALF_EVEN);
                return value.round(digits).stripTrailingZeros().toPlainString();
            }
        }
        return text(node);
    }

    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(text(n)));
            return String.join(",", parts);
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
