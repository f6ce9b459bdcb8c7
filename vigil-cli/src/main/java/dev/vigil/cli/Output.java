package dev.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints rows as a JSON array of flat objects ({@code --format json}) or an aligned table. */
final class Output {
    enum Format {
        table,
        json
    }

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
                        Math.max(e.getKey().length(), text(e.getValue()).length()),
                        Math::max);
            }
        }
        List<String> header = new ArrayList<>();
        widths.forEach((k, w) -> header.add(pad(k.toUpperCase(java.util.Locale.ROOT), w)));
        out.println(String.join("  ", header).stripTrailing());
        for (ObjectNode r : rows) {
            List<String> cells = new ArrayList<>();
            widths.forEach((k, w) -> cells.add(pad(text(r.path(k)), w)));
            out.println(String.join("  ", cells).stripTrailing());
        }
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
