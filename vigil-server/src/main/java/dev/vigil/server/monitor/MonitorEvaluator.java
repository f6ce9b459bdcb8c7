package dev.vigil.server.monitor;

import dev.vigil.core.VigilException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Detection;
import dev.vigil.core.monitor.Detector;
import dev.vigil.core.monitor.Detector.Direction;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorType;
import dev.vigil.server.ServerId;
import dev.vigil.server.monitor.FocalWindows.Window;
import dev.vigil.store.Alert;
import dev.vigil.store.AlertRepository;
import dev.vigil.store.Metastore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates monitors over focal windows, from stored profiles only (the same queries as the REST API): after a
 * run stores windows, for every complete focal window the run touched, and on every scheduler tick for the
 * clock-driven monitors ({@code model_staleness}, and {@code model_activity} of the last closed window, which
 * may have no rows and so no run output). A firing condition raises (or updates) the one alert of its monitor,
 * field, segment and focal window and queues its notifications; a cleared one resolves the open alerts of that
 * monitor, field and segment up to the window.
 *
 * <p>Which windows is {@link FocalWindows}; which monitors, fields and segments, {@link MonitorTargets}; their
 * values, {@link MonitorValues}. This class decides (detection) and keeps the alerts' lifecycle.
 *
 * <p>A completed pass advances the version's {@link EvaluationWatermark}. A crash between a run storing windows and
 * evaluating them leaves stored windows past it, and {@link #catchUp()} evaluates them at startup and on every tick.
 * Evaluating a window again raises no second alert (an alert is one per monitor, field, segment and window), so
 * passes that overlap are harmless; they take turns all the same.
 *
 * <p>Servers sharing a metastore take turns too (decision 0022): a pass over a version holds the lease {@code
 * evaluate model/version} in the metastore, and the clock-driven monitors are evaluated by the one server holding
 * {@value #CLOCK_LEASE}, renewed on each of its ticks. A run's pass that finds its version's lease held by another
 * server waits a little, then leaves its windows to the catch-up (the evaluation watermark does not move past them).
 */
public final class MonitorEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorEvaluator.class);
    /**
     * How long the notifications of a pass are held at most: the pass releases them when it ends (skipping alerts a
     * later window of the same pass cleared); a pass that never ends (the server stopped) sends them after this.
     */
    private static final Duration HOLD = Duration.ofMinutes(10);
    /** The lease of the clock-driven monitors: the server holding it evaluates them, renewing it on each tick. */
    static final String CLOCK_LEASE = "clock-driven monitors";
    /** How long a server keeps the clock-driven monitors without a tick: another takes them over after. */
    private static final Duration CLOCK_LEASE_TIME = Duration.ofMinutes(5);
    /** How long one pass over a version may hold it at most, should its server die mid-pass. */
    private static final Duration PASS_LEASE_TIME = Duration.ofMinutes(10);
    /** How long a run's pass waits for another server's pass over the same version before leaving it to catch-up. */
    private static final Duration PASS_WAIT = Duration.ofSeconds(10);

    private final Metastore store;
    private final FocalWindows windows;
    private final MonitorTargets targets;
    private final MonitorValues values;
    private final Runnable notify;
    private final Clock clock;
    private final EvaluationWatermark evaluated;
    /** Passes take turns: a catch-up and a run's pass of the same windows would both read, then both raise. */
    private final ReentrantLock passes = new ReentrantLock();
    /** This server, as the holder of the metastore's evaluation leases. */
    private final String owner;

    public MonitorEvaluator(Metastore store, Runnable notify, Clock clock) {
        this(store, notify, clock, ServerId.create());
    }

    /** An evaluator taking turns with the other servers sharing the metastore as {@code server}. */
    public MonitorEvaluator(Metastore store, Runnable notify, Clock clock, ServerId server) {
        this.owner = server.toString();
        this.store = store;
        this.windows = new FocalWindows(store);
        this.targets = new MonitorTargets(store);
        this.values = new MonitorValues(store, clock);
        this.notify = notify;
        this.clock = clock;
        this.evaluated = new EvaluationWatermark(store);
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
        final Map<MonitorValues.Key, Optional<Double>> memo = new HashMap<>();
        final List<String> held = new ArrayList<>();

        Summary summary() {
            return new Summary(evaluated, fired, created, resolved, skipped);
        }
    }

    /**
     * Evaluates every monitor of {@code version} over the focal windows that overlap [{@code from}, {@code to})
     * and are complete (end at or before the serving watermark). Clock-driven monitors are left to {@link #tick}.
     */
    public Summary evaluate(ModelVersion version, Instant from, Instant to) {
        passes.lock();
        try {
            String lease = passLease(version);
            long deadline = System.nanoTime() + PASS_WAIT.toNanos();
            while (!store.leases().acquire(lease, owner, PASS_LEASE_TIME)) {
                if (System.nanoTime() > deadline) {
                    LOG.info(
                            "monitors of {}/{} over {} to {}: another server is evaluating this version; left to the"
                                    + " catch-up",
                            version.modelId(),
                            version.version(),
                            from,
                            to);
                    return new Summary(0, 0, 0, 0, 0);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Summary(0, 0, 0, 0, 0);
                }
            }
            try {
                return pass(version, from, to);
            } finally {
                store.leases().release(lease, owner);
            }
        } finally {
            passes.unlock();
        }
    }

    private static String passLease(ModelVersion version) {
        return "evaluate " + version.modelId() + "/" + version.version();
    }

    /**
     * Evaluates, for every version, the stored serving windows past its evaluation watermark (a crash came between
     * storing and evaluating them), oldest first and at most {@value EvaluationWatermark#CATCH_UP_WINDOWS} windows a
     * version per call. Called at startup, once the roll-ups are repaired, and on every tick. Skipped while another
     * pass runs, and for a version whose roll-ups are still marked stale (a run between storing and refreshing them,
     * or a repair that failed): the next tick comes back to it.
     */
    public Summary catchUp() {
        Summary total = new Summary(0, 0, 0, 0, 0);
        if (!passes.tryLock()) {
            return total;
        }
        try {
            Set<String> stale = new HashSet<>();
            store.profiles().staleRollups().forEach(r -> stale.add(r.modelId() + "/" + r.version()));
            for (var model : store.models().list()) {
                for (ModelVersion version : store.versions().list(model.id())) {
                    if (!stale.contains(version.modelId() + "/" + version.version())) {
                        total = total.plus(catchUp(version));
                    }
                }
            }
        } catch (RuntimeException e) { // the metastore away: the tick's clock-driven monitors still get their turn
            LOG.error("catching up the monitors failed; tried again next tick", e);
        } finally {
            passes.unlock();
        }
        return total;
    }

    /** The catch-up of one version; a failure is logged, and the gap stays for the next tick. */
    private Summary catchUp(ModelVersion version) {
        try {
            Optional<EvaluationWatermark.Gap> gap = evaluated.gap(version);
            if (gap.isEmpty() || !store.leases().acquire(passLease(version), owner, PASS_LEASE_TIME)) {
                return new Summary(0, 0, 0, 0, 0); // nothing to do, or another server is at it
            }
            try {
                // read again under the lease: the other server's pass may have just closed the gap
                gap = evaluated.gap(version);
                if (gap.isEmpty()) {
                    return new Summary(0, 0, 0, 0, 0);
                }
                LOG.info(
                        "evaluating the monitors of {}/{} over {} to {}: stored, and not evaluated yet",
                        version.modelId(),
                        version.version(),
                        gap.get().from(),
                        gap.get().to());
                return pass(version, gap.get().from(), gap.get().to());
            } finally {
                store.leases().release(passLease(version), owner);
            }
        } catch (RuntimeException e) {
            LOG.error(
                    "catching up the monitors of {}/{} failed; tried again next tick",
                    version.modelId(),
                    version.version(),
                    e);
            return new Summary(0, 0, 0, 0, 0);
        }
    }

    /** One pass over [{@code from}, {@code to}); once its alerts are stored, the evaluation watermark moves. */
    private Summary pass(ModelVersion version, Instant from, Instant to) {
        Optional<FocalWindows.Range> range = windows.stored(version, from, to);
        Tally tally = new Tally();
        if (range.isEmpty()) {
            return tally.summary();
        }
        long started = System.nanoTime();
        for (Monitor m : targets.monitors(version)) {
            if (m.type().source() == MonitorType.Source.CLOCK) {
                continue;
            }
            for (Window w : FocalWindows.complete(m, range.get())) {
                evaluateWindow(version, m, w, tally);
            }
        }
        release(tally);
        evaluated.evaluated(version, range.get().from(), range.get().to());
        Summary summary = tally.summary();
        if (summary.evaluated() > 0) {
            LOG.info(
                    "monitors of {}/{} over {} to {}: {} in {} ms",
                    version.modelId(),
                    version.version(),
                    range.get().from(),
                    range.get().to(),
                    summary,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return summary;
    }

    /**
     * On a scheduler tick: the {@linkplain #catchUp() catch-up} of windows stored and not evaluated, then staleness
     * now, and activity of the last closed focal window, for every version.
     */
    public Summary tick() {
        Summary caughtUp = catchUp();
        Tally tally = new Tally();
        if (store.shareable() && !store.leases().acquire(CLOCK_LEASE, owner, CLOCK_LEASE_TIME)) {
            return caughtUp; // another server evaluates the clock-driven monitors
        }
        Instant now = clock.instant();
        for (var model : store.models().list()) {
            for (ModelVersion version : store.versions().list(model.id())) {
                for (Monitor m : targets.monitors(version)) {
                    Window w = FocalWindows.lastClosed(m, now);
                    if (m.type() == MonitorType.MODEL_STALENESS
                            || (m.type() == MonitorType.MODEL_ACTIVITY && windows.complete(version, w))) {
                        evaluateWindow(version, m, w, tally);
                    }
                }
            }
        }
        return caughtUp.plus(tally.summary());
    }

    /** This server stops: the clock-driven monitors go to another server at its next tick, not after the lease. */
    public void stop() {
        try {
            store.leases().release(CLOCK_LEASE, owner);
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not give the clock-driven monitors back; another server takes them after the lease: {}",
                    e.getMessage());
        }
    }

    /** Sends the pass's notifications whose alert is still unresolved; the others are recorded as skipped. */
    private void release(Tally tally) {
        if (store.deliveries().release(tally.held) > 0) {
            notify.run();
        }
    }

    private void evaluateWindow(ModelVersion v, Monitor m, Window w, Tally tally) {
        if (m.detection().method() == Detection.Method.TEST) {
            evaluateTests(v, m, w, tally);
            return;
        }
        for (String field : MonitorTargets.fields(v, m)) {
            try {
                if (m.detection().method() == Detection.Method.SEGMENT) {
                    Double all = values.value(v, m, field, "", w.start(), w.end(), tally.memo);
                    for (String segment : targets.segments(v, w)) {
                        Double value = values.value(v, m, field, segment, w.start(), w.end(), tally.memo);
                        if (all == null
                                || value == null
                                || !values.preconditions(v, m, segment, w, DatasetKind.SERVING, w.start(), w.end())) {
                            tally.skipped++;
                            continue;
                        }
                        Detector.Verdict verdict =
                                Detector.segment(m.detection(), metric(m), segment, value, all, direction(m));
                        decide(v, m, field, segment, w, value, verdict, tally);
                    }
                    continue;
                }
                Double value = values.value(v, m, field, "", w.start(), w.end(), tally.memo);
                Detector.Verdict verdict = value == null ? null : verdict(v, m, field, w, value, tally);
                if (verdict == null) {
                    tally.skipped++;
                    continue;
                }
                decide(v, m, field, "", w, value, verdict, tally);
            } catch (VigilException e) {
                LOG.warn(
                        "monitor {} of {}/{} on {} at {}: {}",
                        m.name(),
                        v.modelId(),
                        v.version(),
                        field,
                        w.start(),
                        e.getMessage());
                tally.skipped++;
            } catch (RuntimeException e) {
                LOG.error(
                        "monitor {} of {}/{} on {} at {} failed",
                        m.name(),
                        v.modelId(),
                        v.version(),
                        field,
                        w.start(),
                        e);
                tally.skipped++;
            }
        }
    }

    /** One field and segment of a {@code method: test} evaluation: its test, raw p-value and effect. */
    private record Tested(String field, String segment, String test, double p, double effect) {}

    /**
     * {@code method: test} (decision 0031): one p-value per field and segment (all rows and every segment stored for
     * the window) against training, KS ({@code ks_pvalue}) for numeric fields and text lengths and χ² ({@code
     * chi2_pvalue}) for categories; Benjamini–Hochberg over all of them; then each alarms or clears on its q-value
     * and effect (the watched drift metric). A field or segment without a p-value or an effect (too few rows, no
     * baseline) is skipped and not counted among the tests.
     */
    private void evaluateTests(ModelVersion v, Monitor m, Window w, Tally tally) {
        List<String> segments = new ArrayList<>();
        segments.add("");
        List<Tested> tested = new ArrayList<>();
        try {
            segments.addAll(targets.segments(v, w));
            for (String field : MonitorTargets.fields(v, m)) {
                String pMetric = pValueMetric(v, field);
                if (pMetric == null) {
                    tally.skipped += segments.size(); // tensors and embeddings: no test
                    continue;
                }
                for (String segment : segments) {
                    Double p = values.drift(v, m, pMetric, field, segment, w.start(), w.end(), tally.memo);
                    Double effect = values.value(v, m, field, segment, w.start(), w.end(), tally.memo);
                    if (p == null || effect == null || !values.preconditions(v, m, segment, w, null, null, null)) {
                        tally.skipped++;
                        continue;
                    }
                    tested.add(new Tested(field, segment, pMetric.equals("ks_pvalue") ? "KS" : "χ²", p, effect));
                }
            }
        } catch (VigilException e) {
            LOG.warn("monitor {} of {}/{} at {}: {}", m.name(), v.modelId(), v.version(), w.start(), e.getMessage());
            tally.skipped++;
            return;
        } catch (RuntimeException e) {
            LOG.error("monitor {} of {}/{} at {} failed", m.name(), v.modelId(), v.version(), w.start(), e);
            tally.skipped++;
            return;
        }
        double[] q = dev.vigil.core.monitor.FalseDiscovery.benjaminiHochberg(
                tested.stream().mapToDouble(Tested::p).toArray());
        for (int i = 0; i < tested.size(); i++) {
            Tested t = tested.get(i);
            Detector.Verdict verdict =
                    Detector.test(m.detection(), metric(m), t.test(), t.p(), q[i], tested.size(), t.effect());
            decide(v, m, t.field(), t.segment(), w, t.effect(), verdict, tally);
        }
    }

    /** The p-value metric of a field's test: KS for numbers and text lengths, χ² for categories, none for vectors. */
    private static String pValueMetric(ModelVersion v, String field) {
        return v.schema().fields().stream()
                .filter(f -> dev.vigil.core.model.TextLength.refersTo(field, f.name()))
                .findFirst()
                .map(f -> switch (f.type().kind()) {
                    case NUMERIC, TEXT -> "ks_pvalue";
                    case CATEGORICAL, STRING, BOOLEAN -> "chi2_pvalue";
                    default -> null;
                })
                .orElse(null);
    }

    /** The verdict of one value by the monitor's detection, or null when it cannot decide (preconditions, history). */
    private Detector.Verdict verdict(ModelVersion v, Monitor m, String field, Window w, double value, Tally tally) {
        Detection d = m.detection();
        Instant from = w.start().minus(m.focal().multipliedBy(d.baselineWindows()));
        return switch (d.method()) {
            case ABSOLUTE ->
                values.preconditions(v, m, "", w, null, null, null) ? Detector.absolute(d, metric(m), value) : null;
            case PERCENTAGE -> {
                // the baseline is the mean of the windows' values: a count compares with a count, not with a sum
                Double baseline = mean(values.history(v, m, field, from, w.start(), tally.memo));
                yield baseline == null || !values.preconditions(v, m, "", w, DatasetKind.SERVING, from, w.start())
                        ? null
                        : Detector.percentage(d, metric(m), value, baseline, direction(m));
            }
            case ANOMALY -> {
                boolean seasonal = d.seasonal() == Detection.Seasonality.WEEK;
                Instant since = seasonal ? w.start().minus(Duration.ofDays(7L * d.baselineWeeks())) : from;
                yield values.preconditions(v, m, "", w, DatasetKind.SERVING, since, w.start())
                        ? Detector.anomaly(
                                d,
                                metric(m),
                                value,
                                seasonal
                                        ? values.seasonalHistory(v, m, field, w.start(), d.baselineWeeks(), tally.memo)
                                        : values.history(v, m, field, from, w.start(), tally.memo),
                                direction(m))
                        : null;
            }
            case TRAINING -> {
                if (m.type() == MonitorType.MULTIVARIATE_DRIFT) {
                    // pca_reconstruction_error against its band for this window's row count (decision 0030)
                    Double upper = values.band(v, field, w.start(), w.end());
                    yield upper == null || !values.preconditions(v, m, "", w, null, null, null)
                            ? null
                            : Detector.aboveBand(d, metric(m), value, upper);
                }
                boolean drift = m.type().source() == MonitorType.Source.DRIFT;
                Double training = drift ? null : values.trainingValue(v, m, field);
                yield values.preconditions(v, m, "", w, drift ? null : DatasetKind.TRAINING, null, null)
                        ? Detector.training(d, metric(m), value, training, drift, direction(m))
                        : null;
            }
            case SEGMENT -> throw new IllegalStateException("segment detection is evaluated per segment");
            case TEST -> throw new IllegalStateException("test detection is evaluated over all fields at once");
        };
    }

    /** Raises or clears the alert of one decision. */
    private void decide(
            ModelVersion v,
            Monitor m,
            String field,
            String segment,
            Window w,
            double value,
            Detector.Verdict verdict,
            Tally tally) {
        tally.evaluated++;
        String fieldKey = field == null ? "" : field;
        AlertRepository alerts = store.alerts();
        if (!verdict.fires()) {
            tally.resolved += alerts.resolveCleared(v.modelId(), v.version(), m.name(), fieldKey, segment, w.start());
            return;
        }
        tally.fired++;
        List<String> channels =
                m.actions().stream().map(a -> a.type().specName()).toList();
        Alert alert = new Alert(
                null,
                v.modelId(),
                v.version(),
                m.name(),
                fieldKey,
                segment,
                w.start(),
                w.end(),
                metric(m),
                value,
                verdict.threshold(),
                verdict.baseline(),
                m.severity().specName(),
                null,
                verdict.reason(),
                null,
                null,
                null);
        AlertRepository.Raised raised =
                alerts.raise(alert, channels, clock.instant().plus(HOLD));
        if (raised.created()) {
            tally.created++;
            tally.held.addAll(raised.deliveries());
        }
    }

    private static String metric(Monitor m) {
        return m.type() == MonitorType.CUSTOM_METRIC ? m.expression() : m.watchedMetric();
    }

    private static Direction direction(Monitor m) {
        return m.type().source() == MonitorType.Source.PERFORMANCE
                ? Direction.worseningOf(m.watchedMetric())
                : Direction.BOTH;
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
}
