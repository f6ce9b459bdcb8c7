package dev.vigil.server.api;

import dev.vigil.core.Nullable;
import dev.vigil.store.AuditEntry;
import java.time.Instant;

/**
 * One entry of the audit log: a change asked of the server, who asked, and how it ended.
 *
 * @param id increasing; {@code ?before=<id>} pages back from it
 * @param status the HTTP status of the answer
 * @param remote the address the request came from
 */
record AuditEntryJson(
        long id, Instant at, Token token, String method, String path, int status, @Nullable String remote) {

    /**
     * The token that asked: all null for a request without a valid token.
     *
     * @param role {@code viewer}, {@code editor} or {@code admin}
     */
    record Token(@Nullable String id, @Nullable String name, @Nullable String role) {}

    static AuditEntryJson of(AuditEntry e) {
        return new AuditEntryJson(
                e.id(),
                e.at(),
                new Token(
                        e.tokenId(),
                        e.tokenName(),
                        e.role() == null ? null : e.role().spec()),
                e.method(),
                e.path(),
                e.status(),
                e.remote());
    }
}
