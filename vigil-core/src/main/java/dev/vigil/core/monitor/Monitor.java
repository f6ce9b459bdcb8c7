package dev.vigil.core.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A monitor of a model version: what it watches ({@code type}, the {@code fields}, the {@code metric} or the
 * custom {@code expression}), over which focal window (one hour, one day or one week, at least the version's
 * aggregation period), how it decides ({@code detection}), when it may decide (at least {@code minFocalRows} rows
 * in the focal window and {@code minBaselineRows} in the baseline), how bad its alerts are and where they go.
 */
public record Monitor(
        String name,
        MonitorType type,
        List<String> fields,
        String metric,
        String expression,
        Duration focal,
        Detection detection,
        Severity severity,
        long minFocalRows,
        long minBaselineRows,
        List<Action> actions) {
    public Monitor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(focal, "focal");
        Objects.requireNonNull(detection, "detection");
        fields = fields == null ? List.of() : List.copyOf(fields);
        actions = actions == null ? List.of() : List.copyOf(actions);
        severity = severity == null ? Severity.MEDIUM : severity;
    }

    /** The metric watched: the one named, or the type's default. */
    public String watchedMetric() {
        if (type == MonitorType.CUSTOM_METRIC) {
            return "custom:" + name;
        }
        return metric != null ? metric : type.defaultMetric();
    }
}
