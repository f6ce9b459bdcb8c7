package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import dev.vigil.store.NewToken;
import dev.vigil.store.TokenInfo;
import io.javalin.http.Context;
import java.util.List;

/** API tokens: create (the token is shown once), list (never the token), revoke. */
public final class TokenRoutes {
    private final Metastore store;

    public TokenRoutes(Metastore store) {
        this.store = store;
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("tokens")
                .get("/api/v1/tokens", this::list, "List API tokens (never the token itself)")
                .post(
                        "/api/v1/tokens",
                        this::create,
                        "Create an API token; the answer is the only time the token is shown")
                .body("{\"name\": \"ci\"}")
                .returns(201)
                .delete("/api/v1/tokens/{id}", this::revoke, "Revoke an API token")
                .returns(204)
                .endpoints();
    }

    private void list(Context ctx) {
        ArrayNode out = Json.array();
        store.tokens().list().forEach(t -> out.add(describe(t)));
        Json.send(ctx, 200, out);
    }

    private void create(Context ctx) {
        JsonNode body = Json.body(ctx);
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new VigilArgumentException("name: is required (a label for the token, e.g. \"ci\")");
        }
        NewToken created = store.tokens().create(name.asText().strip());
        ObjectNode out = describe(created.info());
        out.put("token", created.token());
        Json.send(ctx, 201, out);
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        if (!store.tokens().revoke(id)) {
            throw new VigilNotFoundException("token '" + id + "' does not exist");
        }
        ctx.status(204);
    }

    private static ObjectNode describe(TokenInfo t) {
        ObjectNode out = Json.object();
        out.put("id", t.id());
        out.put("name", t.name());
        out.put("created_at", t.createdAt().toString());
        if (t.lastUsedAt() != null) {
            out.put("last_used_at", t.lastUsedAt().toString());
        } else {
            out.putNull("last_used_at");
        }
        return out;
    }
}
