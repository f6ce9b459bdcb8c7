package dev.vigil.server.api;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import dev.vigil.store.Role;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** The audit log, for admins (ADR 0015): every change asked of the server, newest first, a page at a time. */
public final class AuditRoutes {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final Metastore store;

    public AuditRoutes(Metastore store) {
        this.store = store;
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("audit")
                .get(
                        "/api/v1/audit",
                        this::list,
                        "Every change asked of the server (who, what, when, from where, and its status), newest"
                                + " first; ?limit (at most 1000), ?before=<id> to page back, ?since=<instant>")
                .role(Role.ADMIN)
                .query("limit", "before", "since")
                .answers(Routes.listOf(AuditEntryJson.class))
                .endpoints();
    }

    private void list(Context ctx) {
        int limit = DEFAULT_LIMIT;
        String limitParam = ctx.queryParam("limit");
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new VigilArgumentException(
                        "limit: expected a whole number from 1 to " + MAX_LIMIT + ", got '" + limitParam + "'");
            }
        }
        Long before = null;
        String beforeParam = ctx.queryParam("before");
        if (beforeParam != null) {
            try {
                before = Long.parseLong(beforeParam.strip());
            } catch (NumberFormatException e) {
                throw new VigilArgumentException(
                        "before: expected the id of an audit entry (a whole number), got '" + beforeParam + "'");
            }
        }
        String sinceParam = ctx.queryParam("since");
        Instant since = sinceParam == null ? null : ProfileRequest.parseInstant(sinceParam.strip(), "since");
        Json.send(
                ctx,
                200,
                store.audit().list(limit, before, since).stream()
                        .map(AuditEntryJson::of)
                        .toList());
    }
}
