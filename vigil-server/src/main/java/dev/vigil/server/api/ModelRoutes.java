package dev.vigil.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.core.spec.SpecDiff;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.engine.spark.UserExpressions;
import dev.vigil.server.runs.DatasetService;
import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Lookups;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Change;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Models, their versions and the datasets a version connects. */
public final class ModelRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRoutes.class);
    private static final String MODEL = "/api/v1/models/{model}";
    private static final String VERSION = MODEL + "/versions/{version}";
    private static final String DATASET = VERSION + "/datasets/{dataset}";

    private final Metastore store;
    private final DatasetService datasets;

    public ModelRoutes(Metastore store, PostgresSource source) {
        this.store = store;
        this.datasets = new DatasetService(store, source);
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("models")
                .get("/api/v1/models", this::listModels, "List models")
                .answers(Routes.listOf(ModelJson.class))
                .put(MODEL, this::putModel, "Create or update a model (idempotent)")
                .body("{\"name\": \"display name\"}", ModelJson.Put.class)
                .answers(ModelJson.class)
                .get(MODEL, this::getModel, "Get a model and its version ids")
                .answers(ModelJson.class)
                .delete(MODEL, this::deleteModel, "Delete a model with its versions and datasets")
                .returns(204)
                .tag("versions")
                .get(MODEL + "/versions", this::listVersions, "List the versions of a model")
                .put(
                        VERSION,
                        this::putVersion,
                        "Create or update a version (idempotent); the answer's replaced lists what an update changed"
                                + " or dropped (segments, fields); with dry_run=true nothing is stored")
                .query("dry_run")
                .body("{\"model_type\": \"binary\", \"aggregation_period\": \"hourly\", \"raw_inputs\": {...}, "
                        + "\"features\": {\"amount\": \"numeric\", \"emb\": {\"type\": \"tensor\", "
                        + "\"dimensions\": [768]}}, \"predictions\": {...}, \"actuals\": {...}, "
                        + "\"sample\": {\"rows\": 1000, \"vector_rows\": 200}}")
                .get(VERSION, this::getVersion, "Get a version and its schema")
                .delete(VERSION, this::deleteVersion, "Delete a version and its datasets")
                .returns(204)
                .tag("datasets")
                .get(
                        VERSION + "/datasets",
                        this::listDatasets,
                        "List the connected datasets of a version (passwords are never returned)")
                .put(
                        DATASET,
                        this::putDataset,
                        "Connect a dataset (serving, training, testing, actuals): checks the live source through a "
                                + "read-only session, then stores it with its password encrypted; with dry_run=true it"
                                + " checks and answers the change, and stores nothing")
                .query("dry_run")
                .body("{\"data_source\": {\"type\": \"postgres-jdbc\", \"url\", \"query\", \"user\", \"password\", "
                        + "\"select_expr\": [...], \"read_options\": {...}, \"sample_size\"}, \"id_column\", "
                        + "\"timestamp_column\", \"features\": {field: column}, \"labels\": {prediction: column}}"
                        + "; without data_source.password the stored password is kept; with dry_run=true, \"version\":"
                        + " {a version's spec} checks against that version instead of the stored one")
                .get(DATASET, this::getDataset, "Get a connected dataset (without its password)")
                .delete(DATASET, this::deleteDataset, "Disconnect a dataset")
                .returns(204)
                .endpoints();
    }

    private void listModels(Context ctx) {
        Json.send(ctx, 200, store.models().list().stream().map(ModelJson::of).toList());
    }

    private void putModel(Context ctx) {
        String id = ctx.pathParam("model");
        ObjectNode body = (ObjectNode) Json.body(ctx);
        requireSame(body, "id", id, "model id");
        body.put("id", id);
        Model model = SpecCodec.readModel(body, "");
        Change change = store.models().upsert(model);
        LOG.info("model {}: {}", id, change);
        ModelJson out =
                new ModelJson(model.id(), model.name(), null, change.name().toLowerCase(Locale.ROOT));
        Json.send(ctx, change == Change.CREATED ? 201 : 200, out);
    }

    private void getModel(Context ctx) {
        Model model = model(ctx);
        List<String> versions = store.versions().list(model.id()).stream()
                .map(ModelVersion::version)
                .toList();
        Json.send(ctx, 200, new ModelJson(model.id(), model.name(), versions, null));
    }

    private void deleteModel(Context ctx) {
        String id = ctx.pathParam("model");
        if (!store.models().delete(id)) {
            throw new VigilNotFoundException("model '" + id + "' does not exist");
        }
        LOG.info("model {}: deleted", id);
        ctx.status(204);
    }

    private void listVersions(Context ctx) {
        Model model = model(ctx);
        ArrayNode out = Json.array();
        store.versions().list(model.id()).forEach(v -> out.add(SpecCodec.write(v)));
        Json.send(ctx, 200, out);
    }

    private void putVersion(Context ctx) {
        boolean dryRun = Lookups.dryRun(ctx);
        String modelId = ctx.pathParam("model");
        if (!dryRun) {
            model(ctx);
        }
        String id = ctx.pathParam("version");
        ModelVersion version = readVersion(modelId, id, (ObjectNode) Json.body(ctx), "");
        Optional<ModelVersion> stored = store.versions().find(modelId, id);
        Change change;
        if (dryRun) {
            change = stored.isEmpty()
                    ? Change.CREATED
                    : SpecDiff.diff(SpecCodec.write(stored.get()), SpecCodec.write(version))
                                    .isEmpty()
                            ? Change.UNCHANGED
                            : Change.UPDATED;
        } else {
            change = store.versions().upsert(version);
            LOG.info("version {}/{}: {}", modelId, id, change);
        }
        ObjectNode out = SpecCodec.write(version);
        out.put("change", change.name().toLowerCase(Locale.ROOT));
        ArrayNode replaced = out.putArray("replaced");
        if (change == Change.UPDATED) {
            SpecDiff.diff(SpecCodec.write(stored.orElseThrow()), SpecCodec.write(version))
                    .forEach(replaced::add);
        }
        Json.send(ctx, change == Change.CREATED && !dryRun ? 201 : 200, out);
    }

    /**
     * A version's spec from {@code body}, for version {@code id} of {@code modelId}, checked as a stored one is: its
     * segments' {@code where} is Spark SQL, checked here as core has no Spark parser.
     */
    private static ModelVersion readVersion(String modelId, String id, ObjectNode body, String prefix) {
        requireSame(body, "model_version", id, "version");
        body.put("model_version", id);
        ModelVersion version = SpecCodec.readVersion(modelId, body, prefix);
        UserExpressions.checkSegments(version.segments(), prefix);
        return version;
    }

    private void getVersion(Context ctx) {
        Json.send(ctx, 200, SpecCodec.write(version(ctx)));
    }

    private void deleteVersion(Context ctx) {
        ModelVersion version = version(ctx);
        store.versions().delete(version.modelId(), version.version());
        LOG.info("version {}/{}: deleted", version.modelId(), version.version());
        ctx.status(204);
    }

    private void listDatasets(Context ctx) {
        ModelVersion version = version(ctx);
        ArrayNode out = Json.array();
        for (DatasetConnection c : store.datasets().list(version.modelId(), version.version())) {
            out.add(describe(c));
        }
        Json.send(ctx, 200, out);
    }

    private void putDataset(Context ctx) {
        boolean dryRun = Lookups.dryRun(ctx);
        ObjectNode body = (ObjectNode) Json.body(ctx);
        JsonNode proposed = body.remove("version");
        ModelVersion version;
        if (proposed != null && dryRun) {
            // apply --dry-run checks a dataset against the version it would apply, which may not be stored yet
            if (!(proposed instanceof ObjectNode p)) {
                throw new VigilArgumentException("version: expected a version's spec (an object)");
            }
            version = readVersion(ctx.pathParam("model"), ctx.pathParam("version"), p, "version.");
        } else if (proposed != null) {
            throw new VigilArgumentException("version: is only read with dry_run=true; PUT the version itself first");
        } else {
            version = version(ctx);
        }
        // apply checks each dataset before storing any: those the same spec also connects replace the stored ones, so a
        // label the spec moves from serving to actuals is not a conflict with the serving dataset stored now
        JsonNode alsoNode = body.remove("also");
        Set<DatasetKind> also = EnumSet.noneOf(DatasetKind.class);
        if (alsoNode != null && !dryRun) {
            throw new VigilArgumentException("also: is only read with dry_run=true");
        }
        if (alsoNode != null) {
            if (!alsoNode.isArray()) {
                throw new VigilArgumentException(
                        "also: expected the datasets the same apply connects, e.g. [\"serving\"]");
            }
            for (JsonNode k : alsoNode) {
                also.add(DatasetKind.fromSpec(k.asText(), "also"));
            }
        }
        DatasetKind kind = DatasetKind.fromSpec(ctx.pathParam("dataset"), "dataset");
        DatasetService.Connected connected = datasets.connect(version, kind, body, dryRun, also);
        ObjectNode out = describe(connected.connection());
        out.put("change", connected.change().name().toLowerCase(Locale.ROOT));
        ArrayNode cols = out.putArray("columns");
        for (SourceColumn c : connected.columns()) {
            ObjectNode col = cols.addObject();
            col.put("name", c.name());
            col.put("type", c.typeName());
        }
        ArrayNode replaced = out.putArray("replaced");
        connected.replaced().forEach(replaced::add);
        Json.send(ctx, connected.change() == Change.CREATED && !dryRun ? 201 : 200, out);
    }

    private void getDataset(Context ctx) {
        ModelVersion version = version(ctx);
        DatasetKind kind = DatasetKind.fromSpec(ctx.pathParam("dataset"), "dataset");
        DatasetConnection c = store.datasets()
                .find(version.modelId(), version.version(), kind)
                .orElseThrow(() -> new VigilNotFoundException("version " + version.modelId() + "/" + version.version()
                        + " has no " + kind + " dataset connected"));
        Json.send(ctx, 200, describe(c));
    }

    private void deleteDataset(Context ctx) {
        ModelVersion version = version(ctx);
        DatasetKind kind = DatasetKind.fromSpec(ctx.pathParam("dataset"), "dataset");
        if (!store.datasets().delete(version.modelId(), version.version(), kind)) {
            throw new VigilNotFoundException("version " + version.modelId() + "/" + version.version() + " has no "
                    + kind + " dataset connected");
        }
        LOG.info("dataset {}/{}/{}: disconnected", version.modelId(), version.version(), kind);
        ctx.status(204);
    }

    private static ObjectNode describe(DatasetConnection c) {
        ObjectNode out = Json.object();
        out.put("dataset", c.dataset().specName());
        out.setAll(SpecCodec.write(c, false));
        return out;
    }

    private Model model(Context ctx) {
        return Lookups.model(store, ctx);
    }

    private ModelVersion version(Context ctx) {
        return Lookups.version(store, ctx);
    }

    private static void requireSame(ObjectNode body, String key, String fromPath, String what) {
        JsonNode value = body.get(key);
        if (value != null
                && !value.isNull()
                && !(value instanceof TextNode t && t.asText().equals(fromPath))) {
            throw new VigilArgumentException(
                    key + ": '" + value.asText() + "' differs from the " + what + " '" + fromPath + "' in the URL");
        }
    }
}
