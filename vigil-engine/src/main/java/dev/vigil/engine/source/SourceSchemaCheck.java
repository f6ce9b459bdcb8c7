package dev.vigil.engine.source;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.spec.SpecValidator;
import dev.vigil.engine.source.ColumnTypes.Shape;
import dev.vigil.engine.spark.SparkRuntime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a dataset's probed columns against the version: the id and timestamp columns, every field the dataset
 * must carry and every label, each present with a type its field can be read from.
 */
final class SourceSchemaCheck {
    private static final int MAX_LISTED_COLUMNS = 20;

    private SourceSchemaCheck() {}

    /**
     * Applies the source's {@code select_expr} to the {@code probed} columns and checks the result; all problems
     * are reported together, keys prefixed with {@code prefix} (e.g. {@code "serving."}). Returns the columns as
     * the engine will see them (after {@code select_expr}, which {@code spark} analyses).
     */
    static List<SourceColumn> check(
            ModelVersion version,
            DatasetConnection connection,
            String prefix,
            List<SourceColumn> probed,
            SparkRuntime spark) {
        List<SourceColumn> columns = probed;
        if (!connection.source().selectExpr().isEmpty()) {
            columns = SelectExpressions.apply(
                    spark.session(), columns, connection.source().selectExpr(), prefix + "data_source.select_expr");
        }
        Columns available = new Columns(columns);
        List<String> problems = new ArrayList<>();
        available.check(prefix + "id_column", connection.idColumn(), ColumnTypes.ID, "an id", problems);
        available.check(
                prefix + "timestamp_column",
                connection.timestampColumn(),
                ColumnTypes.TIMESTAMP,
                "a timestamp",
                problems);
        for (Field field : version.schema().fields()) {
            String column = connection.columnFor(field);
            boolean explicit =
                    connection.mappings().getOrDefault(field.group(), Map.of()).containsKey(field.name());
            if (!carries(connection.dataset(), field.group())
                    && !(explicit || optionalButPresent(connection, field, available))) {
                continue;
            }
            available.check(
                    prefix + field.group().specName() + "." + field.name(),
                    column,
                    ColumnTypes.accepted(field.type().kind()),
                    "a " + field.type().kind().specName() + " field",
                    shape -> fix(field, column, shape),
                    problems);
        }
        connection.labels().forEach((fieldName, column) -> {
            Optional<Field> field = version.schema()
                    .field(FieldGroup.PREDICTIONS, fieldName)
                    .or(() -> version.schema().field(FieldGroup.ACTUALS, fieldName));
            if (field.isPresent()) {
                available.check(
                        prefix + "labels." + fieldName,
                        column,
                        labelShapes(version.modelType(), field.get().type()),
                        "the label of a " + field.get().type().kind().specName() + " prediction",
                        problems);
            }
        });
        SpecValidator.throwIfAny(problems);
        return columns;
    }

    private static final Set<Shape> SCALARS =
            EnumSet.of(Shape.STRING, Shape.INTEGER, Shape.DECIMAL, Shape.BOOLEAN, Shape.TIMESTAMP, Shape.DATE);

    /**
     * The two ways out of a type mismatch, as "; declare owner as string (or categorical), or cast the column in the
     * query (owner_name::numeric)": the kind that reads the column as it is, and the cast to the declared kind.
     */
    static String fix(Field field, String column, Shape shape) {
        String declare =
                switch (shape) {
                    case STRING -> "string (or categorical)";
                    case INTEGER -> "numeric (or categorical)";
                    case DECIMAL -> "numeric";
                    case BOOLEAN -> "boolean";
                    case TIMESTAMP, DATE -> "datetime";
                    case NUMBER_ARRAY -> "tensor (or array)";
                    case OTHER_ARRAY -> "array";
                    case JSON, MAP -> "dict";
                    case OTHER -> null;
                };
        String cast =
                switch (field.type().kind()) {
                    case NUMERIC -> "numeric";
                    case BOOLEAN -> "boolean";
                    case DATETIME -> "timestamptz";
                    case CATEGORICAL, STRING, TEXT -> "text";
                    case TENSOR, EMBEDDING, DICT, ARRAY -> null; // no cast makes one from a scalar, or the reverse
                };
        if (!SCALARS.contains(shape)) {
            cast = null;
        }
        List<String> ways = new ArrayList<>();
        if (declare != null) {
            ways.add("declare " + field.name() + " as " + declare);
        }
        if (cast != null) {
            ways.add("cast the column in the query (" + SourceSql.cast(column, cast) + ")");
        }
        return ways.isEmpty() ? "" : "; " + String.join(", or ", ways);
    }

    /** Serving carries every input and prediction; training and testing carry features and predictions; actuals only labels. */
    private static boolean carries(DatasetKind dataset, FieldGroup group) {
        return switch (dataset) {
            case SERVING -> group != FieldGroup.ACTUALS;
            case TRAINING, TESTING -> group == FieldGroup.FEATURES || group == FieldGroup.PREDICTIONS;
            case ACTUALS -> false;
        };
    }

    /** A raw input in a training set is optional, but when its column is there it must fit. */
    private static boolean optionalButPresent(DatasetConnection connection, Field field, Columns available) {
        return connection.dataset() != DatasetKind.ACTUALS
                && field.group() == FieldGroup.RAW_INPUTS
                && available.find(connection.columnFor(field)).isPresent();
    }

    private static Set<Shape> labelShapes(ModelType model, FieldType type) {
        Set<Shape> shapes = EnumSet.copyOf(ColumnTypes.accepted(type.kind()));
        if (type.kind() == FieldType.Kind.NUMERIC) {
            // A score's actual is the class it scores: bought = true/false.
            shapes.add(Shape.BOOLEAN);
        }
        if (type.kind() == FieldType.Kind.DICT && model == ModelType.MULTICLASS) {
            // A dict of class → probability is labeled by the class: species = 'setosa'.
            shapes.addAll(EnumSet.of(Shape.STRING, Shape.INTEGER, Shape.BOOLEAN));
        }
        if (type.kind() == FieldType.Kind.DICT && model == ModelType.MULTI_LABEL) {
            // A dict of label → score is labeled by a label set: an array, or a dict as the prediction.
            shapes.addAll(ColumnTypes.accepted(FieldType.Kind.ARRAY));
        }
        return shapes;
    }

    /** The probed columns by name: exact match first, then ignoring case as Spark does. */
    private static final class Columns {
        private final Map<String, SourceColumn> byName = new LinkedHashMap<>();

        Columns(List<SourceColumn> columns) {
            columns.forEach(c -> byName.putIfAbsent(c.name(), c));
        }

        Optional<SourceColumn> find(String name) {
            SourceColumn exact = byName.get(name);
            if (exact != null) {
                return Optional.of(exact);
            }
            return byName.values().stream()
                    .filter(c -> c.name().equalsIgnoreCase(name))
                    .findFirst();
        }

        void check(String key, String column, Set<Shape> accepted, String what, List<String> problems) {
            check(key, column, accepted, what, shape -> "", problems);
        }

        /** {@code fix} gives what to add to a mismatch, from the column's shape ("" for nothing). */
        void check(
                String key,
                String column,
                Set<Shape> accepted,
                String what,
                Function<Shape, String> fix,
                List<String> problems) {
            if (column == null || column.isBlank()) {
                return; // reported by the spec validator
            }
            Optional<SourceColumn> found = find(column);
            if (found.isEmpty()) {
                problems.add(key + ": column '" + column + "' is not in the query's result (it has " + listed() + ")");
                return;
            }
            Shape shape = ColumnTypes.shape(found.get().typeName());
            if (!accepted.contains(shape)) {
                problems.add(key + ": column '" + column + "' is "
                        + ColumnTypes.userName(found.get().typeName())
                        + ", but " + what + " is read from a column of type " + ColumnTypes.describe(accepted)
                        + fix.apply(shape));
            }
        }

        private String listed() {
            List<String> names = new ArrayList<>(byName.keySet());
            if (names.size() <= MAX_LISTED_COLUMNS) {
                return String.join(", ", names);
            }
            return String.join(", ", names.subList(0, MAX_LISTED_COLUMNS)) + " and "
                    + (names.size() - MAX_LISTED_COLUMNS) + " more";
        }
    }
}
