package dev.vigil.bench;

import dev.vigil.core.model.FieldType;
import dev.vigil.stats.FieldProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one (window, segment, field) profile costs, the fixed cost issue 15 has to cut: for each field kind and a
 * window's row count, the time to create the profile, add the window's values and write it ({@code toBytes}, as a run
 * does once per profile), and the bytes written. In-process, no Spark, no metastore; run it under JFR
 * ({@code -XX:StartFlightRecording=filename=p.jfr}) to see where the time goes. Usage: {@code java -cp ...
 * dev.vigil.bench.ProfileCostBench [repetitions=2000]}.
 */
public final class ProfileCostBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(ProfileCostBench.class);

    /**
     * Rows per window: one segment value's share of an hour (400) and a whole hour (2,778) of the 2,000,000-row
     * month.
     */
    private static final int[] ROWS = {400, 2_778};

    private record Kind(String name, FieldType type, Filler filler) {}

    @FunctionalInterface
    private interface Filler {
        void fill(FieldProfile p, int n, Random random);
    }

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            words.add(String.format(Locale.ROOT, "%032x", (long) i * 0x9E3779B97F4A7C15L));
        }
        List<Kind> kinds = List.of(
                new Kind("numeric (lognormal)", FieldType.numeric(), (p, n, r) -> {
                    for (int i = 0; i < n; i++) {
                        p.addNumber(Math.exp(r.nextGaussian()));
                    }
                }),
                new Kind("string (500 values)", FieldType.string(), (p, n, r) -> {
                    for (int i = 0; i < n; i++) {
                        p.addValue(words.get(r.nextInt(words.size())));
                    }
                }),
                new Kind("boolean", FieldType.bool(), (p, n, r) -> {
                    for (int i = 0; i < n; i++) {
                        p.addValue(r.nextBoolean() ? "true" : "false");
                    }
                }),
                new Kind("text", FieldType.text(), (p, n, r) -> {
                    for (int i = 0; i < n; i++) {
                        p.addText(words.get(r.nextInt(words.size())).substring(0, 8 + r.nextInt(24)));
                    }
                }));
        LOG.info("kind\trows\tµs per profile (median)\tns per value\tbytes written");
        for (Kind k : kinds) {
            for (int n : ROWS) {
                Random random = new Random(11);
                Supplier<byte[]> once = () -> {
                    FieldProfile p = FieldProfile.create(k.type());
                    k.filler().fill(p, n, random);
                    return p.toBytes();
                };
                for (int i = 0; i < repetitions / 4; i++) {
                    once.get(); // warm-up
                }
                long[] nanos = new long[repetitions];
                int bytes = 0;
                for (int i = 0; i < repetitions; i++) {
                    long t0 = System.nanoTime();
                    bytes = once.get().length;
                    nanos[i] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                double median = nanos[repetitions / 2];
                LOG.info(String.format(
                        Locale.ROOT, "%s\t%d\t%.1f\t%.0f\t%d", k.name(), n, median / 1e3, median / n, bytes));
            }
        }
    }
}
