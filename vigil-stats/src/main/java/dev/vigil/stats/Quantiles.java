package dev.vigil.stats;

import java.util.Arrays;

/**
 * A deterministic, mergeable quantile sketch of finite doubles with exact tails: Vigil's own KLL (Karnin, Lang and
 * Liberty 2016) whose coin flips come from the data instead of a shared random generator, plus the {@value #TAIL}
 * smallest and {@value #TAIL} largest values kept exactly.
 *
 * <p><b>Why not DataSketches' KLL.</b> Its compactions draw from one static, unseedable {@code Random}: the same
 * rows profiled twice, or the same profiles merged twice at query time, gave different quantiles, ks and
 * wasserstein_normed (issue 15 measured 0.035 to 0.079 for one unchanged window). Here a compaction's offset is the
 * next bit of a SplitMix64 sequence seeded from the values themselves, so the same values in the same order give the
 * same sketch, and a merge gives the same result whichever side it is called on.
 *
 * <p><b>Exact while small, whatever the order.</b> Until a sketch first compacts, its level 0 keeps every value, up
 * to {@value #BUFFER} of them (a hourly window rarely holds more). It compacts only when that buffer overflows or
 * when it is {@linkplain #seal() sealed} (before it is written, merged or asked), and it compacts the sorted buffer
 * with a seed from the sorted values: a window of at most {@value #BUFFER} values gives the same sketch in any row
 * order. A sealed sketch of at most {@value #K} values keeps them all ({@link #exact()}).
 *
 * <p><b>Accuracy.</b> k = {@value #K}: normalized rank error about 0.7% at 99% confidence, as DataSketches' KLL with
 * the same k (the compaction schedule is the same; only the source of the coin differs). Ranks below the
 * {@value #TAIL}-th smallest value and above the {@value #TAIL}-th largest are exact ({@link #rank}); so are
 * {@code out_of_range_count} while at most {@value #TAIL} values lie outside a range on either side, and every
 * quantile whose rank falls in a tail (p01 up to 6,400 values).
 *
 * <p>Not thread-safe. Merging with a sketch read from an older format without tails ({@link #fromWeighted}) loses the
 * tails: ranks are then the compactor's alone.
 */
final class Quantiles {
    /** The compactor parameter k: the capacity of the top level. */
    static final int K = 400;

    /** The number of smallest and of largest values kept exactly: METRICS.md's exact-tail size m. */
    static final int TAIL = 64;

    /** Values level 0 holds before the first compaction: windows up to this size are order-independent. */
    static final int BUFFER = 4096;

    private static final int MIN_WIDTH = 8;
    private static final long SEED = 0x5649_4749_4C51_5541L; // "VIGILQUA"

    private long n;
    /** levels[h] holds items of weight 2^h; levels above 0 are sorted; level 0 is sorted when {@link #sealed}. */
    private double[][] levels = {new double[64]};

    private int[] sizes = {0};
    /** Whether any compaction happened: while false, level 0 holds every value. */
    private boolean compacted;
    /** Whether level 0 is sorted and within its normal capacity. */
    private boolean sealed = true;
    /** Whether level 0 is sorted (always so when {@link #sealed}): {@link #exactValues} sorts it for the seal after. */
    private boolean sorted = true;

    private long coin = SEED;
    /** The {@value #TAIL} smallest and largest values, ascending; kept once {@link #compacted}. */
    private double[] low = new double[0];

    private double[] high = new double[0];
    /** False for a sketch from an older format (or merged with one): no exact tails. */
    private boolean tails = true;
    /** The {@link #view()} until the sketch changes. */
    private View view;

    /** Adds a finite value. */
    void add(double value) {
        if (sizes[0] == levels[0].length) {
            if (!compacted && sizes[0] < BUFFER) {
                levels[0] = Arrays.copyOf(levels[0], Math.min(BUFFER, levels[0].length * 2));
            } else {
                seal();
                if (sizes[0] == levels[0].length) {
                    levels[0] = Arrays.copyOf(levels[0], levels[0].length * 2);
                }
            }
        }
        value += 0.0; // -0.0 is 0.0: ties between the two would otherwise take the sign of whichever side merged last
        if (compacted) {
            addToTails(value);
        }
        levels[0][sizes[0]++] = value;
        n++;
        sealed = false;
        sorted = false;
        view = null;
    }

    /** Values added or merged in. */
    long n() {
        return n;
    }

    /**
     * Whether the sketch keeps every value it was given (no compaction yet); always true for at most {@value #K}
     * values once sealed. Only meaningful after {@link #seal()}.
     */
    boolean exact() {
        return !compacted;
    }

    /**
     * Sorts level 0 and compacts until the sketch is within its capacity: the first compaction of a buffer is seeded
     * from its sorted values, so a buffer's sketch does not depend on the order it was filled in. Every reading
     * method seals first; adding after sealing is allowed.
     */
    void seal() {
        if (sealed) {
            return;
        }
        sortLevel0();
        if (!compacted && retained() > capacity()) {
            coin = mix(SEED ^ contentHash());
            startTails();
        }
        while (retained() > capacity()) {
            compactOnce();
        }
        sealed = true;
    }

    /** Every value, sorted, while the sketch has never compacted (a copy). */
    double[] exactValues() {
        if (compacted) {
            throw new IllegalStateException("the sketch has compacted: it no longer holds every value");
        }
        sortLevel0(); // in place: level 0's order means nothing, and seal() then finds it sorted
        return Arrays.copyOf(levels[0], sizes[0]);
    }

    private void sortLevel0() {
        if (!sorted) {
            Arrays.sort(levels[0], 0, sizes[0]);
            sorted = true;
        }
    }

    /** Whether a further {@link #add} would make a never-compacted sketch compact (its buffer is full). */
    boolean bufferFull() {
        return !compacted && sizes[0] >= BUFFER;
    }

    /** Adds {@code other}'s values in place; the result does not depend on which of the two it is called on. */
    void merge(Quantiles other) {
        if (other.n == 0) {
            return;
        }
        other.seal();
        seal();
        if (compacted || other.compacted) {
            if (!compacted) {
                startTails();
            }
            double[] otherLow = other.compacted ? other.low : other.levels[0];
            int otherLowSize = other.compacted ? other.low.length : other.sizes[0];
            double[] otherHigh = other.compacted ? other.high : other.levels[0];
            int otherHighStart = other.compacted ? 0 : Math.max(0, other.sizes[0] - TAIL);
            low = smallest(low, low.length, otherLow, otherLowSize);
            high = largest(high, otherHigh, otherHighStart, other.compacted ? other.high.length : other.sizes[0]);
            tails = tails && (other.tails || !other.compacted);
        }
        for (int h = 0; h < other.sizes.length; h++) {
            ensureLevels(h + 1);
            double[] merged = new double[sizes[h] + other.sizes[h]];
            mergeSorted(levels[h], sizes[h], other.levels[h], other.sizes[h], merged);
            levels[h] = merged.length == 0 ? new double[8] : merged;
            sizes[h] = merged.length;
        }
        n += other.n;
        view = null;
        compacted |= other.compacted;
        coin = mix(coin ^ other.coin);
        if (!compacted && retained() > capacity()) {
            coin = mix(SEED ^ contentHash());
            startTails();
        }
        while (retained() > capacity()) {
            compactOnce();
        }
        sealed = true;
    }

    /**
     * The number of values below {@code x} ({@code inclusive}: at most {@code x}): exact in the tails (below the
     * {@value #TAIL}-th smallest value, above the {@value #TAIL}-th largest) and while the sketch is exact; the
     * compactor's estimate, kept between the tails, in between.
     */
    double rank(double x, boolean inclusive) {
        seal();
        if (tails && compacted) {
            double lowMax = low[low.length - 1];
            double highMin = high[0];
            if (inclusive ? x < lowMax : x <= lowMax) {
                return countBelow(low, low.length, x, inclusive);
            }
            if (inclusive ? x >= highMin : x > highMin) {
                return n - (high.length - countBelow(high, high.length, x, inclusive));
            }
            return Math.min(n - TAIL, Math.max(TAIL, compactorRank(x, inclusive)));
        }
        return compactorRank(x, inclusive);
    }

    /**
     * The smallest value whose {@linkplain #rank inclusive rank} reaches {@code fraction} of the values, as numpy's
     * {@code quantile(method='inverted_cdf')} does on all values (exactly so while the rank falls in a tail or the
     * sketch is exact). NaN when empty.
     */
    double quantile(double fraction) {
        if (n == 0) {
            return Double.NaN;
        }
        View view = view();
        double target = Math.max(1, Math.ceil(fraction * n * (1 - 1e-12)));
        for (int i = 0; i < view.values.length; i++) {
            if (view.ranks[i] >= target) {
                return view.values[i];
            }
        }
        return view.values[view.values.length - 1];
    }

    /**
     * The step function the sketch stands for: distinct values ascending and, for each, the number of values at most
     * it ({@link #rank} inclusive), the last being {@code n}.
     */
    record View(double[] values, double[] ranks) {}

    /** This sketch's {@link View} (computed once until the sketch changes; do not modify its arrays). */
    View view() {
        seal();
        if (view == null) {
            view = computeView();
        }
        return view;
    }

    private View computeView() {
        double[] items = new double[retained()];
        long[] weights = new long[items.length];
        sortedItems(items, weights);
        double[] values = new double[items.length + low.length + high.length + 1];
        double[] ranks = new double[values.length];
        int size = 0;
        long cumulative = 0;
        boolean exactTails = tails && compacted;
        double lowMax = exactTails ? low[low.length - 1] : Double.NEGATIVE_INFINITY;
        double highMin = exactTails ? high[0] : Double.POSITIVE_INFINITY;
        if (exactTails) {
            for (int i = 0; i < low.length; i++) {
                if (low[i] < lowMax && (size == 0 || values[size - 1] != low[i])) {
                    values[size] = low[i];
                    ranks[size++] = countBelow(low, low.length, low[i], true);
                }
            }
        }
        if (exactTails && lowMax < highMin) {
            values[size] = lowMax; // where the exact low tail ends, so the step there is not left to the items
            ranks[size++] = rank(lowMax, true);
        }
        for (int i = 0; i < items.length; i++) {
            cumulative += weights[i];
            if (items[i] <= lowMax && exactTails || items[i] >= highMin) {
                continue;
            }
            if (i + 1 < items.length && items[i + 1] == items[i]) {
                continue; // the last of equal items carries their cumulative weight
            }
            values[size] = items[i];
            ranks[size++] = exactTails ? Math.min(n - TAIL, Math.max(TAIL, cumulative)) : cumulative;
        }
        if (exactTails) {
            for (int i = 0; i < high.length; i++) {
                if (i + 1 < high.length && high[i + 1] == high[i]) {
                    continue;
                }
                values[size] = high[i];
                ranks[size++] = n - (high.length - (i + 1));
            }
        }
        return new View(Arrays.copyOf(values, size), Arrays.copyOf(ranks, size));
    }

    /** The weighted sample standard deviation of the retained items (text lengths keep no moments). */
    Double itemStddev() {
        seal();
        double count = 0;
        double sum = 0;
        double sumSq = 0;
        for (int h = 0; h < sizes.length; h++) {
            double w = Math.pow(2, h);
            for (int i = 0; i < sizes[h]; i++) {
                double v = levels[h][i];
                count += w;
                sum += w * v;
                sumSq += w * v * v;
            }
        }
        if (count < 2) {
            return null;
        }
        double mean = sum / count;
        return Math.sqrt(Math.max(0, (sumSq - count * mean * mean) / (count - 1)));
    }

    // ---- serialization ----------------------------------------------------------------------------

    /** Writes the sealed sketch: see {@code package-info} (format version 3). */
    void write(ProfileWriter out) {
        seal();
        out.writeLong(n).writeLong(coin).writeInt(sizes.length);
        for (int h = 0; h < sizes.length; h++) {
            out.writeInt(sizes[h]);
            for (int i = 0; i < sizes[h]; i++) {
                out.writeDouble(levels[h][i]);
            }
        }
        int flags = (compacted ? 1 : 0) | (compacted && tails ? 2 : 0);
        out.writeInt(flags);
        if (compacted && tails) {
            out.writeInt(low.length);
            for (double v : low) {
                out.writeDouble(v);
            }
            out.writeInt(high.length);
            for (double v : high) {
                out.writeDouble(v);
            }
        }
    }

    static Quantiles read(ProfileReader in, String item) {
        Quantiles q = new Quantiles();
        q.n = in.readCounter(item + " count");
        q.coin = in.readLong(item + " seed");
        int levelCount = in.readCount(item + " levels", Integer.BYTES);
        if (levelCount < 1 || levelCount > 64) {
            throw in.corrupt(item + " has " + levelCount + " levels");
        }
        q.levels = new double[levelCount][];
        q.sizes = new int[levelCount];
        long weights = 0;
        for (int h = 0; h < levelCount; h++) {
            int size = in.readCount(item + " level " + h + " size", Double.BYTES);
            double[] values = new double[Math.max(size, 8)];
            String value = item + " level " + h + " value";
            for (int i = 0; i < size; i++) {
                values[i] = in.readDouble(value);
                if (!Double.isFinite(values[i]) || (i > 0 && values[i] < values[i - 1])) {
                    throw in.corrupt(item + " level " + h + " is not sorted finite values");
                }
            }
            q.levels[h] = values;
            q.sizes[h] = size;
            weights += (long) size << h;
        }
        if (weights != q.n) {
            throw in.corrupt(item + " weights add up to " + weights + ", expected " + q.n);
        }
        int flags = in.readInt(item + " flags");
        q.compacted = (flags & 1) != 0;
        q.tails = !q.compacted || (flags & 2) != 0;
        if (q.compacted && q.tails) {
            q.low = readTail(in, item + " low tail", q.n);
            q.high = readTail(in, item + " high tail", q.n);
        }
        if (!q.compacted && levelCount != 1) {
            throw in.corrupt(item + " is exact but has " + levelCount + " levels");
        }
        q.sealed = true;
        return q;
    }

    private static double[] readTail(ProfileReader in, String item, long n) {
        int size = in.readCount(item + " size", Double.BYTES);
        if (size < 1 || size > TAIL || size > n) {
            throw in.corrupt(item + " holds " + size + " values");
        }
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = in.readDouble(item);
            if (!Double.isFinite(values[i]) || (i > 0 && values[i] < values[i - 1])) {
                throw in.corrupt(item + " is not sorted finite values");
            }
        }
        return values;
    }

    /**
     * A sketch of weighted items, as an older format's KLL sketch holds them (each weight a power of two): no exact
     * tails unless every weight is 1, coins seeded from the items.
     */
    static Quantiles fromWeighted(double[] items, long[] itemWeights) {
        Quantiles q = new Quantiles();
        int top = 0;
        for (long w : itemWeights) {
            top = Math.max(top, 63 - Long.numberOfLeadingZeros(w));
        }
        q.ensureLevels(top + 1);
        for (int i = 0; i < items.length; i++) {
            int h = 63 - Long.numberOfLeadingZeros(itemWeights[i]);
            if (q.sizes[h] == q.levels[h].length) {
                q.levels[h] = Arrays.copyOf(q.levels[h], q.levels[h].length * 2 + 8);
            }
            q.levels[h][q.sizes[h]++] = items[i];
            q.n += itemWeights[i];
        }
        for (int h = 0; h < q.sizes.length; h++) {
            Arrays.sort(q.levels[h], 0, q.sizes[h]);
        }
        q.compacted = top > 0;
        q.tails = !q.compacted;
        q.coin = mix(SEED ^ q.contentHash());
        q.sealed = true;
        return q;
    }

    /** A copy, through the bytes. */
    Quantiles copy() {
        ProfileWriter out = new ProfileWriter();
        write(out);
        return read(ProfileReader.body(out.toByteArray(), "quantile sketch"), "quantile sketch");
    }

    // ---- the compactor ----------------------------------------------------------------------------

    private int retained() {
        int total = 0;
        for (int size : sizes) {
            total += size;
        }
        return total;
    }

    /** KLL's level capacities: k at the top, shrinking by 2/3 a level below it, at least {@value #MIN_WIDTH}. */
    private int capacity(int h) {
        return CAPACITY[sizes.length - 1 - h];
    }

    /** {@link #capacity(int)} by depth below the top level, computed once (it was a {@code Math.pow} per call). */
    private static final int[] CAPACITY = new int[65];

    static {
        for (int depth = 0; depth < CAPACITY.length; depth++) {
            CAPACITY[depth] = Math.max(MIN_WIDTH, (int) Math.ceil(K * Math.pow(2.0 / 3.0, depth)));
        }
    }

    private int capacity() {
        int total = 0;
        for (int h = 0; h < sizes.length; h++) {
            total += capacity(h);
        }
        return total;
    }

    /**
     * Compacts the lowest level at or over its capacity: of its sorted items (one set aside when they are odd), every
     * other one, from an offset the coin picks, moves up a level with twice the weight.
     */
    private void compactOnce() {
        int h = 0;
        while (h < sizes.length && sizes[h] < capacity(h)) {
            h++;
        }
        if (h == sizes.length) {
            h = 0; // over capacity in total but no single level full: compact the lowest non-empty level
            while (sizes[h] < 2) {
                h++;
            }
        }
        ensureLevels(h + 2);
        double[] items = levels[h];
        int size = sizes[h];
        if (h == 0) {
            Arrays.sort(items, 0, size);
        }
        int keep = size % 2; // the smallest item stays when they are odd
        coin = mix(coin);
        int offset = (int) (coin >>> 63);
        int moved = (size - keep) / 2;
        double[] up = new double[moved];
        for (int i = 0; i < moved; i++) {
            up[i] = items[keep + 2 * i + offset];
        }
        double[] merged = new double[sizes[h + 1] + moved];
        mergeSorted(levels[h + 1], sizes[h + 1], up, moved, merged);
        levels[h + 1] = merged;
        sizes[h + 1] = merged.length;
        sizes[h] = keep;
        compacted = true;
    }

    private void ensureLevels(int count) {
        if (sizes.length >= count) {
            return;
        }
        int old = sizes.length;
        levels = Arrays.copyOf(levels, count);
        sizes = Arrays.copyOf(sizes, count);
        for (int h = old; h < count; h++) {
            levels[h] = new double[8];
        }
    }

    /** The retained items ascending with their weights: the sorted levels merged, lowest level first on ties. */
    private void sortedItems(double[] items, long[] weights) {
        int size = 0;
        double[] values = new double[items.length];
        long[] w = new long[items.length];
        for (int h = 0; h < sizes.length; h++) {
            int i = 0;
            int j = 0;
            int k = 0;
            while (i < size || j < sizes[h]) {
                if (j >= sizes[h] || (i < size && items[i] <= levels[h][j])) {
                    values[k] = items[i];
                    w[k++] = weights[i++];
                } else {
                    values[k] = levels[h][j++];
                    w[k++] = 1L << h;
                }
            }
            size = k;
            System.arraycopy(values, 0, items, 0, size);
            System.arraycopy(w, 0, weights, 0, size);
        }
    }

    private double compactorRank(double x, boolean inclusive) {
        double total = 0;
        for (int h = 0; h < sizes.length; h++) {
            total += (double) countBelow(levels[h], sizes[h], x, inclusive) * (1L << h);
        }
        return total;
    }

    /** Items of a sorted array below {@code x} (at most {@code x} when inclusive). */
    private static int countBelow(double[] sorted, int size, double x, boolean inclusive) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (inclusive ? sorted[mid] <= x : sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---- tails -------------------------------------------------------------------------------------

    /** Takes the tails from level 0, which holds every value (sorted), before the first compaction. */
    private void startTails() {
        int size = sizes[0];
        low = Arrays.copyOf(levels[0], Math.min(TAIL, size));
        high = Arrays.copyOfRange(levels[0], Math.max(0, size - TAIL), size);
    }

    private void addToTails(double value) {
        if (!tails) {
            return;
        }
        if (low.length < TAIL) {
            low = insert(low, value, low.length + 1);
        } else if (value < low[TAIL - 1]) {
            low = insert(low, value, TAIL);
        }
        if (high.length < TAIL) {
            high = insertHigh(high, value, high.length + 1);
        } else if (value > high[0]) {
            high = insertHigh(high, value, TAIL);
        }
    }

    /** {@code sorted} with {@code value} inserted, cut to its {@code length} smallest. */
    private static double[] insert(double[] sorted, double value, int length) {
        double[] out = new double[length];
        int at = countBelow(sorted, sorted.length, value, true);
        System.arraycopy(sorted, 0, out, 0, Math.min(at, length));
        if (at < length) {
            out[at] = value;
            System.arraycopy(sorted, at, out, at + 1, length - at - 1);
        }
        return out;
    }

    /** {@code sorted} with {@code value} inserted, cut to its {@code length} largest. */
    private static double[] insertHigh(double[] sorted, double value, int length) {
        double[] all = new double[sorted.length + 1];
        int at = countBelow(sorted, sorted.length, value, false);
        System.arraycopy(sorted, 0, all, 0, at);
        all[at] = value;
        System.arraycopy(sorted, at, all, at + 1, sorted.length - at);
        return Arrays.copyOfRange(all, all.length - length, all.length);
    }

    private static double[] smallest(double[] a, int aSize, double[] b, int bSize) {
        double[] merged = new double[aSize + bSize];
        mergeSorted(a, aSize, b, bSize, merged);
        return Arrays.copyOf(merged, Math.min(TAIL, merged.length));
    }

    private static double[] largest(double[] a, double[] b, int bFrom, int bTo) {
        double[] bPart = Arrays.copyOfRange(b, bFrom, bTo);
        double[] merged = new double[a.length + bPart.length];
        mergeSorted(a, a.length, bPart, bPart.length, merged);
        return Arrays.copyOfRange(merged, Math.max(0, merged.length - TAIL), merged.length);
    }

    private static void mergeSorted(double[] a, int aSize, double[] b, int bSize, double[] out) {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < aSize && j < bSize) {
            out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        }
        while (i < aSize) {
            out[k++] = a[i++];
        }
        while (j < bSize) {
            out[k++] = b[j++];
        }
    }

    // ---- coins -------------------------------------------------------------------------------------

    private long contentHash() {
        long h = SEED;
        for (int i = 0; i < sizes[0]; i++) {
            h = mix(h ^ Double.doubleToLongBits(levels[0][i] + 0.0));
        }
        return h;
    }

    /** SplitMix64's finalizer: a well-mixed, deterministic step. */
    static long mix(long z) {
        z += 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
