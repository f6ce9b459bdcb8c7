package dev.vigil.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What changes between two specs of one object (a version, a dataset, a monitor), as one line per difference:
 * {@code detection.threshold: 0.1 → 0.15}, {@code segments: −owner, +big}, {@code actions: 3 → 1}. Both sides are
 * compared as read back from their JSON text, so a number written as a long equals the same number read as an int.
 * Lists of named objects (segments, by {@code name} or else {@code field}; monitors) are matched by name; other lists
 * by position.
 */
public final class SpecDiff {
    private static final int MAX_VALUE_CHARS = 60;

    private SpecDiff() {}

    /** The differences from {@code before} to {@code after}; empty when they are the same. */
    public static List<String> diff(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        compare("", canonical(before), canonical(after), out);
        return out;
    }

    private static JsonNode canonical(JsonNode node) {
        if (node == null) {
            return MissingNode.getInstance();
        }
        try {
            return SpecCodec.json().readTree(node.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON node that does not read back", e);
        }
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<String> out) {
        if (before.equals(after)) {
            return;
        }
        // a list left out is an empty one: a version written without segments dropped them
        if (before.isMissingNode() && after.isArray() && named(after)) {
            before = JsonNodeFactory.instance.arrayNode();
        }
        if (after.isMissingNode() && before.isArray() && named(before)) {
            after = JsonNodeFactory.instance.arrayNode();
        }
        if (before.isObject() && after.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            before.fieldNames().forEachRemaining(keys::add);
            after.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                compare(path.isEmpty() ? key : path + "." + key, before.path(key), after.path(key), out);
            }
        } else if (before.isArray() && after.isArray() && named(before) && named(after)) {
            compareNamed(path, before, after, out);
        } else if (before.isArray() && after.isArray() && before.size() != after.size() && hasObjects(before, after)) {
            out.add(path + ": " + before.size() + " → " + after.size());
        } else if (before.isArray() && after.isArray() && hasObjects(before, after)) {
            for (int i = 0; i < before.size(); i++) {
                compare(path + "[" + i + "]", before.get(i), after.get(i), out);
            }
        } else if (before.isMissingNode() || before.isNull()) {
            out.add(path + ": +" + shown(after));
        } else if (after.isMissingNode() || after.isNull()) {
            out.add(path + ": −" + shown(before));
        } else {
            out.add(path + ": " + shown(before) + " → " + shown(after));
        }
    }

    /** Objects matched by {@code name}: those dropped, those added, then the changes of those in both. */
    private static void compareNamed(String path, JsonNode before, JsonNode after, List<String> out) {
        List<String> gone = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (JsonNode b : before) {
            if (find(after, key(b)) == null) {
                gone.add("−" + key(b));
            }
        }
        for (JsonNode a : after) {
            if (find(before, key(a)) == null) {
                added.add("+" + key(a));
            }
        }
        gone.addAll(added);
        if (!gone.isEmpty()) {
            out.add(path + ": " + String.join(", ", gone));
        }
        for (JsonNode b : before) {
            JsonNode a = find(after, key(b));
            if (a != null) {
                compare(path + "[" + key(b) + "]", b, a, out);
            }
        }
    }

    private static boolean named(JsonNode array) {
        for (JsonNode e : array) {
            if (key(e) == null) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasObjects(JsonNode a, JsonNode b) {
        for (JsonNode array : List.of(a, b)) {
            for (JsonNode e : array) {
                if (e.isContainerNode()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode e : array) {
            if (name.equals(key(e))) {
                return e;
            }
        }
        return null;
    }

    /** The name of a list's object: its {@code name}, or its {@code field} (a segment named after its field). */
    private static String key(JsonNode e) {
        if (!e.isObject()) {
            return null;
        }
        if (e.path("name").isTextual()) {
            return e.path("name").asText();
        }
        return e.path("field").isTextual() ? e.path("field").asText() : null;
    }

    private static String shown(JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.toString();
        return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS - 1) + "…";
    }
}
