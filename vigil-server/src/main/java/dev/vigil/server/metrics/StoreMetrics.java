package dev.vigil.server.metrics;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.MetricRow;
import dev.vigil.core.query.PerformanceRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.store.Metastore;
import dev.vigil.store.OperationsRepository;
import dev.vigil.store.Run;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET /metrics} exports, read from the metastore at scrape time (decision 0025): per version, the latest
 * complete serving window's drift score, missing ratio, row count, realized and estimated performance; open alerts;
 * run durations and failures; scheduler lag; failed notifications. Only the latest complete window is read, through
 * the same {@link ProfileQueries} as the REST API, so a scrape costs a few small queries per version.
 */
final class StoreMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMetrics.class);
    private static final String SERVING = DatasetKind.SERVING.specName();
    /** Run duration buckets in seconds: a small window in local mode takes seconds, a backfill on a cluster hours. */
    static final double[] RUN_BUCKETS = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, Double.POSITIVE_INFINITY};

    private final Metastore store;
    private final ProfileQueries queries;
    private final Clock clock;
    private final boolean segments;

    /** @param segments whether per-field series are also exported per segment (a {@code segment} label) */
    StoreMetrics(Metastore store, Clock clock, boolean segments) {
        this.store = store;
        this.queries = new ProfileQueries(store);
        this.clock = clock;
        this.segments = segments;
    }

    /** One gauge family being filled: its data points by label set. */
    private static final class Family {
        final String name;
        final String help;
        final List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();

        Family(String name, String help) {
            this.name = name;
            this.help = help;
        }

        void add(double value, Labels labels) {
            points.add(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .value(value)
                    .labels(labels)
                    .build());
        }

        MetricSnapshot snapshot() {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            points.forEach(b::dataPoint);
            return b.build();
        }
    }

    private final class Scrape {
        final Family drift = new Family(
                "vigil_drift_score",
                "Drift score of a field in the latest complete serving window against the training dataset (0 = same"
                        + " distribution); method names the distance: js_distance (numeric, text length), hellinger"
                        + " (categorical, string, boolean) or centroid_distance (embedding, tensor)");
        final Family missing = new Family(
                "vigil_missing_ratio",
                "Share of rows (0 to 1) whose value of a field is missing, in the latest complete serving window");
        final Family rows = new Family("vigil_window_rows", "Rows in the latest complete window of a dataset");
        final Family windowEnd = new Family(
                "vigil_window_end_timestamp_seconds",
                "End (Unix time) of the latest complete window the per-window gauges describe");
        final Family realized = new Family(
                "vigil_performance_realized",
                "Realized performance of a prediction field in the latest complete serving window, from the rows"
                        + " whose actuals arrived; metric names it (accuracy, f1, roc_auc, rmse, ...)");
        final Family estimated = new Family(
                "vigil_performance_estimated",
                "Estimated performance of a prediction in the latest complete serving window, over every row: CBPE"
                        + " for binary, multiclass and multi-label models, DLE for regression (fitted on the reference);"
                        + " metric as in vigil_performance_realized, prefixed estimated_");
        final Family lag = new Family(
                "vigil_scheduler_lag_seconds",
                "Seconds between now and the end of the stored data (the watermark) of a scheduled dataset");
        final Family alerts =
                new Family("vigil_alerts_open", "Unresolved (open or acknowledged) alerts of a version by severity");

        void version(ModelVersion v) {
            for (DatasetConnection d : store.datasets().list(v.modelId(), v.version())) {
                DatasetKind kind = d.dataset();
                if (kind == DatasetKind.TRAINING || kind == DatasetKind.TESTING) {
                    continue; // reference sets are profiled once: no lag, no latest window
                }
                store.profiles()
                        .watermark(v.modelId(), v.version(), kind.specName())
                        .ifPresent(w -> lag.add(
                                Math.max(0, Duration.between(w, clock.instant()).toMillis()) / 1000.0,
                                Labels.of("model", v.modelId(), "version", v.version(), "dataset", kind.specName())));
            }
            Optional<Instant> watermark = store.profiles().watermark(v.modelId(), v.version(), SERVING);
            if (watermark.isEmpty()) {
                return;
            }
            Granularity g =
                    v.aggregationPeriod().length().equals(Duration.ofHours(1)) ? Granularity.HOUR : Granularity.DAY;
            Instant end = g.bucketStart(watermark.get());
            Instant start = end.minus(v.aggregationPeriod().length());
            windowEnd.add(end.getEpochSecond(), Labels.of("model", v.modelId(), "version", v.version()));
            ProfileRequest all = ProfileRequest.of(DatasetKind.SERVING)
                    .withRange(Optional.of(start), Optional.of(end))
                    .withGranularity(g);
            window(v, all, null);
            if (segments) {
                for (String segment : segments(v, start, end)) {
                    window(v, all.withSegment(Optional.of(segment)), segment);
                }
            }
        }

        /** The gauges of one window, of all rows ({@code segment} null) or of one segment. */
        private void window(ModelVersion v, ProfileRequest request, String segment) {
            Map<String, FieldType.Kind> kinds = new LinkedHashMap<>();
            v.schema().fields().forEach(f -> kinds.put(f.name(), f.type().kind()));
            for (MetricRow r : queries.metrics(v, request.withMetric("missing_ratio"))) {
                if (r.value() != null && r.field() != null) {
                    missing.add(r.value(), labels(v, segment, "field", r.field()));
                }
            }
            for (MetricRow r : queries.metrics(v, request.withMetric("count"))) {
                if (r.value() != null && r.field() == null) {
                    rows.add(r.value(), labels(v, segment, "dataset", r.dataset()));
                }
            }
            try {
                for (DriftRow r : queries.drift(v, request.withMetric("drift_score"))) {
                    if (r.value() != null) {
                        String method = method(kinds.get(TextLength.fieldOf(r.field())));
                        drift.add(r.value(), labels(v, segment, "field", r.field(), "method", method));
                    }
                }
            } catch (VigilException e) {
                LOG.debug("no drift for {}/{}: {}", v.modelId(), v.version(), e.getMessage()); // no training set
            }
            if (v.schema().group(FieldGroup.PREDICTIONS).isEmpty()) {
                return;
            }
            for (PerformanceRow r : queries.performance(v, request)) {
                if (r.value() == null) {
                    continue;
                }
                if (r.estimate().isPresent()) {
                    String metric =
                            r.metric().startsWith("estimated_") ? r.metric().substring(10) : r.metric();
                    estimated.add(r.value(), labels(v, segment, "field", r.field(), "metric", metric));
                } else {
                    realized.add(r.value(), labels(v, segment, "field", r.field(), "metric", r.metric()));
                }
            }
        }

        /** model, version, the {@code more} name-value pairs, and the segment when segments are on. */
        private Labels labels(ModelVersion v, String segment, String... more) {
            Labels l = Labels.of("model", v.modelId(), "version", v.version()).merge(Labels.of(more));
            return segments ? l.add("segment", segment == null ? "" : segment) : l;
        }

        List<MetricSnapshot> families() {
            for (OperationsRepository.OpenAlerts a : store.operations().openAlerts()) {
                alerts.add(
                        a.count(), Labels.of("model", a.modelId(), "version", a.version(), "severity", a.severity()));
            }
            List<MetricSnapshot> out = new ArrayList<>();
            for (Family f : List.of(drift, missing, rows, windowEnd, realized, estimated, lag, alerts)) {
                out.add(f.snapshot());
            }
            return out;
        }
    }

    /** Every family, read now. */
    MetricSnapshots collect() {
        Scrape scrape = new Scrape();
        for (Model model : store.models().list()) {
            for (ModelVersion v : store.versions().list(model.id())) {
                try {
                    scrape.version(v);
                } catch (VigilException e) {
                    LOG.warn("metrics of {}/{} left out of this scrape: {}", v.modelId(), v.version(), e.getMessage());
                }
            }
        }
        List<MetricSnapshot> out = scrape.families();
        out.addAll(runs());
        out.add(failedDeliveries());
        return new MetricSnapshots(out);
    }

    /** The segment keys ({@code name=value}) stored for [{@code start}, {@code end}) of serving. */
    private List<String> segments(ModelVersion v, Instant start, Instant end) {
        TreeSet<String> keys = new TreeSet<>();
        store.profiles()
                .find(v.modelId(), v.version(), SERVING, start, end, Optional.empty(), Optional.of(""))
                .forEach(p -> {
                    if (!p.segment().isEmpty()) {
                        keys.add(p.segment());
                    }
                });
        return new ArrayList<>(keys);
    }

    /** The distance {@code drift_score} is for fields of {@code kind} ({@code Drift.compare}). */
    static String method(FieldType.Kind kind) {
        if (kind == null) {
            return "unknown";
        }
        return switch (kind) {
            case NUMERIC, TEXT -> "js_distance";
            case TENSOR, EMBEDDING -> "centroid_distance";
            default -> "hellinger";
        };
    }

    /** The run duration histogram and the failed-run counter, over every finished run in the metastore. */
    private List<MetricSnapshot> runs() {
        record Key(String model, String version, String dataset, String status) {}
        Map<Key, long[]> buckets = new LinkedHashMap<>();
        Map<Key, double[]> sums = new LinkedHashMap<>();
        Map<List<String>, Long> failures = new LinkedHashMap<>();
        for (OperationsRepository.FinishedRun r : store.operations().finishedRuns()) {
            Key k = new Key(r.modelId(), r.version(), r.dataset(), r.status().specName());
            double seconds = r.took().toMillis() / 1000.0;
            long[] counts = buckets.computeIfAbsent(k, x -> new long[RUN_BUCKETS.length]);
            int i = 0;
            while (seconds > RUN_BUCKETS[i]) {
                i++;
            }
            counts[i]++;
            sums.computeIfAbsent(k, x -> new double[1])[0] += seconds;
            if (r.status() == Run.Status.FAILED) {
                failures.merge(List.of(r.modelId(), r.version(), r.dataset()), 1L, Long::sum);
            }
        }
        HistogramSnapshot.Builder h = HistogramSnapshot.builder()
                .name("vigil_run_duration_seconds")
                .help("Seconds each finished run took from its start to its end, by status (succeeded, failed);"
                        + " every run in the metastore");
        buckets.forEach((k, counts) -> h.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(RUN_BUCKETS, counts))
                .sum(sums.get(k)[0])
                .labels(Labels.of(
                        "model", k.model(), "version", k.version(), "dataset", k.dataset(), "status", k.status()))
                .build()));
        CounterSnapshot.Builder c = CounterSnapshot.builder()
                .name("vigil_runs_failed")
                .help("Runs that failed, every run in the metastore (not only since this server started)");
        failures.forEach((k, n) -> c.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .value(n)
                .labels(Labels.of("model", k.get(0), "version", k.get(1), "dataset", k.get(2)))
                .build()));
        return List.of(h.build(), c.build());
    }

    private MetricSnapshot failedDeliveries() {
        CounterSnapshot.Builder c = CounterSnapshot.builder()
                .name("vigil_notification_failures")
                .help("Alert notifications that failed for good (every attempt spent), by channel kind; every"
                        + " delivery in the metastore (not only since this server started)");
        for (OperationsRepository.FailedDeliveries f : store.operations().failedDeliveries()) {
            c.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(f.count())
                    .labels(Labels.of("channel", f.channel()))
                    .build());
        }
        return c.build();
    }
}
