package dev.vigil.stats;

import dev.vigil.core.VigilStateException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIterator;
import org.apache.datasketches.theta.SetOperation;
import org.apache.datasketches.theta.Union;

/** Reads the DataSketches sketches that profiles before format version 3 keep, and merges their theta sketches. */
final class SketchCodec {
    /** Theta nominal entries 2^13 = 8192, as versions 1 and 2 wrote their sketches. */
    static final int THETA_LG_NOMINAL_ENTRIES = 13;

    private SketchCodec() {}

    /** Reads a KLL sketch block of format versions 1 and 2 as the {@link Quantiles} it stands for (no exact tails). */
    static Quantiles readQuantiles(ProfileReader in, String item) {
        KllDoublesSketch sketch = readKll(in, item);
        int size = sketch.getNumRetained();
        double[] items = new double[size];
        long[] weights = new long[size];
        QuantilesDoublesSketchIterator it = sketch.iterator();
        int i = 0;
        while (it.next()) {
            items[i] = it.getQuantile();
            weights[i++] = it.getWeight();
        }
        return Quantiles.fromWeighted(items, weights);
    }

    private static KllDoublesSketch readKll(ProfileReader in, String item) {
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

    /** A theta union, to merge the distinct-count sketches of profiles before format version 3. */
    static Union newDistinct() {
        return SetOperation.builder()
                .setLogNominalEntries(THETA_LG_NOMINAL_ENTRIES)
                .buildUnion();
    }
}
