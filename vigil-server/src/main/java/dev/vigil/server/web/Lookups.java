package dev.vigil.server.web;

import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;

/** The model and version a route's path names, or a 404 that says which one is missing. */
public final class Lookups {
    private Lookups() {}

    public static Model model(Metastore store, Context ctx) {
        String id = ctx.pathParam("model");
        return store.models()
                .find(id)
                .orElseThrow(() -> new VigilNotFoundException("model '" + id + "' does not exist"));
    }

    public static ModelVersion version(Metastore store, Context ctx) {
        Model model = model(store, ctx);
        String id = ctx.pathParam("version");
        return store.versions()
                .find(model.id(), id)
                .orElseThrow(
                        () -> new VigilNotFoundException("model '" + model.id() + "' has no version '" + id + "'"));
    }
}
