package dev.vigil.server.runs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs this server holds on its run thread, and when each last made progress: the lease that keeps a stuck run
 * from blocking its dataset's scheduling forever.
 *
 * <p>A run is held from the moment it is queued until its thread ends it. A running run whose last progress (its start,
 * its plan, each stored batch) is older than the lease has {@linkplain #expire() expired}: it is let go and its thread
 * interrupted, so the reaper can record it failed and the scheduler can try it again. A run whose thread ended but
 * whose result the metastore would not take is kept as {@linkplain #unrecorded() unrecorded} until the reaper records
 * it.
 *
 * <p>This is the server's own view, and its lease is {@code VIGIL_RUN_LEASE}. The metastore keeps another lease,
 * {@code VIGIL_SERVER_LEASE}, which the server renews for every run it holds (on progress and on every beat of its
 * {@link ServerHeartbeat}) so that servers sharing the metastore can tell a live holder from a dead one (decision
 * 0022).
 */
final class RunLeases {
    private final Clock clock;
    private final Duration lease;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Map<String, String> unrecorded = new ConcurrentHashMap<>();

    /** One held run: its thread once it runs, its last progress, and what it is doing (for a failure's sentence). */
    private static final class Lease {
        Thread thread;
        Instant lastProgress;
        String activity = "waiting for the run thread";
    }

    RunLeases(Clock clock, Duration lease) {
        this.clock = clock;
        this.lease = lease;
    }

    Duration lease() {
        return lease;
    }

    /** The run is queued: held, but not yet subject to the lease. */
    void queued(String runId) {
        held.put(runId, new Lease());
    }

    /** The run started on the calling thread; its lease runs from now. */
    void started(String runId) {
        Lease l = held.get(runId);
        if (l != null) {
            synchronized (l) {
                l.thread = Thread.currentThread();
                l.lastProgress = clock.instant();
                l.activity = "starting";
            }
        }
    }

    /** The run made progress and is now doing {@code activity} ("profiling windows … to …"): its lease is renewed. */
    void doing(String runId, String activity) {
        Lease l = held.get(runId);
        if (l != null) {
            synchronized (l) {
                l.lastProgress = clock.instant();
                l.activity = activity;
            }
        }
    }

    /** What the run was last doing, for the sentence of its failure. */
    String activity(String runId) {
        Lease l = held.get(runId);
        if (l == null) {
            return "running";
        }
        synchronized (l) {
            return l.activity;
        }
    }

    /** Whether this server still holds the run (queued, or running within its lease). */
    boolean holds(String runId) {
        return held.containsKey(runId);
    }

    /** The runs this server holds: queued, or running within their lease. */
    Set<String> held() {
        return Set.copyOf(held.keySet());
    }

    /**
     * Lets the run go at once, whatever its progress: another server failed it past its lease (this one was taken for
     * dead). Returns the thread running it, for the caller to interrupt, if it had started.
     */
    Optional<Thread> letGo(String runId) {
        Lease l = held.remove(runId);
        if (l == null) {
            return Optional.empty();
        }
        synchronized (l) {
            Thread t = l.thread;
            l.thread = null;
            return Optional.ofNullable(t);
        }
    }

    /** The run's thread is done with it; from now on nothing can interrupt that thread on the run's behalf. */
    void ended(String runId) {
        Lease l = held.remove(runId);
        if (l != null) {
            synchronized (l) {
                l.thread = null;
            }
        }
    }

    /** The run ended, but the metastore would not take its result {@code reason}: the reaper records it later. */
    void unrecorded(String runId, String reason) {
        unrecorded.put(runId, reason);
    }

    /** The runs whose result still has to be recorded, and that result (a failure's sentence). */
    Map<String, String> unrecorded() {
        return Map.copyOf(unrecorded);
    }

    /** The result of {@code runId} is recorded at last. */
    void recorded(String runId) {
        unrecorded.remove(runId);
    }

    /**
     * The running runs whose last progress is older than the lease, each let go, with the thread that ran it. The
     * caller records the failure first and only then interrupts that thread, so that the interrupted run cannot record
     * a result of its own before it (a Spark job or a JDBC read that ignores the interrupt still ends at the source's
     * statement timeout).
     */
    Map<String, Thread> expire() {
        Instant cutoff = clock.instant().minus(lease);
        Map<String, Thread> expired = new LinkedHashMap<>();
        for (Map.Entry<String, Lease> e : held.entrySet()) {
            Lease l = e.getValue();
            synchronized (l) {
                if (l.thread != null && l.lastProgress.isBefore(cutoff) && held.remove(e.getKey(), l)) {
                    expired.put(e.getKey(), l.thread);
                    l.thread = null;
                }
            }
        }
        return expired;
    }
}
