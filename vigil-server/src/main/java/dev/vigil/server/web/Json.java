package dev.vigil.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.spec.SpecCodec;
import io.javalin.http.Context;
import java.util.List;

/** Reading request bodies and writing JSON answers. */
public final class Json {
    private static final ObjectMapper RECORDS = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {}

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** The request body as a JSON object; a missing or malformed body is a 400 naming the problem. */
    public static JsonNode body(Context ctx) {
        String body = ctx.body();
        if (body == null || body.isBlank()) {
            throw new VigilArgumentException("request body: is empty (expected a JSON object)");
        }
        JsonNode node = SpecCodec.parseJson(body, "request body");
        if (!node.isObject()) {
            throw new VigilArgumentException("request body: expected a JSON object");
        }
        return node;
    }

    /**
     * A record as JSON: components in snake_case, instants as ISO-8601 strings. The OpenAPI document describes the
     * record the same way ({@code Schemas}), so what a route sends is what the document says.
     */
    public static JsonNode write(Object value) {
        return RECORDS.valueToTree(value);
    }

    /** Writes the record {@code body} with {@code status}, as {@link #write} turns it into JSON. */
    public static void send(Context ctx, int status, Object body) {
        send(ctx, status, write(body));
    }

    /** Writes {@code node} with {@code status}. */
    public static void send(Context ctx, int status, JsonNode node) {
        try {
            ctx.status(status)
                    .contentType("application/json")
                    .result(SpecCodec.json().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": {"code", "message", "details": {"problems": [...]}}}} ({@link ErrorBody}). */
    public static ObjectNode error(String code, String message, List<String> problems) {
        List<String> listed = problems == null || problems.isEmpty() ? null : List.copyOf(problems);
        return (ObjectNode) write(new ErrorBody(new ErrorBody.Content(code, message, new ErrorBody.Details(listed))));
    }
}
