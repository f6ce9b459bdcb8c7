package dev.vigil.server.monitor;

import java.util.HashMap;
import java.util.Map;

/**
 * The notifications being attempted right now, so that one slow or dead destination delays only its own (F18): at
 * most one attempt in flight per destination, at most {@code limit} sending at once, and never the same delivery
 * twice. A delivery settled without the network (a refusal, a resolved alert) is claimed without a destination: it
 * takes no sending place, but no other pass can take it meanwhile.
 */
final class DeliveriesInFlight {
    private final int limit;
    /** Delivery id to its destination, or to {@code null} when it is settled without sending. */
    private final Map<String, String> claims = new HashMap<>();
    /** Destination to the delivery being sent there. */
    private final Map<String, String> busy = new HashMap<>();

    DeliveriesInFlight(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** Whether {@code deliveryId} is claimed. */
    synchronized boolean contains(String deliveryId) {
        return claims.containsKey(deliveryId);
    }

    /** Whether a delivery to {@code destination} could be claimed now: the destination is idle and a place free. */
    synchronized boolean canSendTo(String destination) {
        return !busy.containsKey(destination) && busy.size() < limit;
    }

    /**
     * Claims {@code deliveryId} for sending to {@code destination}; false when it is claimed already, the destination
     * has an attempt in flight, or {@code limit} attempts are.
     */
    synchronized boolean claim(String deliveryId, String destination) {
        if (claims.containsKey(deliveryId) || !canSendTo(destination)) {
            return false;
        }
        claims.put(deliveryId, destination);
        busy.put(destination, deliveryId);
        return true;
    }

    /** Claims {@code deliveryId} to settle it without sending; false when it is claimed already. */
    synchronized boolean claimToSettle(String deliveryId) {
        if (claims.containsKey(deliveryId)) {
            return false;
        }
        claims.put(deliveryId, null);
        return true;
    }

    /** Ends the claim of {@code deliveryId}, and frees its destination. */
    synchronized void release(String deliveryId) {
        String destination = claims.remove(deliveryId);
        if (destination != null) {
            busy.remove(destination, deliveryId);
        }
    }

    /** How many attempts are sending now. */
    synchronized int sending() {
        return busy.size();
    }
}
