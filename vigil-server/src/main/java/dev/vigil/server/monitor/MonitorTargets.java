package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.stats.multivariate.MultivariateMetrics;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pass evaluates: the monitors of a version that decode, the fields each names or its type watches in the
 * version's schema (or the dataset level), and, for segment detection, the segments stored for a focal window.
 */
final class MonitorTargets {
    // the evaluator's logger: a monitor left out is part of the evaluation's log, as it was before the split
    private static final Logger LOG = LoggerFactory.getLogger(MonitorEvaluator.class);

    private final Metastore store;

    MonitorTargets(Metastore store) {
        this.store = store;
    }

    /** The monitors of a version that decode against it; one that no longer does is logged and left out. */
    List<Monitor> monitors(ModelVersion version) {
        List<Monitor> out = new ArrayList<>();
        for (MonitorRepository.StoredMonitor m : store.monitors().list(version.modelId(), version.version())) {
            try {
                out.add(MonitorCodec.read(m.spec(), "monitor " + m.name(), version));
            } catch (VigilException e) {
                LOG.warn(
                        "monitor {} of {}/{} is not evaluated: {}",
                        m.name(),
                        version.modelId(),
                        version.version(),
                        e.getMessage());
            }
        }
        return out;
    }

    /** The fields a monitor evaluates ({@code null}: the dataset level). */
    static List<String> fields(ModelVersion v, Monitor m) {
        if (!m.fields().isEmpty()) {
            return m.fields();
        }
        List<String> out = new ArrayList<>();
        if (m.type() == MonitorType.MULTIVARIATE_DRIFT) {
            // the whole row, or each embedding and tensor field for the MMD metrics
            if (m.watchedMetric().startsWith("mmd")) {
                v.schema().fields().stream()
                        .filter(f -> f.type().kind() == FieldType.Kind.EMBEDDING
                                || f.type().kind() == FieldType.Kind.TENSOR)
                        .forEach(f -> out.add(f.name()));
            } else {
                out.add(MultivariateMetrics.ROW_FIELD);
            }
            return out;
        }
        switch (m.type().fields()) {
            case NONE, EXPLICIT -> out.add(null);
            case PREDICTIONS -> v.schema().group(FieldGroup.PREDICTIONS).forEach(f -> out.add(f.name()));
            case FEATURES -> v.schema().group(FieldGroup.FEATURES).forEach(f -> out.add(f.name()));
            case INPUTS -> {
                for (Field f : v.schema().fields()) {
                    boolean input = f.group() == FieldGroup.RAW_INPUTS || f.group() == FieldGroup.FEATURES;
                    FieldType.Kind k = f.type().kind();
                    boolean fits =
                            switch (m.type()) {
                                case VALUES_RANGE -> k == FieldType.Kind.NUMERIC;
                                case NEW_VALUES ->
                                    k == FieldType.Kind.CATEGORICAL
                                            || k == FieldType.Kind.STRING
                                            || k == FieldType.Kind.BOOLEAN;
                                default -> true;
                            };
                    if (input && fits) {
                        out.add(f.name());
                    }
                }
            }
        }
        return out;
    }

    /** The segment keys ({@code name=value}) stored for the focal window, in order. */
    List<String> segments(ModelVersion v, FocalWindows.Window w) {
        Set<String> keys = new TreeSet<>();
        store.profiles()
                .find(
                        v.modelId(),
                        v.version(),
                        DatasetKind.SERVING.specName(),
                        w.start(),
                        w.end(),
                        Optional.empty(),
                        Optional.of(""))
                .forEach(p -> {
                    if (!p.segment().isEmpty()) {
                        keys.add(p.segment());
                    }
                });
        return new ArrayList<>(keys);
    }
}
