package dev.vigil.embeddedpg;

import dev.vigil.core.VigilStateException;

/** The embedded PostgreSQL could not start: one sentence that says why and what to do. */
public final class EmbeddedPostgresException extends VigilStateException {
    public EmbeddedPostgresException(String message) {
        super(message);
    }

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
