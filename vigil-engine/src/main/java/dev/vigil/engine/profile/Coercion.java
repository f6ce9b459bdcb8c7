package dev.vigil.engine.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.engine.source.SourceTimestamps;
import dev.vigil.stats.FieldProfile;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import scala.collection.Seq;

/**
 * Turns a value as Spark read it into what a field of its declared kind profiles, or counts it as a
 * type mismatch. Never throws on a bad value: a run counts bad rows, it does not crash on them.
 */
final class Coercion {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Coercion() {}

    static void add(FieldProfile profile, Kind kind, Object value) {
        if (value == null) {
            profile.addMissing();
            return;
        }
        switch (kind) {
            case NUMERIC -> number(value, profile);
            case DATETIME -> datetime(value, profile);
            case CATEGORICAL, STRING -> {
                String s = text(value);
                if (s == null) {
                    profile.addTypeMismatch();
                } else {
                    profile.addValue(s);
                }
            }
            case BOOLEAN -> {
                String b = bool(value);
                if (b == null) {
                    profile.addTypeMismatch();
                } else {
                    profile.addValue(b);
                }
            }
            case TEXT -> profile.addText(value instanceof String s ? s : String.valueOf(value));
            case TENSOR, EMBEDDING -> {
                double[] v = vector(value);
                if (v == null) {
                    profile.addTypeMismatch();
                } else {
                    profile.addVector(v);
                }
            }
            case ARRAY -> {
                List<?> list = list(value);
                if (list == null) {
                    profile.addTypeMismatch();
                } else {
                    profile.addArray(list.size());
                }
            }
            case DICT -> {
                int size = dictSize(value);
                if (size < 0) {
                    profile.addTypeMismatch();
                } else {
                    profile.addArray(size);
                }
            }
        }
    }

    /**
     * Why {@link #add} counted {@code value} invalid for a field of {@code kind} holding {@code size} values per row
     * (tensors and embeddings; 0 otherwise): a {@link ProblemCounts} reason. Only called for a value that was, so
     * that a valid row costs nothing more.
     */
    static String invalidReason(Kind kind, int size, Object value) {
        return switch (kind) {
            case NUMERIC -> value instanceof Number ? ProblemCounts.NON_FINITE : ProblemCounts.TYPE_MISMATCH;
            case TENSOR, EMBEDDING -> {
                double[] v = vector(value);
                if (v == null) {
                    yield ProblemCounts.TYPE_MISMATCH;
                }
                yield v.length != size ? ProblemCounts.WRONG_DIMENSIONS : ProblemCounts.NON_FINITE;
            }
            default -> ProblemCounts.TYPE_MISMATCH;
        };
    }

    private static void number(Object value, FieldProfile profile) {
        if (value instanceof Number n) {
            profile.addNumber(n.doubleValue());
        } else if (value instanceof String s) {
            try {
                profile.addNumber(Double.parseDouble(s.strip()));
            } catch (NumberFormatException e) {
                profile.addTypeMismatch();
            }
        } else {
            profile.addTypeMismatch();
        }
    }

    private static void datetime(Object value, FieldProfile profile) {
        Double seconds = SourceTimestamps.epochSeconds(value);
        if (seconds == null) {
            profile.addTypeMismatch();
        } else {
            profile.addNumber(seconds);
        }
    }

    /** A category or string: integral numbers without a fraction ({@code 3}, not {@code 3.0}). */
    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        return null;
    }

    /** {@code "true"} or {@code "false"}, from a boolean, 0/1 or the usual spellings; null if none of those. */
    static String bool(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 1 ? "true" : d == 0 ? "false" : null;
        }
        if (value instanceof String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y", "1" -> "true";
                case "false", "f", "no", "n", "0" -> "false";
                default -> null;
            };
        }
        return null;
    }

    /** The numbers of an array value; a null element becomes NaN (the profile counts the row invalid). */
    static double[] vector(Object value) {
        List<?> list = list(value);
        if (list == null) {
            return null;
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (e == null) {
                out[i] = Double.NaN;
            } else if (e instanceof Number n) {
                out[i] = n.doubleValue();
            } else {
                return null;
            }
        }
        return out;
    }

    static List<?> list(Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Seq<?> seq) {
            return scala.jdk.javaapi.CollectionConverters.asJava(seq);
        }
        if (value instanceof Object[] array) {
            return List.of(array);
        }
        return null;
    }

    /** The number of entries of a map or a JSON object; -1 when the value is neither. */
    static int dictSize(Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value instanceof scala.collection.Map<?, ?> m) {
            return m.size();
        }
        if (value instanceof String s) {
            try {
                JsonNode node = JSON.readTree(s);
                return node != null && node.isObject() ? node.size() : -1;
            } catch (java.io.IOException e) {
                return -1;
            }
        }
        return -1;
    }
}
