package dev.vigil.server.dashboard;

import dev.vigil.store.Metastore;
import dev.vigil.store.Role;
import dev.vigil.store.SessionRepository;
import dev.vigil.store.TokenInfo;
import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The dashboard's signed-in browsers: an API token is exchanged for a random session id kept in an HttpOnly,
 * SameSite=Strict cookie (the token never appears in a URL), with a CSRF token that every form that changes something
 * sends back. Sessions last 12 hours and end with their token. They are kept in the metastore (the session id
 * hashed), so that any server sharing it answers a signed-in browser (decision 0022).
 */
final class Sessions {
    static final String COOKIE = "vigil_session";
    private static final Duration SESSION = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Metastore store;
    private final Clock clock;

    /** A signed-in browser: its session id, whose token, with which role, its CSRF token, until when. */
    record Session(String id, String tokenId, String tokenName, Role role, String csrf, Instant expires) {
        /** Whether this browser may change things (acknowledge, resolve): an editor's or an admin's. */
        boolean mayAct() {
            return role.allows(Role.EDITOR);
        }

        /** Without the session id and the CSRF token, should a session ever be logged. */
        @Override
        public String toString() {
            return "Session[token " + tokenId + " (" + tokenName + "), " + role.spec() + ", until " + expires + "]";
        }
    }

    Sessions(Metastore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Starts a session for {@code token} and sets its cookie: {@code Secure} when the browser came over HTTPS, to this
     * server's own TLS ({@code --tls-cert}) or to a reverse proxy that says so in {@code X-Forwarded-Proto}.
     */
    void start(Context ctx, TokenInfo token) {
        byte[] id = new byte[24];
        RANDOM.nextBytes(id);
        byte[] csrf = new byte[16];
        RANDOM.nextBytes(csrf);
        String sessionId = HexFormat.of().formatHex(id);
        store.sessions()
                .create(
                        sessionId,
                        new SessionRepository.Session(
                                token.id(),
                                token.role(),
                                HexFormat.of().formatHex(csrf),
                                clock.instant().plus(SESSION)));
        boolean secure = ctx.req().isSecure() || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        ctx.header(
                "Set-Cookie",
                COOKIE + "=" + sessionId + "; Path=/; Max-Age=" + SESSION.toSeconds() + "; HttpOnly; SameSite=Strict"
                        + (secure ? "; Secure" : ""));
    }

    /** The browser's session, unless it has none, it expired, or its token was revoked or expired. */
    Optional<Session> find(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        Optional<SessionRepository.Session> stored = store.sessions().find(id);
        if (stored.isEmpty()) {
            return Optional.empty(); // none, or ended: sign in again
        }
        Optional<TokenInfo> token = store.tokens().findValid(stored.get().tokenId());
        if (token.isEmpty()) {
            store.sessions().delete(id); // its token expired (a revoked one took its sessions with it)
            return Optional.empty();
        }
        SessionRepository.Session s = stored.get();
        return Optional.of(new Session(id, s.tokenId(), token.get().name(), s.role(), s.csrf(), s.expiresAt()));
    }

    /** Ends {@code s} and clears the browser's cookie. */
    void end(Context ctx, Session s) {
        store.sessions().delete(s.id());
        ctx.removeCookie(COOKIE, "/");
    }

    /**
     * Whether a POST comes from a page of this server: its {@code Origin} (browsers send it with form POSTs) names
     * this host, or, without one, {@code Sec-Fetch-Site} does not say cross-site. Stops another site from signing a
     * browser in with the attacker's token, or out.
     */
    static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null")) {
            try {
                URI uri = URI.create(origin);
                String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
                return authority != null && authority.equalsIgnoreCase(ctx.host());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        String site = ctx.header("Sec-Fetch-Site");
        return site == null || site.equals("same-origin") || site.equals("none");
    }

    /** Whether the form sent {@code s}'s CSRF token (compared in constant time). */
    static boolean csrfMatches(Context ctx, Session s) {
        String sent = ctx.formParam("csrf");
        return sent != null
                && MessageDigest.isEqual(
                        s.csrf().getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
