package dev.vigil.server.dashboard;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilUnavailableException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.server.dashboard.Sessions.Session;
import dev.vigil.store.Alert;
import dev.vigil.store.AuditEntry;
import dev.vigil.store.Metastore;
import dev.vigil.store.TokenInfo;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard at {@code /}: sign-in with an API token, which is exchanged for a session kept in an HttpOnly,
 * SameSite=Strict cookie (the token never appears in a URL); every page needs a session, every form that changes
 * something carries the session's CSRF token ({@link Sessions}). Each page has its class: {@link ModelsPage},
 * {@link VersionPage}, {@link FieldPage}, {@link AlertsPage}.
 */
public final class DashboardRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);

    private final Metastore store;
    private final ModelsPage models;
    private final VersionPage versions;
    private final FieldPage fields;
    private final AlertsPage alerts;
    private final Clock clock;
    private final Sessions sessions;

    public DashboardRoutes(Metastore store, Clock clock) {
        this.store = store;
        ProfileQueries queries = new ProfileQueries(store);
        this.models = new ModelsPage(store, queries, clock);
        this.versions = new VersionPage(store, queries);
        this.fields = new FieldPage(store, queries);
        this.alerts = new AlertsPage(store);
        this.clock = clock;
        this.sessions = new Sessions(store, clock);
    }

    public void install(Javalin app) {
        app.get("/signin", ctx -> Layout.html(ctx, 200, signin(Optional.ofNullable(ctx.queryParam("error")))));
        app.post("/signin", this::signIn);
        app.post("/signout", form((ctx, s) -> {
            sessions.end(ctx, s);
            ctx.redirect("/signin");
        }));
        app.get("/", page(s -> models.render(s.csrf())));
        app.get(
                "/models/{model}/versions/{version}",
                ctx -> withSession(ctx, s -> {
                    ModelVersion v = store.version(ctx.pathParam("model"), ctx.pathParam("version"));
                    return versions.render(v, range(ctx, v), s.csrf(), s.mayAct());
                }));
        app.get(
                "/models/{model}/versions/{version}/fields/{field}",
                ctx -> withSession(ctx, s -> {
                    ModelVersion v = store.version(ctx.pathParam("model"), ctx.pathParam("version"));
                    String field = ctx.pathParam("field");
                    if (v.schema().fields().stream().noneMatch(f -> f.name().equals(field))) {
                        throw new VigilNotFoundException(
                                v.modelId() + "/" + v.version() + " has no field '" + field + "'");
                    }
                    return fields.render(v, field, range(ctx, v), s.csrf(), s.mayAct());
                }));
        app.get(
                "/alerts",
                ctx -> withSession(
                        ctx,
                        s -> alerts.render(
                                Optional.ofNullable(ctx.queryParam("model")).filter(m -> !m.isBlank()),
                                Optional.ofNullable(ctx.queryParam("status"))
                                        .filter(m -> !m.isBlank())
                                        .map(Alert.Status::fromSpec),
                                s.csrf(),
                                s.mayAct())));
        app.post("/alerts/{alert}/acknowledge", editorForm((ctx, s) -> setStatus(ctx, s, Alert.Status.ACKNOWLEDGED)));
        app.post("/alerts/{alert}/resolve", editorForm((ctx, s) -> setStatus(ctx, s, Alert.Status.RESOLVED)));
    }

    private interface PageRenderer {
        String render(Session s);
    }

    private Handler page(PageRenderer renderer) {
        return ctx -> withSession(ctx, renderer);
    }

    /** Renders a page for a signed-in browser; sends others to sign in; shows failures as a page, not a trace. */
    private void withSession(Context ctx, PageRenderer renderer) {
        Optional<Session> s = sessions.find(ctx);
        if (s.isEmpty()) {
            ctx.redirect("/signin");
            return;
        }
        try {
            Layout.html(ctx, 200, renderer.render(s.get()));
        } catch (VigilUnavailableException e) {
            LOG.error("dashboard page {}: {}", ctx.path(), e.getMessage());
            Layout.html(ctx, 503, problem("That did not work", UNAVAILABLE, s.get()));
        } catch (VigilNotFoundException e) {
            Layout.html(ctx, 404, problem("Not found", e.getMessage(), s.get()));
        } catch (VigilArgumentException e) {
            Layout.html(ctx, 400, problem("That did not work", e.getMessage(), s.get()));
        } catch (VigilException e) {
            LOG.warn("dashboard page {} failed: {}", ctx.path(), e.getMessage());
            Layout.html(ctx, 500, problem("That did not work", e.getMessage(), s.get()));
        } catch (RuntimeException e) {
            LOG.error("dashboard page {} failed", ctx.path(), e);
            Layout.html(
                    ctx,
                    500,
                    problem("That did not work", "the page failed; the server's log has the details", s.get()));
        }
    }

    private static final String UNAVAILABLE =
            "the server's metastore does not answer; try again shortly (the server's log has the details)";

    private static final String STALE_FORM = "the form is stale or came from another site; reload the page";

    /** What a form does once its POST is known to come from a signed-in page of this server. */
    private interface FormAction {
        void run(Context ctx, Session s);
    }

    /**
     * Runs {@code action} for a form POSTed from a page of this server by a signed-in browser with its session's CSRF
     * token; sends a browser without a session to sign in, and refuses a stale or cross-site form with a page. Every
     * form a signed-in browser posts goes to the audit log with its outcome, refusals and failures included.
     */
    private Handler form(FormAction action) {
        return ctx -> {
            Optional<Session> s = sessions.find(ctx);
            if (s.isEmpty()) {
                ctx.redirect("/signin");
                return;
            }
            try {
                if (!Sessions.sameOrigin(ctx) || !Sessions.csrfMatches(ctx, s.get())) {
                    Layout.html(ctx, 403, problem("That did not work", STALE_FORM, s.get()));
                    return;
                }
                action.run(ctx, s.get());
            } catch (RuntimeException e) {
                ctx.status(500);
                throw e;
            } finally {
                audit(ctx, s.get());
            }
        };
    }

    /**
     * {@link #form} for what only an editor or admin may do (ADR 0015): a viewer's browser gets a 403 page saying so.
     */
    private Handler editorForm(FormAction action) {
        return form((ctx, s) -> {
            if (!s.mayAct()) {
                Layout.html(
                        ctx,
                        403,
                        problem(
                                "Not allowed",
                                "the token '" + s.tokenName() + "' has the role "
                                        + s.role().spec()
                                        + ", and changing an alert needs editor (an admin can create a token with that"
                                        + " role)",
                                s));
            } else {
                action.run(ctx, s);
            }
        });
    }

    private void audit(Context ctx, Session s) {
        try {
            store.audit()
                    .record(new AuditEntry(
                            0,
                            clock.instant(),
                            s.tokenId(),
                            s.tokenName(),
                            s.role(),
                            ctx.method().name(),
                            ctx.path(),
                            ctx.statusCode(),
                            ctx.ip()));
        } catch (RuntimeException e) {
            LOG.error("could not record {} {} in the audit log: {}", ctx.method(), ctx.path(), e.getMessage());
        }
    }

    private static String problem(String title, String message, Session s) {
        return Layout.page(
                "Vigil — " + title,
                "<h1>" + Html.text(title) + "</h1><p class=\"error\">" + Html.text(message) + "</p>",
                s.csrf(),
                false);
    }

    private void signIn(Context ctx) {
        if (!Sessions.sameOrigin(ctx)) {
            Layout.html(ctx, 403, signin(Optional.of("invalid")));
            return;
        }
        if (store.tokens().attempts().retryAfterSeconds(ctx.ip()) > 0) {
            Layout.html(ctx, 429, signin(Optional.of("throttled")));
            return;
        }
        String token = ctx.formParam("token");
        Optional<TokenInfo> info =
                token == null ? Optional.empty() : store.tokens().authenticate(token.strip());
        if (info.isEmpty()) {
            store.tokens().attempts().failed(ctx.ip());
            Layout.html(ctx, 401, signin(Optional.of("invalid")));
            return;
        }
        sessions.start(ctx, info.get());
        LOG.info("dashboard sign-in with token '{}'", info.get().name());
        ctx.redirect("/");
    }

    private void setStatus(Context ctx, Session s, Alert.Status status) {
        try {
            store.alerts().setStatus(ctx.pathParam("alert"), status);
        } catch (VigilUnavailableException e) {
            LOG.error("dashboard {}: {}", ctx.path(), e.getMessage());
            Layout.html(ctx, 503, problem("That did not work", UNAVAILABLE, s));
            return;
        } catch (VigilException e) {
            Layout.html(
                    ctx,
                    e instanceof VigilNotFoundException ? 404 : 400,
                    problem("That did not work", e.getMessage(), s));
            return;
        }
        // back to the page the form was on: its path on this server only (never another site's URL)
        String back = "/alerts";
        String referer = ctx.header("Referer");
        if (referer != null) {
            try {
                java.net.URI uri = java.net.URI.create(referer);
                if (uri.getRawPath() != null
                        && uri.getRawPath().startsWith("/")
                        && !uri.getRawPath().startsWith("//")) {
                    back = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                }
            } catch (IllegalArgumentException e) {
                // keep /alerts
            }
        }
        ctx.redirect(back);
    }

    private PageRange range(Context ctx, ModelVersion v) {
        return PageRange.resolve(
                store,
                clock,
                v,
                instant(ctx, "from"),
                instant(ctx, "to"),
                Optional.ofNullable(ctx.queryParam("granularity")).filter(g -> !g.isBlank()));
    }

    /** The instant the query parameter {@code name} gives, if any, between the years a chart can draw. */
    private static Optional<Instant> instant(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(PageRange.bounded(ProfileRequest.parseInstant(value.strip(), name), name));
    }

    private static String signin(Optional<String> error) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vigil — sign in</title><style>"
                + Layout.CSS + "</style></head><body><form class=\"signin\" method=\"post\""
                + " action=\"/signin\"><h1>Vigil</h1><p class=\"muted\">Sign in with an API token (<code>vigil tokens"
                + " create</code>, or the admin token the server printed at its first start).</p>"
                + error.map(e -> "<p class=\"error\" id=\"signin-error\">"
                                + (e.equals("throttled")
                                        ? "Too many failed sign-ins from this address; try again in a minute."
                                        : "That token is not valid.")
                                + "</p>")
                        .orElse("")
                + "<label>API token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\""
                + " autofocus></label><button id=\"signin\">Sign in</button></form></body></html>";
    }
}
