package dev.vigil.core.model;

import java.util.Objects;

/** One declared field of a version: its name (the metric key), group and type. */
public record Field(String name, FieldGroup group, FieldType type) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(type, "type");
    }
}
