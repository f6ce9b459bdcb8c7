package dev.vigil.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.spec.SpecCodec;
import io.javalin.http.Context;
import java.util.List;

/** Reading request bodies and writing JSON answers. */
public final class Json {
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

    /** {@code {"error": {"code", "message", "details": {"problems": [...]}}}}. */
    public static ObjectNode error(String code, String message, List<String> problems) {
        ObjectNode root = object();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode details = error.putObject("details");
        if (problems != null && !problems.isEmpty()) {
            ArrayNode list = details.putArray("problems");
            problems.forEach(list::add);
        }
        return root;
    }
}
