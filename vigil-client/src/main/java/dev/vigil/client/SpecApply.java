package dev.vigil.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil.ApplyResult;
import dev.vigil.client.internal.Http;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.spec.ModelSpec;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.core.spec.SpecDiff;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One apply of a whole spec, all or nothing. The server stores the model and the version, then checks every dataset
 * against its live source without storing it ({@code dry_run=true}); only when all pass are the monitors and datasets
 * stored. When the server refuses anything, what this apply changed is put back (what it created is deleted, what it
 * updated is PUT back as it was), so a typo in a mapping leaves no half-created model behind. A dry run stores
 * nothing at all: the server checks the version and each dataset against the spec's version.
 */
final class SpecApply {
    private final Vigil vigil;
    private final Http http;
    private final ModelSpec spec;
    private final boolean prune;
    private final String modelId;
    private final String version;
    private final String versionName;
    /** What puts back each change made so far, the last made last. */
    private final List<Runnable> undo = new ArrayList<>();

    SpecApply(Vigil vigil, Http http, ModelSpec spec, boolean prune) {
        this.vigil = vigil;
        this.http = http;
        this.spec = spec;
        this.prune = prune;
        this.modelId = spec.model().id();
        this.version = spec.version().version();
        this.versionName = modelId + "/" + version;
    }

    List<ApplyResult> apply() {
        Optional<Model> oldModel = vigil.getModel(modelId);
        Optional<ModelVersion> oldVersion =
                oldModel.isPresent() ? vigil.getVersion(modelId, version) : Optional.empty();
        Map<String, JsonNode> oldMonitors = oldVersion.isPresent() ? storedMonitors() : Map.of();
        List<ApplyResult> report = new ArrayList<>();
        try {
            Vigil.Applied<Model> model = vigil.apply(spec.model());
            if (model.change().equals("created")) {
                undo.add(() -> vigil.deleteModel(modelId));
            } else if (model.change().equals("updated")) {
                undo.add(() -> vigil.apply(oldModel.orElseThrow()));
            }
            report.add(new ApplyResult("model", modelId, model.change(), modelDiff(oldModel)));

            Vigil.Applied<ModelVersion> applied = vigil.apply(spec.version());
            if (applied.change().equals("created") && oldModel.isPresent()) {
                undo.add(() -> http.delete(Vigil.versionPath(modelId, version)));
            } else if (applied.change().equals("updated")) {
                undo.add(() -> vigil.apply(oldVersion.orElseThrow()));
            }
            report.add(new ApplyResult("version", versionName, applied.change(), applied.replaced()));

            for (DatasetConnection c : spec.datasets().values()) {
                http.put(datasetPath(c) + "?dry_run=true", withAlso(SpecCodec.write(c, true)));
            }
            // every monitor is checked before any is stored: undoing an update could not restore a hidden URL or key
            for (Monitor m : spec.monitors()) {
                http.put(monitorPath(m.name()) + "?dry_run=true", MonitorCodec.write(m));
            }
            // monitors are stored before datasets, but reported after them
            List<ApplyResult> monitors = new ArrayList<>();
            for (Monitor m : spec.monitors()) {
                JsonNode answer = vigil.putMonitor(modelId, version, m);
                String change = answer.path("change").asText();
                JsonNode old = oldMonitors.get(m.name());
                if (change.equals("created")) {
                    undo.add(() -> vigil.deleteMonitor(modelId, version, m.name()));
                } else if (change.equals("updated")) {
                    undo.add(() -> http.put(monitorPath(m.name()), old));
                }
                monitors.add(new ApplyResult(
                        "monitor",
                        versionName + "/" + m.name(),
                        change,
                        Vigil.strings(answer.path("replaced")),
                        Vigil.strings(answer.path("warnings"))));
            }
            for (DatasetConnection c : spec.datasets().values()) {
                JsonNode answer = http.put(datasetPath(c), SpecCodec.write(c, true));
                String change = answer.path("change").asText();
                if (change.equals("created")) {
                    undo.add(() -> vigil.disconnect(modelId, version, c.dataset()));
                }
                report.add(new ApplyResult(
                        "dataset",
                        versionName + "/" + c.dataset().specName(),
                        change,
                        Vigil.strings(answer.path("replaced"))));
            }
            report.addAll(monitors);
        } catch (VigilException e) {
            throw nothingApplied(e);
        }
        if (prune) {
            for (String name : pruned(oldMonitors.keySet())) {
                vigil.deleteMonitor(modelId, version, name);
                report.add(new ApplyResult("monitor", versionName + "/" + name, "deleted"));
            }
        }
        return report;
    }

    /** A dataset's dry-run body, naming the datasets this spec connects (they replace the stored ones). */
    private ObjectNode withAlso(ObjectNode body) {
        ArrayNode also = body.putArray("also");
        spec.datasets().keySet().forEach(k -> also.add(k.specName()));
        return body;
    }

    List<ApplyResult> dryRun() {
        Optional<Model> oldModel = vigil.getModel(modelId);
        List<ApplyResult> report = new ArrayList<>();
        report.add(new ApplyResult(
                "model",
                modelId,
                oldModel.isEmpty() ? "created" : modelDiff(oldModel).isEmpty() ? "unchanged" : "updated",
                modelDiff(oldModel)));
        JsonNode v = http.put(Vigil.versionPath(modelId, version) + "?dry_run=true", SpecCodec.write(spec.version()));
        report.add(
                new ApplyResult("version", versionName, v.path("change").asText(), Vigil.strings(v.path("replaced"))));
        for (DatasetConnection c : spec.datasets().values()) {
            ObjectNode body = withAlso(SpecCodec.write(c, true));
            body.set("version", SpecCodec.write(spec.version()));
            JsonNode answer = http.put(datasetPath(c) + "?dry_run=true", body);
            report.add(new ApplyResult(
                    "dataset",
                    versionName + "/" + c.dataset().specName(),
                    answer.path("change").asText(),
                    Vigil.strings(answer.path("replaced"))));
        }
        Map<String, JsonNode> stored = v.path("change").asText().equals("created") ? Map.of() : storedMonitors();
        for (Monitor m : spec.monitors()) {
            JsonNode old = stored.get(m.name());
            ObjectNode proposed = redacted(MonitorCodec.write(m));
            List<String> diff = old == null ? List.of() : SpecDiff.diff(old, proposed);
            String change = old == null ? "created" : diff.isEmpty() ? "unchanged" : "updated";
            report.add(new ApplyResult("monitor", versionName + "/" + m.name(), change, diff));
        }
        if (prune) {
            for (String name : pruned(stored.keySet())) {
                report.add(new ApplyResult("monitor", versionName + "/" + name, "deleted"));
            }
        }
        return report;
    }

    private List<String> modelDiff(Optional<Model> old) {
        return old.isEmpty() || old.get().name().equals(spec.model().name())
                ? List.of()
                : List.of("name: " + old.get().name() + " → " + spec.model().name());
    }

    private List<String> pruned(Set<String> stored) {
        Set<String> declared = new HashSet<>();
        spec.monitors().forEach(m -> declared.add(m.name()));
        return stored.stream().filter(n -> !declared.contains(n)).sorted().toList();
    }

    /** The version's monitors as the server shows them (URLs and keys redacted), by name. */
    private Map<String, JsonNode> storedMonitors() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try {
            for (JsonNode m : vigil.monitors(modelId, version)) {
                ObjectNode copy = m.deepCopy();
                copy.remove("problem");
                out.put(m.path("name").asText(), copy);
            }
        } catch (VigilNotFoundException e) {
            return Map.of();
        }
        return out;
    }

    /** A monitor as the server shows it: an action's URL as {@code url_set} and {@code url_host}, a key as {@code key_set}. */
    private static ObjectNode redacted(ObjectNode monitor) {
        for (JsonNode action : monitor.path("actions")) {
            if (action instanceof ObjectNode a && a.has("key")) {
                a.remove("key");
                a.put("key_set", true);
            }
            if (action instanceof ObjectNode a && a.has("url")) {
                String url = a.remove("url").asText();
                a.put("url_set", true);
                String host;
                try {
                    host = URI.create(url).getHost();
                } catch (IllegalArgumentException e) {
                    host = null;
                }
                if (host == null) {
                    a.putNull("url_host");
                } else {
                    a.put("url_host", host);
                }
            }
        }
        return monitor;
    }

    /**
     * Puts back what this apply changed, the last change first, and says so in one sentence of the same kind; a
     * refusal before anything changed is thrown as it came.
     */
    private VigilException nothingApplied(VigilException cause) {
        if (undo.isEmpty()) {
            return cause; // refused before anything changed (a viewer's token, say): its own words suffice
        }
        List<String> failed = new ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (VigilException e) {
                failed.add(e.getMessage());
            }
        }
        String message = failed.isEmpty()
                ? "nothing was applied: " + cause.getMessage()
                : cause.getMessage() + "; putting back what this apply had changed also failed: "
                        + String.join("; ", failed);
        if (cause instanceof VigilArgumentException) {
            return new VigilArgumentException(message, cause);
        }
        if (cause instanceof VigilSourceException s) {
            return new VigilSourceException(s.reason(), message, cause);
        }
        if (cause instanceof VigilNotFoundException) {
            return new VigilNotFoundException(message);
        }
        return new VigilStateException(message, cause);
    }

    private String datasetPath(DatasetConnection c) {
        return Vigil.versionPath(modelId, version) + "/datasets/" + c.dataset().specName();
    }

    private String monitorPath(String name) {
        return Vigil.versionPath(modelId, version) + "/monitors/" + Http.segment(name);
    }
}
