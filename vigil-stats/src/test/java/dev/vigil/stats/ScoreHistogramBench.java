package dev.vigil.stats;

import dev.vigil.core.model.ModelType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Throwaway harness for issue 15: bytes and µs of a binary performance profile (add + toBytes) for 400 and 2,778
 * random scores a window, the merge of 24 such windows (fromBytes + merge + metrics), and a fingerprint of the AUC
 * and CBPE numbers so two builds can be compared bit for bit. Usage: {@code java -cp ... ScoreHistogramBench [reps]}.
 */
final class ScoreHistogramBench {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        for (int n : new int[] {400, 2_778}) {
            long[] nanos = new long[reps];
            int bytes = 0;
            SplittableRandom random = new SplittableRandom(7);
            for (int r = -reps / 2; r < reps; r++) {
                long t0 = System.nanoTime();
                byte[] b = window(n, random).toBytes();
                long t = System.nanoTime() - t0;
                if (r >= 0) {
                    nanos[r] = t;
                    bytes = b.length;
                }
            }
            Arrays.sort(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "window n=%d: %d bytes, add+toBytes median %.1f µs%n",
                    n,
                    bytes,
                    nanos[reps / 2] / 1e3);
            byte[][] windows = new byte[24][];
            for (int w = 0; w < 24; w++) {
                windows[w] = window(n, random).toBytes();
            }
            long[] merge = new long[reps / 4];
            for (int r = -merge.length / 2; r < merge.length; r++) {
                long t0 = System.nanoTime();
                PerformanceProfile day = PerformanceProfile.create(ModelType.BINARY);
                for (byte[] w : windows) {
                    day.merge(PerformanceProfile.fromBytes(w));
                }
                day.metrics();
                byte[] out = day.toBytes();
                long t = System.nanoTime() - t0;
                if (r >= 0) {
                    merge[r] = t;
                    bytes = out.length;
                }
            }
            Arrays.sort(merge);
            System.out.printf(
                    Locale.ROOT,
                    "merge 24 x n=%d (fromBytes+merge+metrics+toBytes): median %.1f µs, day profile %d bytes%n",
                    n,
                    merge[merge.length / 2] / 1e3,
                    bytes);
        }
        System.out.println("fingerprint " + fingerprint());
    }

    static PerformanceProfile window(int n, SplittableRandom random) {
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < n; i++) {
            double s = random.nextDouble();
            p.addBinary(null, s, i % 3 == 0 ? null : random.nextDouble() < s);
        }
        return p;
    }

    /** A hash of the exact bits of auc_roc and every CBPE estimate over varied windows. */
    static String fingerprint() {
        SplittableRandom random = new SplittableRandom(99);
        long h = 17;
        PerformanceProfile reference = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < 20_000; i++) {
            double s = random.nextDouble() * 4 - 2;
            reference.addBinary(null, s, random.nextDouble() < s * s / 4);
        }
        Calibration calibration = Calibration.fit(reference).orElseThrow();
        PerformanceProfile all = PerformanceProfile.create(ModelType.BINARY);
        for (int w = 0; w < 50; w++) {
            PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
            int n = 1 + random.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                double s = w % 5 == 0 ? random.nextInt(20) / 10.0 : Math.pow(random.nextDouble(), 0.5 + w / 25.0);
                p.addBinary(null, s, random.nextInt(4) == 0 ? null : random.nextDouble() < s);
            }
            p = PerformanceProfile.fromBytes(p.toBytes());
            all.merge(p);
            for (Map.Entry<String, Double> e : p.metrics().entrySet()) {
                h = h * 31 + (e.getValue() == null ? 0 : Double.doubleToLongBits(e.getValue()));
            }
            for (Calibration.Estimate e : calibration.estimate(p).values()) {
                h = h * 31 + (e.value() == null ? 0 : Double.doubleToLongBits(e.value()));
                h = h * 31 + (e.std() == null ? 0 : Double.doubleToLongBits(e.std()));
            }
            h = h * 31 + Double.doubleToLongBits(calibration.probability(random.nextDouble()));
        }
        h = h * 31 + Double.doubleToLongBits(all.metrics().get("auc_roc"));
        return Long.toHexString(h);
    }
}
