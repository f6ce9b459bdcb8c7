package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Detection;
import dev.vigil.core.monitor.Detector;
import dev.vigil.core.monitor.Detector.Direction;
import dev.vigil.core.monitor.Expression;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.MonitorRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates monitors over focal windows, from stored profiles only (the same queries as the REST API): after a
 * run stores windows, for every complete focal window the run touched, and on every scheduler tick for the
 * clock-driven monitors ({@code model_staleness}, and {@code model_activity} of the last closed window, which
 * may have no rows and so no run output). A firing condition raises (or updates) the one alert of its monitor,
 * field, segment and focal window and queues its notifications; a cleared one resolves the open alerts of that
 * monitor, field and segment up to the window.
 */
public final class MonitorEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorEvaluator.class);
    private static final String SERVING = "serving";
    /**
     * How long the notifications of a pass are held at most: the pass releases them when it ends (skipping alerts a
     * later window of the same pass cleared); a pass that never ends (the server stopped) sends them after this.
     */
    private static final Duration HOLD = Duration.ofMinutes(10);

    private final Metastore store;
    private final ProfileQueries queries;
    private final Runnable notify;
    private final Clock clock;

    public MonitorEvaluator(Metastore store, Runnable notify, Clock clock) {
        this.store = store;
        this.queries = new ProfileQueries(store);
        this.notify = notify;
        this.clock = clock;
    }

    /** What an evaluation did. */
    public record Summary(int evaluated, int fired, int created, int resolved, int skipped) {
        Summary plus(Summary o) {
            return new Summary(
                    evaluated + o.evaluated,
                    fired + o.fired,
                    created + o.created,
                    resolved + o.resolved,
                    skipped + o.skipped);
        }
    }

    /**
     * One evaluation pass: its counts, the values it computed (anomaly detection asks for each window's value again
     * as the history of the next windows), and the notifications it queued, held until the pass ends.
     */
    private static final class Tally {
        int evaluated;
        int fired;
        int created;
        int resolved;
        int skipped;
        final Map<String, Optional<Double>> memo = new HashMap<>();
        final List<String> held = new ArrayList<>();

        Summary summary() {
            return new Summary(evaluated, fired, created, resolved, skipped);
        }
    }

    /** The monitors of a version that decode against it; one that no longer does is logged and left out. */
    List<Monitor> monitors(ModelVersion version) {
        List<Monitor> out = new ArrayList<>();
        for (MonitorRepository.StoredMonitor m : store.monitors().list(version.modelId(), version.version())) {
            try {
                out.add(MonitorCodec.read(m.spec(), "monitor " + m.name(), version));
            } catch (VigilException e) {
                LOG.warn(
                        "monitor {} of {}/{} is not evaluated: {}",
                        m.name(),
                        version.modelId(),
                        version.version(),
                        e.getMessage());
            }
        }
        return out;
    }

    /**
     * Evaluates every monitor of {@code version} over the focal windows that overlap [{@code from}, {@code to})
     * and are complete (end at or before the serving watermark). Clock-driven monitors are left to {@link #tick}.
     */
    public Summary evaluate(ModelVersion version, Instant from, Instant to) {
        Optional<Instant> watermark = store.profiles().watermark(version.modelId(), version.version(), SERVING);
        Optional<Instant[]> windows = store.profiles().windowRange(version.modelId(), version.version(), SERVING);
        Tally tally = new Tally();
        if (watermark.isEmpty() || windows.isEmpty()) {
            return tally.summary();
        }
        // Only where there is data: a request for 1970 onwards costs what the data costs.
        from = from.isBefore(windows.get()[0]) ? windows.get()[0] : from;
        to = to.isAfter(watermark.get()) ? watermark.get() : to;
        long started = System.nanoTime();
        for (Monitor m : monitors(version)) {
            if (m.type().source() == MonitorType.Source.CLOCK) {
                continue;
            }
            Granularity g = granularity(m);
            for (Instant s = g.bucketStart(from); s.isBefore(to); s = g.bucketEnd(s)) {
                Instant e = g.bucketEnd(s);
                if (!e.isAfter(watermark.get())) {
                    evaluateWindow(version, m, s, e, tally);
                }
            }
        }
        release(tally);
        Summary summary = tally.summary();
        if (summary.evaluated() > 0) {
            LOG.info(
                    "monitors of {}/{} over {} to {}: {} in {} ms",
                    version.modelId(),
                    version.version(),
                    from,
                    to,
                    summary,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return summary;
    }

    /** On a scheduler tick: staleness now, and activity of the last closed focal window, for every version. */
    public Summary tick() {
        Tally tally = new Tally();
        Instant now = clock.instant();
        for (var model : store.models().list()) {
            for (ModelVersion version : store.versions().list(model.id())) {
                for (Monitor m : monitors(version)) {
                    Granularity g = granularity(m);
                    Instant end = g.bucketStart(now);
                    Instant start = end.minus(m.focal());
                    if (m.type() == MonitorType.MODEL_STALENESS) {
                        evaluateWindow(version, m, start, end, tally);
                    } else if (m.type() == MonitorType.MODEL_ACTIVITY) {
                        Optional<Instant> watermark =
                                store.profiles().watermark(version.modelId(), version.version(), SERVING);
                        if (watermark.isPresent() && !end.isAfter(watermark.get())) {
                            evaluateWindow(version, m, start, end, tally);
                        }
                    }
                }
            }
        }
        return tally.summary();
    }

    /** Sends the pass's notifications whose alert is still unresolved; the others are recorded as skipped. */
    private void release(Tally tally) {
        if (store.alerts().release(tally.held) > 0) {
            notify.run();
        }
    }

    private static Granularity granularity(Monitor m) {
        if (m.focal().equals(Duration.ofHours(1))) {
            return Granularity.HOUR;
        }
        return m.focal().equals(Duration.ofDays(1)) ? Granularity.DAY : Granularity.WEEK;
    }

    private void evaluateWindow(ModelVersion v, Monitor m, Instant start, Instant end, Tally tally) {
        for (String field : targets(v, m)) {
            try {
                if (m.detection().method() == Detection.Method.SEGMENT) {
                    Double all = value(v, m, field, "", start, end, tally);
                    for (String segment : segments(v, start, end)) {
                        Double value = value(v, m, field, segment, start, end, tally);
                        if (all == null
                                || value == null
                                || !preconditions(v, m, segment, start, end, DatasetKind.SERVING, start, end)) {
                            tally.skipped++;
                            continue;
                        }
                        decide(
                                v,
                                m,
                                field,
                                segment,
                                start,
                                end,
                                value,
                                Detector.segment(m.detection(), metric(m), segment, value, all, direction(m)),
                                tally);
                    }
                    continue;
                }
                Double value = value(v, m, field, "", start, end, tally);
                if (value == null) {
                    tally.skipped++;
                    continue;
                }
                Detector.Verdict verdict = verdict(v, m, field, start, end, value, tally);
                if (verdict == null) {
                    tally.skipped++;
                    continue;
                }
                decide(v, m, field, "", start, end, value, verdict, tally);
            } catch (VigilException e) {
                LOG.warn(
                        "monitor {} of {}/{} on {} at {}: {}",
                        m.name(),
                        v.modelId(),
                        v.version(),
                        field,
                        start,
                        e.getMessage());
                tally.skipped++;
            } catch (RuntimeException e) {
                LOG.error(
                        "monitor {} of {}/{} on {} at {} failed", m.name(), v.modelId(), v.version(), field, start, e);
                tally.skipped++;
            }
        }
    }

    /** The verdict of one value by the monitor's detection, or null when it cannot decide (preconditions, history). */
    private Detector.Verdict verdict(
            ModelVersion v, Monitor m, String field, Instant start, Instant end, double value, Tally tally) {
        Detection d = m.detection();
        Duration span = m.focal().multipliedBy(d.baselineWindows());
        return switch (d.method()) {
            case ABSOLUTE ->
                preconditions(v, m, "", start, end, null, null, null) ? Detector.absolute(d, metric(m), value) : null;
            case PERCENTAGE -> {
                // the baseline is the mean of the windows' values: a count compares with a count, not with a sum
                Instant from = start.minus(span);
                Double baseline = mean(history(v, m, field, from, start, tally));
                yield baseline == null || !preconditions(v, m, "", start, end, DatasetKind.SERVING, from, start)
                        ? null
                        : Detector.percentage(d, metric(m), value, baseline, direction(m));
            }
            case ANOMALY -> {
                Instant from = start.minus(span);
                yield preconditions(v, m, "", start, end, DatasetKind.SERVING, from, start)
                        ? Detector.anomaly(d, metric(m), value, history(v, m, field, from, start, tally), direction(m))
                        : null;
            }
            case TRAINING -> {
                boolean drift = m.type().source() == MonitorType.Source.DRIFT;
                Double training = drift ? null : trainingValue(v, m, field);
                yield preconditions(v, m, "", start, end, drift ? null : DatasetKind.TRAINING, null, null)
                        ? Detector.training(d, metric(m), value, training, drift, direction(m))
                        : null;
            }
            case SEGMENT -> throw new IllegalStateException("segment detection is evaluated per segment");
        };
    }

    /** Raises or clears the alert of one decision. */
    private void decide(
            ModelVersion v,
            Monitor m,
            String field,
            String segment,
            Instant start,
            Instant end,
            double value,
            Detector.Verdict verdict,
            Tally tally) {
        tally.evaluated++;
        String fieldKey = field == null ? "" : field;
        AlertRepository alerts = store.alerts();
        if (!verdict.fires()) {
            tally.resolved += alerts.resolveCleared(v.modelId(), v.version(), m.name(), fieldKey, segment, start);
            return;
        }
        tally.fired++;
        List<String> channels =
                m.actions().stream().map(a -> a.type().specName()).toList();
        AlertRepository.Raised raised = alerts.raise(
                new Alert(
                        null,
                        v.modelId(),
                        v.version(),
                        m.name(),
                        fieldKey,
                        segment,
                        start,
                        end,
                        metric(m),
                        value,
                        verdict.threshold(),
                        verdict.baseline(),
                        m.severity().specName(),
                        null,
                        verdict.reason(),
                        null,
                        null,
                        null),
                channels,
                clock.instant().plus(HOLD));
        if (raised.created()) {
            tally.created++;
            tally.held.addAll(raised.deliveries());
        }
    }

    /**
     * Whether the focal window of {@code segment} has at least {@code min_focal_rows} rows and the baseline (of
     * {@code baselineDataset} over [{@code baselineFrom}, {@code baselineTo}), all of it when those are null) at
     * least {@code min_baseline_rows}.
     */
    private boolean preconditions(
            ModelVersion v,
            Monitor m,
            String segment,
            Instant start,
            Instant end,
            DatasetKind baselineDataset,
            Instant baselineFrom,
            Instant baselineTo) {
        if (m.minFocalRows() > 0 && rows(v, DatasetKind.SERVING, segment, start, end) < m.minFocalRows()) {
            return false;
        }
        if (m.minBaselineRows() > 0 && baselineDataset != null) {
            return rows(v, baselineDataset, "", baselineFrom, baselineTo) >= m.minBaselineRows();
        }
        return true;
    }

    /** Rows of a dataset's segment over a range (all of it when {@code from} is null). */
    private long rows(ModelVersion v, DatasetKind dataset, String segment, Instant from, Instant to) {
        ProfileRequest request = request(dataset, segment, from, to).withMetric("count");
        return queries.metrics(v, request).stream()
                .filter(row -> row.field() == null)
                .findFirst()
                .map(row -> row.value().longValue())
                .orElse(0L);
    }

    /** The whole of [{@code from}, {@code to}) of a dataset's segment (all rows when "", all time when null). */
    private static ProfileRequest request(DatasetKind dataset, String segment, Instant from, Instant to) {
        return ProfileRequest.of(dataset)
                .withRange(Optional.ofNullable(from), Optional.ofNullable(to))
                .withGranularity(Granularity.ALL)
                .withSegment(Optional.of(segment).filter(s -> !s.isEmpty()));
    }

    /** The fields a monitor evaluates ({@code null}: the dataset level). */
    private static List<String> targets(ModelVersion v, Monitor m) {
        if (!m.fields().isEmpty()) {
            return m.fields();
        }
        List<String> out = new ArrayList<>();
        switch (m.type().fields()) {
            case NONE, EXPLICIT -> out.add(null);
            case PREDICTIONS -> v.schema().group(FieldGroup.PREDICTIONS).forEach(f -> out.add(f.name()));
            case FEATURES -> v.schema().group(FieldGroup.FEATURES).forEach(f -> out.add(f.name()));
            case INPUTS -> {
                for (Field f : v.schema().fields()) {
                    boolean input = f.group() == FieldGroup.RAW_INPUTS || f.group() == FieldGroup.FEATURES;
                    FieldType.Kind k = f.type().kind();
                    boolean fits =
                            switch (m.type()) {
                                case VALUES_RANGE -> k == FieldType.Kind.NUMERIC;
                                case NEW_VALUES ->
                                    k == FieldType.Kind.CATEGORICAL
                                            || k == FieldType.Kind.STRING
                                            || k == FieldType.Kind.BOOLEAN;
                                default -> true;
                            };
                    if (input && fits) {
                        out.add(f.name());
                    }
                }
            }
        }
        return out;
    }

    /** The segment keys ({@code name=value}) stored for the focal window. */
    private List<String> segments(ModelVersion v, Instant start, Instant end) {
        Set<String> keys = new TreeSet<>();
        store.profiles()
                .find(v.modelId(), v.version(), SERVING, start, end, Optional.empty(), Optional.of(""))
                .forEach(p -> {
                    if (!p.segment().isEmpty()) {
                        keys.add(p.segment());
                    }
                });
        return new ArrayList<>(keys);
    }

    private static String metric(Monitor m) {
        return m.type() == MonitorType.CUSTOM_METRIC ? m.expression() : m.watchedMetric();
    }

    private static Direction direction(Monitor m) {
        return m.type().source() == MonitorType.Source.PERFORMANCE
                ? Direction.worseningOf(m.watchedMetric())
                : Direction.BOTH;
    }

    /** The monitor's value of a field and segment over [{@code from}, {@code to}) of the serving data. */
    private Double value(
            ModelVersion v, Monitor m, String field, String segment, Instant from, Instant to, Tally tally) {
        if (m.type().source() == MonitorType.Source.CLOCK) {
            return hoursSinceLastRow(v);
        }
        String key = v.modelId() + "|" + v.version() + "|" + m.type() + "|" + m.watchedMetric() + "|" + m.expression()
                + "|" + m.minBaselineRows() + "|" + field + "|" + segment + "|" + from + "|" + to;
        Optional<Double> known = tally.memo.get(key);
        if (known == null) {
            known = Optional.ofNullable(computeValue(v, m, field, segment, from, to));
            tally.memo.put(key, known);
        }
        return known.orElse(null);
    }

    private Double computeValue(ModelVersion v, Monitor m, String field, String segment, Instant from, Instant to) {
        return switch (m.type().source()) {
            case CLOCK -> hoursSinceLastRow(v);
            case EXPRESSION ->
                Expression.parse(m.expression(), "expression")
                        .evaluate(ref -> anyMetric(
                                v, ref.metric(), ref.field().isEmpty() ? null : ref.field(), segment, from, to));
            default -> {
                Double value = fetch(
                        v,
                        m.type().source(),
                        DatasetKind.SERVING,
                        m.watchedMetric(),
                        field,
                        segment,
                        from,
                        to,
                        m.minBaselineRows());
                yield value == null && m.type() == MonitorType.MODEL_ACTIVITY && afterFirstRows(v, from)
                        ? Double.valueOf(0)
                        : value;
            }
        };
    }

    /** A metric of any kind (profile, drift against training, or performance), as a custom expression names it. */
    private Double anyMetric(ModelVersion v, String metric, String field, String segment, Instant from, Instant to) {
        MonitorType.Source source = MetricCatalogs.DRIFT_METRICS.contains(metric)
                ? MonitorType.Source.DRIFT
                : field != null
                                && v.schema().group(FieldGroup.PREDICTIONS).stream()
                                        .anyMatch(f -> f.name().equals(field))
                                && !v.schema().fields().stream()
                                        .anyMatch(f -> f.name().equals(field) && f.group() != FieldGroup.PREDICTIONS)
                                && MetricCatalogs.PERFORMANCE_METRICS.contains(metric)
                        ? MonitorType.Source.PERFORMANCE
                        : MonitorType.Source.METRICS;
        return fetch(v, source, DatasetKind.SERVING, metric, field, segment, from, to);
    }

    /** The values of each focal window of [{@code from}, {@code to}), for anomaly detection. */
    private List<Double> history(ModelVersion v, Monitor m, String field, Instant from, Instant to, Tally tally) {
        List<Double> out = new ArrayList<>();
        Granularity g = granularity(m);
        for (Instant s = from; s.isBefore(to); s = g.bucketEnd(s)) {
            out.add(value(v, m, field, "", s, g.bucketEnd(s), tally));
        }
        return out;
    }

    /** The mean of the values that exist; null when none does. */
    private static Double mean(List<Double> values) {
        double sum = 0;
        int n = 0;
        for (Double value : values) {
            if (value != null && Double.isFinite(value)) {
                sum += value;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /** The metric on the training set (all of it), for training detection of a non-drift metric. */
    private Double trainingValue(ModelVersion v, Monitor m, String field) {
        if (store.datasets()
                .find(v.modelId(), v.version(), dev.vigil.core.model.DatasetKind.TRAINING)
                .isEmpty()) {
            return null;
        }
        return fetch(v, m.type().source(), DatasetKind.TRAINING, m.watchedMetric(), field, "", null, null);
    }

    /** One value from the REST queries: {@code metric} of {@code field} (null: dataset level) merged over the range. */
    private Double fetch(
            ModelVersion v,
            MonitorType.Source source,
            DatasetKind dataset,
            String metric,
            String field,
            String segment,
            Instant from,
            Instant to) {
        return fetch(v, source, dataset, metric, field, segment, from, to, 0);
    }

    /** As {@link #fetch}, with the monitor's {@code min_baseline_rows} for drift (0: the query's default). */
    private Double fetch(
            ModelVersion v,
            MonitorType.Source source,
            DatasetKind dataset,
            String metric,
            String field,
            String segment,
            Instant from,
            Instant to,
            long minBaselineRows) {
        ProfileRequest request = request(dataset, segment, from, to).withMetric(metric);
        if (field != null) {
            request = request.withField(field);
        }
        Predicate<String> fieldMatches =
                f -> field == null ? f == null : f != null && (f.equals(field) || f.equals(field + ".length"));
        Stream<Optional<Double>> values =
                switch (source) {
                    case DRIFT -> {
                        ProfileRequest drift = request.withBaseline(Baseline.TRAINING);
                        yield queries
                                .drift(v, minBaselineRows > 0 ? drift.withMinBaselineRows(minBaselineRows) : drift)
                                .stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric))
                                .map(r -> Optional.ofNullable(r.value()));
                    }
                    case PERFORMANCE ->
                        queries.performance(v, request).stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric)
                                        && !r.estimated())
                                .map(r -> Optional.ofNullable(r.value()));
                    default ->
                        queries.metrics(v, request).stream()
                                .filter(r -> fieldMatches.test(r.field())
                                        && r.metric().equals(metric))
                                .map(r -> Optional.ofNullable(r.value()));
                };
        return values.findFirst().flatMap(value -> value).orElse(null);
    }

    /** Hours from the end of the newest serving window with rows to now; null before the first. */
    private Double hoursSinceLastRow(ModelVersion v) {
        return store.profiles()
                .windowRange(v.modelId(), v.version(), SERVING)
                .map(range -> Duration.between(range[1], clock.instant()).toSeconds() / 3600.0)
                .orElse(null);
    }

    /**
     * Whether a window starting at {@code start} comes at or after the first serving window with rows: only then
     * does a window without rows mean no activity (before it, the model was not serving yet).
     */
    private boolean afterFirstRows(ModelVersion v, Instant start) {
        return store.profiles()
                .windowRange(v.modelId(), v.version(), SERVING)
                .map(range -> !start.isBefore(range[0]))
                .orElse(false);
    }
}
