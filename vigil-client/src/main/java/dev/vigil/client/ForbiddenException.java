package dev.vigil.client;

import dev.vigil.core.VigilException;

/** The server knows the API token, but its role does not allow what was asked (a viewer changing a model). */
public class ForbiddenException extends VigilException {
    public ForbiddenException(String message) {
        super(message);
    }
}
