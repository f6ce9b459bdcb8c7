package dev.vigil.server.runs;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a metastore write a few times, waiting twice as long after each failure: a run's result survives a metastore
 * blip of a few seconds. Past the last attempt the caller keeps the result for the reaper.
 */
final class Retrying {
    private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);

    /** Five attempts, 200 ms apart at first: about 3 s in all. */
    static final Retrying METASTORE = new Retrying(5, Duration.ofMillis(200));

    private final int attempts;
    private final Duration firstWait;

    Retrying(int attempts, Duration firstWait) {
        this.attempts = attempts;
        this.firstWait = firstWait;
    }

    /** Runs {@code write} until it returns; false when every attempt threw, or the thread was interrupted. */
    boolean run(String what, Runnable write) {
        long wait = firstWait.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return true;
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    LOG.error("could not {} after {} attempts", what, attempts, e);
                    return false;
                }
                LOG.warn(
                        "could not {} (attempt {} of {}), trying again in {} ms: {}",
                        what,
                        attempt,
                        attempts,
                        wait,
                        e.getMessage());
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            wait *= 2;
        }
    }
}
