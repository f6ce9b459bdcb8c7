package dev.vigil.core;

/**
 * Something Vigil needs (its metastore) does not answer right now: nothing the caller did wrong, and worth trying again
 * shortly. The message may name where that store lives, so it goes to the log, not to callers (the API answers 503).
 */
public class VigilUnavailableException extends VigilStateException {
    public VigilUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
