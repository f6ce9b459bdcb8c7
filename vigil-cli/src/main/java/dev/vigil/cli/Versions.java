package dev.vigil.cli;

import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import java.util.ArrayList;
import java.util.List;

/** The model versions a listing covers: one, a model's, or every one on the server. */
final class Versions {
    record Ref(String model, String version) {}

    private Versions() {}

    /**
     * The versions {@code --model} and {@code --version} name (both null: all). The server lists runs and monitors per
     * version, so a listing across versions asks each one.
     */
    static List<Ref> of(Vigil vigil, String model, String version) {
        if (version != null && model == null) {
            throw new VigilArgumentException("--version: " + version + " needs --model (a version belongs to a model)");
        }
        if (model != null && version != null) {
            return List.of(new Ref(model, version));
        }
        List<String> models = new ArrayList<>();
        if (model != null) {
            models.add(model);
        } else {
            vigil.listModels().stream().map(Model::id).forEach(models::add);
        }
        List<Ref> out = new ArrayList<>();
        for (String m : models) {
            for (ModelVersion v : vigil.listVersions(m)) {
                out.add(new Ref(m, v.version()));
            }
        }
        return out;
    }
}
