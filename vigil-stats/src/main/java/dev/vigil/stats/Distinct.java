package dev.vigil.stats;

import dev.vigil.core.VigilStateException;
import java.util.Arrays;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Sketches;

/**
 * A distinct-count accumulator: the exact set of the values' 64-bit hashes while it holds at most {@value
 * #EXACT_LIMIT}, then a HyperLogLog sketch (lgK = {@value #HLL_LG_K}, 4 bits a bucket: 4 KiB) fed the same hashes,
 * counted by its composite estimate (about 1–1.5% off, within METRICS.md's 2%). Deterministic and order-independent:
 * the set is a set, HLL merges keep the largest register, and the composite estimate reads the registers alone (HLL's
 * default, HIP, depends on the order of the updates).
 *
 * <p>Profiles written before format version 3 hold a theta sketch instead ({@link #legacy}); theta sketches merge with
 * each other as before, but not with hashes: a merge of the two kinds has no count ({@link #isAbsent()}) until the
 * older windows are profiled again.
 *
 * <p>A profile read without its sketch ({@link FieldProfile#fromBytesWithoutDistinct}) has an absent accumulator: no
 * count, nothing to write, and whatever is merged with it becomes absent too.
 */
final class Distinct {
    /** Up to this many distinct values the count is exact (METRICS.md: exact below 1,000). */
    static final int EXACT_LIMIT = 1_000;

    static final int HLL_LG_K = 13;

    private static final long STRING_SEED = 9001L;
    private static final long EMPTY = 0L;
    /** Stands for a hash that happens to be 0, the empty slot's marker. */
    private static final long ZERO_HASH = 0x5647_5A45_524F_4821L;

    private static final int EXACT = 1;
    private static final int HLL = 2;
    private static final int THETA = 3;

    /** Open addressing, {@link #EMPTY} for a free slot; null once the set grew into {@link #hll}. */
    private long[] slots = new long[16];

    private int size;
    /** Takes the hashes once the exact set is full (read back as written, HLL_4), until a merge needs {@link #union}. */
    private HllSketch hll;
    /** Replaces {@link #hll} at the first merge of two HLL sketches, and takes every later hash and merge. */
    private Union union;

    private Sketch theta;
    private boolean absent;

    /** An empty accumulator. */
    Distinct() {}

    /** The accumulator of a profile read without its sketch. */
    static Distinct absent() {
        Distinct d = new Distinct();
        d.makeAbsent();
        return d;
    }

    /** The accumulator of a theta sketch read from a profile older than format version 3. */
    static Distinct legacy(Sketch theta) {
        Distinct d = new Distinct();
        d.slots = null;
        d.theta = theta;
        return d;
    }

    /** An accumulator holding {@code values}; sorted values are hashed once per distinct value. */
    static Distinct ofNumbers(double[] values) {
        Distinct d = new Distinct();
        d.reserve(values.length);
        if (values.length > EXACT_LIMIT && distinctSorted(values) > EXACT_LIMIT) {
            d.slots = null; // straight into the HLL sketch: the set would only be emptied into it
            d.hll = new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
        }
        d.addSorted(values);
        return d;
    }

    /**
     * Adds sorted {@code values}, hashing each distinct value once: what merging {@code ofNumbers(values)} in would
     * give, without the set in between. An accumulator from an older format becomes absent, as such a merge would.
     */
    void updateSorted(double[] values) {
        if (theta != null) {
            makeAbsent();
            return;
        }
        reserve(values.length);
        addSorted(values);
    }

    private void addSorted(double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                update(values[i]);
            }
        }
    }

    /** Sizes the exact set for {@code expected} more hashes at once, instead of doubling its way there. */
    private void reserve(int expected) {
        if (slots == null) {
            return;
        }
        int wanted = Math.min(size + expected, EXACT_LIMIT) * 2;
        if (wanted > slots.length) {
            rehash(Integer.highestOneBit(wanted - 1) << 1);
        }
    }

    /** The distinct values of sorted {@code values}; a lower bound when they are not sorted. */
    private static int distinctSorted(double[] values) {
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                count++;
            }
        }
        return count;
    }

    /** An accumulator holding {@code values}. */
    static Distinct ofStrings(Iterable<String> values) {
        Distinct d = new Distinct();
        values.forEach(d::update);
        return d;
    }

    /** The hash a number is counted by; -0.0 and 0.0 are one value. */
    static long hash(double value) {
        return Quantiles.mix(Double.doubleToLongBits(value + 0.0));
    }

    /** The hash a string is counted by (its UTF-16 code units, MurmurHash3). */
    static long hash(String value) {
        return MurmurHash3.hash(value.toCharArray(), STRING_SEED)[0];
    }

    void update(double value) {
        add(hash(value));
    }

    void update(String value) {
        add(hash(value));
    }

    private void add(long hash) {
        if (absent) {
            return;
        }
        if (theta != null) {
            throw new IllegalStateException("a distinct-count sketch from an older format takes no new values");
        }
        if (slots == null) {
            if (union != null) {
                union.update(hash);
            } else {
                hll.update(hash);
            }
            return;
        }
        long key = hash == EMPTY ? ZERO_HASH : hash;
        int mask = slots.length - 1;
        int i = (int) (key ^ (key >>> 32)) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == key) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = key;
        size++;
        if (size > EXACT_LIMIT) {
            toHll();
        } else if (size * 2 > slots.length) {
            rehash(slots.length * 2);
        }
    }

    private void rehash(int capacity) {
        long[] old = slots;
        slots = new long[capacity];
        size = 0;
        for (long key : old) {
            if (key != EMPTY) {
                add(key);
            }
        }
    }

    private void toHll() {
        long[] keys = slots;
        slots = null;
        hll = new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
        for (long key : keys) {
            if (key != EMPTY) {
                hll.update(key);
            }
        }
    }

    void merge(Distinct other) {
        if (absent || other.absent || (theta == null) != (other.theta == null)) {
            makeAbsent();
            return;
        }
        if (theta != null) {
            org.apache.datasketches.theta.Union union = SketchCodec.newDistinct();
            union.union(theta);
            union.union(other.theta);
            theta = union.getResult();
            return;
        }
        if (other.slots != null) {
            reserve(other.size);
            for (long key : other.slots) {
                if (key != EMPTY) {
                    add(key);
                }
            }
            return;
        }
        if (slots != null) {
            toHll();
        }
        if (union == null) {
            // one union for every later merge: a result per merge converted the registers each time
            union = new Union(HLL_LG_K);
            union.update(hll);
            hll = null;
        }
        union.update(other.union != null ? other.union.getResult(TgtHllType.HLL_8) : other.hll);
    }

    private void makeAbsent() {
        absent = true;
        slots = null;
        hll = null;
        union = null;
        theta = null;
    }

    /** The distinct-count estimate rounded to a whole number; null when the sketch was not read. */
    Double estimate() {
        if (absent) {
            return null;
        }
        if (theta != null) {
            return Math.rint(theta.getEstimate());
        }
        if (slots != null) {
            return (double) size;
        }
        // the composite estimate reads the registers alone; HLL's default (HIP) depends on the order of the updates,
        // so the same values arriving in another order, or merged the other way round, counted differently
        return Math.rint(union != null ? union.getCompositeEstimate() : hll.getCompositeEstimate());
    }

    boolean isAbsent() {
        return absent;
    }

    /** Writes the accumulator (format version 3): the exact hashes ascending, or the HLL's or theta's bytes. */
    void write(ProfileWriter out) {
        if (absent) {
            throw new IllegalStateException(
                    "a profile read without its distinct-count sketch cannot be written: read it whole");
        }
        if (theta != null) {
            out.writeInt(THETA).writeBlock(theta.toByteArray());
        } else if (slots != null) {
            long[] keys = new long[size];
            int k = 0;
            for (long key : slots) {
                if (key != EMPTY) {
                    keys[k++] = key;
                }
            }
            Arrays.sort(keys);
            out.writeInt(EXACT).writeInt(size);
            for (long key : keys) {
                out.writeLong(key);
            }
        } else {
            HllSketch sketch = union != null ? union.getResult(TgtHllType.HLL_4) : hll;
            out.writeInt(HLL)
                    .writeBlock((sketch.getTgtHllType() == TgtHllType.HLL_4 ? sketch : sketch.copyAs(TgtHllType.HLL_4))
                            .toCompactByteArray());
        }
    }

    /** Reads what {@link #write} wrote; absent when the reader skips distinct-count sketches. */
    static Distinct read(ProfileReader in, String item) {
        int mode = in.readInt(item + " kind");
        switch (mode) {
            case EXACT -> {
                int count = in.readCount(item + " size", Long.BYTES);
                if (count > EXACT_LIMIT) {
                    throw in.corrupt(item + " holds " + count + " exact hashes, more than " + EXACT_LIMIT);
                }
                Distinct d = in.skipsDistinct() ? absent() : new Distinct();
                long previous = 0;
                for (int i = 0; i < count; i++) {
                    long key = in.readLong(item + " hash");
                    if (key == EMPTY || (i > 0 && key <= previous)) {
                        throw in.corrupt(item + " hashes are not ascending and non-zero");
                    }
                    previous = key;
                    d.add(key);
                }
                return d;
            }
            case HLL -> {
                Memory bytes = in.readRegion(item);
                if (in.skipsDistinct()) {
                    return absent();
                }
                try {
                    HllSketch sketch = HllSketch.heapify(bytes);
                    if (sketch.getLgConfigK() != HLL_LG_K) {
                        throw in.corrupt(item + " has lgK " + sketch.getLgConfigK() + ", expected " + HLL_LG_K);
                    }
                    Distinct d = new Distinct();
                    d.slots = null;
                    d.hll = sketch; // HLL_4 as written; updates and merges work on it as they are
                    return d;
                } catch (VigilStateException e) {
                    throw e;
                } catch (RuntimeException e) { // SketchesException, index... on corrupt bytes
                    throw in.corrupt(item + " is not a valid HLL sketch (" + e.getMessage() + ")", e);
                }
            }
            case THETA -> {
                return readTheta(in, item);
            }
            default -> throw in.corrupt(item + " has unknown kind " + mode);
        }
    }

    /** Reads a theta compact sketch block, as profiles before format version 3 hold it. */
    static Distinct readTheta(ProfileReader in, String item) {
        Memory bytes = in.readRegion(item);
        if (in.skipsDistinct()) {
            return absent();
        }
        try {
            // Heapifying trusts the entry count of the header (a flipped bit allocated gigabytes in a fuzz
            // test): wrap first and check that the sketch is exactly as long as its header says.
            Sketch sketch = Sketches.wrapSketch(bytes);
            if (sketch.getCurrentBytes() != bytes.getCapacity()) {
                throw in.corrupt(
                        item + " claims " + sketch.getCurrentBytes() + " bytes but has " + bytes.getCapacity());
            }
            return legacy(sketch);
        } catch (VigilStateException e) {
            throw e;
        } catch (RuntimeException e) { // SketchesException, index, negative-size... on corrupt bytes
            throw in.corrupt(item + " is not a valid theta sketch (" + e.getMessage() + ")", e);
        }
    }

    /** A copy, through the bytes (an absent accumulator's copy is absent). */
    Distinct copy() {
        if (absent) {
            return absent();
        }
        ProfileWriter out = new ProfileWriter();
        write(out);
        return read(ProfileReader.body(out.toByteArray(), "distinct sketch"), "distinct sketch");
    }
}
