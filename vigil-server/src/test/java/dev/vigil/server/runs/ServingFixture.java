package dev.vigil.server.runs;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.store.Metastore;
import java.util.Map;

/**
 * The model these run tests store: {@code m/v1}, hourly, one feature and one prediction, with a serving dataset whose
 * source is never reached (the tests drive the run service and the metastore, not a source).
 */
final class ServingFixture {
    private ServingFixture() {}

    /** Stores {@code m/v1} and its serving dataset in {@code store}, and returns the version. */
    static ModelVersion store(Metastore store) {
        ModelVersion v = new ModelVersion(
                "m",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("a", FieldType.numeric())
                        .prediction("p", FieldType.numeric())
                        .build());
        store.models().upsert(new Model("m", "M"));
        store.versions().upsert(v);
        store.datasets()
                .upsert(
                        "m",
                        "v1",
                        new DatasetConnection(
                                DatasetKind.SERVING,
                                PostgresJdbcDataSource.builder()
                                        .url("jdbc:postgresql://db.example.com:5432/shop")
                                        .query("SELECT id, ts, a, p FROM predictions")
                                        .user("reader")
                                        .password("never-used")
                                        .build(),
                                "id",
                                "ts",
                                Map.of(),
                                Map.of()));
        return v;
    }
}
