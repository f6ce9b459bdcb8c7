package dev.vigil.core;

/**
 * The user's database could not be used as configured: it refused the login, is unreachable, or the
 * query failed. The message is one sentence naming the URL (never the password) and the cause.
 */
public class VigilSourceException extends VigilException {
    /** Why the source could not be used; the API reports it as {@code source_<reason>}. */
    public enum Reason {
        /** Wrong user or password, or the login is not allowed. */
        AUTH_FAILED,
        /** The database named in the URL does not exist. */
        UNKNOWN_DATABASE,
        /** Host unknown, connection refused or timed out. */
        UNREACHABLE,
        /** The query was rejected or failed (syntax, missing relation, read-only session). */
        QUERY_FAILED,
        /** The user lacks a privilege the query needs. */
        PERMISSION_DENIED,
        /** The query ran longer than the statement timeout. */
        TIMEOUT
    }

    private final Reason reason;

    public VigilSourceException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
