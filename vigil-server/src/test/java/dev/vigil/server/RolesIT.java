package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.UnauthorizedException;
import dev.vigil.client.Vigil;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.Role;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles on tokens (issue 14 item 4, review F4 and F14; ADR 0015), against a real server: what a viewer, an editor and
 * an admin may do on every route, a 403 sentence, token expiry, the audit log, rotating {@code VIGIL_ADMIN_TOKEN},
 * throttled guessing and an open health check that says nothing about the metastore. Each refusal also checks that
 * nothing happened.
 */
class RolesIT extends AbstractServerIT {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected void createSource(TestDatabase db) {
        // no source: roles are about the API
    }

    @Override
    protected java.time.Clock clock() {
        return clock;
    }

    private String token(String name, Role role) {
        return server().metastore().tokens().create(name, role, null).token();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server().url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        return SpecCodec.json().readTree(r.body()).path("error");
    }

    @Test
    void everyRouteAnswersEachRoleAsItsDeclaredRoleSays() throws Exception {
        Map<Role, String> tokens = Map.of(
                Role.VIEWER, token("every-route-viewer", Role.VIEWER),
                Role.EDITOR, token("every-route-editor", Role.EDITOR),
                Role.ADMIN, TOKEN);
        int checked = 0;
        for (Route route : server().routes()) {
            if (!route.authenticated()) {
                continue;
            }
            Role needed = Role.parse(route.role(), "role");
            String path = route.path().replace("{dataset}", "serving").replaceAll("\\{[a-z_]+}", "nope");
            for (Role role : Role.values()) {
                HttpResponse<String> r = send(route.method(), path, tokens.get(role), route.takesBody() ? "{}" : null);
                if (role.allows(needed)) {
                    assertThat(r.statusCode())
                            .as("%s %s as %s", route.method(), path, role)
                            .isNotIn(401, 403);
                } else {
                    assertThat(r.statusCode())
                            .as("%s %s as %s", route.method(), path, role)
                            .isEqualTo(403);
                    assertThat(error(r).path("message").asText())
                            .isEqualTo("the token 'every-route-" + role.spec() + "' has the role " + role.spec()
                                    + ", and " + route.method() + " " + route.path() + " needs " + needed.spec()
                                    + " (an admin can create a token with that role)");
                    checked++;
                }
            }
        }
        assertThat(checked).as("refusals checked").isGreaterThanOrEqualTo(20);
        // What the roles say, by route: reads for viewers, changes for editors, tokens and audit for admins.
        assertThat(server().routes())
                .filteredOn(
                        r -> r.path().startsWith("/api/v1/tokens") || r.path().equals("/api/v1/audit"))
                .extracting(Route::role)
                .containsOnly("admin");
        assertThat(server().routes())
                .filteredOn(
                        r -> r.path().startsWith("/api/v1/models") && r.method().equals("GET"))
                .extracting(Route::role)
                .containsOnly("viewer");
        assertThat(server().routes())
                .filteredOn(r ->
                        r.path().startsWith("/api/v1/models") && !r.method().equals("GET"))
                .extracting(Route::role)
                .containsOnly("editor");
    }

    @Test
    void aViewerCannotChangeAnythingAndNothingChanges() throws Exception {
        String viewer = token("viewer-only", Role.VIEWER);
        HttpResponse<String> put =
                send("PUT", "/api/v1/models/viewer-made", viewer, "{\"name\": \"Made by a viewer\"}");
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(error(put).path("code").asText()).isEqualTo("forbidden");
        assertThat(send("GET", "/api/v1/models/viewer-made", TOKEN, null).statusCode())
                .as("not created")
                .isEqualTo(404);

        HttpResponse<String> mint =
                send("POST", "/api/v1/tokens", viewer, "{\"name\": \"escalate\", \"role\": \"admin\"}");
        assertThat(mint.statusCode()).isEqualTo(403);
        assertThat(vigil().getJson("/api/v1/tokens").findValuesAsText("name")).doesNotContain("escalate");
        assertThat(Vigil.connect(server().url(), viewer).listModels()).isNotNull(); // reads still work
    }

    @Test
    void anEditorChangesModelsButNotTokens() throws Exception {
        String editor = token("editor-ci", Role.EDITOR);
        assertThat(send("PUT", "/api/v1/models/editor-made", editor, "{\"name\": \"Editor\"}")
                        .statusCode())
                .isIn(200, 201);
        assertThat(send("GET", "/api/v1/models/editor-made", editor, null).statusCode())
                .isEqualTo(200);
        List<String> before = vigil().getJson("/api/v1/tokens").findValuesAsText("id");
        assertThat(send("POST", "/api/v1/tokens", editor, "{\"name\": \"more\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/tokens/" + before.get(0), editor, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(vigil().getJson("/api/v1/tokens").findValuesAsText("id")).isEqualTo(before);
    }

    @Test
    void tokensAreMadeWithARoleAndAnExpiryAndStopWorkingAtIt() throws Exception {
        JsonNode created = vigil().createToken("temp-editor", "editor", "2d");
        assertThat(created.path("role").asText()).isEqualTo("editor");
        assertThat(created.path("expires_at").asText())
                .isEqualTo(clock.instant().plus(Duration.ofDays(2)).toString());
        String token = created.path("token").asText();
        assertThat(send("PUT", "/api/v1/models/before-expiry", token, "{\"name\": \"x\"}")
                        .statusCode())
                .isIn(200, 201);
        assertThat(vigil().createToken("default-role").path("role").asText()).isEqualTo("viewer");

        clock.advance(Duration.ofDays(2));

        HttpResponse<String> late = send("PUT", "/api/v1/models/after-expiry", token, "{\"name\": \"x\"}");
        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(error(late).path("message").asText())
                .isEqualTo("the token 'temp-editor' expired at " + clock.instant() + "; ask an admin for a new one");
        assertThat(send("GET", "/api/v1/models/after-expiry", TOKEN, null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aBadRoleOrExpiryIsOneSentenceAndNoTokenIsMade() throws Exception {
        List<String> before = vigil().getJson("/api/v1/tokens").findValuesAsText("id");
        HttpResponse<String> role = send("POST", "/api/v1/tokens", TOKEN, "{\"name\": \"x\", \"role\": \"root\"}");
        assertThat(role.statusCode()).isEqualTo(400);
        assertThat(error(role).path("message").asText())
                .isEqualTo("role: 'root' is not a role (expected viewer, editor, admin)");
        HttpResponse<String> tooLong =
                send("POST", "/api/v1/tokens", TOKEN, "{\"name\": \"x\", \"expires_in\": \"P999999999D\"}");
        assertThat(error(tooLong).path("message").asText())
                .isEqualTo("expires_in: 'P999999999D' is longer than 3650 days (leave expires_in out for a token that"
                        + " does not expire)");
        HttpResponse<String> expiry =
                send("POST", "/api/v1/tokens", TOKEN, "{\"name\": \"x\", \"expires_in\": \"-3d\"}");
        assertThat(expiry.statusCode()).isEqualTo(400);
        assertThat(error(expiry).path("message").asText())
                .isEqualTo("expires_in: '-3d' is not a positive duration (expected e.g. \"90d\", \"12h\", \"30m\""
                        + " or ISO-8601 \"P90D\")");
        assertThat(vigil().getJson("/api/v1/tokens").findValuesAsText("id")).isEqualTo(before);
    }

    @Test
    void theAuditLogSaysWhoChangedWhatWhenAndFromWhereForAdminsOnly() throws Exception {
        String editor = token("audited-editor", Role.EDITOR);
        String viewer = token("audited-viewer", Role.VIEWER);
        Instant when = clock.instant();
        send("PUT", "/api/v1/models/audited", editor, "{\"name\": \"Audited\"}");
        send("DELETE", "/api/v1/models/audited", viewer, null);
        send("GET", "/api/v1/models/audited", editor, null); // a read: not a change

        JsonNode log = vigil().getJson("/api/v1/audit?limit=2");
        assertThat(log).hasSize(2);
        assertThat(log.get(0).path("method").asText()).isEqualTo("DELETE");
        assertThat(log.get(0).path("status").asInt()).isEqualTo(403);
        assertThat(log.get(0).path("token").path("name").asText()).isEqualTo("audited-viewer");
        assertThat(log.get(0).path("token").path("role").asText()).isEqualTo("viewer");
        assertThat(log.get(1).path("method").asText()).isEqualTo("PUT");
        assertThat(log.get(1).path("path").asText()).isEqualTo("/api/v1/models/audited");
        assertThat(log.get(1).path("status").asInt()).isEqualTo(201);
        assertThat(log.get(1).path("token").path("name").asText()).isEqualTo("audited-editor");
        assertThat(log.get(1).path("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(log.get(1).path("at").asText()).isEqualTo(when.toString());
        assertThat(log.toString()).doesNotContain("Audited"); // bodies are never kept

        HttpResponse<String> asEditor = send("GET", "/api/v1/audit", editor, null);
        assertThat(asEditor.statusCode()).isEqualTo(403);
        HttpResponse<String> badLimit = send("GET", "/api/v1/audit?limit=0", TOKEN, null);
        assertThat(error(badLimit).path("message").asText())
                .isEqualTo("limit: expected a whole number from 1 to 1000, got '0'");
    }

    @Test
    void rotatingTheAdminTokenRevokesThePreviousOne(@TempDir Path dataDir) throws Exception {
        String first = "vgl_first_admin_token_0123456789abcdefghij";
        String second = "vgl_second_admin_token_0123456789abcdefghij";
        ServerConfig config = config(dataDir).withAdminToken(first);
        String ci;
        try (VigilServer s = VigilServer.start(config, Map.of(), clock)) {
            ci = Vigil.connect(s.url(), first)
                    .createToken("ci", "admin", null)
                    .path("token")
                    .asText();
        }
        try (VigilServer s = VigilServer.start(config.withAdminToken(second), Map.of(), clock)) {
            assertThat(Vigil.connect(s.url(), second).listModels()).isNotNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> Vigil.connect(s.url(), first).listModels())
                    .isInstanceOf(UnauthorizedException.class);
            assertThat(Vigil.connect(s.url(), ci).listModels())
                    .as("other tokens stay")
                    .isNotNull();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> VigilServer.start(config.withAdminToken("short"), Map.of(), clock))
                .hasMessage("VIGIL_ADMIN_TOKEN: expected at least 32 characters (e.g. the output of"
                        + " `openssl rand -base64 32`), got 5");
    }

    @Test
    void guessingTokensIsThrottledPerAddressAndTheLimitPasses(@TempDir Path dataDir) throws Exception {
        MutableClock own = new MutableClock(clock.instant());
        try (VigilServer s = VigilServer.start(config(dataDir), Map.of(), own)) {
            HttpResponse<String> last = null;
            for (int i = 0; i < 61; i++) {
                last = http.send(
                        HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/models"))
                                .header("Authorization", "Bearer vgl_guess_" + i)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            assertThat(last.statusCode()).isEqualTo(429);
            assertThat(last.headers().firstValue("Retry-After")).isPresent();
            assertThat(error(last).path("message").asText())
                    .startsWith("too many requests with an invalid token from 127.0.0.1; try again in ");
            own.advance(Duration.ofMinutes(1));
            assertThat(Vigil.connect(s.url(), TOKEN).listModels()).isNotNull();
        }
    }

    @Test
    void healthSaysOkOrUnavailableAndNeverWhereTheMetastoreIs(@TempDir Path dataDir) throws Exception {
        VigilServer s = VigilServer.start(config(dataDir), Map.of(), clock);
        try {
            HttpResponse<String> ok = http.send(
                    HttpRequest.newBuilder(URI.create(s.url() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("{\"status\":\"ok\"}");
            s.metastore().close(); // the metastore goes away under the running server
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(s.url() + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("the answer of two seconds ago still stands")
                    .isEqualTo(200);
            clock.advance(Duration.ofSeconds(2));
            HttpResponse<String> down = http.send(
                    HttpRequest.newBuilder(URI.create(s.url() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("{\"status\":\"unavailable\"}");
        } finally {
            s.close();
        }
    }
}
