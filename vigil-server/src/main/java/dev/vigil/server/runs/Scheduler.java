package dev.vigil.server.runs;

import dev.vigil.core.model.CronSchedule;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.RunRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
 * <p>A failed run is retried with exponential backoff (30 s, 1 min, 2 min, … at most 1 h, from its end) and its
 * reason stays on the run; the watermark only moves over windows that were stored. Training and
 * testing datasets are reference sets: they are profiled once, when they have never been.
 *
 * <p>Each run is claimed in the metastore for its dataset and due time ({@link RunService#submitScheduled}), and the
 * run in flight, the failures in a row and the last due time are read from the metastore's scheduled runs: servers
 * sharing a metastore each tick, and each due time is run once, by whichever claims it first (decision 0022).
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

    /** Scheduled runs read per dataset and tick: enough failures in a row to reach the longest backoff. */
    private static final int RECENT = 10;
    /** Due times past {@code since} a tick looks through for the last one (a minutely schedule: a week). */
    private static final int MAX_MISSED = 10_080;

    /**
     * What this server remembers of one dataset: when it first looked at it (due times before are not caught up) and
     * the failure it last logged. Everything else is read from the metastore on every tick, so that every server
     * sharing it decides alike (decision 0022).
     */
    private static final class State {
        final Instant firstSeen;
        String failureSeen;

        State(Instant firstSeen) {
            this.firstSeen = firstSeen;
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
        List<RunRepository.Scheduled> recent = store.runs()
                .scheduled(
                        version.modelId(), version.version(), dataset.dataset().specName(), RECENT);
        Optional<RunRepository.Scheduled> latest = recent.stream().findFirst();
        if (latest.isPresent() && !latest.get().run().status().isFinished()) {
            return; // in flight on some server; the reaper fails it if that server stops renewing its lease
        }
        int failures = 0;
        while (failures < recent.size() && recent.get(failures).run().status() == Run.Status.FAILED) {
            failures++;
        }
        boolean reference = dataset.dataset() == DatasetKind.TRAINING || dataset.dataset() == DatasetKind.TESTING;
        Instant dueAt;
        if (failures > 0) {
            Run failed = latest.get().run();
            dueAt = finishedAt(failed).plus(backoff(failures));
            if (!failed.id().equals(state.failureSeen)) {
                state.failureSeen = failed.id();
                LOG.warn("scheduled run {} of {} failed ({}); retrying at {}", failed.id(), key, failed.error(), dueAt);
            }
        } else if (reference) {
            // profiled once, when never profiled: the first claim is for the epoch, so that one server makes it
            dueAt = latest.isEmpty()
                            && store.profiles()
                                    .watermark(
                                            version.modelId(),
                                            version.version(),
                                            dataset.dataset().specName())
                                    .isEmpty()
                    ? Instant.EPOCH
                    : null;
        } else {
            Instant since = latest.map(RunRepository.Scheduled::dueAt)
                    .filter(d -> d.isAfter(state.firstSeen))
                    .orElse(state.firstSeen);
            dueAt = lastDue(dataset.scheduleOr(version.aggregationPeriod()), since, now);
        }
        if (dueAt == null || now.isBefore(dueAt)) {
            return;
        }
        Optional<Run> run;
        try {
            run = runs.submitScheduled(version, dataset.dataset(), dueAt);
        } catch (RunService.QueueFull e) {
            LOG.warn("scheduled run of {} not started, tried again next tick: {}", key, e.getMessage());
            return; // still due on the next tick
        }
        if (run.isPresent()) {
            LOG.info("scheduled run {} of {} (due at {})", run.get().id(), key, dueAt);
        } else {
            LOG.debug("scheduled run of {} due at {}: claimed by another server, or a run is in flight", key, dueAt);
        }
    }

    /** The last time the schedule came due after {@code since}, up to {@code now}; null when none did. */
    private static Instant lastDue(CronSchedule schedule, Instant since, Instant now) {
        Instant due = null;
        Optional<Instant> next = schedule.next(since);
        for (int i = 0; next.isPresent() && !next.get().isAfter(now) && i < MAX_MISSED; i++) {
            due = next.get();
            next = schedule.next(due);
        }
        return due;
    }

    /** When a failed run ended; its creation for a run failed before it ever recorded an end. */
    private static Instant finishedAt(Run run) {
        return run.finishedAt() != null ? run.finishedAt() : run.createdAt();
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
