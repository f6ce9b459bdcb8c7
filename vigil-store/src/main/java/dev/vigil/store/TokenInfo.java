package dev.vigil.store;

import java.time.Instant;
import java.util.Objects;

/** What the metastore knows of an API token: never the token nor its hash. {@code lastUsedAt} is null until first use. */
public record TokenInfo(String id, String name, Instant createdAt, Instant lastUsedAt) {
    public TokenInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
