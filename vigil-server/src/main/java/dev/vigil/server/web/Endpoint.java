package dev.vigil.server.web;

import dev.vigil.store.Role;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One REST route: what it does, for the OpenAPI document, and how. Declared through {@link Routes}; the server
 * registers exactly the endpoints the document describes, so the two cannot drift apart.
 *
 * @param requestBody a short description of the JSON body, or null when the route takes none
 * @param requestType the record the body is read as, or {@code JsonNode} for a body no record describes yet; null
 *     when the route takes none
 * @param okStatus the status of a successful answer (200, 201, 204)
 * @param responseType the record (or {@code List<record>}) a successful answer serializes, {@code String} for an
 *     HTML page, or null for none (204)
 * @param queryParameters the names of the optional query parameters the route reads (strings, as a URL carries them)
 * @param role the least role a token needs for this route (ADR 0015), or null for the routes that need no token
 */
public record Endpoint(
        HandlerType method,
        String path,
        String tag,
        String summary,
        String requestBody,
        Type requestType,
        int okStatus,
        Type responseType,
        List<String> queryParameters,
        Role role,
        Handler handler) {

    /** Whether the route needs a token (every route but health and the document's own). */
    public boolean authenticated() {
        return role != null;
    }

    Endpoint withRequestBody(String description, Type type) {
        return new Endpoint(
                method, path, tag, summary, description, type, okStatus, responseType, queryParameters, role, handler);
    }

    Endpoint withOkStatus(int status) {
        return new Endpoint(
                method,
                path,
                tag,
                summary,
                requestBody,
                requestType,
                status,
                responseType,
                queryParameters,
                role,
                handler);
    }

    Endpoint withResponseType(Type type) {
        return new Endpoint(
                method, path, tag, summary, requestBody, requestType, okStatus, type, queryParameters, role, handler);
    }

    Endpoint withQueryParameters(List<String> names) {
        return new Endpoint(
                method, path, tag, summary, requestBody, requestType, okStatus, responseType, names, role, handler);
    }

    Endpoint withRole(Role needed) {
        return new Endpoint(
                method,
                path,
                tag,
                summary,
                requestBody,
                requestType,
                okStatus,
                responseType,
                queryParameters,
                needed,
                handler);
    }

    /** The {@code {name}} path parameters, in order. */
    public List<String> pathParameters() {
        return java.util.regex.Pattern.compile("\\{([^}]+)}")
                .matcher(path)
                .results()
                .map(m -> m.group(1))
                .toList();
    }
}
