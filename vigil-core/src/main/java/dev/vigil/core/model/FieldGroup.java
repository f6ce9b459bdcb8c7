package dev.vigil.core.model;

/** The four groups a version's fields belong to. */
public enum FieldGroup {
    RAW_INPUTS("raw_inputs", "raw input"),
    FEATURES("features", "feature"),
    PREDICTIONS("predictions", "prediction"),
    ACTUALS("actuals", "actual");

    private final String specName;
    private final String singular;

    FieldGroup(String specName, String singular) {
        this.specName = specName;
        this.singular = singular;
    }

    /** The key of this group in specs and JSON ({@code raw_inputs}). */
    public String specName() {
        return specName;
    }

    /** One member of the group, for messages ("no feature named ..."). */
    public String singular() {
        return singular;
    }

    @Override
    public String toString() {
        return specName;
    }
}
