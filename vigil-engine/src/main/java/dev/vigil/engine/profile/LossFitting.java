package dev.vigil.engine.profile;

import static dev.vigil.engine.profile.FrameColumns.indexOf;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.engine.profile.DatasetProfiler.Prepared;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fits DLE's {@link LossModel}s on a labeled reference frame (ADR 0028): per regression prediction field with a label
 * column, two {@link GBTRegressor}s with fixed parameters and seed, so that fitting the same rows again gives the
 * same models.
 */
final class LossFitting {
    /** Fewer reference rows with an actual than this: no estimate. */
    static final long MIN_ROWS = 200;

    /** The partitions the fitted rows are placed in: fixed, so that a refit does not depend on the cluster's cores. */
    static final int FIT_PARTITIONS = 4;

    /** At most about this many reference rows are fitted (those whose {@link #draw} is below MAX_ROWS / rows). */
    static final long MAX_ROWS = 50_000;

    static final long SEED = 19L;
    static final int MAX_ITER = 40;
    static final int MAX_DEPTH = 4;
    static final double STEP_SIZE = 0.15;
    static final int MAX_BINS = 64;
    static final int MIN_INSTANCES_PER_NODE = 20;

    private LossFitting() {}

    /** The models fitted, by prediction field, or why there are none (one sentence). */
    record Fit(Map<String, LossModel> models, Optional<String> none) {}

    static Fit fit(SparkSession session, Prepared prepared, Dataset<Row> frame) {
        ModelVersion version = prepared.version();
        if (version.modelType() != ModelType.REGRESSION) {
            return new Fit(
                    Map.of(),
                    Optional.of("no DLE estimate: " + version.modelType().specName()
                            + " models are not regression models"));
        }
        DatasetConnection connection = prepared.connection();
        String[] columns = frame.columns();
        List<Field> inputs = version.schema().fields().stream()
                .filter(f -> f.group() == FieldGroup.RAW_INPUTS || f.group() == FieldGroup.FEATURES)
                .filter(f -> LossModel.Feature.usable(f.type().kind()))
                .filter(f -> indexOf(columns, connection.columnFor(f)).isPresent())
                .toList();
        List<LossModel.Feature> features = new ArrayList<>();
        List<String> featureNames = new ArrayList<>();
        for (Field f : inputs) {
            featureNames.add(columns[indexOf(columns, connection.columnFor(f)).orElseThrow()]);
            features.add(new LossModel.Feature(f.name(), f.type().kind(), List.of()));
        }
        Map<String, LossModel> models = new LinkedHashMap<>();
        List<String> tooFew = new ArrayList<>();
        for (Field p : version.schema().group(FieldGroup.PREDICTIONS)) {
            String label = connection.labels().get(p.name());
            Optional<Integer> prediction = indexOf(columns, connection.columnFor(p));
            Optional<Integer> actual = label == null ? Optional.empty() : indexOf(columns, label);
            if (prediction.isEmpty() || actual.isEmpty()) {
                continue;
            }
            LossModel model =
                    fit(session, frame, features, featureNames, columns[prediction.get()], columns[actual.get()]);
            if (model == null) {
                tooFew.add(p.name());
            } else {
                models.put(p.name(), model);
            }
        }
        if (models.isEmpty()) {
            return new Fit(
                    Map.of(),
                    Optional.of(
                            tooFew.isEmpty()
                                    ? "no DLE estimate: the "
                                            + connection.dataset().specName() + " dataset labels no prediction"
                                    : "no DLE estimate: the "
                                            + connection.dataset().specName() + " dataset has fewer than " + MIN_ROWS
                                            + " rows with a prediction and an actual for "
                                            + String.join(", ", tooFew)));
        }
        return new Fit(models, Optional.empty());
    }

    /**
     * The loss models of one prediction: {@code features} (their values not yet known) read from the frame's
     * {@code featureColumns}, the prediction and the actual from their columns; null when fewer than {@link #MIN_ROWS}
     * rows have both.
     */
    static LossModel fit(
            SparkSession session,
            Dataset<Row> frame,
            List<LossModel.Feature> features,
            List<String> featureColumns,
            String predictionColumn,
            String actualColumn) {
        String[] columns = frame.columns();
        List<LossModel.Feature> known = new ArrayList<>();
        int[] at = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            LossModel.Feature f = features.get(i);
            at[i] = indexOf(columns, featureColumns.get(i)).orElseThrow();
            known.add(f.indexed() ? new LossModel.Feature(f.field(), f.kind(), topValues(frame, at[i])) : f);
        }
        return fitOne(
                session,
                frame,
                known,
                at,
                indexOf(columns, predictionColumn).orElseThrow(),
                indexOf(columns, actualColumn).orElseThrow());
    }

    /**
     * The column's {@value LossModel#TOP_VALUES} most frequent non-null values, by count then value, as {@link
     * Coercion#text} writes them: the text {@link LossModel} looks a row's value up by when it scores (a cast to
     * string would write 2.0 or 5.00 where scoring sees 2 or 5, and every such row would score as another value).
     */
    private static List<String> topValues(Dataset<Row> frame, int column) {
        List<String> out = new ArrayList<>();
        Dataset<String> texts = frame.map(
                (MapFunction<Row, String>) row -> {
                    Object raw = row.get(column);
                    return raw == null ? null : Coercion.text(raw);
                },
                Encoders.STRING());
        for (Row r : texts.where(functions.col("value").isNotNull())
                .groupBy("value")
                .count()
                .orderBy(functions.desc("count"), functions.asc("value"))
                .limit(LossModel.TOP_VALUES)
                .collectAsList()) {
            out.add(r.getString(0));
        }
        return List.copyOf(out);
    }

    private static LossModel fitOne(
            SparkSession session,
            Dataset<Row> frame,
            List<LossModel.Feature> features,
            int[] featureColumns,
            int predictionColumn,
            int actualColumn) {
        // the features only: a stand-in model that reads nothing, to build the vectors on the executors
        LossModel reader = new LossModel(features, null, null, 0, 0, "");
        JavaRDD<Row> points = frame.javaRDD().flatMap(row -> {
            Double prediction = LossModel.number(row.get(predictionColumn));
            Double actual = LossModel.number(row.get(actualColumn));
            if (prediction == null || actual == null || !Double.isFinite(prediction) || !Double.isFinite(actual)) {
                return List.<Row>of().iterator();
            }
            Object[] values = new Object[featureColumns.length];
            for (int i = 0; i < featureColumns.length; i++) {
                values[i] = row.get(featureColumns[i]);
            }
            double e = prediction - actual;
            Vector x = reader.vector(values, prediction);
            return List.of(RowFactory.create(x, Math.abs(e), e * e, draw(x.toArray(), e)))
                    .iterator();
        });
        StructType schema = new StructType(new StructField[] {
            new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty()),
            new StructField("abs", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("sq", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("draw", DataTypes.DoubleType, false, Metadata.empty())
        });
        Dataset<Row> data = session.createDataFrame(points, schema);
        long n = data.count();
        if (n < MIN_ROWS) {
            return null;
        }
        if (n > MAX_ROWS) {
            // by each row's own draw, not a Bernoulli sample: which rows are kept does not depend on how the source's
            // rows arrived or were partitioned
            data = data.where(functions.col("draw").lt((double) MAX_ROWS / n));
        }
        // a fixed number of partitions, rows placed and ordered by their draw: MLlib's own seeded sampling (of split
        // candidates) then sees the same rows in the same order on any cluster, and a refit gives the same trees;
        // each boosting step is a few Spark jobs whose cost is mostly per task, so the partitions are few
        data = data.repartition(FIT_PARTITIONS, functions.col("draw"))
                .sortWithinPartitions("draw")
                .cache();
        try {
            long fitted = data.count();
            GBTRegressionModel absolute = regressor("abs").fit(data);
            GBTRegressionModel squared = regressor("sq").fit(data);
            // κ from the fitted rows: Σ (e² − ê²)² / Σ ê²²
            double[] k = data.javaRDD()
                    .map(r -> {
                        double est = Math.max(0, squared.predict((Vector) r.get(0)));
                        double res = r.getDouble(2) - est;
                        return new double[] {res * res, est * est};
                    })
                    .reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            double kappa = k[1] == 0 ? 0 : k[0] / k[1];
            return new LossModel(features, absolute, squared, kappa, fitted, session.version());
        } finally {
            data.unpersist();
        }
    }

    private static GBTRegressor regressor(String label) {
        return new GBTRegressor()
                .setFeaturesCol("features")
                .setLabelCol(label)
                .setLossType("squared")
                .setMaxIter(MAX_ITER)
                .setMaxDepth(MAX_DEPTH)
                .setStepSize(STEP_SIZE)
                .setMaxBins(MAX_BINS)
                .setMinInstancesPerNode(MIN_INSTANCES_PER_NODE)
                .setSubsamplingRate(1.0)
                .setFeatureSubsetStrategy("all")
                .setSeed(SEED);
    }

    /**
     * A row's draw in [0, 1): a 64-bit mix (SplitMix64's finalizer) of its feature values, its error and {@link
     * #SEED}, so the same rows get the same draws wherever and in whatever order they are read.
     */
    static double draw(double[] features, double error) {
        long h = SEED;
        for (double v : features) {
            h = mix(h ^ Double.doubleToLongBits(v));
        }
        h = mix(h ^ Double.doubleToLongBits(error));
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
