package dev.vigil.core.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.spec.SpecValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and writes monitors as the spec's {@code monitors:} entries and the REST API's bodies:
 *
 * <pre>
 * - name: drift-watch
 *   type: data_drift
 *   fields: [amount, owner]                       # default: the type's fields (all features for data_drift)
 *   metric: drift_score                           # default: the type's metric
 *   expression: missing_ratio(amount) * 2         # custom_metric only
 *   focal: {window: 1d}                           # 1h, 1d or 1w; default: the version's aggregation period
 *   detection: {method: training, threshold: 0.1} # absolute {min, max}; percentage / training / segment {threshold};
 *                                                 # anomaly {k: 3, min_history: 5} or {alpha: 0.01, …} and
 *                                                 #   {seasonal: week, baseline_weeks: 8} (alpha 0.001 by default);
 *                                                 # test (drift) {alpha: 0.01, min_effect: 0}; all: baseline_windows
 *   preconditions: {min_focal_rows: 100, min_baseline_rows: 100}
 *   severity: high                                # low | medium (default) | high
 *   actions: [{type: webhook, url: "https://…"}, {type: slack, url: "https://hooks.slack.com/…"},
 *             {type: email, to: [oncall@example.com]},
 *             {type: pagerduty, key: "…"},                # url: default https://events.pagerduty.com/v2/enqueue
 *             {type: opsgenie, key: "…"},                 # url: default https://api.opsgenie.com (EU: api.eu…)
 *             {type: teams, url: "https://…"}]            # a Teams Workflows webhook
 * </pre>
 *
 * Every problem is reported at once, each naming its key ({@code monitors[0].detection.threshold}).
 */
public final class MonitorCodec {
    private static final Set<String> KEYS = Set.of(
            "name",
            "type",
            "fields",
            "metric",
            "expression",
            "focal",
            "detection",
            "preconditions",
            "severity",
            "actions");
    private static final Set<String> DETECTION_KEYS = Set.of(
            "method",
            "min",
            "max",
            "threshold",
            "k",
            "baseline_windows",
            "min_history",
            "alpha",
            "min_effect",
            "seasonal",
            "baseline_weeks");
    private static final Set<String> PRECONDITION_KEYS = Set.of("min_focal_rows", "min_baseline_rows");
    private static final Set<String> ACTION_KEYS = Set.of("type", "url", "to", "key");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    /** A PagerDuty integration key: 32 letters and digits, as PagerDuty shows it on the integration. */
    private static final Pattern PAGERDUTY_KEY = Pattern.compile("[A-Za-z0-9]{32}");
    /** An Opsgenie API integration key: a UUID. */
    private static final Pattern OPSGENIE_KEY =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The field of the row-wide multivariate metrics (decision 0030). */
    static final String ROW_FIELD = "*";

    private MonitorCodec() {}

    /** Reads the monitor in {@code node} (keys prefixed with {@code key}, e.g. {@code monitors[0]}) for {@code version}. */
    public static Monitor read(JsonNode node, String key, ModelVersion version) {
        List<String> problems = new ArrayList<>();
        if (node == null || !node.isObject()) {
            throw new VigilArgumentException(key + ": expected a mapping (name, type, detection, …)");
        }
        unknownKeys(node, key, KEYS, problems);
        String name = text(node, "name", key, problems);
        if (name == null) {
            problems.add(key + ".name: is required");
        } else {
            problems.addAll(SpecValidator.idProblems(name, key + ".name"));
        }
        MonitorType type = null;
        String typeName = text(node, "type", key, problems);
        if (typeName == null) {
            problems.add(key + ".type: is required (one of model_activity, missing_values, data_drift,"
                    + " prediction_drift, multivariate_drift, values_range, new_values, performance_degradation, metric_change,"
                    + " custom_metric, model_staleness)");
        } else {
            try {
                type = MonitorType.fromSpec(typeName, key + ".type");
            } catch (VigilArgumentException e) {
                problems.addAll(e.problems());
            }
        }
        List<String> fields = new ArrayList<>();
        JsonNode fieldsNode = node.get("fields");
        if (fieldsNode != null && !fieldsNode.isNull()) {
            if (!fieldsNode.isArray()) {
                problems.add(key + ".fields: expected a list of field names");
            } else {
                for (JsonNode f : fieldsNode) {
                    String fieldName = f.asText();
                    boolean known = (type == MonitorType.MULTIVARIATE_DRIFT && fieldName.equals(ROW_FIELD))
                            || version.schema().fields().stream()
                                    .map(Field::name)
                                    .anyMatch(n -> TextLength.refersTo(fieldName, n));
                    if (!known) {
                        problems.add(key + ".fields: version " + version.version() + " has no field named '" + fieldName
                                + "'");
                    }
                    fields.add(fieldName);
                }
            }
        }
        String metric = text(node, "metric", key, problems);
        String expression = text(node, "expression", key, problems);
        if (type == MonitorType.CUSTOM_METRIC) {
            if (expression == null) {
                problems.add(key + ".expression: is required for a custom_metric (e.g. missing_ratio(amount) +"
                        + " new_value_ratio(owner))");
            } else {
                try {
                    for (Expression.Ref ref :
                            Expression.parse(expression, key + ".expression").refs()) {
                        if (!ref.field().isEmpty()
                                && version.schema().fields().stream()
                                        .noneMatch(f -> f.name().equals(ref.field()))) {
                            problems.add(key + ".expression: version " + version.version() + " has no field named '"
                                    + ref.field() + "' (in " + ref.metric() + "(" + ref.field() + "))");
                        }
                    }
                } catch (VigilArgumentException e) {
                    problems.addAll(e.problems());
                }
            }
        } else if (expression != null) {
            problems.add(key + ".expression: only a custom_metric has an expression");
        }
        if (type != null && type.defaultMetric() == null && type != MonitorType.CUSTOM_METRIC && metric == null) {
            problems.add(
                    key + ".metric: is required for a " + type.specName() + " monitor (a metric of docs/metrics.md,"
                            + " e.g. " + (type == MonitorType.PERFORMANCE_DEGRADATION ? "accuracy" : "mean") + ")");
        }
        Duration focal = version.aggregationPeriod().length();
        JsonNode focalNode = node.get("focal");
        if (focalNode != null && !focalNode.isNull()) {
            if (!focalNode.isObject()) {
                problems.add(key + ".focal: expected a mapping such as {window: 1d}");
            } else {
                unknownKeys(focalNode, key + ".focal", Set.of("window"), problems);
                String window = text(focalNode, "window", key + ".focal", problems);
                if (window != null) {
                    Duration d = window(window);
                    if (d == null) {
                        problems.add(key + ".focal.window: expected 1h, 1d or 1w, got '" + window + "'");
                    } else if (d.compareTo(version.aggregationPeriod().length()) < 0) {
                        problems.add(key + ".focal.window: " + window + " is shorter than the version's aggregation"
                                + " period (" + version.aggregationPeriod().specName() + ")");
                    } else {
                        focal = d;
                    }
                }
            }
        }
        Detection detection = detection(node.get("detection"), key + ".detection", type, focal, problems);
        if (type == MonitorType.MULTIVARIATE_DRIFT
                && detection != null
                && detection.method() == Detection.Method.TRAINING
                && metric != null
                && !metric.equals(type.defaultMetric())) {
            problems.add(key + ".detection.method: training detection of a multivariate_drift monitor compares"
                    + " pca_reconstruction_error with its band; watch " + metric + " with absolute detection"
                    + " (domain_classifier_auc {method: absolute, max: 0.65}, mmd_pvalue {method: absolute, min:"
                    + " 0.01})");
        }
        long minFocalRows = 0;
        long minBaselineRows = 0;
        JsonNode pre = node.get("preconditions");
        if (pre != null && !pre.isNull()) {
            if (!pre.isObject()) {
                problems.add(key + ".preconditions: expected a mapping such as {min_focal_rows: 100}");
            } else {
                unknownKeys(pre, key + ".preconditions", PRECONDITION_KEYS, problems);
                minFocalRows = count(pre, "min_focal_rows", key + ".preconditions", 0, problems);
                minBaselineRows = count(pre, "min_baseline_rows", key + ".preconditions", 0, problems);
            }
        }
        Severity severity = Severity.MEDIUM;
        String severityName = text(node, "severity", key, problems);
        if (severityName != null) {
            try {
                severity = Severity.fromSpec(severityName, key + ".severity");
            } catch (VigilArgumentException e) {
                problems.addAll(e.problems());
            }
        }
        List<Action> actions = actions(node.get("actions"), key + ".actions", problems);
        SpecValidator.throwIfAny(problems);
        return new Monitor(
                name,
                type,
                fields,
                metric,
                expression,
                focal,
                detection,
                severity,
                minFocalRows,
                minBaselineRows,
                actions);
    }

    private static Detection detection(
            JsonNode node, String key, MonitorType type, Duration focal, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add(key + ": is required (e.g. {method: absolute, max: 0.1})");
            return null;
        }
        if (!node.isObject()) {
            problems.add(key + ": expected a mapping such as {method: absolute, max: 0.1}");
            return null;
        }
        unknownKeys(node, key, DETECTION_KEYS, problems);
        String methodName = text(node, "method", key, problems);
        Detection.Method method = null;
        if (methodName == null) {
            problems.add(key + ".method: is required (absolute, percentage, anomaly, training, segment or test)");
        } else {
            try {
                method = Detection.Method.fromSpec(methodName, key + ".method");
            } catch (VigilArgumentException e) {
                problems.addAll(e.problems());
            }
        }
        Double min = number(node, "min", key, problems);
        Double max = number(node, "max", key, problems);
        Double threshold = number(node, "threshold", key, problems);
        Double k = number(node, "k", key, problems);
        int baselineWindows = (int) count(node, "baseline_windows", key, 0, problems);
        int minHistory = (int) count(node, "min_history", key, Detection.DEFAULT_MIN_HISTORY, problems);
        if (method != null && type != null && !type.methods().contains(method)) {
            problems.add(key + ".method: a " + type.specName() + " monitor cannot use " + method.specName()
                    + " (it can use "
                    + String.join(
                            ", ",
                            type.methods().stream()
                                    .map(Detection.Method::specName)
                                    .toList())
                    + ")");
        }
        if (method == Detection.Method.ABSOLUTE && min == null && max == null) {
            problems.add(key + ": absolute detection needs min, max or both (the bounds of an acceptable value)");
        }
        boolean band = type == MonitorType.MULTIVARIATE_DRIFT && method == Detection.Method.TRAINING;
        if (method != null
                && method != Detection.Method.ABSOLUTE
                && method != Detection.Method.ANOMALY
                && method != Detection.Method.TEST) {
            if (threshold == null && band) {
                threshold = 0.0; // pca_reconstruction_error: above its _upper band, by nothing more
            } else if (threshold == null) {
                problems.add(key + ".threshold: is required for " + method.specName() + " detection");
            } else if (threshold < 0) {
                problems.add(key + ".threshold: expected 0 or more, got " + threshold);
            }
        }
        if (method == Detection.Method.TEST && threshold != null) {
            problems.add(key + ".threshold: test detection has no threshold (alpha and min_effect decide)");
        }
        if (k != null && k <= 0) {
            problems.add(key + ".k: expected a number above 0, got " + k);
        }
        if (method == Detection.Method.ANOMALY && minHistory < 2) {
            problems.add(
                    key + ".min_history: anomaly detection needs at least 2 windows of history, got " + minHistory);
        }
        if (baselineWindows == 0) {
            baselineWindows = method == Detection.Method.ANOMALY ? 24 : 1;
        }
        // decision 0031: the test's significance and effect, the prediction interval and the seasonal history
        Double alpha = number(node, "alpha", key, problems);
        Double minEffect = number(node, "min_effect", key, problems);
        String seasonalName = text(node, "seasonal", key, problems);
        boolean weeksGiven = node.hasNonNull("baseline_weeks");
        int baselineWeeks = (int) count(node, "baseline_weeks", key, Detection.DEFAULT_BASELINE_WEEKS, problems);
        if (alpha != null && !(alpha > 0 && alpha < 1)) {
            problems.add(key + ".alpha: expected a number above 0 and below 1, got " + alpha);
        } else if (alpha != null
                && method != null
                && method != Detection.Method.TEST
                && method != Detection.Method.ANOMALY) {
            problems.add(key + ".alpha: only test and anomaly detection have an alpha, not " + method.specName());
        } else if (alpha != null && k != null) {
            problems.add(key + ".alpha: anomaly detection takes k (mean ± k·σ) or alpha (a prediction interval), not"
                    + " both");
        }
        if (minEffect != null && minEffect < 0) {
            problems.add(key + ".min_effect: expected 0 or more, got " + minEffect);
        } else if (minEffect != null && method != null && method != Detection.Method.TEST) {
            problems.add(key + ".min_effect: only test detection has a min_effect, not " + method.specName());
        }
        Detection.Seasonality seasonal = Detection.Seasonality.NONE;
        if (seasonalName != null) {
            if (!seasonalName.equals(Detection.Seasonality.WEEK.specName())) {
                problems.add(key + ".seasonal: expected week (the same hour of the week, or weekday), got '"
                        + seasonalName + "'");
            } else if (method != null && method != Detection.Method.ANOMALY) {
                problems.add(key + ".seasonal: only anomaly detection can be seasonal, not " + method.specName());
            } else if (focal.compareTo(Duration.ofDays(1)) > 0) {
                problems.add(key + ".seasonal: seasonal: week needs an hourly or daily focal window, not "
                        + windowName(focal));
            } else {
                seasonal = Detection.Seasonality.WEEK;
            }
        }
        if (weeksGiven && seasonalName == null) {
            problems.add(key + ".baseline_weeks: only seasonal anomaly detection (seasonal: week) has baseline_weeks");
        } else if (seasonal == Detection.Seasonality.WEEK && baselineWeeks < Math.max(2, minHistory)) {
            problems.add(key + ".baseline_weeks: " + baselineWeeks + " weeks can never give the "
                    + Math.max(2, minHistory) + " values of history it needs (min_history)");
        }
        if (method == Detection.Method.TEST) {
            alpha = alpha == null ? Detection.DEFAULT_ALPHA : alpha;
        } else if (seasonal == Detection.Seasonality.WEEK && k == null) {
            alpha = alpha == null ? Detection.DEFAULT_ANOMALY_ALPHA : alpha;
        }
        return method == null
                ? null
                : new Detection(
                        method,
                        min,
                        max,
                        threshold,
                        k == null ? Detection.DEFAULT_K : k,
                        baselineWindows,
                        minHistory,
                        alpha,
                        minEffect == null ? Detection.DEFAULT_MIN_EFFECT : minEffect,
                        seasonal,
                        seasonal == Detection.Seasonality.WEEK ? baselineWeeks : 0);
    }

    private static List<Action> actions(JsonNode node, String key, List<String> problems) {
        List<Action> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(key + ": expected a list such as [{type: webhook, url: \"https://…\"}]");
            return out;
        }
        int i = 0;
        for (JsonNode a : node) {
            String k = key + "[" + i++ + "]";
            if (!a.isObject()) {
                problems.add(k + ": expected a mapping such as {type: webhook, url: \"https://…\"}");
                continue;
            }
            unknownKeys(a, k, ACTION_KEYS, problems);
            String typeName = text(a, "type", k, problems);
            if (typeName == null) {
                problems.add(k + ".type: is required (" + Action.NAMES + ")");
                continue;
            }
            Action.Type type;
            try {
                type = Action.Type.fromSpec(typeName, k + ".type");
            } catch (VigilArgumentException e) {
                problems.addAll(e.problems());
                continue;
            }
            String url = text(a, "url", k, problems);
            List<String> to = new ArrayList<>();
            JsonNode toNode = a.get("to");
            if (toNode != null && !toNode.isNull()) {
                if (toNode.isTextual()) {
                    to.add(toNode.asText());
                } else if (toNode.isArray()) {
                    toNode.forEach(t -> to.add(t.asText()));
                } else {
                    problems.add(k + ".to: expected an e-mail address or a list of them");
                }
            }
            if (type == Action.Type.EMAIL) {
                if (to.isEmpty()) {
                    problems.add(k + ".to: is required for an email action (one address or a list)");
                }
                to.stream()
                        .filter(t -> !EMAIL.matcher(t).matches())
                        .forEach(t -> problems.add(k + ".to: '" + t + "' is not an e-mail address"));
            } else if (url == null && type.defaultUrl() == null) {
                problems.add(k + ".url: is required for a " + type.specName() + " action");
            } else if (url == null) {
                url = type.defaultUrl();
            } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
                // the value is not echoed: a webhook URL is a credential
                problems.add(k + ".url: expected an http:// or https:// URL (the value is not shown: it may be a"
                        + " secret)");
            }
            String secret = text(a, "key", k, problems);
            if (secret != null || a.path("key").isNull() || a.path("key").isMissingNode()) {
                keyProblem(type, secret).ifPresent(p -> problems.add(k + ".key: " + p));
            }
            out.add(new Action(type, url, to, secret));
        }
        return out;
    }

    /**
     * What is wrong with {@code key} for an action of {@code type}, in words that never show it (it is a credential):
     * PagerDuty's integration key is 32 letters and digits, Opsgenie's a UUID, and the other types take none.
     */
    private static java.util.Optional<String> keyProblem(Action.Type type, String key) {
        String hidden = " (the value is not shown: it is a secret)";
        if (!type.takesKey()) {
            return key == null
                    ? java.util.Optional.empty()
                    : java.util.Optional.of("only a pagerduty or opsgenie action takes a key");
        }
        if (key == null) {
            return java.util.Optional.of("is required for " + (type == Action.Type.OPSGENIE ? "an " : "a ")
                    + type.specName() + " action ("
                    + (type == Action.Type.PAGERDUTY
                            ? "the integration key of an Events API v2 integration"
                            : "the API key of an Opsgenie API integration")
                    + ")");
        }
        if (type == Action.Type.PAGERDUTY && !PAGERDUTY_KEY.matcher(key).matches()) {
            return java.util.Optional.of("expected a PagerDuty integration key of 32 letters and digits, got "
                    + key.length() + " characters" + hidden);
        }
        if (type == Action.Type.OPSGENIE && !OPSGENIE_KEY.matcher(key).matches()) {
            return java.util.Optional.of(
                    "expected an Opsgenie API key, a UUID such as 00000000-0000-0000-0000-000000000000" + hidden);
        }
        return java.util.Optional.empty();
    }

    /** The monitor as the REST API and the spec write it. */
    public static ObjectNode write(Monitor m) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", m.name());
        node.put("type", m.type().specName());
        if (!m.fields().isEmpty()) {
            ArrayNode f = node.putArray("fields");
            m.fields().forEach(f::add);
        }
        if (m.metric() != null) {
            node.put("metric", m.metric());
        }
        if (m.expression() != null) {
            node.put("expression", m.expression());
        }
        node.putObject("focal").put("window", windowName(m.focal()));
        ObjectNode d = node.putObject("detection");
        Detection det = m.detection();
        d.put("method", det.method().specName());
        if (det.min() != null) {
            d.put("min", det.min());
        }
        if (det.max() != null) {
            d.put("max", det.max());
        }
        if (det.threshold() != null) {
            d.put("threshold", det.threshold());
        }
        if (det.method() == Detection.Method.ANOMALY) {
            if (det.alpha() == null) {
                d.put("k", det.k());
            } else {
                d.put("alpha", det.alpha());
            }
            d.put("min_history", det.minHistory());
            if (det.seasonal() == Detection.Seasonality.WEEK) {
                d.put("seasonal", det.seasonal().specName());
                d.put("baseline_weeks", det.baselineWeeks());
            }
        }
        if (det.method() == Detection.Method.TEST) {
            d.put("alpha", det.alpha());
            d.put("min_effect", det.minEffect());
        }
        d.put("baseline_windows", det.baselineWindows());
        if (m.minFocalRows() > 0 || m.minBaselineRows() > 0) {
            ObjectNode p = node.putObject("preconditions");
            p.put("min_focal_rows", m.minFocalRows());
            p.put("min_baseline_rows", m.minBaselineRows());
        }
        node.put("severity", m.severity().specName());
        ArrayNode actions = node.putArray("actions");
        for (Action a : m.actions()) {
            ObjectNode n = actions.addObject();
            n.put("type", a.type().specName());
            if (a.url() != null) {
                n.put("url", a.url());
            }
            if (!a.to().isEmpty()) {
                ArrayNode to = n.putArray("to");
                a.to().forEach(to::add);
            }
            if (a.key() != null) {
                n.put("key", a.key());
            }
        }
        return node;
    }

    private static Duration window(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "1h", "hour", "60m" -> Duration.ofHours(1);
            case "1d", "day", "24h" -> Duration.ofDays(1);
            case "1w", "week", "7d" -> Duration.ofDays(7);
            default -> null;
        };
    }

    private static String windowName(Duration d) {
        if (d.equals(Duration.ofHours(1))) {
            return "1h";
        }
        return d.equals(Duration.ofDays(1)) ? "1d" : "1w";
    }

    private static void unknownKeys(JsonNode node, String key, Set<String> allowed, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                problems.add(key + "." + k + ": unknown key (expected one of "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String text(JsonNode node, String name, String key, List<String> problems) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            problems.add(key + "." + name + ": expected a non-empty text");
            return null;
        }
        return v.asText();
    }

    private static Double number(JsonNode node, String name, String key, List<String> problems) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            problems.add(key + "." + name + ": expected a number, got " + v);
            return null;
        }
        return v.asDouble();
    }

    private static long count(JsonNode node, String name, String key, long otherwise, List<String> problems) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            problems.add(key + "." + name + ": expected a whole number of 0 or more, got " + v);
            return otherwise;
        }
        return v.asLong();
    }
}
