package dev.vigil.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.Nullable;
import dev.vigil.server.web.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAPI 3.0 schemas of the records the routes serialize, read from the records themselves (decision 0026), so the
 * document cannot say one thing and the body another. A record is an object whose properties are its components in
 * snake_case ({@link Json#write}'s naming), {@code required} unless {@link Nullable}, with no other properties; a
 * {@link JsonUnwrapped} component lends its properties, none required; {@code Instant} is a date-time string,
 * {@code List<X>} an array, {@code Map<String, X>} an object of X, an enum its serialized names, and a
 * {@link JsonNode} any JSON. Each record becomes one entry of {@code components/schemas}, named by {@link #name}.
 */
public final class Schemas {
    private final ObjectNode components = Json.object();
    private final ObjectNode named = Json.object();

    /**
     * The name a client's class will have: the record's name without the {@code Json} or {@code Body} that tells it
     * apart from the domain record inside the server, after its enclosing record's ({@code TokenJson.Create} is
     * {@code TokenCreate}).
     */
    static String name(Class<?> c) {
        String own = c.getSimpleName().replaceAll("(Json|Body)$", "");
        Class<?> outer = c.getEnclosingClass();
        return outer != null && outer.isRecord() ? name(outer) + own : own;
    }

    /** The {@code components/schemas} collected so far, by name. */
    public ObjectNode components() {
        return components;
    }

    /** The schema of {@code type}: a {@code $ref} for a record (added to {@link #components} on first sight). */
    public ObjectNode of(Type type) {
        if (type instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) {
                ObjectNode s = object("array");
                s.set("items", of(args[0]));
                return s;
            }
            if (raw == Map.class) {
                ObjectNode s = object("object");
                s.set("additionalProperties", of(args[1]));
                return s;
            }
            if (raw == Optional.class) {
                return of(args[0]); // the component is nullable: see addComponents
            }
            throw new IllegalArgumentException("no schema for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return object("string");
        }
        if (c == Instant.class) {
            return object("string").put("format", "date-time");
        }
        if (c == double.class || c == Double.class) {
            return object("number").put("format", "double");
        }
        if (c == long.class || c == Long.class) {
            return object("integer").put("format", "int64");
        }
        if (c == int.class || c == Integer.class) {
            return object("integer").put("format", "int32");
        }
        if (c == boolean.class || c == Boolean.class) {
            return object("boolean");
        }
        if (JsonNode.class.isAssignableFrom(c)) {
            // any JSON: the spec-shaped bodies (a version's schema, a monitor) that no record describes yet
            return object("object").put("additionalProperties", true);
        }
        if (c.isEnum()) {
            ObjectNode s = object("string");
            ArrayNode values = s.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(Json.write(constant).asText());
            }
            return s;
        }
        if (c.isRecord()) {
            String name = name(c);
            JsonNode known = named.get(name);
            if (known != null && !known.asText().equals(c.getName())) {
                throw new IllegalStateException("two records are both named " + name + " in the document: "
                        + known.asText() + " and " + c.getName());
            }
            named.put(name, c.getName());
            if (!components.has(name)) {
                components.putObject(name); // a placeholder first, so that a record that refers to itself ends
                components.set(name, record(c));
            }
            return Json.object().put("$ref", "#/components/schemas/" + name);
        }
        throw new IllegalArgumentException("no schema for " + c.getName() + ": describe it with a record");
    }

    /** A schema's properties may be null: a {@code $ref} cannot carry {@code nullable}, so it is wrapped. */
    private ObjectNode nullable(ObjectNode schema) {
        if (schema.has("$ref")) {
            ObjectNode wrapped = Json.object();
            wrapped.put("type", "object"); // OpenAPI 3.0 reads nullable beside a type only
            wrapped.putArray("allOf").add(schema);
            return wrapped.put("nullable", true);
        }
        return schema.put("nullable", true);
    }

    private ObjectNode record(Class<?> c) {
        ObjectNode s = object("object");
        ObjectNode properties = s.putObject("properties");
        ArrayNode required = Json.array();
        addComponents(c, properties, required, false);
        if (!required.isEmpty()) {
            s.set("required", required);
        }
        s.put("additionalProperties", false);
        return s;
    }

    private void addComponents(Class<?> c, ObjectNode properties, ArrayNode required, boolean optional) {
        for (RecordComponent rc : c.getRecordComponents()) {
            // Jackson's annotations do not target record components: javac puts them on the accessor
            if (rc.getAccessor().isAnnotationPresent(JsonUnwrapped.class)) {
                addComponents(rc.getType(), properties, required, true);
                continue;
            }
            JsonProperty renamed = rc.getAccessor().getAnnotation(JsonProperty.class);
            String name = renamed != null && !renamed.value().isEmpty()
                    ? renamed.value()
                    : PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(rc.getName());
            boolean isNullable = rc.isAnnotationPresent(Nullable.class) || rc.getType() == Optional.class;
            ObjectNode schema = of(rc.getGenericType());
            properties.set(name, isNullable ? nullable(schema) : schema);
            if (!isNullable && !optional) {
                required.add(name);
            }
        }
    }

    private static ObjectNode object(String type) {
        return Json.object().put("type", type);
    }
}
