package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;

/** The datasets a version can connect: what it serves, what it learned from, and the late truth. */
public enum DatasetKind {
    SERVING("serving"),
    TRAINING("training"),
    TESTING("testing"),
    ACTUALS("actuals");

    private final String specName;

    DatasetKind(String specName) {
        this.specName = specName;
    }

    public String specName() {
        return specName;
    }

    public static DatasetKind fromSpec(String value, String key) {
        for (DatasetKind kind : values()) {
            if (kind.specName.equals(value)) {
                return kind;
            }
        }
        throw new VigilArgumentException(
                key + ": unknown dataset '" + value + "' (expected serving, training, testing or actuals)");
    }

    @Override
    public String toString() {
        return specName;
    }
}
