package dev.vigil.core.spec;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules a model, version and dataset connection must follow. Each check returns every problem it
 * finds, one sentence each, prefixed by the key it is about ({@code version.features.amount: ...}),
 * so that a user fixes a spec in one go.
 */
public final class SpecValidator {
    /** Model and version ids: used in URLs and file names. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * Fields of a version at most: every window of every segment profiles each of them, so the count multiplies the
     * memory of a run; 2,000 is far past a wide tabular model.
     */
    public static final int MAX_FIELDS = 2_000;

    /** Segments of a version at most: each multiplies the profiles of every window by its values (up to 1,000). */
    public static final int MAX_SEGMENTS = 20;

    private static final Map<ModelType, Set<Kind>> PREDICTION_KINDS = Map.of(
            ModelType.BINARY, EnumSet.of(Kind.BOOLEAN, Kind.NUMERIC, Kind.CATEGORICAL),
            ModelType.MULTICLASS, EnumSet.of(Kind.STRING, Kind.CATEGORICAL, Kind.DICT),
            ModelType.MULTI_LABEL, EnumSet.of(Kind.DICT, Kind.ARRAY),
            ModelType.REGRESSION, EnumSet.of(Kind.NUMERIC),
            ModelType.RANKING, EnumSet.of(Kind.ARRAY));

    private SpecValidator() {}

    /** Throws one {@link VigilArgumentException} listing all problems, if any. */
    public static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw VigilArgumentException.of(problems);
        }
    }

    /** Checks an id ({@code key} names it in messages). */
    public static List<String> idProblems(String id, String key) {
        if (id == null || id.isBlank()) {
            return List.of(key + ": is required");
        }
        if (!ID.matcher(id).matches()) {
            return List.of(key + ": '" + id + "' is not a valid id (expected 1 to 128 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit)");
        }
        return List.of();
    }

    /** Every structural problem of a version; {@code prefix} is prepended to keys (e.g. {@code version.}). */
    public static List<String> versionProblems(ModelVersion version, String prefix) {
        List<String> problems = new ArrayList<>(idProblems(version.version(), prefix + "model_version"));
        Map<String, FieldGroup> firstGroup = new HashMap<>();
        for (Field field : version.schema().fields()) {
            String key = prefix + field.group().specName() + "." + field.name();
            if (field.name().isBlank()) {
                problems.add(prefix + field.group().specName() + ": a field name is empty");
                continue;
            }
            if (field.name().startsWith("#")) {
                problems.add(key + ": a field name cannot start with '#' (Vigil keeps such names for itself)");
            }
            FieldGroup previous = firstGroup.get(field.name());
            boolean actualOfPrediction = field.group() == FieldGroup.ACTUALS && previous == FieldGroup.PREDICTIONS;
            if (previous != null && !actualOfPrediction) {
                problems.add(key + ": the name '" + field.name() + "' is declared twice (also in " + previous.specName()
                        + "); field names must be unique");
            } else if (previous == null) {
                firstGroup.put(field.name(), field.group());
            }
            if (field.group() == FieldGroup.PREDICTIONS) {
                Set<Kind> allowed = PREDICTION_KINDS.get(version.modelType());
                if (!allowed.contains(field.type().kind())) {
                    problems.add(key + ": type '" + field.type() + "' does not fit model_type '"
                            + version.modelType().specName() + "' (expected "
                            + allowed.stream().map(Kind::specName).collect(Collectors.joining(" or ")) + ")");
                }
            }
        }
        if (version.schema().group(FieldGroup.PREDICTIONS).isEmpty()) {
            problems.add(prefix + "predictions: at least one prediction is required");
        }
        int fields = version.schema().fields().size();
        if (fields > MAX_FIELDS) {
            problems.add(prefix + "model_version: declares " + fields + " fields, more than the " + MAX_FIELDS
                    + " a version may have");
        }
        if (version.segments().size() > MAX_SEGMENTS) {
            problems.add(prefix + "segments: has " + version.segments().size() + " segments, more than the "
                    + MAX_SEGMENTS + " a version may have");
        }
        return problems;
    }

    /**
     * Every problem of a dataset connection against the version it belongs to: id and timestamp
     * columns, mappings and labels. The source itself is checked by {@link #sourceProblems}.
     */
    public static List<String> datasetProblems(ModelVersion version, DatasetConnection connection, String prefix) {
        List<String> problems = new ArrayList<>();
        if (blank(connection.idColumn())) {
            problems.add(prefix + "id_column: is required (the column that identifies each "
                    + (connection.dataset() == DatasetKind.ACTUALS ? "prediction an actual belongs to)" : "row)"));
        }
        if (blank(connection.timestampColumn())) {
            problems.add(prefix + "timestamp_column: is required (the column holding when each row "
                    + (connection.dataset() == DatasetKind.ACTUALS ? "was labeled)" : "was predicted)"));
        }
        connection
                .mappings()
                .forEach((group, mapping) -> mapping.forEach((fieldName, column) -> {
                    String key = prefix + group.specName() + "." + fieldName;
                    if (version.schema().field(group, fieldName).isEmpty()) {
                        problems.add(key + ": version " + version.version() + " has no " + group.singular() + " named '"
                                + fieldName + "' (" + group.specName() + ": " + names(version, group) + ")");
                    }
                    if (blank(column)) {
                        problems.add(key + ": the column name is empty");
                    }
                }));
        connection.labels().forEach((fieldName, column) -> {
            String key = prefix + "labels." + fieldName;
            boolean known = version.schema()
                            .field(FieldGroup.PREDICTIONS, fieldName)
                            .isPresent()
                    || version.schema().field(FieldGroup.ACTUALS, fieldName).isPresent();
            if (!known) {
                problems.add(key + ": version " + version.version() + " has no prediction or actual named '" + fieldName
                        + "' (predictions: " + names(version, FieldGroup.PREDICTIONS) + ")");
            }
            if (blank(column)) {
                problems.add(key + ": the column name is empty");
            }
        });
        if (connection.dataset() == DatasetKind.ACTUALS && connection.labels().isEmpty()) {
            problems.add(prefix + "labels: an actuals dataset needs at least one label (prediction field: column)");
        }
        return problems;
    }

    /**
     * A prediction labeled both on the serving query and by the actuals dataset has two truths: each prediction
     * is labeled in one dataset. Keys name {@code connection}, the one being connected; {@code other} is the
     * version's serving or actuals dataset already connected.
     */
    public static List<String> labelConflicts(DatasetConnection connection, DatasetConnection other, String prefix) {
        List<String> problems = new ArrayList<>();
        boolean pair = EnumSet.of(DatasetKind.SERVING, DatasetKind.ACTUALS)
                .equals(EnumSet.of(connection.dataset(), other.dataset()));
        if (!pair) {
            return problems;
        }
        connection.labels().forEach((field, column) -> {
            String theirs = other.labels().get(field);
            if (theirs != null) {
                problems.add(prefix + "labels." + field + ": prediction '" + field + "' is already labeled by the "
                        + other.dataset().specName() + " dataset ("
                        + other.dataset().specName() + ".labels." + field
                        + ": " + theirs + "); label each prediction in one dataset");
            }
        });
        return problems;
    }

    /** Problems of the source alone: URL, query, user, sampling and read options. */
    public static List<String> sourceProblems(PostgresJdbcDataSource source, String prefix) {
        List<String> problems = new ArrayList<>();
        if (blank(source.url())) {
            problems.add(prefix + "url: is required (expected jdbc:postgresql://host:port/database)");
        }
        if (blank(source.user())) {
            problems.add(prefix + "user: is required (a read-only PostgreSQL user; see vigil grant-sql)");
        }
        problems.addAll(sourceValueProblems(
                source.url(), source.query(), source.sampleSize(), source.selectExpr(), source.readOptions(), prefix));
        problems.addAll(allowWritableRoleProblems(source.allowWritableRole(), prefix));
        return problems;
    }

    /**
     * Problems of {@code allow_writable_role}: when given, it is the name of one role (the one the source logs in
     * as), never blank; {@code null} is the default (read-only roles only).
     */
    static List<String> allowWritableRoleProblems(String allowWritableRole, String prefix) {
        if (allowWritableRole != null && allowWritableRole.isBlank()) {
            return List.of(prefix + "allow_writable_role: is blank (expected the name of the role the source logs in"
                    + " as, or no key for read-only roles only)");
        }
        return List.of();
    }

    /**
     * Problems of the values a source was given; a null {@code url} or {@code query} is skipped (its
     * absence is reported where it was read).
     */
    static List<String> sourceValueProblems(
            String url,
            String query,
            double sampleSize,
            List<String> selectExpr,
            Map<String, String> readOptions,
            String prefix) {
        List<String> problems = new ArrayList<>();
        if (!blank(url)) {
            dev.vigil.core.model.Jdbc.sourceUrlProblem(url, prefix + "url").ifPresent(problems::add);
        }
        if (query != null) {
            SqlQueries.problem(query, prefix + "query").ifPresent(problems::add);
        }
        if (!(sampleSize > 0 && sampleSize <= 1)) {
            problems.add(prefix + "sample_size: " + sampleSize + " is out of range (expected 0 < f <= 1)");
        }
        for (int i = 0; i < selectExpr.size(); i++) {
            if (blank(selectExpr.get(i))) {
                problems.add(prefix + "select_expr[" + i + "]: is empty (expected a Spark SQL select expression)");
            }
        }
        problems.addAll(ReadOptions.problems(readOptions, prefix + "read_options"));
        return problems;
    }

    private static String names(ModelVersion version, FieldGroup group) {
        List<Field> fields = version.schema().group(group);
        return fields.isEmpty() ? "none" : fields.stream().map(Field::name).collect(Collectors.joining(", "));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
