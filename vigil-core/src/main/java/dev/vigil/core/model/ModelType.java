package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What a model predicts; decides which prediction types fit and which performance metrics apply. */
public enum ModelType {
    BINARY("binary"),
    MULTICLASS("multiclass"),
    MULTI_LABEL("multi-label"),
    REGRESSION("regression"),
    RANKING("ranking");

    private final String specName;

    ModelType(String specName) {
        this.specName = specName;
    }

    /** The name used in specs, the API and the CLI ({@code multi-label}, not {@code MULTI_LABEL}). */
    public String specName() {
        return specName;
    }

    /** Parses a spec name; {@code key} names where the value came from for the error message. */
    public static ModelType fromSpec(String value, String key) {
        for (ModelType type : values()) {
            if (type.specName.equals(value)) {
                return type;
            }
        }
        throw new VigilArgumentException(key + ": unknown model type '" + value + "' (expected one of "
                + Arrays.stream(values()).map(ModelType::specName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return specName;
    }
}
