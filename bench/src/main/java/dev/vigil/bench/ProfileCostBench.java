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
 * window's row count, the time to create the profile, add the window's values (drawn beforehand, outside the timed
 * part) and write it ({@code toBytes}, as a run does once per profile), and the bytes written. In-process, no Spark, no metastore; run it under JFR
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

    /** Draws a window's {@code n} values and returns what adds them: the drawing stays out of the timed part. */
    @FunctionalInterface
    private interface Filler {
        java.util.function.Consumer<FieldProfile> draw(int n, Random random);
    }

    private static java.util.function.Consumer<FieldProfile> strings(
            int n, java.util.function.IntFunction<String> value) {
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = value.apply(i);
        }
        return p -> {
            for (String v : values) {
                p.addValue(v);
            }
        };
    }

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            words.add(String.format(Locale.ROOT, "%032x", (long) i * 0x9E3779B97F4A7C15L));
        }
        List<Kind> kinds = List.of(
                new Kind("numeric (lognormal)", FieldType.numeric(), (n, r) -> {
                    double[] values = new double[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = Math.exp(r.nextGaussian());
                    }
                    return p -> {
                        for (double v : values) {
                            p.addNumber(v);
                        }
                    };
                }),
                new Kind(
                        "string (500 values)",
                        FieldType.string(),
                        (n, r) -> strings(n, i -> words.get(r.nextInt(500)))),
                new Kind("boolean", FieldType.bool(), (n, r) -> strings(n, i -> r.nextBoolean() ? "true" : "false")),
                new Kind("text", FieldType.text(), (n, r) -> {
                    String[] texts = new String[n];
                    for (int i = 0; i < n; i++) {
                        texts[i] = words.get(r.nextInt(words.size())).substring(0, 8 + r.nextInt(24));
                    }
                    return p -> {
                        for (String t : texts) {
                            p.addText(t);
                        }
                    };
                }));
        LOG.info("kind\trows\tµs per profile (median)\tns per value\tbytes written");
        for (Kind k : kinds) {
            for (int n : ROWS) {
                Random random = new Random(11);
                Supplier<java.util.function.Consumer<FieldProfile>> draw =
                        () -> k.filler().draw(n, random);
                for (int i = 0; i < repetitions / 4; i++) {
                    FieldProfile p = FieldProfile.create(k.type()); // warm-up
                    draw.get().accept(p);
                    p.toBytes();
                }
                long[] nanos = new long[repetitions];
                int bytes = 0;
                for (int i = 0; i < repetitions; i++) {
                    java.util.function.Consumer<FieldProfile> adds = draw.get();
                    long t0 = System.nanoTime();
                    FieldProfile p = FieldProfile.create(k.type());
                    adds.accept(p);
                    bytes = p.toBytes().length;
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
