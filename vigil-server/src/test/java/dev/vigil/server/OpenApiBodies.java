package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.spec.SpecCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a real answer against the checked-in OpenAPI document ({@code docs/openapi.json}): the operation is found by
 * method and path (templates matched segment by segment), the schema by status, and the body must have every
 * required property, the declared type (or null where nullable), values from an enum, and no property a closed
 * object ({@code additionalProperties: false}) does not declare. A small validator of the subset the server's
 * {@code Schemas} writes, so that a schema the server cannot keep fails here rather than in a generated client.
 */
final class OpenApiBodies {
    /** The document as checked in; {@code OpenApiDocumentIT} keeps it equal to what the server serves. */
    static final Path DOCUMENT = Path.of("..", "docs", "openapi.json");

    private final JsonNode doc;

    OpenApiBodies(JsonNode doc) {
        this.doc = doc;
    }

    static OpenApiBodies checkedIn() throws IOException {
        return new OpenApiBodies(SpecCodec.json().readTree(Files.readString(DOCUMENT)));
    }

    /** The problems of {@code body}, answered with {@code status} to {@code method path?query}; empty when none. */
    List<String> problems(String method, String pathAndQuery, int status, JsonNode body) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        JsonNode op = operation(method.toLowerCase(Locale.ROOT), path);
        List<String> problems = new ArrayList<>();
        if (op == null) {
            problems.add(method + " " + path + ": not in the document");
            return problems;
        }
        JsonNode schema = op.path("responses")
                .path(String.valueOf(status))
                .path("content")
                .path("application/json")
                .path("schema");
        if (schema.isMissingNode()) {
            problems.add(method + " " + path + ": no JSON schema for status " + status);
            return problems;
        }
        check(schema, body, "body", problems);
        return problems;
    }

    private JsonNode operation(String method, String path) {
        String[] parts = path.split("/");
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] template = e.getKey().split("/");
            if (template.length != parts.length || !e.getValue().has(method)) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                matches = template[i].startsWith("{") || template[i].equals(parts[i]);
            }
            if (matches) {
                return e.getValue().get(method);
            }
        }
        return null;
    }

    private void check(JsonNode schema, JsonNode value, String where, List<String> problems) {
        if (schema.has("$ref")) {
            check(resolve(schema), value, where, problems);
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(where + ": null, but the schema is not nullable");
            }
            return;
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                check(part, value, where, problems);
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(schema, value, where, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(where + ": expected an array, got " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), where + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(where + ": expected a string, got " + value.getNodeType());
                } else if (schema.has("enum") && !contains(schema.get("enum"), value)) {
                    problems.add(where + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
                } else if ("date-time".equals(schema.path("format").asText())
                        && !value.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?Z")) {
                    problems.add(where + ": '" + value.asText() + "' is not a date-time");
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(where + ": expected a number, got " + value.getNodeType());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(where + ": expected an integer, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(where + ": expected a boolean, got " + value.getNodeType());
                }
            }
            default -> problems.add(where + ": the schema has no type the validator knows: " + schema);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String where, List<String> problems) {
        if (!value.isObject()) {
            problems.add(where + ": expected an object, got " + value.getNodeType());
            return;
        }
        JsonNode properties = schema.path("properties");
        for (JsonNode name : schema.path("required")) {
            if (!value.has(name.asText())) {
                problems.add(where + "." + name.asText() + ": required, but absent");
            }
        }
        JsonNode additional = schema.path("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + "." + e.getKey();
            if (properties.has(e.getKey())) {
                check(properties.get(e.getKey()), e.getValue(), at, problems);
            } else if (additional.isObject()) {
                check(additional, e.getValue(), at, problems);
            } else if (additional.isBoolean() && !additional.asBoolean()) {
                problems.add(at + ": not declared, and the object is closed (additionalProperties: false)");
            }
        }
    }

    private JsonNode resolve(JsonNode ref) {
        String name = ref.get("$ref").asText().replace("#/components/schemas/", "");
        JsonNode schema = doc.path("components").path("schemas").path(name);
        if (schema.isMissingNode()) {
            throw new IllegalStateException("the document has no schema " + name);
        }
        return schema;
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
