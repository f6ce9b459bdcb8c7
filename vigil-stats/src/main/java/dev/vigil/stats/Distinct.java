package dev.vigil.stats;

import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Union;

/**
 * A distinct-count accumulator on a theta sketch that stays lazy: read from bytes it only wraps the stored compact
 * sketch; profiles merged in are kept as their compact sketches; a theta union is built only when a value is added
 * or the distinct count (or the bytes) are asked for. Merging a year of profiles for drift, which never asks, then
 * costs nothing here, and merging for a count costs one union of each compact sketch, in the order merged, as an
 * eager union would (so the result is the same).
 */
final class Distinct {
    /** Merged-in sketches kept at most before they are folded into the union, to bound what a long merge holds. */
    private static final int MAX_PENDING = 1_024;

    private Union union;
    private Sketch compact;
    private final List<Sketch> pending = new ArrayList<>();
    private Sketch result;

    /** Whether the sketch was left unread: then there is no count, and nothing to write. */
    private boolean absent;

    /** An empty accumulator. */
    Distinct() {}

    /** The accumulator of a profile read without its sketch: merges keep it absent, and it has no estimate. */
    static Distinct absent() {
        Distinct d = new Distinct();
        d.absent = true;
        return d;
    }

    /** The accumulator a stored (ordered, compact) sketch describes. */
    Distinct(Sketch compact) {
        this.compact = compact;
    }

    /** The union of everything so far, built (from the stored sketch and the pending merges) on first need. */
    private Union union() {
        if (union == null) {
            union = SketchCodec.newDistinct();
            if (compact != null) {
                union.union(compact);
                compact = null;
            }
        }
        for (Sketch s : pending) {
            union.union(s);
        }
        pending.clear();
        result = null;
        return union;
    }

    void update(double value) {
        if (!absent) {
            union().update(value);
        }
    }

    void update(String value) {
        if (!absent) {
            SketchCodec.updateDistinct(union(), value);
        }
    }

    void merge(Distinct other) {
        if (absent || other.absent) {
            // a merge with an unread sketch has no count either; drop what was held
            absent = true;
            union = null;
            compact = null;
            pending.clear();
            result = null;
            return;
        }
        if (other.union == null) {
            // the other side is still lazy: take its parts as they are, without building its union
            if (other.compact != null) {
                pending.add(other.compact);
            }
            pending.addAll(other.pending);
        } else {
            pending.add(other.sketch());
        }
        result = null;
        if (pending.size() >= MAX_PENDING) {
            union();
        }
    }

    /** The sketch of everything seen: the stored one, or the union's result (computed once until changed). */
    Sketch sketch() {
        if (union == null && pending.isEmpty() && compact != null) {
            return compact;
        }
        if (result == null) {
            result = union().getResult();
        }
        return result;
    }

    /** The distinct-count estimate rounded to a whole number; null when the sketch was not read. */
    Double estimate() {
        return absent ? null : Math.rint(sketch().getEstimate());
    }

    byte[] toBytes() {
        if (absent) {
            throw new IllegalStateException(
                    "a profile read without its distinct-count sketch cannot be written: read it whole");
        }
        return sketch().toByteArray();
    }
}
