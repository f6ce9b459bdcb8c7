package dev.vigil.server.web;

import dev.vigil.store.AuditEntry;
import dev.vigil.store.FailedAttempts;
import dev.vigil.store.Metastore;
import dev.vigil.store.Role;
import dev.vigil.store.TokenInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what on {@code /api} (ADR 0015). Every request there needs a valid bearer token ({@link #install} refuses
 * the others with 401 before any route runs); each route then needs its {@link Endpoint#role() role} ({@link #guard},
 * 403 otherwise); and every change asked (any method but GET), allowed or not, goes to the audit log with who asked,
 * from where and what came of it.
 */
public final class Access {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    private static final String TOKEN_ATTRIBUTE = "vigil.token";

    private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);

    private final Metastore store;
    private final Clock clock;
    private final FailedAttempts failures;

    public Access(Metastore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.failures = store.tokens().attempts();
    }

    /** Authentication before every {@code /api} route, the audit after every change. */
    public void install(Javalin app) {
        app.before("/api/*", this::authenticate);
        app.before("/metrics", this::authenticate); // Prometheus scrapes with a bearer token too (decision 0025)
        app.after("/api/*", this::audit);
    }

    /** {@code e}'s handler, run only for a token whose role allows the route. */
    public Handler guard(Endpoint e) {
        if (!e.authenticated()) {
            return e.handler();
        }
        Role needed = e.role();
        return ctx -> {
            TokenInfo token = token(ctx).orElseThrow(() -> new IllegalStateException("authenticated before routing"));
            if (!token.role().allows(needed)) {
                throw new ApiErrors.Forbidden("the token '" + token.name() + "' has the role "
                        + token.role().spec()
                        + ", and " + e.method() + " " + e.path() + " needs " + needed.spec()
                        + " (an admin can create a token with that role)");
            }
            e.handler().handle(ctx);
        };
    }

    /** The token the request came with, once {@link #install}'s check let it in. */
    public static Optional<TokenInfo> token(Context ctx) {
        return Optional.ofNullable(ctx.attribute(TOKEN_ATTRIBUTE));
    }

    private void authenticate(Context ctx) {
        long wait = failures.retryAfterSeconds(ctx.ip());
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new ApiErrors.TooManyAttempts(
                    "too many requests with an invalid token from " + ctx.ip() + "; try again in " + wait + " s");
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip()
                : null;
        Optional<TokenInfo> token = store.tokens().authenticate(presented);
        if (token.isPresent()) {
            ctx.attribute(TOKEN_ATTRIBUTE, token.get());
            return;
        }
        ctx.header("WWW-Authenticate", "Bearer");
        if (header == null) {
            throw new ApiErrors.Unauthorized("missing bearer token (send Authorization: Bearer <token>)");
        }
        failures.failed(ctx.ip());
        throw new ApiErrors.Unauthorized(store.tokens()
                .expired(presented)
                .map(t -> "the token '" + t.name() + "' expired at " + t.expiresAt() + "; ask an admin for a new one")
                .orElse("invalid bearer token"));
    }

    private void audit(Context ctx) {
        if (READS.contains(ctx.method()) || ctx.statusCode() == 429) {
            return; // a throttled address costs no metastore write either: the throttle counted it
        }
        Optional<TokenInfo> token = token(ctx);
        if (token.isEmpty() && ctx.header("Authorization") == null) {
            return; // nobody to name, and recording every anonymous request would let anyone fill the log;
            // wrong tokens are recorded until their address is throttled (FailedAttempts.LIMIT a minute at most)
        }
        try {
            store.audit()
                    .record(new AuditEntry(
                            0,
                            clock.instant(),
                            token.map(TokenInfo::id).orElse(null),
                            token.map(TokenInfo::name).orElse(null),
                            token.map(TokenInfo::role).orElse(null),
                            ctx.method().name(),
                            ctx.path(),
                            ctx.statusCode(),
                            ctx.ip()));
        } catch (RuntimeException e) { // VigilException included
            LOG.error(
                    "could not record {} {} -> {} by token '{}' in the audit log: {}",
                    ctx.method(),
                    ctx.path(),
                    ctx.statusCode(),
                    token.map(TokenInfo::name).orElse("-"),
                    e.getMessage());
        }
    }
}
