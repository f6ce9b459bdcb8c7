package dev.vigil.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.ErrorBody;
import dev.vigil.server.web.Json;
import io.javalin.http.HandlerType;
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
        for (Endpoint e : endpoints) {
            ObjectNode path = paths.has(e.path()) ? (ObjectNode) paths.get(e.path()) : paths.putObject(e.path());
            ObjectNode op = path.putObject(e.method().name().toLowerCase(Locale.ROOT));
            op.put("summary", e.summary());
            op.put("description", e.summary());
            op.putArray("tags").add(e.tag());
            op.put("operationId", operationId(e));
            if (!e.pathParameters().isEmpty()) {
                var params = op.putArray("parameters");
                for (String p : e.pathParameters()) {
                    ObjectNode param = params.addObject();
                    param.put("name", p);
                    param.put("in", "path");
                    param.put("required", true);
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
            if (e.responseType() == String.class) {
                ok.putObject("content")
                        .putObject("text/html")
                        .putObject("schema")
                        .put("type", "string");
            } else if (e.responseType() != null) {
                ok.putObject("content").putObject("application/json").set("schema", schemas.of(e.responseType()));
            }
            for (String status : e.authenticated() ? List.of("400", "401", "403", "404") : List.of("400")) {
                ObjectNode r = responses.putObject(status);
                r.put(
                        "description",
                        switch (status) {
                            case "401" -> "missing, invalid or expired bearer token";
                            case "403" -> "the token's role does not allow this route (x-vigil-role names the role)";
                            case "404" -> "not found";
                            default -> "bad input; the message names the field and what was expected";
                        });
                r.putObject("content").putObject("application/json").set("schema", error);
            }
        }
        components.set("schemas", schemas.components());
        return doc;
    }

    private static String operationId(Endpoint e) {
        StringBuilder id = new StringBuilder(
                e.method() == HandlerType.GET ? "get" : e.method().name().toLowerCase(Locale.ROOT));
        for (String part : e.path().split("/")) {
            if (part.isEmpty() || part.equals("api") || part.equals("v1")) {
                continue;
            }
            String clean = part.replaceAll("[{}.]", "");
            id.append(Character.toUpperCase(clean.charAt(0))).append(clean.substring(1));
        }
        return id.toString();
    }
}
