package dev.vigil.client;

import dev.vigil.core.VigilException;

/** The server refused the API token (missing, wrong or revoked). */
public class UnauthorizedException extends VigilException {
    public UnauthorizedException(String message) {
        super(message);
    }
}
