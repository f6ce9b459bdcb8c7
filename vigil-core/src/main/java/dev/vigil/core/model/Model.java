package dev.vigil.core.model;

import java.util.Objects;

/** A monitored model: a stable id (used in URLs and specs) and a display name. */
public record Model(String id, String name) {
    public Model {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
