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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What evaluating monitors costs: DAYS × 24 hourly windows × FIELDS numeric fields of synthetic profiles (200 values
 * a window and field) written straight into the metastore with a training baseline, then each kind of monitor
 * evaluated over the whole range through {@code POST …/monitors/evaluate} on a warm server, one monitor at a time.
 * Usage: {@code java -cp ... dev.vigil.bench.MonitorBench [days] [fields]}.
 */
public final class MonitorBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(MonitorBench.class);

    private static final int ROWS_PER_WINDOW = 200;
    private static final String TOKEN = "vgl_bench_token_0123456789abcdef";

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("vigil-bench-monitors");
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(days));
        Schema.Builder schema = Schema.builder();
        for (int f = 0; f < fields; f++) {
            schema.feature("n" + f, FieldType.numeric());
        }
        schema.prediction("score", FieldType.numeric());
        ModelVersion version =
                new ModelVersion("bench", "v1", ModelType.BINARY, AggregationPeriod.HOURLY, schema.build());
        Random random = new Random(42);
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
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
            Instant trainingStart = start.minus(Duration.ofDays(30));
            List<StoredProfile> training = new ArrayList<>();
            DatasetProfile trainingRows = new DatasetProfile();
            trainingRows.addRows(5_000);
            training.add(new StoredProfile(
                    trainingStart, trainingStart.plus(Duration.ofHours(1)), "", "", trainingRows.toBytes()));
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
                store.profiles()
                        .replaceWindows(
                                "bench",
                                "v1",
                                "serving",
                                starts,
                                profiles,
                                Optional.of(starts.get(23).plus(Duration.ofHours(1))));
            }
        }
        try (VigilServer server = VigilServer.start(
                ServerConfig.defaults()
                        .withPort(0)
                        .withDataDir(dir)
                        .withAdminToken(TOKEN)
                        .withSchedulerTick(Duration.ZERO),
                Map.of(),
                Clock.systemUTC())) {
            Vigil vigil = Vigil.connect(server.url(), TOKEN, Duration.ofMinutes(30));
            Map<String, String> monitors = new java.util.LinkedHashMap<>();
            monitors.put(
                    "missing 1h absolute",
                    "{name: m, type: missing_values, detection: {method: absolute," + " max: 0.5}}");
            monitors.put(
                    "drift 1d training",
                    "{name: m, type: data_drift, focal: {window: 1d}, detection: {method:"
                            + " training, threshold: 0.5}}");
            monitors.put(
                    "drift 1h training",
                    "{name: m, type: data_drift, detection: {method: training, threshold:" + " 0.5}}");
            monitors.put(
                    "mean of 5 fields 1h percentage",
                    "{name: m, type: metric_change, metric: mean, fields: [n0, n1, n2, n3, n4], detection:"
                            + " {method: percentage, threshold: 10}}");
            monitors.put(
                    "activity 1h anomaly (24 windows)",
                    "{name: m, type: model_activity, detection: {method:" + " anomaly}}");
            for (Map.Entry<String, String> m : monitors.entrySet()) {
                vigil.version("bench", "v1").createMonitor(m.getValue());
                long t = System.nanoTime();
                JsonNode summary = vigil.evaluateMonitors("bench", "v1", start, end);
                double seconds = (System.nanoTime() - t) / 1e9;
                int decisions = summary.path("evaluated").asInt()
                        + summary.path("skipped").asInt();
                LOG.info(String.format(
                        Locale.ROOT,
                        "%-34s %d windows x %d fields: %.2f s, %d decisions, %.2f ms each",
                        m.getKey(),
                        days * 24,
                        fields,
                        seconds,
                        decisions,
                        1000 * seconds / Math.max(1, decisions)));
                vigil.deleteMonitor("bench", "v1", "m");
            }
        }
    }
}
