package dev.vigil.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import dev.vigil.core.model.Model;
import java.util.List;

/**
 * A model as the models routes answer it: its id and display name; {@code GET} adds its version ids, {@code PUT} what
 * changed ({@code created}, {@code updated}, {@code unchanged}). The fields a route does not give are absent.
 */
record ModelJson(
        String id,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> versions,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String change) {

    static ModelJson of(Model m) {
        return new ModelJson(m.id(), m.name(), null, null);
    }

    /** The body of {@code PUT /models/{model}}: only the display name (the id is the path's). */
    record Put(@Nullable String id, @Nullable String name) {}
}
