package dev.vigil.stats;

import dev.vigil.core.VigilStateException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIterator;
import org.apache.datasketches.theta.SetOperation;
import org.apache.datasketches.theta.Sketch;
import org.apache.datasketches.theta.Sketches;
import org.apache.datasketches.theta.Union;

/** Creates, serializes and reads the DataSketches sketches that profiles keep. */
final class SketchCodec {
    /** KLL parameter: normalized rank error ≈ 0.7% (99% confidence) for quantiles, within METRICS.md's 1%. */
    static final int KLL_K = 400;

    /** Theta nominal entries 2^13 = 8192: exact below 8192 distinct values, RSE ≈ 1.1% above. */
    static final int THETA_LG_NOMINAL_ENTRIES = 13;

    /**
     * Hashed in place of the empty string, which theta sketches silently ignore ({@code update("")} is a
     * no-op). Collides only with a value whose UTF-8 bytes equal this long's eight bytes.
     */
    static final long EMPTY_STRING_KEY = 0x5647_454D_5054_5900L;

    private SketchCodec() {}

    static KllDoublesSketch newQuantiles() {
        return KllDoublesSketch.newHeapInstance(KLL_K);
    }

    static KllDoublesSketch readQuantiles(ProfileReader in, String item) {
        Memory bytes = in.readRegion(item);
        try {
            // Wrapping reads the header without allocating; heapify trusts the header's sizes, so a corrupt
            // size field would otherwise allocate whatever it claims.
            KllDoublesSketch wrapped = KllDoublesSketch.wrap(bytes);
            int size = wrapped.getSerializedSizeBytes();
            if (size != bytes.getCapacity()) {
                throw in.corrupt(item + " claims " + size + " bytes but has " + bytes.getCapacity());
            }
            // The sizes are checked, so heapify allocates no more than the bytes hold. Corrupt level boundaries pass
            // heapify and would fail later in a query: walk the copy's retained items by level now (no sorting, no
            // further copy), so that they fail here. Each item weighs 2^level; the weights add up to n.
            KllDoublesSketch sketch = KllDoublesSketch.heapify(bytes);
            long weights = 0;
            QuantilesDoublesSketchIterator items = sketch.iterator();
            while (items.next()) {
                weights += items.getWeight();
            }
            if (weights != sketch.getN()) {
                throw in.corrupt(item + " weights do not add up to its count " + sketch.getN());
            }
            return sketch;
        } catch (VigilStateException e) {
            throw e;
        } catch (RuntimeException e) { // SketchesException, index, negative-size... on corrupt bytes
            throw in.corrupt(item + " is not a valid KLL sketch (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A theta union used directly as the distinct-count accumulator: it takes single values like an
     * update sketch and also absorbs other sketches, so one object serves both adding and merging.
     */
    static Union newDistinct() {
        return SetOperation.builder()
                .setLogNominalEntries(THETA_LG_NOMINAL_ENTRIES)
                .buildUnion();
    }

    static Distinct readDistinct(ProfileReader in, String item) {
        Memory bytes = in.readRegion(item);
        if (in.skipsDistinct()) {
            return Distinct.absent();
        }
        try {
            // Heapifying trusts the entry count of the header (a flipped bit allocated gigabytes in a fuzz
            // test): wrap first and check that the sketch is exactly as long as its header says.
            Sketch sketch = Sketches.wrapSketch(bytes);
            if (sketch.getCurrentBytes() != bytes.getCapacity()) {
                throw in.corrupt(
                        item + " claims " + sketch.getCurrentBytes() + " bytes but has " + bytes.getCapacity());
            }
            return new Distinct(sketch);
        } catch (VigilStateException e) {
            throw e;
        } catch (RuntimeException e) { // SketchesException, index, negative-size... on corrupt bytes
            throw in.corrupt(item + " is not a valid theta sketch (" + e.getMessage() + ")", e);
        }
    }

    static void updateDistinct(Union union, String value) {
        if (value.isEmpty()) {
            union.update(EMPTY_STRING_KEY);
        } else {
            union.update(value);
        }
    }

    static KllDoublesSketch copy(KllDoublesSketch sketch) {
        return KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray()));
    }
}
