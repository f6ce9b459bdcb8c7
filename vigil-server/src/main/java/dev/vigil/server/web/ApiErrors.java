package dev.vigil.server.web;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.VigilUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions into {@code {"error": {code, message, details}}} answers: 4xx for what the caller
 * can fix, 500 (with a reference to the log line, never a stack trace) for everything else.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    /** A request without a valid bearer token: 401. */
    public static final class Unauthorized extends RuntimeException {
        public Unauthorized(String message) {
            super(message, null, false, false);
        }
    }

    /** A token whose role does not allow the route: 403. */
    public static final class Forbidden extends RuntimeException {
        public Forbidden(String message) {
            super(message, null, false, false);
        }
    }

    /** An address that failed to authenticate too often this minute: 429, with {@code Retry-After}. */
    public static final class TooManyAttempts extends RuntimeException {
        public TooManyAttempts(String message) {
            super(message, null, false, false);
        }
    }

    /** Installs the handlers on {@code app}. */
    public static void install(Javalin app) {
        app.exception(
                Unauthorized.class,
                (e, ctx) -> Json.send(ctx, 401, Json.error("unauthorized", e.getMessage(), List.of())));
        app.exception(
                Forbidden.class, (e, ctx) -> Json.send(ctx, 403, Json.error("forbidden", e.getMessage(), List.of())));
        app.exception(
                TooManyAttempts.class,
                (e, ctx) -> Json.send(ctx, 429, Json.error("too_many_attempts", e.getMessage(), List.of())));
        app.exception(VigilUnavailableException.class, (e, ctx) -> unavailable(ctx, e));
        app.exception(
                VigilArgumentException.class,
                (e, ctx) -> Json.send(ctx, 400, Json.error("invalid_argument", e.getMessage(), e.problems())));
        app.exception(
                VigilNotFoundException.class,
                (e, ctx) -> Json.send(ctx, 404, Json.error("not_found", e.getMessage(), List.of())));
        app.exception(
                VigilSourceException.class,
                (e, ctx) -> Json.send(
                        ctx,
                        422,
                        Json.error("source_" + e.reason().name().toLowerCase(Locale.ROOT), e.getMessage(), List.of())));
        app.exception(
                VigilStateException.class,
                (e, ctx) -> Json.send(ctx, 409, Json.error("conflict", e.getMessage(), List.of())));
        app.exception(VigilException.class, (e, ctx) -> internal(ctx, e));
        app.exception(Exception.class, (e, ctx) -> internal(ctx, e));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                Json.send(
                        ctx,
                        404,
                        Json.error(
                                "not_found",
                                "no route " + ctx.method() + " " + ctx.path() + " (see /api/v1/openapi.json)",
                                List.of()));
            }
        });
        app.error(
                405,
                ctx -> Json.send(
                        ctx,
                        405,
                        Json.error(
                                "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(), List.of())));
    }

    /** The metastore does not answer: 503, with where it lives kept in the log (it is nobody else's business). */
    private static void unavailable(Context ctx, VigilUnavailableException e) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("metastore unavailable {} on {} {}: {}", reference, ctx.method(), ctx.path(), e.getMessage());
        ctx.header("Retry-After", "10");
        Json.send(
                ctx,
                503,
                Json.error(
                        "unavailable",
                        "the server's metastore does not answer; try again shortly (reference " + reference
                                + " in the server log)",
                        List.of()));
    }

    private static void internal(Context ctx, Exception e) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error {} on {} {}", reference, ctx.method(), ctx.path(), e);
        Json.send(
                ctx,
                500,
                Json.error("internal", "internal error (reference " + reference + " in the server log)", List.of()));
    }
}
