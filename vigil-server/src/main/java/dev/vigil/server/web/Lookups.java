package dev.vigil.server.web;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;

/** The model and version a route's path names, or a 404 that says which one is missing. */
public final class Lookups {
    private Lookups() {}

    public static Model model(Metastore store, Context ctx) {
        return store.model(ctx.pathParam("model"));
    }

    public static ModelVersion version(Metastore store, Context ctx) {
        return store.version(ctx.pathParam("model"), ctx.pathParam("version"));
    }

    /** Whether {@code ?dry_run=true} asks to check and answer the change without storing anything. */
    public static boolean dryRun(Context ctx) {
        String value = ctx.queryParam("dry_run");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new VigilArgumentException("dry_run: expected true or false, got '" + value + "'");
    }
}
