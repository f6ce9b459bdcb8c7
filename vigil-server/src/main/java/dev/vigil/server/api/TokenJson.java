package dev.vigil.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import dev.vigil.store.TokenInfo;
import java.time.Instant;

/**
 * An API token as the tokens routes describe it: never the token itself, except in the answer that creates it.
 *
 * @param role {@code viewer}, {@code editor} or {@code admin}
 * @param expiresAt null for a token that does not expire
 * @param lastUsedAt null until the token is first used
 * @param token the bearer token, in the answer of {@code POST /tokens} only (absent elsewhere)
 */
record TokenJson(
        String id,
        String name,
        String role,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant lastUsedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String token) {

    static TokenJson of(TokenInfo t, String token) {
        return new TokenJson(t.id(), t.name(), t.role().spec(), t.createdAt(), t.expiresAt(), t.lastUsedAt(), token);
    }

    /**
     * The body of {@code POST /tokens}.
     *
     * @param role viewer (the default), editor or admin
     * @param expiresIn {@code 90d}, {@code 12h}, {@code 30m} or ISO-8601 {@code P90D}; absent: never expires
     */
    record Create(String name, @Nullable String role, @Nullable String expiresIn) {}
}
