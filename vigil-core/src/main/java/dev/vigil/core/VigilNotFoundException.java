package dev.vigil.core;

/** A model, version, dataset or token that the request names does not exist. */
public class VigilNotFoundException extends VigilException {
    public VigilNotFoundException(String message) {
        super(message);
    }
}
