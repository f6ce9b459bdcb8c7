package dev.vigil.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.CronSchedule;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PerformanceSettings;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.SampleSettings;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and writes models, versions and dataset connections as YAML specs and as the JSON bodies of
 * the REST API (the same keys: {@code model_version}, {@code raw_inputs}, {@code data_source}, ...).
 *
 * <p>Every reader collects all problems it finds and throws one {@link VigilArgumentException}
 * naming each offending key and what was expected; malformed YAML is reported with its line and
 * column.
 */
public final class SpecCodec {
    private static final Set<String> SPEC_KEYS =
            Set.of("model", "version", "serving", "training", "testing", "actuals", "segments", "monitors");
    private static final Set<String> MODEL_KEYS = Set.of("id", "name");
    private static final Set<String> VERSION_KEYS = Set.of(
            "model_version",
            "model_type",
            "aggregation_period",
            "raw_inputs",
            "features",
            "predictions",
            "actuals",
            "segments",
            "performance",
            "sample");
    private static final Set<String> PERFORMANCE_KEYS = Set.of("threshold", "k");
    private static final Set<String> SAMPLE_KEYS = Set.of("rows", "vector_rows");
    private static final Set<String> SEGMENT_KEYS = Set.of("name", "field", "buckets", "where");
    private static final Set<String> DATASET_KEYS = Set.of(
            "data_source",
            "id_column",
            "timestamp_column",
            "raw_inputs",
            "features",
            "predictions",
            "actuals",
            "labels",
            "schedule");
    /** {@code password_set} is output only; it is accepted and ignored so that what a GET returns can be PUT back. */
    private static final Set<String> SOURCE_KEYS = Set.of(
            "type",
            "url",
            "query",
            "user",
            "password",
            "password_set",
            "select_expr",
            "read_options",
            "sample_size",
            "allow_writable_role");

    private static final Set<String> FIELD_KEYS = Set.of("type", "dimensions");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SpecCodec() {}

    /** Parses YAML text into a tree; {@code source} names the text in errors (a file name). */
    public static JsonNode parseYaml(String text, String source) {
        return parse(YAML, text, source);
    }

    /** Parses JSON text into a tree; {@code source} names the text in errors. */
    public static JsonNode parseJson(String text, String source) {
        return parse(JSON, text, source);
    }

    private static JsonNode parse(ObjectMapper mapper, String text, String source) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new VigilArgumentException(source + ": is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? source : source + " line " + at.getLineNr() + ", column " + at.getColumnNr();
            String reason = reason(e);
            if (reason.startsWith("Duplicate field")) {
                reason = reason.replace("Duplicate field", "duplicate key");
            }
            throw new VigilArgumentException(where + ": " + reason);
        }
    }

    /**
     * What is wrong, in one line. SnakeYAML's message starts with its context ("while parsing a block mapping"), the
     * problem comes after it; an indentation mistake, the most common one, is named so.
     */
    private static String reason(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
            String problem = yaml.getProblem().strip();
            boolean indentation =
                    problem.startsWith("expected <block end>") || problem.equals("mapping values are not allowed here");
            return indentation ? problem + " (check the indentation)" : problem;
        }
        return e.getOriginalMessage().lines().findFirst().orElse("malformed").strip();
    }

    /** Reads a whole YAML spec, resolving secret references with {@code secrets}. */
    public static ModelSpec readSpec(String yaml, String source, SecretResolver secrets) {
        JsonNode root = parseYaml(yaml, source);
        Problems p = new Problems();
        if (!root.isObject()) {
            throw new VigilArgumentException(source + ": expected a mapping with model, version and datasets");
        }
        p.unknownKeys(root, "", SPEC_KEYS);
        Model model = null;
        ModelVersion version = null;
        if (!root.has("model")) {
            p.add("model: is required (model: {id: ..., name: ...})");
        } else {
            model = p.attempt(() -> readModel(root.get("model"), "model."));
        }
        if (!root.has("version")) {
            p.add("version: is required (version: {model_version: ..., model_type: ..., features: ...})");
        } else if (model != null) {
            String modelId = model.id();
            version = p.attempt(() -> readVersion(modelId, root.get("version"), "version."));
            if (version != null && root.has("segments")) {
                // DESIGN.md's spec declares segments at the top level; they belong to the version.
                if (!version.segments().isEmpty()) {
                    p.add("segments: declared both at the top level and under version (keep one)");
                }
                List<Segment> segments = readSegments(root.get("segments"), "segments", version.schema(), p);
                version = version.withSegments(segments);
            }
        }
        Map<DatasetKind, DatasetConnection> datasets = new EnumMap<>(DatasetKind.class);
        for (DatasetKind kind : DatasetKind.values()) {
            JsonNode node = root.get(kind.specName());
            if (node != null) {
                DatasetConnection c = p.attempt(() -> readDataset(kind, node, kind.specName() + ".", secrets));
                if (c != null) {
                    datasets.put(kind, c);
                }
            }
        }
        if (version != null) {
            for (DatasetConnection c : datasets.values()) {
                p.addAll(SpecValidator.datasetProblems(version, c, c.dataset().specName() + "."));
            }
            DatasetConnection actuals = datasets.get(DatasetKind.ACTUALS);
            DatasetConnection serving = datasets.get(DatasetKind.SERVING);
            if (actuals != null && serving != null) {
                p.addAll(SpecValidator.labelConflicts(actuals, serving, "actuals."));
            }
        }
        List<Monitor> monitors = new ArrayList<>();
        JsonNode monitorsNode = root.get("monitors");
        if (version != null && monitorsNode != null && !monitorsNode.isNull()) {
            if (!monitorsNode.isArray()) {
                p.add("monitors: expected a list of monitors (- name: …, type: …, detection: …)");
            } else {
                Set<String> names = new HashSet<>();
                int i = 0;
                for (JsonNode m : monitorsNode) {
                    String key = "monitors[" + i++ + "]";
                    ModelVersion v = version;
                    Monitor monitor =
                            p.attempt(() -> MonitorCodec.read(withActionUrlsResolved(m, key, secrets), key, v));
                    if (monitor != null) {
                        if (!names.add(monitor.name())) {
                            p.add(key + ".name: '" + monitor.name() + "' is declared twice; monitor names are unique");
                        }
                        monitors.add(monitor);
                    }
                }
            }
        }
        p.throwIfAny();
        return new ModelSpec(model, version, datasets, monitors);
    }

    /** Reads a model: {@code {id, name}}; {@code prefix} is prepended to keys in messages. */
    public static Model readModel(JsonNode node, String prefix) {
        Problems p = new Problems();
        if (!p.object(node, prefix)) {
            p.throwIfAny();
        }
        p.unknownKeys(node, prefix, MODEL_KEYS);
        String id = p.text(node, "id", prefix, true);
        String name = p.text(node, "name", prefix, false);
        if (id != null) {
            p.addAll(SpecValidator.idProblems(id, prefix + "id"));
        }
        p.throwIfAny();
        return new Model(id, name == null || name.isBlank() ? id : name);
    }

    /** Reads a version of {@code modelId} and checks its structure. */
    public static ModelVersion readVersion(String modelId, JsonNode node, String prefix) {
        Problems p = new Problems();
        if (!p.object(node, prefix)) {
            p.throwIfAny();
        }
        p.unknownKeys(node, prefix, VERSION_KEYS);
        String version = p.text(node, "model_version", prefix, true);
        String typeName = p.text(node, "model_type", prefix, true);
        ModelType type = typeName == null ? null : p.attempt(() -> ModelType.fromSpec(typeName, prefix + "model_type"));
        String periodName = p.text(node, "aggregation_period", prefix, false);
        AggregationPeriod period = periodName == null
                ? AggregationPeriod.HOURLY
                : p.attempt(() -> AggregationPeriod.fromSpec(periodName, prefix + "aggregation_period"));
        Schema.Builder schema = Schema.builder();
        for (FieldGroup group : FieldGroup.values()) {
            JsonNode fields = node.get(group.specName());
            if (fields == null || fields.isNull()) {
                continue;
            }
            String groupKey = prefix + group.specName();
            if (!fields.isObject()) {
                p.add(groupKey + ": expected a mapping of field name to type");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                FieldType ft = p.attempt(() -> readFieldType(e.getValue(), groupKey + "." + e.getKey()));
                if (ft != null) {
                    schema.add(e.getKey(), group, ft);
                }
            }
        }
        p.throwIfAny();
        Schema built = schema.build();
        List<Segment> segments = readSegments(node.get("segments"), prefix + "segments", built, p);
        PerformanceSettings performance = readPerformance(node.get("performance"), prefix + "performance", p);
        SampleSettings sample = readSample(node.get("sample"), prefix + "sample", p);
        p.throwIfAny();
        ModelVersion result = new ModelVersion(modelId, version, type, period, built, segments, performance, sample);
        p.addAll(SpecValidator.versionProblems(result, prefix));
        p.throwIfAny();
        return result;
    }

    /** {@code performance: {threshold: 0.5, k: 10}}, each optional; the defaults when absent. */
    private static PerformanceSettings readPerformance(JsonNode node, String key, Problems p) {
        if (node == null || node.isNull()) {
            return PerformanceSettings.DEFAULTS;
        }
        if (!p.object(node, key + ".")) {
            return PerformanceSettings.DEFAULTS;
        }
        p.unknownKeys(node, key + ".", PERFORMANCE_KEYS);
        double threshold = PerformanceSettings.DEFAULTS.threshold();
        JsonNode t = node.get("threshold");
        if (t != null && !t.isNull()) {
            if (!t.isNumber() || !Double.isFinite(t.asDouble())) {
                p.add(key + ".threshold: expected a number (the score at or above which a prediction is positive),"
                        + " got " + t);
            } else {
                threshold = t.asDouble();
            }
        }
        int k = PerformanceSettings.DEFAULTS.k();
        JsonNode kNode = node.get("k");
        if (kNode != null && !kNode.isNull()) {
            if (!kNode.canConvertToInt()
                    || !kNode.isIntegralNumber()
                    || kNode.asInt() < 1
                    || kNode.asInt() > PerformanceSettings.MAX_K) {
                p.add(key + ".k: expected a whole number from 1 to " + PerformanceSettings.MAX_K
                        + " (the cut-off of ranking metrics), got " + kNode);
            } else {
                k = kNode.asInt();
            }
        }
        return new PerformanceSettings(threshold, k);
    }

    /**
     * {@code sample: {rows: 1000, vector_rows: 200}}, each optional; the defaults when absent. {@code rows: 0} turns
     * sampling off; {@code vector_rows} defaults to the smaller of 200 and {@code rows}.
     */
    private static SampleSettings readSample(JsonNode node, String key, Problems p) {
        if (node == null || node.isNull()) {
            return SampleSettings.DEFAULTS;
        }
        if (!p.object(node, key + ".")) {
            return SampleSettings.DEFAULTS;
        }
        p.unknownKeys(node, key + ".", SAMPLE_KEYS);
        int rows = SampleSettings.DEFAULTS.rows();
        JsonNode r = node.get("rows");
        if (r != null && !r.isNull()) {
            if (!r.isIntegralNumber() || !r.canConvertToInt() || r.asInt() < 0 || r.asInt() > SampleSettings.MAX_ROWS) {
                p.add(key + ".rows: expected a whole number from 0 (no sample) to " + SampleSettings.MAX_ROWS
                        + " (the rows sampled per window), got " + r);
                return SampleSettings.DEFAULTS;
            }
            rows = r.asInt();
        }
        int vectorRows = Math.min(SampleSettings.DEFAULTS.vectorRows(), rows);
        JsonNode v = node.get("vector_rows");
        if (v != null && !v.isNull()) {
            int most = Math.min(rows, SampleSettings.MAX_VECTOR_ROWS);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() > most) {
                p.add(key + ".vector_rows: expected a whole number from 0 to " + most + " (the sampled rows whose"
                        + " tensors and embeddings are kept: at most rows, and at most "
                        + SampleSettings.MAX_VECTOR_ROWS + "), got " + v);
                return SampleSettings.DEFAULTS;
            }
            vectorRows = v.asInt();
        }
        return new SampleSettings(rows, vectorRows);
    }

    private static List<Segment> readSegments(JsonNode node, String key, Schema schema, Problems p) {
        List<Segment> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            p.add(key + ": expected a list such as [{field: owner}, {name: big, where: \"amount > 500\"}]");
            return out;
        }
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            String k = key + "[" + i + "]";
            if (!p.object(s, k + ".")) {
                continue;
            }
            p.unknownKeys(s, k + ".", SEGMENT_KEYS);
            String field = p.text(s, "field", k + ".", false);
            String where = p.text(s, "where", k + ".", false);
            String name = p.text(s, "name", k + ".", false);
            if ((field == null) == (where == null)) {
                p.add(k + ": needs exactly one of field (a segment per value or bucket) or where (a Spark SQL "
                        + "condition)");
                continue;
            }
            if (where != null && name == null) {
                p.add(k + ".name: is required for a where segment");
                continue;
            }
            List<Double> buckets = new ArrayList<>();
            if (field != null) {
                Optional<Field> f = schema.fields().stream()
                        .filter(x -> x.name().equals(field))
                        .findFirst();
                if (f.isEmpty()) {
                    p.add(k + ".field: '" + field + "' is not a field of the version");
                    continue;
                }
                JsonNode b = s.get("buckets");
                if (b != null && !b.isNull()) {
                    if (f.get().type().kind() != FieldType.Kind.NUMERIC) {
                        p.add(k + ".buckets: only a numeric field has buckets; '" + field + "' is "
                                + f.get().type().kind().specName());
                        continue;
                    }
                    if (!b.isArray() || b.isEmpty()) {
                        p.add(k + ".buckets: expected a non-empty list of ascending numbers");
                        continue;
                    }
                    for (JsonNode e : b) {
                        if (!e.isNumber() || (!buckets.isEmpty() && e.asDouble() <= buckets.get(buckets.size() - 1))) {
                            p.add(k + ".buckets: expected ascending numbers, got " + b);
                            buckets = null;
                            break;
                        }
                        buckets.add(e.asDouble());
                    }
                    if (buckets == null) {
                        continue;
                    }
                } else if (f.get().type().kind().hasDimensions()
                        || f.get().type().kind() == FieldType.Kind.TEXT) {
                    p.add(k + ".field: '" + field + "' is "
                            + f.get().type().kind().specName()
                            + "; segment by a categorical, string, boolean or numeric (with buckets) field");
                    continue;
                }
            }
            Segment segment = new Segment(name != null ? name : field, field, buckets, where);
            if (!names.add(segment.name())) {
                p.add(k + ".name: segment '" + segment.name() + "' is declared twice");
                continue;
            }
            out.add(segment);
        }
        return out;
    }

    /** Reads a field type: {@code numeric}, or {@code {type: tensor, dimensions: [768]}}. */
    public static FieldType readFieldType(JsonNode node, String key) {
        if (node.isTextual()) {
            FieldType.Kind kind = FieldType.Kind.fromSpec(node.asText(), key);
            if (kind.hasDimensions()) {
                throw new VigilArgumentException(key + ": a " + kind.specName() + " needs dimensions (write {type: "
                        + kind.specName() + ", dimensions: [768]})");
            }
            return FieldType.of(kind);
        }
        if (!node.isObject()) {
            throw new VigilArgumentException(key + ": expected a type name or {type: ..., dimensions: [...]}");
        }
        Problems p = new Problems();
        p.unknownKeys(node, key + ".", FIELD_KEYS);
        String typeName = p.text(node, "type", key + ".", true);
        p.throwIfAny();
        FieldType.Kind kind = FieldType.Kind.fromSpec(typeName, key + ".type");
        JsonNode dims = node.get("dimensions");
        List<Integer> dimensions = new ArrayList<>();
        if (dims != null && !dims.isNull()) {
            if (!dims.isArray()) {
                throw new VigilArgumentException(key + ".dimensions: expected a list of positive integers, e.g. [768]");
            }
            for (JsonNode d : dims) {
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() <= 0) {
                    throw new VigilArgumentException(
                            key + ".dimensions: '" + d.asText() + "' is not a positive integer");
                }
                dimensions.add(d.asInt());
            }
        }
        if (kind.hasDimensions() && dimensions.isEmpty()) {
            throw new VigilArgumentException(
                    key + ".dimensions: a " + kind.specName() + " needs at least one positive dimension, e.g. [768]");
        }
        if (kind == FieldType.Kind.EMBEDDING && dimensions.size() != 1) {
            throw new VigilArgumentException(
                    key + ".dimensions: an embedding has exactly one dimension, got " + dimensions);
        }
        if (!kind.hasDimensions() && !dimensions.isEmpty()) {
            throw new VigilArgumentException(key + ".dimensions: a " + kind.specName() + " field takes no dimensions");
        }
        try {
            return new FieldType(kind, dimensions);
        } catch (VigilArgumentException e) { // the shape's own limit (FieldType.MAX_VALUES), named at its key
            throw new VigilArgumentException(key + ".dimensions: " + e.getMessage());
        }
    }

    /**
     * Reads a dataset connection and checks its source; the checks against a version (columns, mappings,
     * labels) are {@link SpecValidator#datasetProblems}.
     */
    public static DatasetConnection readDataset(
            DatasetKind kind, JsonNode node, String prefix, SecretResolver secrets) {
        Problems p = new Problems();
        if (!p.object(node, prefix)) {
            p.throwIfAny();
        }
        p.unknownKeys(node, prefix, DATASET_KEYS);
        PostgresJdbcDataSource source = null;
        JsonNode sourceNode = node.get("data_source");
        if (sourceNode == null || sourceNode.isNull()) {
            p.add(prefix + "data_source: is required (type: postgres-jdbc, url, query, user, password)");
        } else {
            source = p.attempt(() -> readSource(sourceNode, prefix + "data_source.", secrets));
        }
        String idColumn = p.text(node, "id_column", prefix, false);
        String tsColumn = p.text(node, "timestamp_column", prefix, false);
        Map<FieldGroup, Map<String, String>> mappings = new EnumMap<>(FieldGroup.class);
        for (FieldGroup group : FieldGroup.values()) {
            Map<String, String> m = p.stringMap(node, group.specName(), prefix);
            if (!m.isEmpty()) {
                mappings.put(group, m);
            }
        }
        Map<String, String> labels = p.stringMap(node, "labels", prefix);
        String scheduleText = p.text(node, "schedule", prefix, false);
        CronSchedule schedule =
                scheduleText == null ? null : p.attempt(() -> CronSchedule.of(scheduleText, prefix + "schedule"));
        p.throwIfAny();
        DatasetConnection connection =
                new DatasetConnection(kind, source, idColumn, tsColumn, mappings, labels, schedule);
        return connection;
    }

    /**
     * A monitor's node with each action's {@code url} and {@code key} resolved like a password ({@code ${env:NAME}},
     * {@code ${file:/path}}): a Slack incoming-webhook URL or a PagerDuty key is a credential, so a committed spec can
     * refer to it.
     */
    private static JsonNode withActionUrlsResolved(JsonNode monitor, String key, SecretResolver secrets) {
        JsonNode actions = monitor.path("actions");
        if (!monitor.isObject() || !actions.isArray()) {
            return monitor;
        }
        ObjectNode copy = monitor.deepCopy();
        int j = 0;
        for (JsonNode action : copy.path("actions")) {
            String where = key + ".actions[" + j++ + "].";
            for (String secret : List.of("url", "key")) {
                if (action instanceof ObjectNode a && a.path(secret).isTextual()) {
                    a.put(secret, secrets.resolve(a.get(secret).asText(), where + secret));
                }
            }
        }
        return copy;
    }

    /** Reads a {@code postgres-jdbc} data source; the query loses a trailing semicolon. */
    public static PostgresJdbcDataSource readSource(JsonNode node, String prefix, SecretResolver secrets) {
        Problems p = new Problems();
        if (!p.object(node, prefix)) {
            p.throwIfAny();
        }
        p.unknownKeys(node, prefix, SOURCE_KEYS);
        String type = p.text(node, "type", prefix, false);
        if (type != null && !type.equals(PostgresJdbcDataSource.TYPE)) {
            p.add(prefix + "type: unknown data source type '" + type + "' (expected postgres-jdbc)");
        }
        String url = p.text(node, "url", prefix, true);
        String query = p.text(node, "query", prefix, true);
        String user = p.text(node, "user", prefix, true);
        String rawPassword = p.text(node, "password", prefix, false);
        String password =
                rawPassword == null ? null : p.attempt(() -> secrets.resolve(rawPassword, prefix + "password"));
        List<String> selectExpr = new ArrayList<>();
        JsonNode exprs = node.get("select_expr");
        if (exprs != null && !exprs.isNull()) {
            if (exprs.isTextual()) {
                selectExpr.add(exprs.asText());
            } else if (exprs.isArray()) {
                for (JsonNode e : exprs) {
                    if (!e.isTextual()) {
                        p.add(prefix + "select_expr: expected a list of Spark SQL expressions (strings), got " + e);
                    } else {
                        selectExpr.add(e.asText());
                    }
                }
            } else {
                p.add(prefix + "select_expr: expected a list of Spark SQL expressions");
            }
        }
        Map<String, String> readOptions = p.stringMap(node, "read_options", prefix);
        double sample = 1.0;
        JsonNode sampleNode = node.get("sample_size");
        if (sampleNode != null && !sampleNode.isNull()) {
            if (!sampleNode.isNumber()) {
                p.add(prefix + "sample_size: expected a number with 0 < f <= 1, got '" + sampleNode.asText() + "'");
            } else {
                sample = sampleNode.asDouble();
            }
        }
        String allowWritableRole = p.text(node, "allow_writable_role", prefix, false);
        p.addAll(SpecValidator.sourceValueProblems(url, query, sample, selectExpr, readOptions, prefix));
        p.addAll(SpecValidator.allowWritableRoleProblems(allowWritableRole, prefix));
        p.throwIfAny();
        return new PostgresJdbcDataSource(
                url,
                SqlQueries.normalize(query, prefix + "query"),
                user,
                password,
                selectExpr,
                readOptions,
                sample,
                allowWritableRole);
    }

    // ---- writing -----------------------------------------------------------------------------------

    /** {@code {"id": ..., "name": ...}}. */
    public static ObjectNode write(Model model) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", model.id());
        node.put("name", model.name());
        return node;
    }

    /** A version in the shape {@link #readVersion} reads. */
    public static ObjectNode write(ModelVersion version) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("model_version", version.version());
        node.put("model_type", version.modelType().specName());
        node.put("aggregation_period", version.aggregationPeriod().specName());
        for (FieldGroup group : FieldGroup.values()) {
            List<Field> fields = version.schema().group(group);
            if (fields.isEmpty()) {
                continue;
            }
            ObjectNode g = node.putObject(group.specName());
            for (Field f : fields) {
                if (f.type().dimensions().isEmpty()) {
                    g.put(f.name(), f.type().kind().specName());
                } else {
                    ObjectNode t = g.putObject(f.name());
                    t.put("type", f.type().kind().specName());
                    ArrayNode dims = t.putArray("dimensions");
                    f.type().dimensions().forEach(dims::add);
                }
            }
        }
        if (!version.performance().isDefault()) {
            ObjectNode performance = node.putObject("performance");
            performance.put("threshold", version.performance().threshold());
            performance.put("k", version.performance().k());
        }
        if (!version.sample().isDefault()) {
            ObjectNode sample = node.putObject("sample");
            sample.put("rows", version.sample().rows());
            sample.put("vector_rows", version.sample().vectorRows());
        }
        if (!version.segments().isEmpty()) {
            ArrayNode segments = node.putArray("segments");
            for (Segment s : version.segments()) {
                ObjectNode n = segments.addObject();
                if (s.isWhere()) {
                    n.put("name", s.name());
                    n.put("where", s.where());
                } else {
                    if (!s.name().equals(s.field())) {
                        n.put("name", s.name());
                    }
                    n.put("field", s.field());
                    if (s.isBuckets()) {
                        ArrayNode b = n.putArray("buckets");
                        s.buckets().forEach(b::add);
                    }
                }
            }
        }
        return node;
    }

    /**
     * A dataset connection in the shape {@link #readDataset} reads. The password is written only when
     * {@code withPassword} (the SDK sending it to the server); otherwise {@code password_set} tells
     * whether one is stored.
     */
    public static ObjectNode write(DatasetConnection c, boolean withPassword) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        PostgresJdbcDataSource s = c.source();
        ObjectNode src = node.putObject("data_source");
        src.put("type", PostgresJdbcDataSource.TYPE);
        src.put("url", s.url());
        src.put("query", s.query());
        src.put("user", s.user());
        if (withPassword) {
            src.put("password", s.password());
        } else {
            src.put("password_set", s.password() != null);
        }
        if (!s.selectExpr().isEmpty()) {
            ArrayNode exprs = src.putArray("select_expr");
            s.selectExpr().forEach(exprs::add);
        }
        if (!s.readOptions().isEmpty()) {
            ObjectNode opts = src.putObject("read_options");
            s.readOptions().forEach(opts::put);
        }
        if (s.sampleSize() != 1.0) {
            src.put("sample_size", s.sampleSize());
        }
        if (s.allowWritableRole() != null) {
            src.put("allow_writable_role", s.allowWritableRole());
        }
        node.put("id_column", c.idColumn());
        node.put("timestamp_column", c.timestampColumn());
        c.mappings().forEach((group, mapping) -> {
            ObjectNode m = node.putObject(group.specName());
            mapping.forEach(m::put);
        });
        if (!c.labels().isEmpty()) {
            ObjectNode l = node.putObject("labels");
            c.labels().forEach(l::put);
        }
        if (c.schedule() != null) {
            node.put("schedule", c.schedule().expression());
        }
        return node;
    }

    /** A Jackson mapper for JSON, shared by the server and the SDK. */
    public static ObjectMapper json() {
        return JSON;
    }

    // ---- problem collection ------------------------------------------------------------------------

    /** Collects problem sentences while reading a tree. */
    private static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        void addAll(List<String> problems) {
            list.addAll(problems);
        }

        <T> T attempt(java.util.function.Supplier<T> step) {
            try {
                return step.get();
            } catch (VigilArgumentException e) {
                list.addAll(e.problems());
                return null;
            }
        }

        void throwIfAny() {
            SpecValidator.throwIfAny(list);
        }

        boolean object(JsonNode node, String prefix) {
            if (node == null || !node.isObject()) {
                add((prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1)) + ": expected a mapping");
                return false;
            }
            return true;
        }

        void unknownKeys(JsonNode node, String prefix, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    add(prefix + key + ": unknown key (expected one of " + String.join(", ", new TreeSet<>(allowed))
                            + ")");
                }
            }
        }

        String text(JsonNode node, String key, String prefix, boolean required) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    add(prefix + key + ": is required");
                }
                return null;
            }
            if (!value.isValueNode()) {
                add(prefix + key + ": expected a single value, got a " + (value.isArray() ? "list" : "mapping"));
                return null;
            }
            String text = value.asText();
            if (required && text.isBlank()) {
                add(prefix + key + ": is required and may not be empty");
                return null;
            }
            return text;
        }

        Map<String, String> stringMap(JsonNode node, String key, String prefix) {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return out;
            }
            if (!value.isObject()) {
                add(prefix + key + ": expected a mapping of names to values");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    add(prefix + key + "." + e.getKey() + ": expected a single value");
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }
            return out;
        }
    }
}
