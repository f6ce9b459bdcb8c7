package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.server.VigilServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
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

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("vigil-bench-monitors");
        SyntheticProfiles.load(dir, days, fields);
        Instant start = SyntheticProfiles.START;
        Instant end = start.plus(Duration.ofDays(days));
        try (VigilServer server = SyntheticProfiles.server(dir)) {
            Vigil vigil = Vigil.connect(server.url(), SyntheticProfiles.TOKEN, Duration.ofMinutes(30));
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
