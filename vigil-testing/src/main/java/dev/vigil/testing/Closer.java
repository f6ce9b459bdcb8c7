package dev.vigil.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in one place: in reverse order of {@link #register}, every one even when an earlier
 * close fails (the first failure is thrown, the later ones are added to it as suppressed). As Trino's
 * {@code AutoCloseableCloser}.
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Closes {@code resource} with the others, before those registered earlier; returns it. */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Closes everything registered, the last first; a second call closes nothing. */
    @Override
    public synchronized void close() throws Exception {
        Throwable failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw new Exception(failure);
        }
    }
}
