package dev.vigil.stats;

import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Union;

/**
 * A distinct-count accumulator on a theta sketch that stays lazy: read from bytes it only wraps the stored compact
 * sketch, and a theta union is built the first time a value is added or another profile merged in. Merging a
 * profile that was only read therefore costs one union of its compact sketch, not a re-hash of every entry into
 * a union and a sort back (the cost that dominated merging a year of profiles).
 *
 * <p>A profile read without its sketch ({@link FieldProfile#fromBytesWithoutDistinct}) has an absent accumulator:
 * no count, nothing to write, and whatever is merged with it becomes absent too.
 */
final class Distinct {
    private Union union;
    private Sketch compact;
    private Sketch result;
    private boolean absent;

    /** An empty accumulator. */
    Distinct() {
        this.union = SketchCodec.newDistinct();
    }

    /** The accumulator a stored (ordered, compact) sketch describes. */
    Distinct(Sketch compact) {
        this.compact = compact;
    }

    /** The accumulator of a profile read without its sketch. */
    static Distinct absent() {
        Distinct d = new Distinct(null);
        d.absent = true;
        return d;
    }

    private Union union() {
        if (union == null) {
            union = SketchCodec.newDistinct();
            union.union(compact);
            compact = null;
        }
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
            // a merge with an unread sketch has no count either: drop what was held
            absent = true;
            union = null;
            compact = null;
            result = null;
            return;
        }
        union().union(other.sketch());
    }

    /** The sketch of everything seen: the stored one, or the union's result (computed once until changed). */
    Sketch sketch() {
        if (union == null) {
            return compact;
        }
        if (result == null) {
            result = union.getResult();
        }
        return result;
    }

    /** The distinct-count estimate rounded to a whole number; null when the sketch was not read. */
    Double estimate() {
        return absent ? null : Math.rint(sketch().getEstimate());
    }

    boolean isAbsent() {
        return absent;
    }

    /** The bytes a profile's copy is made through: an absent accumulator's copy is read back absent, so any do. */
    byte[] toBytesForCopy() {
        return absent ? new Distinct().toBytes() : toBytes();
    }

    byte[] toBytes() {
        if (absent) {
            throw new IllegalStateException(
                    "a profile read without its distinct-count sketch cannot be written: read it whole");
        }
        return sketch().toByteArray();
    }
}
