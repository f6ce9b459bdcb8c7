package dev.vigil.engine.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.engine.source.SourceTimestamps;
import dev.vigil.stats.PerformanceProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * Reads one row's prediction and actual for a {@link ProfilePlan.PerformancePlan} and adds them to a
 * {@link PerformanceProfile}; a multiclass or multi-label prediction that is a dict of class → score also adds its
 * scores, for CBPE one class against the rest. A NULL actual has not arrived; an actual that cannot be read as the prediction's
 * type counts as an invalid actual, never as a crash.
 */
final class PerformanceRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PerformanceRows() {}

    /**
     * Adds the row of window [{@code windowStart}, + {@code windowSeconds}) (epoch seconds). A joined actual
     * recorded more than one window before its prediction's window is not this prediction's (decision 0009).
     */
    static void add(
            PerformanceProfile profile,
            ProfilePlan.PerformancePlan plan,
            Row row,
            long windowStart,
            long windowSeconds) {
        add(profile, plan, row, windowStart, windowSeconds, lossEstimate(plan, row));
    }

    /**
     * As {@link #add(PerformanceProfile, ProfilePlan.PerformancePlan, Row, long, long)}, with the row's DLE estimate
     * already made ({@link #lossEstimate}; null when none): a row added to several segments' profiles is scored once.
     */
    static void add(
            PerformanceProfile profile,
            ProfilePlan.PerformancePlan plan,
            Row row,
            long windowStart,
            long windowSeconds,
            double[] lossEstimate) {
        Object prediction = row.get(plan.predictionColumn());
        Object actual = row.get(plan.actualColumn());
        if (actual != null && plan.actualAtColumn() >= 0) {
            Double at = SourceTimestamps.epochSeconds(row.get(plan.actualAtColumn()));
            if (at == null || at < windowStart - windowSeconds) {
                actual = null;
            }
        }
        switch (profile.type()) {
            case BINARY -> binary(profile, plan, row, prediction, actual);
            case MULTICLASS -> {
                String a = actual == null ? null : Coercion.text(actual);
                if (actual != null && a == null) {
                    profile.addInvalidActual();
                } else {
                    Map<String, Double> probabilities =
                            prediction != null && plan.predictionKind() == FieldType.Kind.DICT
                                    ? scores(prediction)
                                    : null;
                    profile.addMulticlass(predictedClass(plan, prediction), probabilities, a);
                }
            }
            case MULTI_LABEL -> {
                Set<String> a = actual == null ? null : labels(actual, plan.threshold());
                if (actual != null && a == null) {
                    profile.addInvalidActual();
                } else {
                    // a dict of label → score also gives its scores, for CBPE label by label
                    Map<String, Double> scores = prediction == null ? null : scores(prediction);
                    profile.addMultiLabel(prediction == null ? null : labels(prediction, plan.threshold()), scores, a);
                }
            }
            case REGRESSION -> {
                Double a = actual == null ? null : number(actual);
                if (actual != null && a == null) {
                    profile.addInvalidActual();
                } else {
                    profile.addRegression(prediction == null ? null : number(prediction), a);
                }
                if (lossEstimate != null) {
                    // every row with a usable prediction, its actual arrived, unreadable or not (ADR 0028)
                    profile.addRegressionEstimate(lossEstimate[0], lossEstimate[1], lossEstimate[2]);
                }
            }
            case RANKING -> {
                List<String> a = actual == null ? null : items(actual);
                if (actual != null && a == null) {
                    profile.addInvalidActual();
                } else {
                    profile.addRanking(
                            prediction == null ? null : items(prediction), a == null ? null : new LinkedHashSet<>(a));
                }
            }
        }
    }

    /**
     * DLE's estimates for a regression row with a usable prediction, whether its actual arrived or not (ADR 0028):
     * {@link LossModel#estimate}'s values; null when the plan has no loss models or the prediction is not a finite
     * number.
     */
    static double[] lossEstimate(ProfilePlan.PerformancePlan plan, Row row) {
        ProfilePlan.LossPlan loss = plan.loss();
        if (loss == null || plan.modelType() != ModelType.REGRESSION) {
            return null;
        }
        Object raw = row.get(plan.predictionColumn());
        Double prediction = raw == null ? null : number(raw);
        if (prediction == null || !Double.isFinite(prediction)) {
            return null;
        }
        int[] columns = loss.featureColumns();
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            values[i] = columns[i] < 0 ? null : row.get(columns[i]);
        }
        return loss.model().estimate(loss.model().vector(values, prediction));
    }

    private static void binary(
            PerformanceProfile profile, ProfilePlan.PerformancePlan plan, Row row, Object prediction, Object actual) {
        Boolean a = null;
        if (actual != null) {
            String b = Coercion.bool(actual);
            if (b == null) {
                profile.addInvalidActual();
                return;
            }
            a = Boolean.valueOf(b);
        }
        Boolean label = null;
        Double score = null;
        if (plan.predictionKind() == FieldType.Kind.BOOLEAN) {
            String b = prediction == null ? null : Coercion.bool(prediction);
            label = b == null ? null : Boolean.valueOf(b);
            if (plan.scoreColumn() >= 0) {
                score = number(row.get(plan.scoreColumn()));
            }
        } else {
            score = prediction == null ? null : number(prediction);
        }
        profile.addBinary(label, score, a, plan.threshold());
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Ranked item ids: an array, or a JSON array in a string. */
    private static List<String> items(Object value) {
        List<?> list = Coercion.list(value);
        if (list == null && value instanceof String s) {
            JsonNode node = json(s);
            if (node != null && node.isArray()) {
                List<String> out = new ArrayList<>();
                node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
                return out;
            }
        }
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (o != null) {
                out.add(Coercion.text(o));
            }
        }
        return out;
    }

    /**
     * The class a multiclass prediction names: the value itself, or for a dict of class → probability the class
     * with the highest probability (ties to the smallest class name, so the answer does not depend on order).
     */
    static String predictedClass(ProfilePlan.PerformancePlan plan, Object prediction) {
        if (prediction == null) {
            return null;
        }
        if (plan.predictionKind() != FieldType.Kind.DICT) {
            return Coercion.text(prediction);
        }
        Map<String, Double> scores = scores(prediction);
        if (scores == null) {
            return null;
        }
        String best = null;
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(scores).entrySet()) {
            if (best == null || e.getValue() > scores.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * A label set: an array of labels, or a dict of label → score (or boolean) whose labels at or above
     * {@code threshold} count; a dict may come as a JSON object in a string.
     */
    static Set<String> labels(Object value, double threshold) {
        Map<String, Double> scores = scores(value);
        if (scores != null) {
            Set<String> out = new LinkedHashSet<>();
            scores.forEach((label, score) -> {
                if (score >= threshold) {
                    out.add(label);
                }
            });
            return out;
        }
        List<String> items = items(value);
        return items == null ? null : new LinkedHashSet<>(items);
    }

    /**
     * A dict of key → number (a boolean counts 1 or 0): a map, or a JSON object in a string; entries whose value
     * is not a number are left out. Null when the value is not a dict.
     */
    private static Map<String, Double> scores(Object value) {
        Map<?, ?> map = null;
        if (value instanceof Map<?, ?> m) {
            map = m;
        } else if (value instanceof scala.collection.Map<?, ?> m) {
            map = scala.jdk.javaapi.CollectionConverters.asJava(m);
        } else if (value instanceof String s) {
            JsonNode node = json(s);
            if (node != null && node.isObject()) {
                Map<String, Double> out = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> {
                    JsonNode v = e.getValue();
                    if (v.isBoolean() || v.isNumber()) {
                        out.put(e.getKey(), v.isBoolean() ? (v.asBoolean() ? 1.0 : 0.0) : v.asDouble());
                    }
                });
                return out;
            }
        }
        if (map == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            Double score = number(v);
            if (k != null && score != null && !score.isNaN()) {
                out.put(String.valueOf(k), score);
            }
        });
        return out;
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
