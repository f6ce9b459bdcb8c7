package dev.vigil.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One change asked of the server, as the audit log keeps it: who (the token's id, name and role, null when the caller
 * had no valid token), what ({@code method} and {@code path}), when, with which outcome ({@code status}) and from where
 * ({@code remote}, the address that connected). {@code id} is 0 until stored.
 */
public record AuditEntry(
        long id,
        Instant at,
        String tokenId,
        String tokenName,
        Role role,
        String method,
        String path,
        int status,
        String remote) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
    }
}
