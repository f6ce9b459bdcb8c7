package dev.vigil.engine.profile;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.FieldType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;

/**
 * DLE's loss models for one regression prediction field (ADR 0028): two gradient-boosted tree ensembles fitted on a
 * labeled reference, one predicting a row's |prediction − actual|, one its (prediction − actual)², from the row's
 * raw inputs and features and its prediction. Serializable: it ships to executors inside the profiling closure, and
 * is stored in the metastore as Java-serialized bytes ({@link #toBytes}).
 *
 * @param features the inputs and features the models read, in schema order; the prediction is the last input
 * @param absolute the model of |error|
 * @param squared the model of error²
 * @param squaredVarianceRatio κ: the reference's Σ (error² − estimated error²)² / Σ estimated error², so that a row's
 *     error² has variance κ · estimated error²² (ADR 0028)
 * @param rows the reference rows fitted on
 * @param sparkVersion the Spark version that fitted it
 */
public record LossModel(
        List<Feature> features,
        GBTRegressionModel absolute,
        GBTRegressionModel squared,
        double squaredVarianceRatio,
        long rows,
        String sparkVersion)
        implements Serializable {

    /** Categorical and string inputs: their reference's most frequent values, each an index. */
    public static final int TOP_VALUES = 32;

    /** What a missing or non-finite numeric input becomes: below every value, so a tree can split it off. */
    static final double MISSING = -1e300;

    /**
     * An input of the models: a numeric or boolean field read as a number, or a categorical or string field read as
     * the index of its value among {@code values} (the reference's most frequent, by count then value), {@code
     * values.size()} for any other value and {@code values.size() + 1} for a missing one.
     */
    public record Feature(String field, FieldType.Kind kind, List<String> values) implements Serializable {
        static boolean usable(FieldType.Kind kind) {
            return switch (kind) {
                case NUMERIC, BOOLEAN, CATEGORICAL, STRING -> true;
                default -> false;
            };
        }

        boolean indexed() {
            return kind == FieldType.Kind.CATEGORICAL || kind == FieldType.Kind.STRING;
        }

        double value(Object raw) {
            if (indexed()) {
                String text = raw == null ? null : Coercion.text(raw);
                if (text == null) {
                    return values.size() + 1;
                }
                int i = values.indexOf(text);
                return i < 0 ? values.size() : i;
            }
            Double d = number(raw);
            return d == null || !Double.isFinite(d) ? MISSING : d;
        }
    }

    /** The models' input vector: the features' values, then the prediction. */
    Vector vector(Object[] featureValues, double prediction) {
        double[] x = new double[features.size() + 1];
        for (int i = 0; i < features.size(); i++) {
            x[i] = features.get(i).value(featureValues[i]);
        }
        x[features.size()] = prediction;
        return Vectors.dense(x);
    }

    /** A row's estimated |error|, error² (each at least 0) and error² variance. */
    double[] estimate(Vector x) {
        double abs = Math.max(0, absolute.predict(x));
        double sq = Math.max(0, squared.predict(x));
        return new double[] {abs, sq, squaredVarianceRatio * sq * sq};
    }

    static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (value instanceof String s) {
            String b = Coercion.bool(s);
            if (b != null) {
                return Boolean.parseBoolean(b) ? 1.0 : 0.0;
            }
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The loss models of every prediction field, Java-serialized (the MLlib models hold no Spark context). */
    public static byte[] toBytes(Map<String, LossModel> byField) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new LinkedHashMap<>(byField));
        } catch (IOException e) {
            throw new VigilStateException("could not serialize the DLE loss models: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #toBytes}'s bytes (written by this build's Spark, whose version is stored beside them). */
    @SuppressWarnings("unchecked")
    public static Map<String, LossModel> fromBytes(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Map<String, LossModel>) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new VigilStateException(
                    "the stored DLE loss models cannot be read by this build (" + e.getMessage()
                            + "); profile the reference dataset again to refit them",
                    e);
        }
    }
}
