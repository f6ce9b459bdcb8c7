package dev.vigil.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.ErrorBody;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.PlainText;
import java.util.List;
import java.util.Locale;

/**
 * Builds the OpenAPI 3.0 document from the registered endpoints: every body's schema is read from the record the
 * route serializes ({@link Schemas}, decision 0026). {@code docs/openapi.json} is this document, checked in.
 */
public final class OpenApi {
    private OpenApi() {}

    public static ObjectNode document(List<Endpoint> endpoints, String version) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Vigil API");
        info.put("version", version);
        info.put(
                "description",
                "Monitor ML models from the data they keep in PostgreSQL. Every /api route needs "
                        + "Authorization: Bearer <token>.");
        ObjectNode license = info.putObject("license");
        license.put("name", "Apache-2.0");
        license.put("url", "https://www.apache.org/licenses/LICENSE-2.0");
        // relative: the document describes the server that serves it, wherever it runs
        doc.putArray("servers").addObject().put("url", "/").put("description", "the server serving this document");
        Schemas schemas = new Schemas();
        ObjectNode error = schemas.of(ErrorBody.class);
        ObjectNode components = doc.putObject("components");
        ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");

        ObjectNode paths = doc.putObject("paths");
        java.util.Set<String> operationIds = new java.util.HashSet<>();
        for (Endpoint e : endpoints) {
            ObjectNode path = paths.has(e.path()) ? (ObjectNode) paths.get(e.path()) : paths.putObject(e.path());
            ObjectNode op = path.putObject(e.method().name().toLowerCase(Locale.ROOT));
            op.put("summary", e.summary());
            op.put("description", e.summary());
            op.putArray("tags").add(e.tag());
            String operationId = operationId(e);
            if (!operationIds.add(operationId)) {
                throw new IllegalStateException("two routes share the operationId " + operationId + ": " + e.path());
            }
            op.put("operationId", operationId);
            if (!e.pathParameters().isEmpty() || !e.queryParameters().isEmpty()) {
                var params = op.putArray("parameters");
                for (String p : e.pathParameters()) {
                    ObjectNode param = params.addObject();
                    param.put("name", p);
                    param.put("in", "path");
                    param.put("required", true);
                    param.putObject("schema").put("type", "string");
                }
                for (String p : e.queryParameters()) {
                    ObjectNode param = params.addObject();
                    param.put("name", p);
                    param.put("in", "query");
                    param.put("required", false);
                    param.putObject("schema").put("type", "string");
                }
            }
            if (e.requestBody() != null) {
                ObjectNode body = op.putObject("requestBody");
                body.put("required", true);
                body.put("description", e.requestBody());
                body.putObject("content").putObject("application/json").set("schema", schemas.of(e.requestType()));
            }
            if (e.authenticated()) {
                op.putArray("security").addObject().putArray("bearer");
                op.put("x-vigil-role", e.role().spec());
            } else {
                op.putArray("security");
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(String.valueOf(e.okStatus()));
            ok.put("description", e.okStatus() == 204 ? "done, no content" : "success");
            if (e.responseType() == PlainText.class) {
                ok.putObject("content")
                        .putObject("text/plain")
                        .putObject("schema")
                        .put("type", "string");
            } else if (e.responseType() == String.class) {
                ok.putObject("content")
                        .putObject("text/html")
                        .putObject("schema")
                        .put("type", "string");
            } else if (e.responseType() != null) {
                ok.putObject("content").putObject("application/json").set("schema", schemas.of(e.responseType()));
            }
            List<String> failures =
                    new java.util.ArrayList<>(e.authenticated() ? List.of("400", "401", "403", "404") : List.of("400"));
            if (e.requestBody() != null) {
                failures.add("413");
            }
            for (String status : failures) {
                ObjectNode r = responses.putObject(status);
                r.put(
                        "description",
                        switch (status) {
                            case "401" -> "missing, invalid or expired bearer token";
                            case "403" -> "the token's role does not allow this route (x-vigil-role names the role)";
                            case "404" -> "not found";
                            case "413" -> "the body is larger than VIGIL_MAX_BODY_BYTES";
                            default -> "bad input; the message names the field and what was expected";
                        });
                r.putObject("content").putObject("application/json").set("schema", error);
            }
        }
        components.set("schemas", schemas.components());
        return doc;
    }

    /**
     * A name a generated client's method takes, stable while the route is: the method, then the resource the path
     * ends at ({@code GET …/models/{model}} is {@code getModel}, {@code GET …/versions/{version}/metrics} is
     * {@code getVersionMetrics}, {@code POST /alerts/{alert}/acknowledge} is {@code postAlertAcknowledge}).
     */
    static String operationId(Endpoint e) {
        List<String> parts = java.util.Arrays.stream(e.path().split("/"))
                .filter(p -> !p.isEmpty() && !p.equals("api") && !p.equals("v1"))
                .toList();
        int last = parts.size() - 1;
        String noun;
        if (isParameter(parts.get(last))) {
            noun = singular(parts.get(last - 1));
        } else {
            noun = word(parts.get(last));
            if (last > 0) {
                String before = parts.get(last - 1);
                noun = (isParameter(before) ? singular(parts.get(last - 2)) : word(before)) + noun;
            }
        }
        return e.method().name().toLowerCase(Locale.ROOT) + noun;
    }

    private static boolean isParameter(String part) {
        return part.startsWith("{");
    }

    private static String singular(String collection) {
        return word(collection.endsWith("s") ? collection.substring(0, collection.length() - 1) : collection);
    }

    private static String word(String part) {
        String clean = part.replaceAll("[^A-Za-z0-9]", "");
        return Character.toUpperCase(clean.charAt(0)) + clean.substring(1);
    }
}
