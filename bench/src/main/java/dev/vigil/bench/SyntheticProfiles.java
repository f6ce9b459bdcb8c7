package dev.vigil.bench;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.query.Rollups;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Synthetic stored profiles for the benchmarks that measure queries, not runs: model "bench" version "v1" with
 * FIELDS numeric features, DAYS × 24 hourly serving windows of {@link #ROWS_PER_WINDOW} values a field (watermark
 * at the end) and a 5,000-value training baseline, written straight into the metastore in {@code dir}.
 */
final class SyntheticProfiles {
    static final int ROWS_PER_WINDOW = 200;
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private SyntheticProfiles() {}

    static ModelVersion load(Path dir, int days, int fields) {
        Schema.Builder schema = Schema.builder();
        for (int f = 0; f < fields; f++) {
            schema.feature("n" + f, FieldType.numeric());
        }
        schema.prediction("score", FieldType.numeric());
        ModelVersion version =
                new ModelVersion("bench", "v1", ModelType.BINARY, AggregationPeriod.HOURLY, schema.build());
        Random random = new Random(42);
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
            register(store, version);
            Instant trainingStart = START.minus(Duration.ofDays(30));
            List<StoredProfile> training = new ArrayList<>();
            DatasetProfile trainingRows = new DatasetProfile();
            trainingRows.addRows(5_000);
            training.add(new StoredProfile(
                    trainingStart, trainingStart.plus(Duration.ofHours(1)), "", "", trainingRows.toBytes()));
            for (int f = 0; f < fields; f++) {
                training.add(new StoredProfile(
                        trainingStart,
                        trainingStart.plus(Duration.ofHours(1)),
                        "",
                        "n" + f,
                        numbers(random, f, 5_000)));
            }
            store.profiles()
                    .replaceWindows("bench", "v1", "training", List.of(trainingStart), training, Optional.empty());
            Rollups.refresh(store, version, "training", List.of(trainingStart));
            for (int d = 0; d < days; d++) {
                List<StoredProfile> profiles = new ArrayList<>();
                List<Instant> starts = new ArrayList<>();
                for (int h = 0; h < 24; h++) {
                    Instant ws = START.plus(Duration.ofHours(24L * d + h));
                    starts.add(ws);
                    DatasetProfile rows = new DatasetProfile();
                    rows.addRows(ROWS_PER_WINDOW);
                    profiles.add(new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", "", rows.toBytes()));
                    for (int f = 0; f < fields; f++) {
                        profiles.add(new StoredProfile(
                                ws, ws.plus(Duration.ofHours(1)), "", "n" + f, numbers(random, f, ROWS_PER_WINDOW)));
                    }
                }
                Instant end = starts.get(23).plus(Duration.ofHours(1));
                store.profiles().replaceWindows("bench", "v1", "serving", starts, profiles, Optional.of(end));
                Rollups.refresh(store, version, "serving", starts); // as a run does
            }
        }
        return version;
    }

    /** The admin token of {@link #server}. */
    static final String TOKEN = "vgl_bench_token_0123456789abcdef";

    /** Model "bench" with {@code version}, and its serving and training datasets on a source never read. */
    static void register(Metastore store, ModelVersion version) {
        store.models().upsert(new Model("bench", "Bench"));
        store.versions().upsert(version);
        PostgresJdbcDataSource none = PostgresJdbcDataSource.builder()
                .url("jdbc:postgresql://localhost:5432/none")
                .query("SELECT 1")
                .user("none")
                .build();
        for (DatasetKind kind : List.of(DatasetKind.SERVING, DatasetKind.TRAINING)) {
            store.datasets().upsert("bench", "v1", DatasetConnection.of(kind, none, "id", "ts"));
        }
    }

    /** A server on the metastore in {@code dir}: any free port, {@link #TOKEN} as admin, no scheduler. */
    static VigilServer server(Path dir) {
        return VigilServer.start(
                ServerConfig.defaults()
                        .withPort(0)
                        .withDataDir(dir)
                        .withAdminToken(TOKEN)
                        .withSchedulerTick(Duration.ZERO),
                Map.of(),
                Clock.systemUTC());
    }

    /** A numeric profile of {@code n} values around field {@code f}'s mean. */
    private static byte[] numbers(Random random, int f, int n) {
        FieldProfile p = FieldProfile.create(FieldType.numeric());
        for (int i = 0; i < n; i++) {
            p.addNumber(random.nextGaussian() * (f + 1) + f);
        }
        return p.toBytes();
    }
}
