package dev.vigil.server.runs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's heartbeat: every third of {@code VIGIL_SERVER_LEASE}, on a thread of its own, renews the metastore
 * lease of every run the server holds ({@link RunService#heartbeat()}), so that the servers sharing the metastore can
 * tell a live holder from a dead one within that lease, however slow the runs' progress and whether or not the
 * scheduler ticks (decision 0022). Two beats may be missed before the lease runs out.
 *
 * <p>How long a run may go without progress ({@code VIGIL_RUN_LEASE}) is another matter, judged in memory by the
 * server holding it ({@link RunLeases}).
 */
public final class ServerHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerHeartbeat.class);

    private final RunService runs;
    private final ScheduledExecutorService executor;

    /** Starts beating at once, then every third of the server lease. */
    public ServerHeartbeat(RunService runs) {
        this.runs = runs;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, runs.serverLease().dividedBy(3).toMillis());
        executor.scheduleWithFixedDelay(this::beat, 0, period, TimeUnit.MILLISECONDS);
    }

    /**
     * One beat that never throws: {@code scheduleWithFixedDelay} cancels every later beat, silently, once one throws,
     * and a server without a heartbeat would have its runs taken over while it still runs them.
     */
    private void beat() {
        try {
            runs.heartbeat();
        } catch (Throwable e) {
            LOG.error("heartbeat failed; the next one beats as usual", e);
        }
    }

    /**
     * Stops beating, waiting for a beat under way to end: the runs the server still holds are failed by {@link
     * RunService#close()}, or left to the lease.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the last heartbeat is still under way; it renews nothing past this server's lease");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
