package dev.vigil.core;

/** Root of every exception Vigil throws on purpose; anything else is a bug. */
public class VigilException extends RuntimeException {
    public VigilException(String message) {
        super(message);
    }

    public VigilException(String message, Throwable cause) {
        super(message, cause);
    }
}
