package dev.vigil.bench;

import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.EmbeddingMmd;
import dev.vigil.stats.multivariate.PcaReconstruction;
import dev.vigil.stats.multivariate.SampleTable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the multivariate drift methods cost per (window, reference) pair (issue 19, decision 0030), in-process: PCA
 * reconstruction (fit on the reference, value of a window) on 1,000 + 1,000 rows × 20 numeric columns and on 200 + 200 rows × 768
 * dimensions, the domain classifier's AUC (5 folds) on the former, MMD with its permutation p-value on the latter. Median
 * wall time of REPETITIONS runs after 2 warm-up ones. Usage: {@code java -cp ... dev.vigil.bench.MultivariateBench
 * [repetitions=10]}.
 */
public final class MultivariateBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(MultivariateBench.class);

    private MultivariateBench() {}

    /** Gaussian rows whose neighbouring columns are correlated (0.6), shifted by {@code shift}. */
    private static double[][] rows(int n, int columns, long seed, double shift) {
        Random random = new Random(seed);
        double[][] out = new double[n][columns];
        for (double[] row : out) {
            double previous = 0;
            for (int j = 0; j < columns; j++) {
                double v = 0.6 * previous + 0.8 * random.nextGaussian();
                row[j] = v + shift;
                previous = v;
            }
        }
        return out;
    }

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        LOG.info("method\trows (ref + window) × columns\tms (median of {})", repetitions);
        for (int[] shape : new int[][] {{1_000, 20}, {200, 768}}) {
            int n = shape[0];
            int d = shape[1];
            String label = String.format(Locale.ROOT, "%,d + %,d × %d", n, n, d);
            SampleTable reference = SampleTable.numeric(rows(n, d, 1, 0));
            SampleTable window = SampleTable.numeric(rows(n, d, 2, 0.1));
            report("PCA fit (reference)", label, repetitions, () -> PcaReconstruction.fit(reference));
            PcaReconstruction pca = PcaReconstruction.fit(reference).orElseThrow();
            report("PCA error (window)", label, repetitions, () -> pca.error(window));
            if (d < 100) {
                // The classifier is for tabular columns: on 768 columns (1,536 features) it takes about 2 minutes
                report("domain classifier AUC", label, repetitions, () -> DomainClassifier.auc(reference, window));
                continue; // MMD is for embeddings
            }
            for (int permutations : new int[] {0, 200, 1_000}) {
                report(
                        "MMD, " + permutations + " permutations",
                        label,
                        repetitions,
                        () -> EmbeddingMmd.compare(reference.numeric(), window.numeric(), permutations, 19L));
            }
        }
    }

    private static void report(String method, String shape, int repetitions, Supplier<Object> run) {
        for (int i = 0; i < Math.min(2, repetitions); i++) {
            run.get();
        }
        long[] nanos = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long t0 = System.nanoTime();
            run.get();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        LOG.info(String.format(Locale.ROOT, "%s\t%s\t%.1f", method, shape, nanos[repetitions / 2] / 1e6));
    }
}
