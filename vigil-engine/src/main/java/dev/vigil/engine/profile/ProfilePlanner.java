package dev.vigil.engine.profile;

import static dev.vigil.engine.profile.FrameColumns.index;
import static dev.vigil.engine.profile.FrameColumns.indexOf;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Segment;
import dev.vigil.engine.profile.DatasetProfiler.Prepared;
import dev.vigil.engine.spark.UserExpressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;

/**
 * Builds the {@link ProfilePlan} a partition profiles with, on the driver: which column each field, segment and
 * performance is read from in the frame after {@code select_expr}, the joined actuals and the segment columns.
 */
final class ProfilePlanner {
    /** The {@code where} condition of segment {@code i} is computed into column {@code vigil_segment_<i>}. */
    private static final String SEGMENT_COLUMN = "vigil_segment_";

    private ProfilePlanner() {}

    /** {@code frame} with a boolean column per {@code where} segment; a condition Spark cannot evaluate is an error. */
    static Dataset<Row> withSegmentColumns(Dataset<Row> frame, List<Segment> segments) {
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.isWhere()) {
                // checked when the version was stored; checked again before Spark parses and analyses it
                UserExpressions.check("segments[" + i + "].where", s.where());
                try {
                    frame = frame.withColumn(SEGMENT_COLUMN + i, functions.expr(s.where()));
                    frame.schema();
                } catch (Exception e) {
                    if (e instanceof AnalysisException || e instanceof ParseException) {
                        throw new VigilArgumentException(
                                "segments[" + i + "].where: Spark cannot evaluate '" + s.where() + "': "
                                        + e.getMessage().lines().findFirst().orElse(""));
                    }
                    throw e;
                }
            }
        }
        return frame;
    }

    /**
     * The plan over the frame's {@code columns} (after {@link #withSegmentColumns}); with {@code performanceOnly},
     * no field is profiled, only the dataset counts and performance.
     */
    static ProfilePlan plan(Prepared prepared, String[] columns, List<Segment> segments, boolean performanceOnly) {
        ModelVersion version = prepared.version();
        DatasetConnection connection = prepared.connection();
        List<ProfilePlan.FieldPlan> fields = new ArrayList<>();
        Map<String, Integer> fieldColumns = new LinkedHashMap<>();
        for (Field f : version.schema().fields()) {
            if (f.group() == FieldGroup.ACTUALS) {
                continue; // actuals are profiled with performance, from labels
            }
            Optional<Integer> column = indexOf(columns, connection.columnFor(f));
            if (column.isEmpty()) {
                continue; // optional here (a raw input absent from a training set), checked by prepare()
            }
            fields.add(new ProfilePlan.FieldPlan(
                    f.name(), column.get(), f.type().kind(), f.type().dimensions()));
            fieldColumns.put(f.name(), column.get());
        }
        List<ProfilePlan.SegmentPlan> segmentPlans = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.isWhere()) {
                segmentPlans.add(new ProfilePlan.SegmentPlan(
                        s.name(),
                        indexOf(columns, SEGMENT_COLUMN + i).orElseThrow(),
                        FieldType.Kind.BOOLEAN,
                        List.of(),
                        true));
            } else {
                Field f = version.schema().fields().stream()
                        .filter(x -> x.name().equals(s.field()))
                        .findFirst()
                        .orElseThrow();
                Integer column = fieldColumns.get(f.name());
                if (column != null) {
                    segmentPlans.add(new ProfilePlan.SegmentPlan(
                            s.name(), column, f.type().kind(), s.buckets(), false));
                }
            }
        }
        String prefix = connection.dataset().specName() + ".";
        int id = index(columns, connection.idColumn(), prefix + "id_column");
        int ts = index(columns, connection.timestampColumn(), prefix + "timestamp_column");
        return new ProfilePlan(
                id,
                ts,
                version.aggregationPeriod().length().toSeconds(),
                performanceOnly ? List.of() : fields,
                segmentPlans,
                performancePlans(prepared, columns),
                performanceOnly ? null : samplePlan(version, fields));
    }

    /** The version's row sample over the fields profiled; null when it samples none or no field can be sampled. */
    private static ProfilePlan.SamplePlan samplePlan(ModelVersion version, List<ProfilePlan.FieldPlan> fields) {
        if (!version.sample().enabled()) {
            return null;
        }
        List<ProfilePlan.SampleColumn> columns = SampleRows.columns(fields);
        return columns.isEmpty()
                ? null
                : new ProfilePlan.SamplePlan(
                        version.sample().rows(), version.sample().vectorRows(), columns);
    }

    /**
     * One performance plan per prediction field the dataset has a label column for, on its own query or joined
     * from the actuals dataset. A boolean prediction of a binary model takes its score from the numeric
     * prediction labeled with the same column, if there is one.
     */
    private static List<ProfilePlan.PerformancePlan> performancePlans(Prepared prepared, String[] columns) {
        ModelVersion version = prepared.version();
        DatasetConnection connection = prepared.connection();
        Map<String, String> labels = new LinkedHashMap<>(connection.labels());
        List<Field> joined = prepared.joinedLabels();
        for (int i = 0; i < joined.size(); i++) {
            labels.put(joined.get(i).name(), ActualsJoin.LABEL_COLUMN + i);
        }
        List<ProfilePlan.PerformancePlan> plans = new ArrayList<>();
        String prefix = connection.dataset().specName() + ".";
        for (Field f : version.schema().fields()) {
            String labelColumn = labels.get(f.name());
            if (f.group() != FieldGroup.PREDICTIONS || labelColumn == null) {
                continue;
            }
            int prediction = index(columns, connection.columnFor(f), prefix + "predictions." + f.name());
            int actual = index(columns, labelColumn, prefix + "labels." + f.name());
            int score = -1;
            if (f.type().kind() == FieldType.Kind.BOOLEAN) {
                for (Field other : version.schema().fields()) {
                    if (other.group() == FieldGroup.PREDICTIONS
                            && other.type().kind() == FieldType.Kind.NUMERIC
                            && sameActual(prepared, labels, f, other)) {
                        score = indexOf(columns, connection.columnFor(other)).orElse(-1);
                        break;
                    }
                }
            }
            plans.add(new ProfilePlan.PerformancePlan(
                    f.name(),
                    version.modelType(),
                    f.type().kind(),
                    prediction,
                    score,
                    actual,
                    connection.labels().containsKey(f.name())
                            ? -1
                            : indexOf(columns, ActualsJoin.ACTUAL_AT).orElse(-1),
                    version.performance().threshold(),
                    version.performance().k(),
                    lossPlan(prepared, columns, f)));
        }
        return plans;
    }

    /** DLE's plan for prediction {@code f} when a loss model was fitted for it (ADR 0028), else null. */
    private static ProfilePlan.LossPlan lossPlan(Prepared prepared, String[] columns, Field f) {
        LossModel model = prepared.lossModels().get(f.name());
        if (model == null || prepared.version().modelType() != ModelType.REGRESSION) {
            return null;
        }
        Map<String, Field> byName = new LinkedHashMap<>();
        prepared.version().schema().fields().forEach(field -> byName.put(field.name(), field));
        int[] featureColumns = new int[model.features().size()];
        for (int i = 0; i < featureColumns.length; i++) {
            Field field = byName.get(model.features().get(i).field());
            featureColumns[i] = field == null
                    ? -1
                    : indexOf(columns, prepared.connection().columnFor(field)).orElse(-1);
        }
        return new ProfilePlan.LossPlan(model, featureColumns);
    }

    /** Whether two predictions are labeled by the same column (of this query, or of the actuals query). */
    private static boolean sameActual(Prepared prepared, Map<String, String> labels, Field a, Field b) {
        Map<String, String> own = prepared.connection().labels();
        if (own.containsKey(a.name()) || own.containsKey(b.name())) {
            return Objects.equals(own.get(a.name()), own.get(b.name()));
        }
        Map<String, String> joined = prepared.actuals() == null
                ? Map.of()
                : prepared.actuals().connection().labels();
        return labels.containsKey(b.name()) && Objects.equals(joined.get(a.name()), joined.get(b.name()));
    }
}
