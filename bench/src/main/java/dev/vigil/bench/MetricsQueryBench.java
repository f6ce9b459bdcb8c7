package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency of a {@code metrics} query over a year of hourly windows for 20 numeric fields,
 * answered from stored profiles by a warm server.
 *
 * <p>The profiles are synthetic (each window profiles {@code ROWS_PER_WINDOW} random values per
 * field) and written straight into the metastore, since a year of real runs would measure the
 * source, not the query. Usage: {@code java -cp ... dev.vigil.bench.MetricsQueryBench [days] [fields]}.
 */
public final class MetricsQueryBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(MetricsQueryBench.class);

    private static final int ROWS_PER_WINDOW = 200;
    private static final String TOKEN = "vgl_bench_token_0123456789abcdef";

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 365;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        // "drift": also store a training baseline and time drift queries instead of metrics queries
        boolean drift = args.length > 2 && args[2].equals("drift");
        Path dir = Files.createTempDirectory("vigil-bench");
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(days));
        Schema.Builder schema = Schema.builder();
        for (int f = 0; f < fields; f++) {
            schema.feature("n" + f, FieldType.numeric());
        }
        schema.prediction("score", FieldType.numeric());
        ModelVersion version =
                new ModelVersion("bench", "v1", ModelType.BINARY, AggregationPeriod.HOURLY, schema.build());
        long loadStarted = System.nanoTime();
        long storeNanos = 0;
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
            store.models().upsert(new Model("bench", "Bench"));
            store.versions().upsert(version);
            store.datasets()
                    .upsert(
                            "bench",
                            "v1",
                            DatasetConnection.of(
                                    DatasetKind.SERVING,
                                    PostgresJdbcDataSource.builder()
                                            .url("jdbc:postgresql://localhost:5432/none")
                                            .query("SELECT 1")
                                            .user("none")
                                            .build(),
                                    "id",
                                    "ts"));
            Random random = new Random(42);
            if (drift) {
                store.datasets()
                        .upsert(
                                "bench",
                                "v1",
                                DatasetConnection.of(
                                        DatasetKind.TRAINING,
                                        PostgresJdbcDataSource.builder()
                                                .url("jdbc:postgresql://localhost:5432/none")
                                                .query("SELECT 1")
                                                .user("none")
                                                .build(),
                                        "id",
                                        "ts"));
                Instant trainingStart = start.minus(Duration.ofDays(30));
                List<StoredProfile> training = new ArrayList<>();
                for (int f = 0; f < fields; f++) {
                    FieldProfile p = FieldProfile.create(FieldType.numeric());
                    for (int i = 0; i < 5_000; i++) {
                        p.addNumber(random.nextGaussian() * (f + 1) + f);
                    }
                    training.add(new StoredProfile(
                            trainingStart, trainingStart.plus(Duration.ofHours(1)), "", "n" + f, p.toBytes()));
                }
                store.profiles()
                        .replaceWindows("bench", "v1", "training", List.of(trainingStart), training, Optional.empty());
                Rollups.refresh(store, version, "training", List.of(trainingStart));
            }
            for (int d = 0; d < days; d++) {
                List<StoredProfile> profiles = new ArrayList<>();
                List<Instant> starts = new ArrayList<>();
                for (int h = 0; h < 24; h++) {
                    Instant ws = start.plus(Duration.ofHours(24L * d + h));
                    starts.add(ws);
                    DatasetProfile rows = new DatasetProfile();
                    rows.addRows(ROWS_PER_WINDOW);
                    profiles.add(new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", "", rows.toBytes()));
                    for (int f = 0; f < fields; f++) {
                        FieldProfile p = FieldProfile.create(FieldType.numeric());
                        for (int i = 0; i < ROWS_PER_WINDOW; i++) {
                            p.addNumber(random.nextGaussian() * (f + 1) + f);
                        }
                        profiles.add(new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", "n" + f, p.toBytes()));
                    }
                }
                long storeStarted = System.nanoTime();
                store.profiles().replaceWindows("bench", "v1", "serving", starts, profiles, Optional.empty());
                Rollups.refresh(store, version, "serving", starts); // as a run does
                storeNanos += System.nanoTime() - storeStarted;
            }
        }
        LOG.info(String.format(
                Locale.ROOT,
                "loaded %d windows x %d fields in %.1f s, %.1f s of it storing (store size %.1f MB)",
                days * 24,
                fields,
                (System.nanoTime() - loadStarted) / 1e9,
                storeNanos / 1e9,
                Files.walk(dir)
                                .filter(Files::isRegularFile)
                                .mapToLong(p -> p.toFile().length())
                                .sum()
                        / 1e6));
        try (VigilServer server = VigilServer.start(
                ServerConfig.defaults()
                        .withPort(0)
                        .withDataDir(dir)
                        .withAdminToken(TOKEN)
                        .withSchedulerTick(Duration.ZERO),
                Map.of(),
                Clock.systemUTC())) {
            Vigil vigil = Vigil.connect(server.url(), TOKEN, Duration.ofMinutes(5));
            for (String granularity : List.of("day", "all", "month", "hour")) {
                for (String field : new String[] {null, "n0"}) {
                    Map<String, String> query = new LinkedHashMap<>();
                    query.put("from", start.toString());
                    query.put("to", end.toString());
                    query.put("granularity", granularity);
                    query.put("field", field);
                    query.put("metric", drift ? "drift_score" : "mean");
                    for (int warm = 0; warm < 2; warm++) {
                        query(vigil, query, drift);
                    }
                    int runs = 5;
                    long best = Long.MAX_VALUE;
                    int rowsBack = 0;
                    for (int i = 0; i < runs; i++) {
                        long t = System.nanoTime();
                        JsonNode rows = query(vigil, query, drift);
                        best = Math.min(best, System.nanoTime() - t);
                        rowsBack = rows.size();
                    }
                    LOG.info(String.format(
                            Locale.ROOT,
                            "%s granularity=%-5s fields=%-3s: best of %d %.0f ms (%d rows)",
                            drift ? "drift  " : "metrics",
                            granularity,
                            field == null ? String.valueOf(fields) : "1",
                            runs,
                            best / 1e6,
                            rowsBack));
                }
            }
        }
    }

    private static JsonNode query(Vigil vigil, Map<String, String> query, boolean drift) {
        return drift ? vigil.drift("bench", "v1", query) : vigil.metrics("bench", "v1", query);
    }
}
