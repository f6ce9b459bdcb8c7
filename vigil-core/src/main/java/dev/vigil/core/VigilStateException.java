package dev.vigil.core;

/** The request is well formed but the current state does not allow it (a conflict, a source that is down). */
public class VigilStateException extends VigilException {
    public VigilStateException(String message) {
        super(message);
    }

    public VigilStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
