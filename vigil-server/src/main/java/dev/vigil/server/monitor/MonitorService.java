package dev.vigil.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.core.query.Suggest;
import dev.vigil.core.spec.SpecDiff;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.EmbeddingMmd;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.stats.multivariate.PcaReconstruction;
import dev.vigil.store.Change;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Declaring monitors: a monitor spec checked against its version (its fields exist, its metric is one they give),
 * stored, and shown without its actions' URLs, which are credentials.
 */
public final class MonitorService {
    private final Metastore store;
    private final Consumer<Monitor> beforeStore;
    private final boolean emailConfigured;

    public MonitorService(Metastore store) {
        this(store, monitor -> {});
    }

    /** {@code beforeStore} may refuse a monitor that reads well, before it is stored (its actions' destinations). */
    public MonitorService(Metastore store, Consumer<Monitor> beforeStore) {
        this(store, beforeStore, true);
    }

    /**
     * As {@link #MonitorService(Metastore, Consumer)}; without {@code emailConfigured} (no {@code VIGIL_SMTP_HOST}), a
     * monitor with an e-mail action is stored with a warning in its answer, as its e-mails would only fail, retried.
     */
    public MonitorService(Metastore store, Consumer<Monitor> beforeStore, boolean emailConfigured) {
        this.store = store;
        this.beforeStore = beforeStore;
        this.emailConfigured = emailConfigured;
    }

    /**
     * A stored monitor as the API shows it (URLs redacted) and whether the store created, updated or kept it; after
     * an update, its {@code replaced} lists what changed or was dropped ({@code actions: 3 → 1}); {@code warnings}
     * what will not work as declared (an e-mail action on a server without SMTP).
     */
    public record Stored(ObjectNode spec, Change change) {}

    /**
     * Creates or replaces the monitor {@code name} of {@code version} from its spec {@code body} (the name defaults to
     * {@code name}); an action shown as {@code url_set} keeps its stored URL. Refused in one sentence per problem.
     */
    public Stored put(ModelVersion version, String name, JsonNode body) {
        return put(version, name, body, false);
    }

    /**
     * As {@link #put(ModelVersion, String, JsonNode)}; with {@code dryRun} every check is made and the change worked
     * out, but nothing is stored (apply checks every monitor before it stores any).
     */
    public Stored put(ModelVersion version, String name, JsonNode body, boolean dryRun) {
        if (body.isObject() && !body.has("name")) {
            ((ObjectNode) body).put("name", name);
        }
        keepStoredUrls(version, name, body);
        Monitor monitor = MonitorCodec.read(body, "monitor", version);
        checkMetric(monitor, version);
        if (!monitor.name().equals(name)) {
            throw new VigilArgumentException(
                    "monitor.name: '" + monitor.name() + "' differs from the path's '" + name + "'");
        }
        beforeStore.accept(monitor);
        ObjectNode before = store.monitors().list(version.modelId(), version.version()).stream()
                .filter(m -> m.name().equals(name) && m.spec() instanceof ObjectNode)
                .map(m -> redacted(((ObjectNode) m.spec()).deepCopy()))
                .findFirst()
                .orElse(null);
        ObjectNode out = redacted(MonitorCodec.write(monitor));
        Change change = dryRun
                ? before == null
                        ? Change.CREATED
                        : SpecDiff.diff(before, out).isEmpty() ? Change.UNCHANGED : Change.UPDATED
                : store.monitors().upsert(version.modelId(), version.version(), name, MonitorCodec.write(monitor));
        ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
        if (change == Change.UPDATED && before != null) {
            SpecDiff.diff(before, out).forEach(replaced::add);
        }
        out.set("replaced", replaced);
        ArrayNode warnings = out.putArray("warnings");
        if (!emailConfigured && monitor.actions().stream().anyMatch(a -> a.type() == Action.Type.EMAIL)) {
            warnings.add("monitor " + name + ": e-mail action, but the server has no SMTP server (VIGIL_SMTP_HOST);"
                    + " its e-mails will fail");
        }
        return new Stored(out, change);
    }

    /** The version's monitors as the API shows them; one that no longer reads says why under {@code problem}. */
    public List<ObjectNode> list(ModelVersion version) {
        List<ObjectNode> out = new ArrayList<>();
        for (MonitorRepository.StoredMonitor m : store.monitors().list(version.modelId(), version.version())) {
            try {
                out.add(redacted(MonitorCodec.write(MonitorCodec.read(m.spec(), "monitor " + m.name(), version))));
            } catch (VigilException e) {
                ObjectNode broken = redacted(m.spec().deepCopy());
                broken.put("problem", e.getMessage());
                out.add(broken);
            }
        }
        return out;
    }

    /**
     * {@code monitor} as the API shows it: an action's URL is a credential (a Slack incoming webhook is one), so
     * like a data source's password it is never returned. {@code url_set} says there is one and {@code url_host}
     * which host it points at. A PagerDuty or Opsgenie key is never returned either: {@code key_set} says there is one.
     */
    private static ObjectNode redacted(ObjectNode monitor) {
        for (JsonNode action : monitor.path("actions")) {
            if (action instanceof ObjectNode a && a.has("key")) {
                a.remove("key");
                a.put("key_set", true);
            }
            if (action instanceof ObjectNode a && a.has("url")) {
                String url = a.remove("url").asText();
                a.put("url_set", true);
                String host = hostOf(url);
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
     * An action given as the API shows it ({@code url_set: true} and {@code url_host}, no {@code url}) keeps the URL
     * stored for this monitor's one action of the same type and host, as a dataset updated without its password
     * keeps it: so a monitor read with GET can be PUT back, its actions reordered or some removed. When no stored
     * action, or more than one, fits, the action is left to say that it needs its URL. Likewise {@code key_set: true}
     * keeps the key of the one stored action of the same type and URL.
     */
    private void keepStoredUrls(ModelVersion version, String name, JsonNode body) {
        JsonNode actions = body.path("actions");
        if (!actions.isArray()) {
            return;
        }
        List<JsonNode> stored = new ArrayList<>();
        boolean asked = false;
        for (JsonNode a : actions) {
            asked |= a.path("url_set").asBoolean(false) && !a.has("url");
            asked |= a.path("key_set").asBoolean(false) && !a.has("key");
        }
        if (!asked) {
            return;
        }
        store.monitors().list(version.modelId(), version.version()).stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .ifPresent(m -> m.spec().path("actions").forEach(stored::add));
        for (JsonNode action : actions) {
            if (action instanceof ObjectNode a
                    && !a.has("url")
                    && a.path("url_set").asBoolean(false)) {
                String host = a.path("url_host").asText(null);
                a.remove("url_set");
                a.remove("url_host");
                List<JsonNode> fits = stored.stream()
                        .filter(s -> s.path("type").equals(a.path("type"))
                                && s.path("url").isTextual())
                        .filter(s ->
                                host != null && host.equals(hostOf(s.path("url").asText())))
                        .toList();
                if (fits.size() == 1) {
                    a.set("url", fits.get(0).get("url"));
                }
            }
        }
        for (JsonNode action : actions) {
            if (action instanceof ObjectNode a
                    && !a.has("key")
                    && a.path("key_set").asBoolean(false)) {
                a.remove("key_set");
                List<JsonNode> fits = stored.stream()
                        .filter(s -> s.path("type").equals(a.path("type"))
                                && s.path("key").isTextual()
                                && s.path("url").asText("").equals(effectiveUrl(a)))
                        .toList();
                if (fits.size() == 1) {
                    a.set("key", fits.get(0).get("key"));
                }
            }
        }
    }

    /** The action's URL, or its service's endpoint when it names none (PagerDuty, Opsgenie). */
    private static String effectiveUrl(JsonNode action) {
        if (action.path("url").isTextual()) {
            return action.path("url").asText();
        }
        for (Action.Type t : Action.Type.values()) {
            if (t.specName().equals(action.path("type").asText()) && t.defaultUrl() != null) {
                return t.defaultUrl();
            }
        }
        return "";
    }

    private static String hostOf(String url) {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Refuses a metric the monitor's fields never give (a typo would otherwise never fire, silently): for
     * {@code metric_change}, the metrics of METRICS.md of each field's kind, or of the rows when it names no field;
     * for {@code performance_degradation}, the realized performance metrics and the CBPE estimates.
     */
    private static void checkMetric(Monitor monitor, ModelVersion version) {
        if (monitor.type() == MonitorType.MULTIVARIATE_DRIFT) {
            String watched = monitor.watchedMetric();
            List<String> watchable = List.of(
                    PcaReconstruction.METRIC, DomainClassifier.METRIC, EmbeddingMmd.PVALUE_METRIC, EmbeddingMmd.METRIC);
            if (!watchable.contains(watched)) {
                throw new VigilArgumentException("monitor.metric: '" + watched + "' is not a metric a"
                        + " multivariate_drift monitor can watch (" + Suggest.didYouMean(watched, watchable)
                        + "expected one of " + String.join(", ", watchable) + ")");
            }
            boolean mmd = watched.startsWith(EmbeddingMmd.METRIC);
            for (String f : monitor.fields()) {
                boolean fits = mmd
                        ? version.schema().fields().stream()
                                .anyMatch(x -> x.name().equals(f)
                                        && (x.type().kind() == FieldType.Kind.EMBEDDING
                                                || x.type().kind() == FieldType.Kind.TENSOR))
                        : f.equals(MultivariateMetrics.ROW_FIELD);
                if (!fits) {
                    throw new VigilArgumentException("monitor.fields: " + watched + " is computed "
                            + (mmd ? "for embedding and tensor fields" : "for the whole row, field *") + ", not for '"
                            + f + "'");
                }
            }
            return;
        }
        String metric = monitor.metric();
        if (metric == null) {
            return; // the type's default
        }
        java.util.Set<String> known = new java.util.TreeSet<>();
        boolean valueCounts = false;
        switch (monitor.type().source()) {
            case METRICS -> {
                if (monitor.fields().isEmpty()) {
                    known.addAll(DatasetProfile.METRIC_NAMES);
                    known.remove("null_timestamp_count"); // counted per run, not per window (decision 0007)
                }
                for (String f : monitor.fields()) {
                    for (Field field : version.schema().fields()) {
                        if (field.name().equals(f)) {
                            known.addAll(FieldProfile.metricNames(field.type().kind()));
                            valueCounts |=
                                    FieldProfile.hasValueCounts(field.type().kind());
                        }
                    }
                }
            }
            case PERFORMANCE -> known.addAll(MetricCatalogs.PERFORMANCE_METRICS);
            default -> {
                return;
            }
        }
        if (!known.contains(metric) && !(valueCounts && metric.startsWith("value_count[") && metric.endsWith("]"))) {
            throw new VigilArgumentException("monitor.metric: '" + metric + "' is not a metric a "
                    + monitor.type().name().toLowerCase(Locale.ROOT) + " monitor of "
                    + (monitor.fields().isEmpty() ? "the rows" : String.join(", ", monitor.fields()))
                    + " can watch (docs/metrics.md); expected one of " + String.join(", ", known)
                    + (valueCounts ? ", value_count[<value>]" : ""));
        }
    }
}
