package dev.vigil.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.store.Role;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Declares REST routes and their documentation in one place, as Javalin's {@code ApiBuilder} declares routes: each
 * {@code get}/{@code post}/{@code put}/{@code delete} adds a route under the current {@link #tag}, and {@link #body},
 * {@link #returns}, {@link #role} and {@link #open} refine the route just added. A route needs a token with a role
 * (ADR 0015): reading ({@code GET}) needs a viewer, anything else an editor, unless {@link #role} says more. The server registers exactly these routes and
 * documents exactly these ({@code OpenApi}), so the two cannot drift apart.
 *
 * <pre>{@code
 * new Routes()
 *         .tag("runs")
 *         .post(VERSION + "/runs", this::startRun, "Start a run")
 *         .body("{\"dataset\": \"serving\"}")
 *         .returns(202)
 *         .get(VERSION + "/runs", this::listRuns, "The latest runs of a version")
 *         .endpoints();
 * }</pre>
 */
public final class Routes {
    private final List<Endpoint> endpoints = new ArrayList<>();
    private String tag = "default";

    /** The OpenAPI tag of the routes added next. */
    public Routes tag(String tag) {
        this.tag = tag;
        return this;
    }

    public Routes get(String path, Handler handler, String summary) {
        return add(HandlerType.GET, path, handler, summary);
    }

    public Routes post(String path, Handler handler, String summary) {
        return add(HandlerType.POST, path, handler, summary);
    }

    public Routes put(String path, Handler handler, String summary) {
        return add(HandlerType.PUT, path, handler, summary);
    }

    public Routes delete(String path, Handler handler, String summary) {
        return add(HandlerType.DELETE, path, handler, summary);
    }

    /**
     * The last route takes a JSON body, described in a few words for the document, and read as any JSON object (the
     * spec-shaped bodies that {@code SpecCodec} reads field by field).
     */
    public Routes body(String description) {
        return replaceLast(last().withRequestBody(description, JsonNode.class));
    }

    /** The last route takes a JSON body of the record {@code type}, described in a few words for the document. */
    public Routes body(String description, Class<? extends Record> type) {
        return replaceLast(last().withRequestBody(description, type));
    }

    /**
     * What the last route's successful answer serializes: a record, {@link #listOf} records, or {@code JsonNode}
     * for a body no record describes yet. The document's schema is read from it ({@code Schemas}).
     */
    public Routes answers(Type type) {
        return replaceLast(last().withResponseType(type));
    }

    /** The optional query parameters the last route reads, so that a generated client can pass them. */
    public Routes query(String... names) {
        return replaceLast(last().withQueryParameters(List.of(names)));
    }

    /** {@code List<element>}, for {@link #answers}. */
    public static Type listOf(Class<?> element) {
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {element};
            }

            @Override
            public Type getRawType() {
                return List.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public String toString() {
                return "List<" + element.getSimpleName() + ">";
            }
        };
    }

    /** The status of the last route's successful answer (200 unless said otherwise; 204 has no body). */
    public Routes returns(int status) {
        Endpoint e = last().withOkStatus(status);
        return replaceLast(status == 204 ? e.withResponseType(null) : e);
    }

    /** The last route needs a token with at least {@code needed} (more than its method asks by default). */
    public Routes role(Role needed) {
        return replaceLast(last().withRole(needed));
    }

    /** The last route answers without a token (health only). */
    public Routes open() {
        return replaceLast(last().withRole(null));
    }

    /** The routes declared, in order. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    private Routes add(HandlerType method, String path, Handler handler, String summary) {
        Role byMethod = method == HandlerType.GET ? Role.VIEWER : Role.EDITOR;
        endpoints.add(new Endpoint(
                method, path, tag, summary, null, null, 200, JsonNode.class, List.of(), byMethod, handler));
        return this;
    }

    private Endpoint last() {
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("declare a route before describing it");
        }
        return endpoints.get(endpoints.size() - 1);
    }

    private Routes replaceLast(Endpoint e) {
        endpoints.set(endpoints.size() - 1, e);
        return this;
    }
}
