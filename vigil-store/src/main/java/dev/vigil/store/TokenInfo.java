package dev.vigil.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the metastore knows of an API token: never the token nor its hash. {@code lastUsedAt} is null until first use,
 * {@code expiresAt} null for a token that does not expire; {@code bootstrap} marks the server's own admin token
 * ({@code VIGIL_ADMIN_TOKEN} or the one printed at the first start), which a new one replaces.
 */
public record TokenInfo(
        String id,
        String name,
        Role role,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        boolean bootstrap) {
    public TokenInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the token no longer opens anything at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    TokenInfo usedAt(Instant when) {
        return new TokenInfo(id, name, role, createdAt, expiresAt, when, bootstrap);
    }
}
