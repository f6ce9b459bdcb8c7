package dev.vigil.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one dataset of a version is read: its source, the id and timestamp columns, explicit
 * field-to-column mappings per group (a field without one maps to the column of the same name) and
 * {@code labels}: the column holding the actual of a prediction (or actual) field.
 */
public record DatasetConnection(
        DatasetKind dataset,
        PostgresJdbcDataSource source,
        String idColumn,
        String timestampColumn,
        Map<FieldGroup, Map<String, String>> mappings,
        Map<String, String> labels,
        CronSchedule schedule) {

    /** A connection on the default schedule of its version ({@link CronSchedule#defaultFor}). */
    public DatasetConnection(
            DatasetKind dataset,
            PostgresJdbcDataSource source,
            String idColumn,
            String timestampColumn,
            Map<FieldGroup, Map<String, String>> mappings,
            Map<String, String> labels) {
        this(dataset, source, idColumn, timestampColumn, mappings, labels, null);
    }

    public DatasetConnection {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
        EnumMap<FieldGroup, Map<String, String>> copy = new EnumMap<>(FieldGroup.class);
        mappings.forEach((group, map) -> {
            if (!map.isEmpty()) {
                copy.put(group, Collections.unmodifiableMap(new LinkedHashMap<>(map)));
            }
        });
        mappings = Collections.unmodifiableMap(copy);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A connection with default mappings (every field maps to the column of its own name) and no labels. */
    public static DatasetConnection of(
            DatasetKind dataset, PostgresJdbcDataSource source, String idColumn, String timestampColumn) {
        return new DatasetConnection(dataset, source, idColumn, timestampColumn, Map.of(), Map.of());
    }

    /** When the scheduler pulls this dataset: its own schedule, or the default of {@code period}. */
    public CronSchedule scheduleOr(AggregationPeriod period) {
        return schedule != null ? schedule : CronSchedule.defaultFor(period);
    }

    /** The source column a field is read from. */
    public String columnFor(Field field) {
        return mappings.getOrDefault(field.group(), Map.of()).getOrDefault(field.name(), field.name());
    }

    /** The same connection with its source's password replaced. */
    public DatasetConnection withPassword(String password) {
        return new DatasetConnection(
                dataset, source.withPassword(password), idColumn, timestampColumn, mappings, labels, schedule);
    }
}
