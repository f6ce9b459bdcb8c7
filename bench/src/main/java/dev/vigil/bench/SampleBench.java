package dev.vigil.bench;

import dev.vigil.core.model.FieldType;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.SampleProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the per-window row sample costs (issue 19): for a window of 10 numeric and 3 categorical fields, with and
 * without one 768-d embedding, and a window's row count, the time to offer every row to a {@link SampleProfile} of the
 * default size (1,000 rows, vectors of 200) and write it, beside the time to add the same rows to the fields' own
 * profiles and write those (what a run already does per window); the bytes of each; and the time to merge 24 hourly
 * samples into a day and to read one back. Rows are drawn beforehand, outside the timed part. In-process, no Spark, no
 * metastore. Usage: {@code java -cp ... dev.vigil.bench.SampleBench [repetitions=30]}.
 */
public final class SampleBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(SampleBench.class);

    private static final int[] ROWS = {1_000, 2_778, 10_000, 100_000};
    private static final int NUMBERS = 10;
    private static final int CATEGORIES = 3;
    private static final int DIMENSIONS = 768;

    private record Window(String[] ids, Object[][] rows, double[][] vectors) {}

    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        // a warm-up of every path (sampling, field profiles, merging) before anything is timed
        for (int i = 0; i < 20; i++) {
            Window w = draw(10_000, i % 2 == 0, new Random(i));
            SampleProfile.fromBytes(sample(w, i % 2 == 0).toBytes())
                    .merge(sample(draw(2_000, i % 2 == 0, new Random(-i)), i % 2 == 0));
            fieldProfiles(w, i % 2 == 0);
        }
        LOG.info(
                "| fields | rows | sample µs | ns per row | sample bytes | field profiles µs | field profiles bytes |");
        LOG.info("|---|---|---|---|---|---|---|");
        for (boolean embedding : new boolean[] {false, true}) {
            for (int rows : ROWS) {
                Window w = draw(rows, embedding, new Random(rows));
                int reps = rows >= 100_000 ? Math.max(3, repetitions / 10) : repetitions;
                long[] sampleNs = new long[reps];
                long[] fieldNs = new long[reps];
                int sampleBytes = 0;
                int fieldBytes = 0;
                for (int r = -reps / 2; r < reps; r++) { // the first half-round warms up
                    long t0 = System.nanoTime();
                    byte[] s = sample(w, embedding).toBytes();
                    long t1 = System.nanoTime();
                    int f = fieldProfiles(w, embedding);
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        sampleNs[r] = t1 - t0;
                        fieldNs[r] = t2 - t1;
                        sampleBytes = s.length;
                        fieldBytes = f;
                    }
                }
                double sampleUs = median(sampleNs) / 1e3;
                LOG.info(String.format(
                        Locale.ROOT,
                        "| %s | %,d | %,.0f | %,.0f | %,d | %,.0f | %,d |",
                        embedding ? "10 numeric, 3 categorical, 768-d embedding" : "10 numeric, 3 categorical",
                        rows,
                        sampleUs,
                        sampleUs * 1e3 / rows,
                        sampleBytes,
                        median(fieldNs) / 1e3,
                        fieldBytes));
            }
        }
        merges(repetitions);
    }

    /** 24 hourly samples of 2,778 rows merged into a day, and one read back from its bytes. */
    private static void merges(int repetitions) {
        for (boolean embedding : new boolean[] {false, true}) {
            List<byte[]> hours = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                Window w = draw(2_778, embedding, new Random(100 + h));
                String[] ids = w.ids.clone();
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = h + "-" + ids[i];
                }
                hours.add(sample(new Window(ids, w.rows, w.vectors), embedding).toBytes());
            }
            long[] mergeNs = new long[repetitions];
            long[] readNs = new long[repetitions];
            int dayBytes = 0;
            for (int r = -repetitions / 2; r < repetitions; r++) {
                long t0 = System.nanoTime();
                SampleProfile day = SampleProfile.fromBytes(hours.get(0));
                for (int h = 1; h < 24; h++) {
                    day.merge(SampleProfile.fromBytes(hours.get(h)));
                }
                byte[] bytes = day.toBytes();
                long t1 = System.nanoTime();
                SampleProfile back = SampleProfile.fromBytes(bytes);
                long t2 = System.nanoTime();
                if (back.size() != 1_000) {
                    throw new IllegalStateException("a day keeps 1,000 rows, got " + back.size());
                }
                if (r >= 0) {
                    mergeNs[r] = t1 - t0;
                    readNs[r] = t2 - t1;
                    dayBytes = bytes.length;
                }
            }
            LOG.info(String.format(
                    Locale.ROOT,
                    "day of 24 hourly samples%s: read and merge %,.1f ms, %,d bytes; read one back %,.2f ms",
                    embedding ? " with the embedding" : "",
                    median(mergeNs) / 1e6,
                    dayBytes,
                    median(readNs) / 1e6));
        }
    }

    private static SampleProfile sample(Window w, boolean embedding) {
        List<SampleProfile.Column> columns = new ArrayList<>();
        for (int i = 0; i < NUMBERS; i++) {
            columns.add(SampleProfile.Column.number("n" + i));
        }
        for (int i = 0; i < CATEGORIES; i++) {
            columns.add(SampleProfile.Column.category("s" + i));
        }
        if (embedding) {
            columns.add(SampleProfile.Column.vector("v", DIMENSIONS));
        }
        SampleProfile s = SampleProfile.create(columns, SampleProfile.DEFAULT_ROWS, SampleProfile.DEFAULT_VECTOR_ROWS);
        for (int r = 0; r < w.rows.length; r++) {
            Object[] row = w.rows[r];
            s.add(w.ids[r], () -> row);
        }
        return s;
    }

    /** The fields' own profiles of the window, written; returns their bytes. */
    private static int fieldProfiles(Window w, boolean embedding) {
        int bytes = 0;
        for (int f = 0; f < NUMBERS + CATEGORIES; f++) {
            FieldProfile p = FieldProfile.create(f < NUMBERS ? FieldType.numeric() : FieldType.string());
            for (Object[] row : w.rows) {
                // the row's columns are sorted by name: n0..n9, s0..s2, v
                if (f < NUMBERS) {
                    p.addNumber((Double) row[f]);
                } else {
                    p.addValue((String) row[f]);
                }
            }
            bytes += p.toBytes().length;
        }
        if (embedding) {
            FieldProfile p = FieldProfile.create(FieldType.embedding(DIMENSIONS));
            for (double[] v : w.vectors) {
                p.addVector(v);
            }
            bytes += p.toBytes().length;
        }
        return bytes;
    }

    private static Window draw(int rows, boolean embedding, Random random) {
        String[] ids = new String[rows];
        Object[][] values = new Object[rows][];
        double[][] vectors = embedding ? new double[rows][] : null;
        for (int r = 0; r < rows; r++) {
            ids[r] = Integer.toString(r);
            Object[] row = new Object[NUMBERS + CATEGORIES + (embedding ? 1 : 0)];
            for (int i = 0; i < NUMBERS; i++) {
                row[i] = Math.exp(random.nextGaussian());
            }
            for (int i = 0; i < CATEGORIES; i++) {
                row[NUMBERS + i] = "value-" + random.nextInt(50);
            }
            if (embedding) {
                float[] f = new float[DIMENSIONS];
                double[] d = new double[DIMENSIONS];
                for (int i = 0; i < DIMENSIONS; i++) {
                    d[i] = random.nextGaussian();
                    f[i] = (float) d[i];
                }
                row[NUMBERS + CATEGORIES] = f;
                vectors[r] = d;
            }
            values[r] = row;
        }
        return new Window(ids, values, vectors);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private SampleBench() {}
}
