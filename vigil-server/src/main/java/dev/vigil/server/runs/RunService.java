package dev.vigil.server.runs;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.engine.profile.PartialProfile;
import dev.vigil.engine.profile.ProblemCounts;
import dev.vigil.engine.profile.Window;
import dev.vigil.query.Rollups;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.ServerId;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.RunFence;
import dev.vigil.store.RunRepository;
import dev.vigil.store.StoredProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs: pulls a dataset over a range of windows with Spark and stores each window's profiles.
 *
 * <p>Runs execute one at a time on a background thread (Spark already uses every core), with a bounded queue
 * ({@code VIGIL_MAX_QUEUED_RUNS}). A run's range is clamped to the source's first row and to the later of its last
 * row and now, and capped at {@code VIGIL_MAX_RUN_WINDOWS} windows, counted before any is made; a serving run without
 * a range reads at most a day of empty windows past its source's last row, skips the rest up to now (its run says how
 * many) and moves its watermark past them (issue 18: a catch-up after apply profiled 7,816 empty hours). The windows
 * are read in batches, each batch's windows replaced in one transaction, so progress is visible
 * and a failure keeps every batch before it. A failed run leaves the watermark where the last
 * stored batch put it.
 *
 * <p>Any {@link Throwable} fails the run, {@link Error}s included, with one sentence saying what the run was doing
 * ({@link RunFailures}); the failure is recorded with retries, and what the metastore would not take is recorded by
 * the {@linkplain #reap() reaper} on the next scheduler tick. A running run without progress for
 * {@code VIGIL_RUN_LEASE} seconds is failed by the reaper and its thread interrupted ({@link RunLeases}).
 *
 * <p>Servers may share a PostgreSQL metastore (decision 0022). Each run is held by the server that queued it, under a
 * lease in the metastore of {@code VIGIL_SERVER_LEASE} seconds that the holder renews on progress and on every beat of
 * its {@link ServerHeartbeat} (whether or not its scheduler ticks); a run starts only when no other run
 * of its dataset is running on any server. The reaper of every server fails the runs whose lease expired, naming the
 * server that held them, so that the scheduler tries them again; at startup only those are failed, never another
 * live server's runs (on an H2 file, which one server holds, every unfinished run is a dead server's, and so is
 * every named lease and notification claim). A run's writes are fenced ({@link RunFence}): once another server has
 * failed it, they write nothing. A run holds its dataset's roll-up lease ({@link Rollups#lease}) from its start to
 * after its month refresh, and the repair of every server takes that lease per dataset, so that no repair writes a
 * day from hours a run is replacing.
 */
public final class RunService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
    /**
     * Windows read per Spark job and stored per transaction: a tenth of the run (so the progress bar
     * moves ten times), at least a day of hours and at most a week, which keeps the fixed cost of a
     * job small beside its rows. Fewer, larger jobs (a fifth of the run) were tried for issue 15: the run's CPU time
     * did not measurably drop on a shared machine, and the server's live set after a collection doubled or tripled
     * (a job's partitions hold the sketches of every window they read until they end).
     */
    static int batchWindows(int windows) {
        return Math.max(24, Math.min(168, windows / 10));
    }
    /** The longest a run's compaction of the metastore may take (decision 0019). */
    static final Duration COMPACTION_TIME = Duration.ofMinutes(2);

    /** Windows before the watermark a scheduled run reads again, for rows that arrive late. */
    static final int LATENESS_WINDOWS = 2;

    private final Metastore store;
    private final LossModels lossModels;
    private final Supplier<DatasetProfiler> profiler;
    private final Clock clock;
    private final Listener listener;
    private final int maxRunWindows;
    private final BlockingQueue<Runnable> queue;
    private final ExecutorService executor;
    private final RunLeases leases;
    /** This server, as the holder of its runs in the metastore, with the lease each renewal gives. */
    private final RunRepository.Holder holder;
    /**
     * The model id, version and dataset whose windows the run thread is storing (null between runs): their days stay
     * marked stale until the run's end rolls up their months, and the tick's repair leaves them to it.
     */
    private volatile List<String> storing;
    /**
     * The roll-up lease ({@link Rollups#lease}) the run thread holds while it stores (null between runs), which the
     * {@linkplain #heartbeat() heartbeat} renews with the runs: a Spark job of a batch can outlast the server lease.
     */
    private volatile RollupsLease rollupsLease;
    /** Held by a beat renewing the roll-up lease and by the run giving it back: no beat takes it again once given back. */
    private final Object rollupsLock = new Object();

    /** A held roll-up lease: its name, and its owner (the run, so that this server's own repair never shares it). */
    private record RollupsLease(String name, String owner) {}

    /** The run queue is full: the caller should try again once runs have finished (an HTTP 429). */
    public static final class QueueFull extends VigilException {
        QueueFull(String message) {
            super(message);
        }
    }

    /** Told when a run has stored windows: the version, and the range of serving windows whose data changed. */
    public interface Listener {
        void windowsStored(ModelVersion version, Instant from, Instant to);
    }

    public RunService(Metastore store, Supplier<DatasetProfiler> profiler, Clock clock) {
        this(store, profiler, clock, (v, f, t) -> {});
    }

    /** Runs that tell {@code listener} (monitor evaluation) when serving windows were stored or recomputed. */
    public RunService(Metastore store, Supplier<DatasetProfiler> profiler, Clock clock, Listener listener) {
        this(store, profiler, clock, listener, ServerConfig.Limits.defaults());
    }

    /**
     * Runs of at most {@code limits.maxRunWindows()} windows each, with at most {@code limits.maxQueuedRuns()} waiting
     * for the run thread.
     */
    public RunService(
            Metastore store,
            Supplier<DatasetProfiler> profiler,
            Clock clock,
            Listener listener,
            ServerConfig.Limits limits) {
        this(store, profiler, clock, listener, limits, ServerId.create());
    }

    /** Runs held in the metastore by {@code server}, one of the servers sharing it. */
    public RunService(
            Metastore store,
            Supplier<DatasetProfiler> profiler,
            Clock clock,
            Listener listener,
            ServerConfig.Limits limits,
            ServerId server) {
        this.store = store;
        this.lossModels = new LossModels(store);
        this.profiler = profiler;
        this.clock = clock;
        this.listener = listener;
        this.maxRunWindows = limits.maxRunWindows();
        this.leases = new RunLeases(clock, Duration.ofSeconds(limits.runLeaseSeconds()));
        this.queue = new LinkedBlockingQueue<>(limits.maxQueuedRuns());
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "vigil-runs");
            t.setDaemon(true);
            return t;
        });
        this.holder = new RunRepository.Holder(server.toString(), Duration.ofSeconds(limits.serverLeaseSeconds()));
        if (store.shareable()) {
            reapExpired(); // other servers' live runs are left alone
        } else {
            int closed = store.runs().failUnfinished("the server stopped before the run finished; run it again");
            if (closed > 0) {
                LOG.warn("{} runs left unfinished by a previous server were marked failed", closed);
            }
            // this process alone holds the file, so a lease or claim left is a dead process's; this one, a new
            // holder, would otherwise wait for them to expire (a pass's 10 minutes, a notification's 5)
            int leasesLeft = store.leases().releaseAll();
            int claimsLeft = store.deliveries().releaseAllClaims();
            if (leasesLeft + claimsLeft > 0) {
                LOG.warn(
                        "gave back {} leases and {} notification claims left by a previous server",
                        leasesLeft,
                        claimsLeft);
            }
        }
        repairRollups();
    }

    /**
     * Refreshes the roll-ups a run marked stale and did not refresh (it crashed or failed in between): at startup and
     * on every scheduler tick, leaving alone the datasets a run is storing, on this server or another (its own end
     * refreshes its months and clears its marks). A failure is logged; the marks stay for the next try.
     */
    public void repairRollups() {
        try {
            List<String> busy = storing;
            // and those another server sharing the metastore is storing (an actuals run stores serving windows)
            Set<List<String>> running = new HashSet<>();
            for (List<String> r : store.runs().running()) {
                String dataset =
                        r.get(2).equals(DatasetKind.ACTUALS.specName()) ? DatasetKind.SERVING.specName() : r.get(2);
                running.add(List.of(r.get(0), r.get(1), dataset));
            }
            // each dataset under its roll-up lease: a run on another server holds it from its start on, so a run that
            // starts after running() was read still keeps this repair from writing its days from older hours
            int repaired = Rollups.repair(
                    store,
                    r -> {
                        List<String> key = List.of(r.modelId(), r.version(), r.dataset());
                        return key.equals(busy) || running.contains(key);
                    },
                    Optional.of("repair on " + holder.owner()),
                    holder.lease());
            if (repaired > 0) {
                LOG.warn("refreshed the roll-ups of {} days whose hours had been replaced without them", repaired);
            }
        } catch (RuntimeException e) {
            LOG.error("repairing stale roll-ups failed; tried again next tick", e);
        }
    }

    /**
     * Queues a run of {@code kind}. Without a range, serving and actuals read from the watermark
     * (less {@value #LATENESS_WINDOWS} windows for late rows) or their first row up to the last
     * closed window; training and testing read all their rows.
     */
    public Run submit(ModelVersion version, DatasetKind kind, Optional<Instant> from, Optional<Instant> to) {
        return submitAll(version, List.of(kind), from, to).get(0);
    }

    /**
     * Queues a run of each of {@code kinds}, all or none: a range past {@code VIGIL_MAX_RUN_WINDOWS} is refused (400),
     * and so is a queue without room for all of them ({@link QueueFull}, 429).
     */
    public List<Run> submitAll(
            ModelVersion version, List<DatasetKind> kinds, Optional<Instant> from, Optional<Instant> to) {
        return submitAll(version, kinds, from, to, false);
    }

    /**
     * {@link #submitAll(ModelVersion, List, Optional, Optional) Queues a run of each of} {@code kinds}; with
     * {@code referencesWhole}, training and testing read all their rows whatever {@code from}/{@code to} say (a run
     * of every dataset over a serving range: a reference cut by it would read none), and their run says so.
     */
    public synchronized List<Run> submitAll(
            ModelVersion version,
            List<DatasetKind> kinds,
            Optional<Instant> from,
            Optional<Instant> to,
            boolean referencesWhole) {
        boolean ranged = from.isPresent() || to.isPresent();
        List<DatasetConnection> connections = new ArrayList<>();
        for (DatasetKind kind : kinds) {
            boolean whole = referencesWhole && isReference(kind);
            connections.add(connection(version, kind, whole ? Optional.empty() : from, whole ? Optional.empty() : to));
        }
        if (queue.remainingCapacity() < kinds.size()) {
            throw new QueueFull("runs: " + queue.size() + " runs are already queued, the most the server holds"
                    + " (VIGIL_MAX_QUEUED_RUNS); start this one again once some have finished");
        }
        List<Run> runs = new ArrayList<>();
        for (DatasetConnection connection : connections) {
            boolean whole = referencesWhole && isReference(connection.dataset());
            Optional<Instant> runFrom = whole ? Optional.empty() : from;
            Optional<Instant> runTo = whole ? Optional.empty() : to;
            Run run = store.runs()
                    .create(
                            version.modelId(),
                            version.version(),
                            connection.dataset().specName(),
                            runFrom.orElse(Instant.EPOCH),
                            runTo.orElse(Instant.EPOCH),
                            0,
                            holder);
            if (whole && ranged) {
                String note = "whole " + connection.dataset().specName() + " set: with dataset all, from/to cut"
                        + " serving and actuals only (run this dataset alone to cut it)";
                store.runs().note(run.id(), note);
                run = store.runs().find(run.id()).orElse(run);
            }
            Run queued = run;
            leases.queued(queued.id());
            executor.execute(() -> execute(queued, version, connection, runFrom, runTo));
            runs.add(queued);
        }
        return runs;
    }

    /**
     * Claims and queues the scheduled run of {@code kind} due at {@code dueAt}, from its watermark: empty when another
     * server (or an earlier tick) claimed that due time, or the dataset has a run queued or running on any server
     * (decision 0022). {@link QueueFull} when this server holds no more runs.
     */
    public synchronized Optional<Run> submitScheduled(ModelVersion version, DatasetKind kind, Instant dueAt) {
        DatasetConnection connection = connection(version, kind, Optional.empty(), Optional.empty());
        if (queue.remainingCapacity() < 1) {
            throw new QueueFull("runs: " + queue.size() + " runs are already queued, the most the server holds"
                    + " (VIGIL_MAX_QUEUED_RUNS); start this one again once some have finished");
        }
        Optional<Run> claimed =
                store.runs().claimScheduled(version.modelId(), version.version(), kind.specName(), dueAt, holder);
        claimed.ifPresent(run -> {
            leases.queued(run.id());
            executor.execute(() -> execute(run, version, connection, Optional.empty(), Optional.empty()));
        });
        return claimed;
    }

    /** The connection to run, once the range asked for is checked: ordered, and at most the windows allowed. */
    private DatasetConnection connection(
            ModelVersion version, DatasetKind kind, Optional<Instant> from, Optional<Instant> to) {
        DatasetConnection connection = store.datasets()
                .find(version.modelId(), version.version(), kind)
                .orElseThrow(() -> new VigilArgumentException(version.modelId() + "/" + version.version() + " has no "
                        + kind.specName() + " dataset connected: apply a spec that connects one (vigil apply -f"
                        + " spec.yaml)"));
        if (from.isPresent() && to.isPresent() && !to.get().isAfter(from.get())) {
            throw new VigilArgumentException("to: " + to.get() + " must be after from " + from.get());
        }
        if (from.isPresent()) {
            Duration length = version.aggregationPeriod().length();
            Instant end = to.orElse(Window.startOf(clock.instant(), length));
            long windows = end.isAfter(from.get()) ? windowCount(from.get(), end, length) : 0;
            if (windows > maxRunWindows) {
                throw new VigilArgumentException("from/to: " + from.get() + " to " + end + " is " + windows + " "
                        + version.aggregationPeriod().specName() + " windows, more than the " + maxRunWindows
                        + " one run may read (VIGIL_MAX_RUN_WINDOWS);"
                        + " run a shorter range");
            }
        }
        return connection;
    }

    /** Training and testing: reference datasets, read whole unless a range is asked for. */
    private static boolean isReference(DatasetKind kind) {
        return kind == DatasetKind.TRAINING || kind == DatasetKind.TESTING;
    }

    /** The windows of {@code length} covering [{@code from}, {@code to}), counted without making them. */
    static long windowCount(Instant from, Instant to, Duration length) {
        long seconds = length.toSeconds();
        long first = Math.floorDiv(from.getEpochSecond(), seconds) * seconds;
        return Math.floorDiv(to.getEpochSecond() - first + seconds - 1, seconds);
    }

    private void execute(
            Run run, ModelVersion version, DatasetConnection connection, Optional<Instant> from, Optional<Instant> to) {
        String name = version.modelId() + "/" + version.version() + "/"
                + connection.dataset().specName();
        try {
            leases.started(run.id());
            if (!store.runs().start(run.id(), holder)) {
                if (store.runs()
                        .find(run.id())
                        .map(r -> r.status().isFinished())
                        .orElse(true)) {
                    return; // failed past its lease while it waited (this server was taken for dead)
                }
                recordFailure(
                        run.id(),
                        "another run of " + name + " is running, on this server or another; a dataset runs one run"
                                + " at a time: run it again once that one has finished");
                return;
            }
            DatasetKind stored =
                    connection.dataset() == DatasetKind.ACTUALS ? DatasetKind.SERVING : connection.dataset();
            storing = List.of(version.modelId(), version.version(), stored.specName());
            holdRollups(run.id(), Rollups.lease(version.modelId(), version.version(), stored.specName()));
            doing(run.id(), "starting Spark");
            DatasetProfiler engine = profiler.get();
            if (connection.dataset() == DatasetKind.ACTUALS) {
                recomputeForActuals(run, version, connection, from, to, engine);
            } else {
                profileWindows(run, version, connection, from, to, engine);
            }
            compactMetastore(run); // part of the run: the next one, or a user waiting on it, finds the space given back
            doing(run.id(), "recording its success");
            if (!store.runs().succeeded(run.id(), holder)) {
                LOG.warn(
                        "run {} of {} finished, but another server had failed it past its lease: it stays failed",
                        run.id(),
                        name);
                return;
            }
            Run done = store.runs().find(run.id()).orElseThrow();
            LOG.info(
                    "run {} of {} succeeded: {} windows, {} rows, {} with problems ({} without a timestamp)",
                    run.id(),
                    name,
                    done.windowsDone(),
                    done.rowsRead(),
                    done.rowsWithProblems(),
                    done.nullTimestampCount());
        } catch (Throwable e) { // Errors too (out of memory, stack overflow): a run is never left running
            String reason = RunFailures.reason(e, leases.activity(run.id()));
            if (e instanceof VigilException) {
                LOG.warn("run {} of {} failed: {}", run.id(), name, reason);
            } else {
                LOG.error("run {} of {} failed: {}", run.id(), name, reason, e);
            }
            Thread.interrupted(); // an expired lease's interrupt must not fail the recording too
            recordFailure(run.id(), reason);
        } finally {
            storing = null; // a failed run's marks are the repair's from the next tick on
            giveBackRollups();
            leases.ended(run.id());
        }
    }

    /**
     * The run made progress and is now doing {@code activity}: its lease is renewed, here and in the metastore. A run
     * another server failed past its lease (this one was taken for dead: a long pause, a network split) stops here,
     * before it writes anything more.
     */
    private void doing(String runId, String activity) {
        leases.doing(runId, activity);
        if (store.runs().renew(List.of(runId), holder).isEmpty()) {
            throw new VigilStateException("the run was failed meanwhile, here (no progress for VIGIL_RUN_LEASE "
                    + leases.lease().toSeconds() + " seconds) or by another server (this one silent for"
                    + " VIGIL_SERVER_LEASE " + holder.lease().toSeconds() + " seconds); it stops before writing"
                    + " anything more");
        }
        RollupsLease held = rollupsLease;
        if (held != null && !store.leases().acquire(held.name(), held.owner(), holder.lease())) {
            throw new VigilStateException("the lease '" + held.name() + "' of the run expired and another server took"
                    + " it (this one silent for VIGIL_SERVER_LEASE "
                    + holder.lease().toSeconds() + " seconds); the run"
                    + " stops before writing anything more");
        }
    }

    /**
     * Takes the roll-up lease of the dataset the run stores, for the whole run (decision 0022): no repair on another
     * server then writes its days or months from hours this run is replacing. It is held only by a repair (seconds),
     * by another run storing the same dataset (a serving and an actuals run of one version), or by a dead server's
     * run until its lease expires; the run waits for it up to twice {@code VIGIL_SERVER_LEASE}, then fails.
     */
    private void holdRollups(String runId, String name) throws InterruptedException {
        String owner = "run " + runId + " on " + holder.owner();
        long giveUp = System.nanoTime() + holder.lease().multipliedBy(2).toNanos();
        while (!store.leases().acquire(name, owner, holder.lease())) {
            if (System.nanoTime() - giveUp > 0) {
                throw new VigilStateException("the lease '" + name + "' stayed held by another run or roll-up repair"
                        + " for " + holder.lease().multipliedBy(2).toSeconds() + " seconds (twice VIGIL_SERVER_LEASE);"
                        + " run it again once that one has finished");
            }
            doing(runId, "waiting for the lease '" + name + "', held by another run or roll-up repair");
            Thread.sleep(500);
        }
        rollupsLease = new RollupsLease(name, owner);
    }

    /** Gives the run's roll-up lease back, once its months are refreshed (or it failed): a repair may take it now. */
    private void giveBackRollups() {
        RollupsLease held;
        synchronized (rollupsLock) {
            held = rollupsLease;
            rollupsLease = null;
        }
        if (held != null) {
            try {
                store.leases().release(held.name(), held.owner());
            } catch (RuntimeException e) {
                LOG.warn("the lease '{}' is left to expire: {}", held.name(), e.getMessage());
            }
        }
    }

    /**
     * Gives the space of the profiles the run replaced back to the disk (an H2 metastore; decision 0019), once they
     * are all stored and before the run is recorded as succeeded, so that its time includes it: a re-run otherwise
     * leaves its old profiles' bytes in the file. A failure here is logged and never fails the run.
     */
    private void compactMetastore(Run run) {
        doing(run.id(), "compacting the metastore");
        long started = System.nanoTime();
        try {
            long reclaimed = store.compactIfNeeded(COMPACTION_TIME);
            if (reclaimed > 0) {
                LOG.info(
                        "run {}: the metastore gave {} MB back to the disk in {} ms",
                        run.id(),
                        reclaimed >> 20,
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) { // H2's internals, if an upgrade changed them, or a metastore blip
            LOG.warn("run {}: could not compact the metastore: {}", run.id(), e.getMessage());
        }
    }

    /**
     * Records {@code reason} on the run, trying again over a metastore blip; when the metastore stays away, the
     * reason waits for the {@linkplain #reap() reaper}.
     */
    private void recordFailure(String runId, String reason) {
        if (!Retrying.METASTORE.run(
                "record the failure of run " + runId, () -> store.runs().failed(runId, reason))) {
            LOG.error("run {} stays running in the metastore until the next tick records its failure", runId);
            leases.unrecorded(runId, reason);
        }
    }

    /**
     * The reaper, called on every scheduler tick: records the failures the metastore would not take when they
     * happened, and fails the runs that made no progress for longer than the lease ({@code VIGIL_RUN_LEASE}),
     * interrupting their thread, so that no run blocks its dataset's scheduling forever.
     */
    public void reap() {
        for (var e : leases.unrecorded().entrySet()) {
            try {
                store.runs().failed(e.getKey(), e.getValue());
                leases.recorded(e.getKey());
                LOG.info("the failure of run {} is recorded at last", e.getKey());
            } catch (RuntimeException ex) {
                LOG.warn("the failure of run {} is still not recorded: {}", e.getKey(), ex.getMessage());
            }
        }
        for (var expired : leases.expire().entrySet()) {
            String runId = expired.getKey();
            String reason = "the run made no progress for " + leases.lease().toSeconds() + " seconds"
                    + " (VIGIL_RUN_LEASE) and was stopped; run it again, or raise VIGIL_RUN_LEASE if its batches"
                    + " take that long";
            LOG.error("run {} expired: {}", runId, reason);
            recordFailure(runId, reason); // first: the first result recorded wins, and this one must
            expired.getValue().interrupt();
        }
        reapExpired();
    }

    /**
     * One beat of this server's {@link ServerHeartbeat}: renews, in one statement, the metastore lease of every run
     * this server holds (queued ones make no progress of their own), whether or not the scheduler ticks. A run another
     * server failed past its lease meanwhile is let go and its thread interrupted; should the interrupt go unheard,
     * the run still stops at its next progress, before it writes again. A metastore that does not answer is logged;
     * the next beat tries again.
     */
    public void heartbeat() {
        Set<String> held = leases.held(); // before the renewal: each of these was in the metastore already
        try {
            Set<String> renewed = store.runs().renewAll(holder); // by id: a row this server forgot masks no lost run
            synchronized (rollupsLock) {
                RollupsLease rollups = rollupsLease;
                if (rollups != null && !store.leases().acquire(rollups.name(), rollups.owner(), holder.lease())) {
                    LOG.error("the lease '{}' was taken by another server; the run holding it stops", rollups.name());
                }
            }
            for (String runId : held) {
                if (!renewed.contains(runId) && leases.holds(runId)) {
                    LOG.error("run {} was failed by another server past its lease; this server stops it", runId);
                    leases.letGo(runId).ifPresent(Thread::interrupt);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not renew the lease of this server's {} runs: {}", held.size(), e.getMessage());
        }
    }

    /** How long each beat holds this server's runs ({@code VIGIL_SERVER_LEASE}). */
    public Duration serverLease() {
        return holder.lease();
    }

    /**
     * Fails the queued and running runs whose lease expired in the metastore, whichever server held them (one that
     * stopped, or was killed), with a sentence naming it, so that the scheduler tries them again. Runs this server
     * holds are left to {@link #heartbeat()}.
     */
    private void reapExpired() {
        try {
            for (RunRepository.Expired e : store.runs().expired()) {
                if (leases.holds(e.id())) {
                    continue;
                }
                String reason = e.owner() == null
                        ? "the server stopped before the run finished; run it again"
                        : "server " + e.owner() + " stopped renewing its lease at " + e.renewedAt()
                                + " (VIGIL_SERVER_LEASE " + holder.lease().toSeconds() + " seconds)"
                                + "; another server failed the run so that it can run again (a scheduled run is retried)";
                if (store.runs().failExpired(e.id(), reason)) {
                    LOG.warn("run {} failed: {}", e.id(), reason);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not fail the runs past their lease; tried again next tick: {}", e.getMessage());
        }
    }

    /**
     * A run of a serving, training or testing dataset: profiles every window of the range, in batches, each
     * batch's windows replaced in one transaction. Serving predictions are joined with the separate actuals
     * dataset, when the version has one, for their performance.
     */
    private void profileWindows(
            Run run,
            ModelVersion version,
            DatasetConnection connection,
            Optional<Instant> from,
            Optional<Instant> to,
            DatasetProfiler engine) {
        doing(run.id(), "checking the dataset against its source");
        DatasetProfiler.Prepared prepared = engine.prepare(version, connection);
        if (connection.dataset() == DatasetKind.SERVING) {
            Optional<DatasetConnection> actuals =
                    store.datasets().find(version.modelId(), version.version(), DatasetKind.ACTUALS);
            if (actuals.isPresent()) {
                prepared = prepared.withActuals(engine.prepare(version, actuals.get()));
            }
            prepared = lossModels.apply(run, version, prepared);
        }
        doing(run.id(), "finding the range of the source's rows");
        Planned plan = plan(engine, prepared, version, connection.dataset(), from, to);
        List<Window> windows = plan.windows();
        Optional<RunFence> fence = Optional.of(new RunFence(run.id(), holder.owner()));
        store.runs().planned(run.id(), rangeStart(windows, from), rangeEnd(windows, to), windows.size(), fence);
        LOG.info("run {}: {} windows", run.id(), windows.size());
        if (plan.skipped() > 0) {
            String note = String.format(
                    Locale.ROOT,
                    "skipped %,d empty windows between the last row (%s) and now; a model_staleness monitor watches"
                            + " a source gone quiet",
                    plan.skipped(),
                    plan.lastRow());
            store.runs().note(run.id(), note);
            LOG.info("run {}: {}", run.id(), note);
        }
        long rows = 0;
        long problems = 0;
        long nullTimestamps = 0;
        ProblemCounts reasons = new ProblemCounts();
        int done = 0;
        int batchSize = batchWindows(windows.size());
        List<Instant> stored = new ArrayList<>();
        // The first batch also counts the rows without a timestamp (in no window), even with no window.
        for (int i = 0; i == 0 || i < windows.size(); i += batchSize) {
            List<Window> batch = windows.subList(i, Math.min(windows.size(), i + batchSize));
            doing(run.id(), "profiling " + describe(batch));
            DatasetProfiler.Result result = engine.profile(prepared, batch, i == 0, false);
            rows += result.rowsRead();
            problems += result.rowsWithProblems();
            nullTimestamps += result.nullTimestamps();
            reasons.merge(result.problems());
            if (!reasons.isEmpty()) {
                store.runs().problems(run.id(), reasons.counts(), fence);
            }
            if (result.uncheckedIds() > 0) {
                LOG.warn(
                        "run {}: {} rows of {} were not checked for duplicate ids, their window already holding"
                                + " 1,000,000 distinct ids; its duplicate_id_count counts repeats of those only",
                        run.id(),
                        result.uncheckedIds(),
                        describe(batch));
            }
            if (batch.isEmpty()) {
                store.runs().progress(run.id(), done, rows, problems, nullTimestamps, fence);
                break;
            }
            doing(run.id(), "storing " + describe(batch));
            List<StoredProfile> profiles = stored(batch, result, "");
            List<Instant> starts = batch.stream().map(Window::start).toList();
            // the hours and the marks of their days' roll-ups in one transaction: a crash before the refresh is
            // repaired from the marks
            store.profiles()
                    .replaceWindows(
                            version.modelId(),
                            version.version(),
                            connection.dataset().specName(),
                            starts,
                            profiles,
                            Optional.of(watermarkAfter(batch, version)),
                            Rollups.days(version, starts),
                            fence); // written only while this server still holds the run
            // the days now, for the monitors evaluated below; the months once, at the end of the run
            Rollups.refreshDays(store, version, connection.dataset().specName(), starts);
            stored.addAll(starts);
            done += batch.size();
            store.runs().progress(run.id(), done, rows, problems, nullTimestamps, fence);
            if (connection.dataset() == DatasetKind.SERVING) {
                doing(run.id(), "evaluating the monitors of " + describe(batch));
                // per batch: a run that fails later has still had its stored windows evaluated
                notifyStored(
                        version,
                        batch.get(0).start(),
                        batch.get(batch.size() - 1).end());
            }
        }
        if (!stored.isEmpty()) {
            doing(run.id(), "rolling up the months of " + describe(windows));
            Rollups.refreshMonths(store, version, connection.dataset().specName(), stored);
        }
        if (plan.skipped() > 0) {
            // the skipped windows are known empty: the next scheduled run starts from now, and model_activity finds
            // the last closed window complete
            store.profiles()
                    .advanceWatermark(
                            version.modelId(),
                            version.version(),
                            connection.dataset().specName(),
                            plan.until());
        }
        if (lossModels.fits(version, connection.dataset())) {
            if (from.isPresent() || to.isPresent()) {
                // models fitted on part of the reference would replace those fitted on all of it
                lossModels.keep(run);
            } else {
                doing(run.id(), "fitting DLE's loss models on " + describe(windows));
                lossModels.fit(run, version, prepared, windows, engine, fence);
            }
        }
        judgeRows(run, connection.dataset(), from.isPresent() || to.isPresent(), rows, problems, reasons);
    }

    /**
     * Fails a run whose every row had a problem (its profiles are stored, but describe nothing the model saw), and
     * warns on one where most did, or on a reference that read no row of the range asked for, naming the problems by
     * field and reason.
     */
    private void judgeRows(Run run, DatasetKind kind, boolean ranged, long rows, long problems, ProblemCounts reasons) {
        if (rows > 0 && problems >= rows) {
            throw new VigilStateException("every row had a problem: " + reasons.describe());
        }
        String warning = null;
        if (rows > 0 && problems * 2 > rows) {
            warning =
                    String.format(Locale.ROOT, "%,d of %,d rows had a problem: %s", problems, rows, reasons.describe());
        } else if (rows == 0 && ranged && isReference(kind)) {
            warning = "read 0 rows: the " + kind.specName() + " set has no rows in this range";
        }
        if (warning != null) {
            store.runs().warning(run.id(), warning);
            LOG.warn("run {}: {}", run.id(), warning);
        }
    }

    /** "windows A to B" (or "window A") for a failure's sentence. */
    private static String describe(List<Window> windows) {
        if (windows.isEmpty()) {
            return "no window";
        }
        if (windows.size() == 1) {
            return "window " + windows.get(0).start();
        }
        return "windows " + windows.get(0).start() + " to "
                + windows.get(windows.size() - 1).end();
    }

    /** Tells the listener; its exception is logged, never the run's (an Error fails the run). */
    private void notifyStored(ModelVersion version, Instant from, Instant to) {
        try {
            listener.windowsStored(version, from, to);
        } catch (RuntimeException e) {
            LOG.error("evaluating the monitors of {}/{} failed", version.modelId(), version.version(), e);
        }
    }

    /**
     * A run of the actuals dataset: reads the actuals recorded in the range (by their own timestamp), finds the
     * serving windows holding the predictions they belong to, and recomputes the performance of those windows
     * only (windows the serving dataset has not profiled yet get it when it does). Actual ids no prediction has
     * are counted on the run.
     */
    private void recomputeForActuals(
            Run run,
            ModelVersion version,
            DatasetConnection connection,
            Optional<Instant> from,
            Optional<Instant> to,
            DatasetProfiler engine) {
        DatasetConnection serving = store.datasets()
                .find(version.modelId(), version.version(), DatasetKind.SERVING)
                .orElseThrow(() -> new VigilArgumentException("actuals: " + version.modelId() + "/" + version.version()
                        + " has no serving dataset connected; actuals are joined to its predictions on the id"));
        doing(run.id(), "checking the actuals and serving datasets against their source");
        DatasetProfiler.Prepared actuals = engine.prepare(version, connection);
        DatasetProfiler.Prepared prepared =
                lossModels.apply(run, version, engine.prepare(version, serving).withActuals(actuals));
        List<Window> range =
                plan(engine, actuals, version, DatasetKind.ACTUALS, from, to).windows();
        doing(run.id(), "reading the actuals of " + describe(range));
        DatasetProfiler.ActualsScan scan = engine.scanActuals(prepared, range, true);
        store.runs().unmatchedActuals(run.id(), scan.unmatchedIds());
        Duration period = version.aggregationPeriod().length();
        List<Window> affected = new ArrayList<>();
        if (!scan.windows().isEmpty()) {
            Instant first = scan.windows().first();
            Instant last = scan.windows().last();
            Set<Instant> profiled = store.profiles()
                    .profiledWindows(
                            version.modelId(),
                            version.version(),
                            DatasetKind.SERVING.specName(),
                            first,
                            last.plus(period));
            for (Instant start : scan.windows()) {
                if (profiled.contains(start)) {
                    affected.add(new Window(start, start.plus(period)));
                }
            }
        }
        Optional<RunFence> fence = Optional.of(new RunFence(run.id(), holder.owner()));
        store.runs().planned(run.id(), rangeStart(range, from), rangeEnd(range, to), affected.size(), fence);
        store.runs().progress(run.id(), 0, scan.rowsRead(), scan.rowsWithProblems(), scan.nullTimestamps(), fence);
        LOG.info(
                "run {}: {} actuals, {} matching no prediction, {} prediction windows to recompute ({} not profiled"
                        + " yet)",
                run.id(),
                scan.rowsRead(),
                scan.unmatchedIds(),
                affected.size(),
                scan.windows().size() - affected.size());
        int done = 0;
        int batchSize = batchWindows(affected.size());
        List<Instant> stored = new ArrayList<>();
        for (int i = 0; i < affected.size(); i += batchSize) {
            List<Window> batch = affected.subList(i, Math.min(affected.size(), i + batchSize));
            doing(run.id(), "recomputing the performance of " + describe(batch));
            DatasetProfiler.Result result = engine.profile(prepared, batch, false, true);
            List<Instant> starts = batch.stream().map(Window::start).toList();
            store.profiles()
                    .replaceFields(
                            version.modelId(),
                            version.version(),
                            DatasetKind.SERVING.specName(),
                            PerformanceProfile.FIELD_PREFIX,
                            starts,
                            stored(batch, result, PerformanceProfile.FIELD_PREFIX),
                            Rollups.days(version, starts),
                            fence);
            Rollups.refreshDays(store, version, DatasetKind.SERVING.specName(), starts);
            stored.addAll(starts);
            done += batch.size();
            store.runs()
                    .progress(run.id(), done, scan.rowsRead(), scan.rowsWithProblems(), scan.nullTimestamps(), fence);
        }
        if (!stored.isEmpty()) {
            doing(run.id(), "rolling up the months of " + describe(affected));
            Rollups.refreshMonths(store, version, DatasetKind.SERVING.specName(), stored);
        }
        if (!affected.isEmpty()) {
            doing(run.id(), "evaluating the monitors of " + describe(affected));
            notifyStored(
                    version,
                    affected.get(0).start(),
                    affected.get(affected.size() - 1).end());
        }
        if (!range.isEmpty()) {
            store.profiles()
                    .advanceWatermark(
                            version.modelId(),
                            version.version(),
                            DatasetKind.ACTUALS.specName(),
                            watermarkAfter(range, version));
        }
    }

    /** The profiles a batch produced whose field starts with {@code fieldPrefix}, as stored rows. */
    private static List<StoredProfile> stored(List<Window> batch, DatasetProfiler.Result result, String fieldPrefix) {
        List<StoredProfile> profiles = new ArrayList<>();
        for (Window w : batch) {
            for (PartialProfile p : result.windows().get(w.start())) {
                if (p.field().startsWith(fieldPrefix)) {
                    profiles.add(new StoredProfile(w.start(), w.end(), p.segment(), p.field(), p.bytes()));
                }
            }
        }
        return profiles;
    }

    /** The watermark after reading {@code windows}: the end of the last, but never past the last closed window. */
    private Instant watermarkAfter(List<Window> windows, ModelVersion version) {
        Instant lastEnd = windows.get(windows.size() - 1).end();
        Instant closedUpTo =
                Window.startOf(clock.instant(), version.aggregationPeriod().length());
        return lastEnd.isAfter(closedUpTo) ? closedUpTo : lastEnd;
    }

    /**
     * The windows a run reads; for a serving run without a range, {@code skipped} empty windows past the day after
     * its source's last row ({@code lastRow}) were left out, up to {@code until}.
     */
    private record Planned(List<Window> windows, long skipped, Instant lastRow, Instant until) {
        Planned(List<Window> windows) {
            this(windows, 0, null, null);
        }
    }

    /**
     * How far past the window of the source's last row a serving run without a range reads: a day of empty windows
     * (at least one), so that a source gone quiet shows on the charts, and not the thousands up to now that a catch-up
     * after months would profile; a {@code model_staleness} monitor watches the quiet after that.
     */
    static long emptyWindowsKept(Duration period) {
        return Math.max(1, Duration.ofDays(1).toSeconds() / period.toSeconds());
    }

    private Planned plan(
            DatasetProfiler engine,
            DatasetProfiler.Prepared prepared,
            ModelVersion version,
            DatasetKind kind,
            Optional<Instant> from,
            Optional<Instant> to) {
        var period = version.aggregationPeriod();
        Instant closedUpTo = Window.startOf(clock.instant(), period.length());
        Instant start = from.orElse(null);
        Instant end = to.orElse(null);
        Optional<Instant[]> range = engine.timeRange(prepared);
        if (range.isEmpty()) {
            return new Planned(List.of());
        }
        if (start == null || end == null) {
            boolean reference = kind == DatasetKind.TRAINING || kind == DatasetKind.TESTING;
            if (start == null) {
                Optional<Instant> watermark = reference
                        ? Optional.empty()
                        : store.profiles().watermark(version.modelId(), version.version(), kind.specName());
                start = watermark
                        .map(w -> w.minus(period.length().multipliedBy(LATENESS_WINDOWS)))
                        .orElse(range.get()[0]);
            }
            if (end == null) {
                end = reference
                        ? Window.startOf(range.get()[1], period.length()).plus(period.length())
                        : closedUpTo;
            }
        }
        // Clamped to the source's own rows: from the window of its first row, to the later of now and the end of
        // the window of its last row (windows up to now stay, empty, so that a source gone quiet shows; without a
        // range, a serving run keeps a day of them, emptyWindowsKept).
        Instant first = Window.startOf(range.get()[0], period.length());
        Instant last = Window.startOf(range.get()[1], period.length()).plus(period.length());
        if (start.isBefore(first)) {
            start = first;
        }
        Instant latest = last.isAfter(closedUpTo) ? last : closedUpTo;
        if (end.isAfter(latest)) {
            end = latest;
        }
        long skipped = 0;
        Instant until = end;
        Instant kept = last.plus(period.length().multipliedBy(emptyWindowsKept(period.length())));
        if (kind == DatasetKind.SERVING && from.isEmpty() && to.isEmpty() && end.isAfter(kept)) {
            Instant skipFrom = start.isAfter(kept) ? start : kept;
            skipped = end.isAfter(skipFrom) ? windowCount(skipFrom, end, period.length()) : 0;
            end = kept;
        }
        if (!end.isAfter(start)) {
            return new Planned(List.of(), skipped, range.get()[1], until);
        }
        long count = windowCount(start, end, period.length());
        if (count > maxRunWindows) {
            throw new VigilArgumentException("from/to: " + start + " to " + end + " (the source's rows, as clamped) is "
                    + count + " windows, more than the " + maxRunWindows + " one run may read"
                    + " (VIGIL_MAX_RUN_WINDOWS); run it with a shorter from/to, or fix the outlying timestamps");
        }
        return new Planned(Window.cover(start, end, period), skipped, range.get()[1], until);
    }

    private static Instant rangeStart(List<Window> windows, Optional<Instant> from) {
        return windows.isEmpty() ? from.orElse(Instant.EPOCH) : windows.get(0).start();
    }

    private static Instant rangeEnd(List<Window> windows, Optional<Instant> to) {
        return windows.isEmpty()
                ? to.orElse(Instant.EPOCH)
                : windows.get(windows.size() - 1).end();
    }

    /** How many ended runs still wait for the reaper to record their result (for tests). */
    int unrecordedResults() {
        return leases.unrecorded().size();
    }

    /**
     * Stops the run thread; the runs this server still holds (queued, or running past the wait) are failed at once,
     * rather than when their lease expires, so that another server sharing the metastore tries them again soon.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String runId : leases.held()) {
            try {
                store.runs()
                        .failed(
                                runId,
                                "server " + holder.owner() + " stopped before the run finished; run it" + " again");
            } catch (RuntimeException e) {
                LOG.warn("run {} is left to the lease: {}", runId, e.getMessage());
            }
        }
    }
}
