package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.server.VigilServer;
import dev.vigil.stats.Calibration;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What performance costs. Part 1, in-process: the time to add a row to a performance profile of each model
 * type, the profile's size, and the time to merge, derive the metrics, fit a CBPE calibration and estimate
 * a window. Part 2, through HTTP on a warm server: the latency of {@code GET …/performance} (realized and CBPE)
 * over DAYS × 24 hourly windows of a binary model with two prediction fields, profiles written straight into
 * the metastore. Usage: {@code java -cp ... dev.vigil.bench.PerformanceBench [days] [rowsPerWindow]}.
 */
public final class PerformanceBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(PerformanceBench.class);

    private static final int ROWS = 1_000_000;

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 365;
        int rowsPerWindow = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        perRow();
        query(days, rowsPerWindow);
    }

    /** Part 1: ns per row added, bytes per profile, merge / metrics / calibration costs. */
    private static void perRow() {
        Random random = new Random(7);
        List<String> classes = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add("item" + i);
        }
        measure("binary", ModelType.BINARY, p -> {
            double score = random.nextDouble();
            p.addBinary(score >= 0.5, score, random.nextDouble() < score);
        });
        measure(
                "multiclass (10 classes)",
                ModelType.MULTICLASS,
                p -> p.addMulticlass(classes.get(random.nextInt(10)), classes.get(random.nextInt(10))));
        measure(
                "multi-label (10 labels)",
                ModelType.MULTI_LABEL,
                p -> p.addMultiLabel(
                        new LinkedHashSet<>(List.of(classes.get(random.nextInt(10)), classes.get(random.nextInt(10)))),
                        Set.of(classes.get(random.nextInt(10)))));
        measure("regression", ModelType.REGRESSION, p -> {
            double y = random.nextGaussian() * 10 + 50;
            p.addRegression(y + random.nextGaussian(), y);
        });
        measure("ranking (20 ranked, k=10)", ModelType.RANKING, p -> {
            List<String> ranked = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ranked.add(items.get(random.nextInt(items.size())));
            }
            Set<String> relevant = new LinkedHashSet<>();
            for (int i = 0; i < 5; i++) {
                relevant.add(items.get(random.nextInt(items.size())));
            }
            p.addRanking(ranked, relevant);
        });
        PerformanceProfile reference = binary(random, 100_000, true);
        long t = System.nanoTime();
        Calibration calibration = Calibration.fit(reference).orElseThrow();
        long fit = System.nanoTime() - t;
        PerformanceProfile window = binary(random, 200, false);
        for (int warm = 0; warm < 1_000; warm++) {
            calibration.estimate(window);
        }
        int n = 10_000;
        t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            calibration.estimate(window);
        }
        LOG.info(String.format(
                Locale.ROOT,
                "CBPE: fit on 100,000 reference rows %.1f ms; estimate one window of 200 rows %.1f µs",
                fit / 1e6,
                (System.nanoTime() - t) / 1e3 / n));
    }

    private static PerformanceProfile binary(Random random, int rows, boolean labeled) {
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < rows; i++) {
            double score = random.nextDouble();
            p.addBinary(score >= 0.5, score, labeled || random.nextBoolean() ? random.nextDouble() < score : null);
        }
        return p;
    }

    private static void measure(String name, ModelType type, Consumer<PerformanceProfile> addRow) {
        PerformanceProfile warm = PerformanceProfile.create(type);
        for (int i = 0; i < ROWS / 5; i++) {
            addRow.accept(warm);
        }
        PerformanceProfile p = PerformanceProfile.create(type);
        long t = System.nanoTime();
        for (int i = 0; i < ROWS; i++) {
            addRow.accept(p);
        }
        double nsPerRow = (System.nanoTime() - t) / (double) ROWS;
        PerformanceProfile small = PerformanceProfile.create(type);
        for (int i = 0; i < 200; i++) {
            addRow.accept(small);
        }
        byte[] bytes = p.toBytes();
        byte[] smallBytes = small.toBytes();
        int n = 2_000;
        t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            PerformanceProfile merged = PerformanceProfile.fromBytes(smallBytes);
            merged.merge(PerformanceProfile.fromBytes(smallBytes));
        }
        double decodeMerge = (System.nanoTime() - t) / 1e3 / n;
        t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            small.metrics();
        }
        double metrics = (System.nanoTime() - t) / 1e3 / n;
        LOG.info(String.format(
                Locale.ROOT,
                "%-26s add %6.0f ns/row; profile %,7d bytes after 200 rows, %,7d after 1,000,000;"
                        + " decode+merge %6.1f µs; metrics %6.1f µs",
                name,
                nsPerRow,
                smallBytes.length,
                bytes.length,
                decodeMerge,
                metrics));
    }

    /** Part 2: GET …/performance over a year of hourly windows, realized and CBPE. */
    private static void query(int days, int rowsPerWindow) throws Exception {
        Path dir = Files.createTempDirectory("vigil-bench-performance");
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(days));
        ModelVersion version = new ModelVersion(
                "bench",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .prediction("will_buy", FieldType.bool())
                        .prediction("proba", FieldType.numeric())
                        .build());
        Random random = new Random(42);
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
            SyntheticProfiles.register(store, version);
            Instant trainingStart = start.minus(Duration.ofDays(30));
            List<StoredProfile> training = new ArrayList<>();
            for (String field : List.of("will_buy", "proba")) {
                training.add(new StoredProfile(
                        trainingStart,
                        trainingStart.plus(Duration.ofHours(1)),
                        "",
                        PerformanceProfile.FIELD_PREFIX + field,
                        binary(random, 20_000, true).toBytes()));
            }
            store.profiles()
                    .replaceWindows("bench", "v1", "training", List.of(trainingStart), training, Optional.empty());
            for (int d = 0; d < days; d++) {
                List<StoredProfile> profiles = new ArrayList<>();
                List<Instant> starts = new ArrayList<>();
                for (int h = 0; h < 24; h++) {
                    Instant ws = start.plus(Duration.ofHours(24L * d + h));
                    starts.add(ws);
                    for (String field : List.of("will_buy", "proba")) {
                        profiles.add(new StoredProfile(
                                ws,
                                ws.plus(Duration.ofHours(1)),
                                "",
                                PerformanceProfile.FIELD_PREFIX + field,
                                binary(random, rowsPerWindow, false).toBytes()));
                    }
                }
                store.profiles().replaceWindows("bench", "v1", "serving", starts, profiles, Optional.empty());
            }
        }
        try (VigilServer server = SyntheticProfiles.server(dir)) {
            Vigil vigil = Vigil.connect(server.url(), SyntheticProfiles.TOKEN, Duration.ofMinutes(5));
            for (String granularity : List.of("day", "all", "hour")) {
                for (String metric : new String[] {null, "accuracy"}) {
                    Map<String, String> query = new LinkedHashMap<>();
                    query.put("from", start.toString());
                    query.put("to", end.toString());
                    query.put("granularity", granularity);
                    query.put("metric", metric);
                    for (int warm = 0; warm < 2; warm++) {
                        vigil.performance("bench", "v1", query);
                    }
                    int runs = 5;
                    long best = Long.MAX_VALUE;
                    int rowsBack = 0;
                    for (int i = 0; i < runs; i++) {
                        long t = System.nanoTime();
                        JsonNode rows = vigil.performance("bench", "v1", query);
                        best = Math.min(best, System.nanoTime() - t);
                        rowsBack = rows.size();
                    }
                    LOG.info(String.format(
                            Locale.ROOT,
                            "performance %d windows x 2 fields granularity=%-4s metric=%-8s: best of %d %.0f ms (%d"
                                    + " rows)",
                            days * 24,
                            granularity,
                            metric == null ? "all" : metric,
                            runs,
                            best / 1e6,
                            rowsBack));
                }
            }
        }
    }
}
