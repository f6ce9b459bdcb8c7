package dev.vigil.core.spec;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Monitor;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Everything one YAML spec declares: a model, one of its versions, the datasets it connects and its monitors. */
public record ModelSpec(
        Model model, ModelVersion version, Map<DatasetKind, DatasetConnection> datasets, List<Monitor> monitors) {
    public ModelSpec {
        EnumMap<DatasetKind, DatasetConnection> copy = new EnumMap<>(DatasetKind.class);
        copy.putAll(datasets);
        datasets = Collections.unmodifiableMap(copy);
        monitors = monitors == null ? List.of() : List.copyOf(monitors);
    }

    /** A spec without monitors. */
    public ModelSpec(Model model, ModelVersion version, Map<DatasetKind, DatasetConnection> datasets) {
        this(model, version, datasets, List.of());
    }
}
