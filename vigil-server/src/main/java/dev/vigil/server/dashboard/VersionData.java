package dev.vigil.server.dashboard;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.util.List;
import java.util.Optional;

/** What several pages read about a version besides its profiles: which datasets are connected, and its alerts. */
final class VersionData {
    private VersionData() {}

    /** Whether {@code v} has a serving dataset: without one, its pages have nothing to chart. */
    static boolean hasServing(Metastore store, ModelVersion v) {
        return store.datasets()
                .find(v.modelId(), v.version(), DatasetKind.SERVING)
                .isPresent();
    }

    /** Whether {@code v} has a training dataset, the baseline of its drift. */
    static boolean hasTraining(Metastore store, ModelVersion v) {
        return store.datasets()
                .find(v.modelId(), v.version(), DatasetKind.TRAINING)
                .isPresent();
    }

    /** The alerts of {@code v} (the 1,000 with the latest windows), for its tables and its charts' markers. */
    static List<Alert> alerts(Metastore store, ModelVersion v) {
        return store.alerts().list(Optional.of(v.modelId()), Optional.empty(), 1000).stream()
                .filter(a -> a.version().equals(v.version()))
                .toList();
    }
}
