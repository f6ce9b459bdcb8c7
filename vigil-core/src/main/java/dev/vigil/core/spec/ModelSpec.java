package dev.vigil.core.spec;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Everything one YAML spec declares: a model, one of its versions and the datasets it connects. */
public record ModelSpec(Model model, ModelVersion version, Map<DatasetKind, DatasetConnection> datasets) {
    public ModelSpec {
        EnumMap<DatasetKind, DatasetConnection> copy = new EnumMap<>(DatasetKind.class);
        copy.putAll(datasets);
        datasets = Collections.unmodifiableMap(copy);
    }
}
