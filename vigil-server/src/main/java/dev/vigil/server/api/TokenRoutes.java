package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import dev.vigil.store.NewToken;
import dev.vigil.store.Role;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens, for admins only (ADR 0015): create one with a role and an expiry (the token is shown once), list them
 * (never the token), revoke one.
 */
public final class TokenRoutes {
    /** {@code 90d}, {@code 12h}, {@code 30m}: how people write an expiry on a command line. */
    private static final Pattern SHORT_DURATION = Pattern.compile("([1-9][0-9]{0,6})([dhm])");
    /** Ten years: longer than any credential should live, short enough for every date column. */
    private static final Duration LONGEST = Duration.ofDays(3650);

    private final Metastore store;

    public TokenRoutes(Metastore store) {
        this.store = store;
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("tokens")
                .get("/api/v1/tokens", this::list, "List API tokens (never the token itself)")
                .answers(Routes.listOf(TokenJson.class))
                .role(Role.ADMIN)
                .post(
                        "/api/v1/tokens",
                        this::create,
                        "Create an API token with a role (viewer unless said) and an optional expiry; the answer is"
                                + " the only time the token is shown")
                .body("{\"name\": \"ci\", \"role\": \"editor\", \"expires_in\": \"90d\"}", TokenJson.Create.class)
                .returns(201)
                .answers(TokenJson.class)
                .role(Role.ADMIN)
                .delete("/api/v1/tokens/{id}", this::revoke, "Revoke an API token")
                .returns(204)
                .role(Role.ADMIN)
                .endpoints();
    }

    private void list(Context ctx) {
        Json.send(
                ctx,
                200,
                store.tokens().list().stream().map(t -> TokenJson.of(t, null)).toList());
    }

    private void create(Context ctx) {
        JsonNode body = Json.body(ctx);
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new VigilArgumentException("name: is required (a label for the token, e.g. \"ci\")");
        }
        Role role = Role.VIEWER; // the least a token can do, unless the admin says more
        JsonNode roleNode = body.get("role");
        if (roleNode != null && !roleNode.isNull()) {
            if (!roleNode.isTextual()) {
                throw new VigilArgumentException("role: expected one of viewer, editor, admin");
            }
            role = Role.parse(roleNode.asText(), "role");
        }
        JsonNode expiresIn = body.get("expires_in");
        Duration validFor = expiresIn == null || expiresIn.isNull() ? null : duration(expiresIn);
        NewToken created = store.tokens().create(name.asText().strip(), role, validFor);
        Json.send(ctx, 201, TokenJson.of(created.info(), created.token()));
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        if (!store.tokens().revoke(id)) {
            throw new VigilNotFoundException("token '" + id + "' does not exist");
        }
        ctx.status(204);
    }

    /** {@code expires_in} as {@code 90d}, {@code 12h}, {@code 30m} or ISO-8601 ({@code P90D}); positive. */
    static Duration duration(JsonNode value) {
        String text = value.isTextual() ? value.asText().strip() : value.toString();
        Duration d = parseDuration(text);
        if (d == null) {
            throw new VigilArgumentException("expires_in: '" + text
                    + "' is not a positive duration (expected e.g. \"90d\", \"12h\", \"30m\" or ISO-8601 \"P90D\")");
        }
        if (d.compareTo(LONGEST) > 0) {
            throw new VigilArgumentException("expires_in: '" + text + "' is longer than " + LONGEST.toDays()
                    + " days (leave expires_in out for a token that does not expire)");
        }
        return d;
    }

    private static Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
        }
        try {
            Duration d = Duration.parse(text);
            return d.isNegative() || d.isZero() ? null : d;
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
