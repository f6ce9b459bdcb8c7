package dev.vigil.server.runs;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a run of each connected dataset when its cron schedule comes due. A run without a range
 * reads from the dataset's watermark (less the lateness allowance) to the last closed window, so
 * windows are profiled once they close and again while late rows may still arrive.
 *
 * <p>A failed run is retried with exponential backoff (30 s, 1 min, 2 min, … at most 1 h) and its
 * reason stays on the run; the watermark only moves over windows that were stored. Training and
 * testing datasets are reference sets: they are profiled once, when they have never been.
 *
 * <p>Each tick first {@linkplain RunService#reap() reaps} the runs past their lease, so a stuck run is failed (and
 * retried like any failure) rather than blocking its dataset forever. A tick never lets anything escape, an Error
 * included: the executor would cancel every later tick.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LAST_RETRY = Duration.ofHours(1);

    private final Metastore store;
    private final RunService runs;
    private final Clock clock;
    private final Runnable onTick;
    private final Map<String, State> states = new HashMap<>();
    private ScheduledExecutorService executor;

    /** What the scheduler remembers of one dataset. */
    private static final class State {
        Instant lastCheck;
        String runInFlight;
        int failures;
        Instant retryAt;
        boolean referenceDone;

        State(Instant lastCheck) {
            this.lastCheck = lastCheck;
        }
    }

    public Scheduler(Metastore store, RunService runs, Clock clock) {
        this(store, runs, clock, () -> {});
    }

    /** A scheduler that also runs {@code onTick} (the clock-driven monitors) after each tick. */
    public Scheduler(Metastore store, RunService runs, Clock clock, Runnable onTick) {
        this.store = store;
        this.runs = runs;
        this.clock = clock;
        this.onTick = onTick;
    }

    /** Ticks every {@code period} on a background thread. */
    public void start(Duration period) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-scheduler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tickSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One tick that never throws: {@code scheduleWithFixedDelay} cancels every later tick, silently, once one throws,
     * so an Error too (out of memory, stack overflow) is logged and the next tick comes as usual.
     */
    void tickSafely() {
        try {
            tick();
        } catch (Throwable e) {
            LOG.error("scheduler tick failed; the next one runs as usual", e);
        }
    }

    /**
     * Reaps the runs past their lease, looks at every connected dataset once and starts the runs that are due, then
     * runs the clock-driven monitors. A dataset that fails is logged and the others are still looked at.
     */
    public synchronized void tick() {
        Instant now = clock.instant();
        runs.reap();
        runs.repairRollups();
        for (Model model : store.models().list()) {
            for (ModelVersion version : store.versions().list(model.id())) {
                for (DatasetConnection dataset : store.datasets().list(model.id(), version.version())) {
                    try {
                        consider(version, dataset, now);
                    } catch (RuntimeException e) {
                        LOG.error(
                                "scheduling {}/{}/{} failed; tried again next tick",
                                version.modelId(),
                                version.version(),
                                dataset.dataset().specName(),
                                e);
                    }
                }
            }
        }
        onTick.run();
    }

    private void consider(ModelVersion version, DatasetConnection dataset, Instant now) {
        String key = version.modelId() + "/" + version.version() + "/"
                + dataset.dataset().specName();
        State state = states.computeIfAbsent(key, k -> new State(now));
        if (state.runInFlight != null) {
            Optional<Run> run = store.runs().find(state.runInFlight);
            if (run.isPresent() && !run.get().status().isFinished()) {
                return;
            }
            state.runInFlight = null;
            if (run.isPresent() && run.get().status() == Run.Status.FAILED) {
                state.failures++;
                state.retryAt = now.plus(backoff(state.failures));
                LOG.warn(
                        "scheduled run of {} failed ({}); retrying at {}",
                        key,
                        run.get().error(),
                        state.retryAt);
            } else {
                state.failures = 0;
                state.retryAt = null;
            }
        }
        boolean reference = dataset.dataset() == DatasetKind.TRAINING || dataset.dataset() == DatasetKind.TESTING;
        boolean due;
        if (state.retryAt != null) {
            due = !now.isBefore(state.retryAt);
        } else if (reference) {
            due = !state.referenceDone
                    && store.profiles()
                            .watermark(
                                    version.modelId(),
                                    version.version(),
                                    dataset.dataset().specName())
                            .isEmpty();
        } else {
            due = dataset.scheduleOr(version.aggregationPeriod())
                    .next(state.lastCheck)
                    .map(next -> !next.isAfter(now))
                    .orElse(false);
        }
        if (due) {
            Run run;
            try {
                run = runs.submit(version, dataset.dataset(), Optional.empty(), Optional.empty());
            } catch (RunService.QueueFull e) {
                LOG.warn("scheduled run of {} not started, tried again next tick: {}", key, e.getMessage());
                return; // lastCheck stays: still due on the next tick
            }
            state.lastCheck = now;
            state.runInFlight = run.id();
            state.referenceDone |= reference;
            LOG.info("scheduled run {} of {}", run.id(), key);
        } else {
            state.lastCheck = now;
        }
    }

    /** 30 s after the first failure, doubling up to an hour. */
    static Duration backoff(int failures) {
        Duration d = FIRST_RETRY;
        for (int i = 1; i < failures && d.compareTo(LAST_RETRY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : d;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
