package dev.vigil.stats;

import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fixed inputs of the golden files in {@code src/test/resources/golden}. The {@code -v1} files were written
 * once with format version 1 (by this class as it was at that version), the {@code -v2} files once with version 2,
 * and {@link #main} wrote the {@code -v3} files once with version 3. The performance profile's files follow its own
 * format versions: {@code performance-v1.bin} and {@code performance-v2.bin} ({@link #performance}; {@link #main}
 * with the arguments {@code <dir> performance-v2} wrote the latter), and {@code performance-multiclass-v3.bin} and
 * {@code performance-multilabel-v3.bin} ({@link #multiclass}, {@link #multiLabel}; arguments {@code <dir>
 * performance-v3}). All are checked in and must stay readable. Do
 * not regenerate them to make a test pass: a new format version gets new files next to the old ones.
 */
final class GoldenProfiles {
    private GoldenProfiles() {}

    /** 1..100, one NULL, one NaN (missing), one +Infinity (invalid), one type mismatch. */
    static FieldProfile numeric() {
        FieldProfile profile = FieldProfile.create(FieldType.numeric());
        for (int i = 1; i <= 100; i++) {
            profile.addNumber(i);
        }
        profile.addMissing();
        profile.addNumber(Double.NaN);
        profile.addNumber(Double.POSITIVE_INFINITY);
        profile.addTypeMismatch();
        return profile;
    }

    /** a×3, b×2, c, "", one NULL, one type mismatch. */
    static FieldProfile string() {
        FieldProfile profile = FieldProfile.create(FieldType.string());
        for (String value : new String[] {"a", "b", "a", "c", "", "b", "a"}) {
            profile.addValue(value);
        }
        profile.addValue(null);
        profile.addTypeMismatch();
        return profile;
    }

    /** Embedding(3): [3,4,0], [0,0,2]; [1,2] and [NaN,0,0] invalid; one NULL. */
    static FieldProfile embedding() {
        FieldProfile profile = FieldProfile.create(FieldType.embedding(3));
        profile.addVector(new double[] {3, 4, 0});
        profile.addVector(new double[] {0, 0, 2});
        profile.addVector(new double[] {1, 2});
        profile.addVector(new double[] {Double.NaN, 0, 0});
        profile.addVector(null);
        return profile;
    }

    /**
     * Format version 2's long values: {@link #string()} plus a value of 1,001 characters whose last one is
     * outside the BMP (a surrogate pair: the limit counts code points), and a text field with one text of
     * {@value FieldProfile#LONG_TEXT_CHARS} + 1 characters beside a short one.
     */
    static FieldProfile longString() {
        FieldProfile profile = string();
        profile.addValue(longValue());
        return profile;
    }

    static String longValue() {
        return "x".repeat(FieldProfile.LONG_VALUE_CHARS) + "\uD83D\uDE00";
    }

    static FieldProfile longText() {
        FieldProfile profile = FieldProfile.create(FieldType.text());
        profile.addText("two words");
        profile.addText("w ".repeat(FieldProfile.LONG_TEXT_CHARS / 2) + "w");
        profile.addText(null);
        return profile;
    }

    static DatasetProfile dataset() {
        return new DatasetProfile(1000, 3, 2, 7);
    }

    /**
     * 5,000 lognormal values (σ = 1.5, seed 15) and 10 far beyond them: a sketch that has compacted, with its exact
     * tails and HLL distinct sketch (format version 3).
     */
    static FieldProfile lognormal() {
        FieldProfile profile = FieldProfile.create(FieldType.numeric());
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        for (int i = 0; i < 5_000; i++) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double normal = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
            profile.addNumber(Math.exp(1.5 * normal));
        }
        for (int i = 1; i <= 10; i++) {
            profile.addNumber(1e6 * i);
        }
        return profile;
    }

    /**
     * A binary model's performance over 1,000 rows (seed 15): scores spread over [-1, 2) and a few on bucket edges
     * (0.0, -0.0, 1.0, 1e300, -1e-300), labels from the score at 0.5 or given, actuals positive with probability
     * of the clipped score, one row in five without an actual; then two rows without a score. Its histogram has
     * about 990 buckets. {@code performance-v1.bin} was written once with format version 1 (a double and four
     * longs per bucket), {@code performance-v2.bin} once with version 2 (delta-encoded keys and varint counts).
     */
    static PerformanceProfile performance() {
        PerformanceProfile profile = PerformanceProfile.create(dev.vigil.core.model.ModelType.BINARY);
        java.util.SplittableRandom random = new java.util.SplittableRandom(15);
        double[] edges = {0.0, -0.0, 1.0, 1e300, -1e-300};
        for (int i = 0; i < 1_000; i++) {
            double score = i < edges.length ? edges[i] : 3 * random.nextDouble() - 1;
            Boolean predicted = i % 7 == 0 ? random.nextBoolean() : null;
            Boolean actual = i % 5 == 4 ? null : random.nextDouble() < Math.min(1, Math.max(0, score));
            profile.addBinary(predicted, score, actual);
        }
        profile.addBinary(true, null, true);
        profile.addBinary(false, Double.NaN, null);
        return profile;
    }

    /**
     * A multiclass model whose predictions are dicts of class → probability (seed 19): 300 rows over classes a, b, c,
     * probabilities from three uniform draws normalized, the predicted class the most probable, one row in four
     * without an actual, one dict with a NaN (left out) and one class-only row. {@code
     * performance-multiclass-v3.bin} was written once with format version 3.
     */
    static PerformanceProfile multiclass() {
        PerformanceProfile profile = PerformanceProfile.create(dev.vigil.core.model.ModelType.MULTICLASS);
        java.util.SplittableRandom random = new java.util.SplittableRandom(19);
        String[] classes = {"a", "b", "c"};
        for (int i = 0; i < 300; i++) {
            double[] u = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
            double sum = u[0] + u[1] + u[2];
            java.util.Map<String, Double> p = new java.util.TreeMap<>();
            int best = 0;
            for (int k = 0; k < 3; k++) {
                p.put(classes[k], u[k] / sum);
                best = u[k] > u[best] ? k : best;
            }
            String actual = i % 4 == 3 ? null : classes[random.nextInt(3)];
            profile.addMulticlass(classes[best], p, actual);
        }
        profile.addMulticlass("a", java.util.Map.of("a", 0.7, "b", Double.NaN), "b");
        profile.addMulticlass("c", "c");
        return profile;
    }

    /**
     * A multi-label model whose predictions are dicts of label → score (seed 20): 300 rows over labels x, y, z,
     * scores uniform, predicted at 0.5, each label actual with the probability of its score, one row in four without
     * an actual, one label-set-only row. {@code performance-multilabel-v3.bin} was written once with format version
     * 3.
     */
    static PerformanceProfile multiLabel() {
        PerformanceProfile profile = PerformanceProfile.create(dev.vigil.core.model.ModelType.MULTI_LABEL);
        java.util.SplittableRandom random = new java.util.SplittableRandom(20);
        for (int i = 0; i < 300; i++) {
            java.util.Map<String, Double> scores = new java.util.TreeMap<>();
            java.util.Set<String> predicted = new java.util.TreeSet<>();
            java.util.Set<String> actual = new java.util.TreeSet<>();
            for (String label : new String[] {"x", "y", "z"}) {
                double s = random.nextDouble();
                scores.put(label, s);
                if (s >= 0.5) {
                    predicted.add(label);
                }
                if (random.nextDouble() < s) {
                    actual.add(label);
                }
            }
            profile.addMultiLabel(predicted, scores, i % 4 == 3 ? null : actual);
        }
        profile.addMultiLabel(java.util.Set.of("x"), java.util.Set.of("y"));
        return profile;
    }

    /**
     * 60 rows of a number, a category (one cut at 64 characters) and a 3-d vector, some missing, 20 kept, 5 with
     * vectors; {@code sample-v1.bin} was written once from it with the row sample's format version 1 ({@link #main}
     * with the arguments {@code <dir> sample-v1}).
     */
    static SampleProfile sample() {
        SampleProfile s = SampleProfile.create(
                java.util.List.of(
                        SampleProfile.Column.number("x"),
                        SampleProfile.Column.category("c"),
                        SampleProfile.Column.vector("emb", 3)),
                20,
                5);
        for (int i = 0; i < 60; i++) {
            int id = i;
            s.add(i % 10 == 9 ? null : "row-" + i, () -> new Object[] {
                id % 4 == 0 ? null : "c" + (id % 3) + (id == 8 ? "y".repeat(70) : ""),
                id % 7 == 0 ? null : new float[] {id, -id, 0.5f},
                id % 5 == 0 ? null : id * 1.5
            });
        }
        return s;
    }

    /** Writes the golden files into the directory given as the first argument. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden");
        Files.createDirectories(dir);
        if (args.length > 1 && args[1].equals("performance-v3")) {
            Files.write(
                    dir.resolve("performance-multiclass-v3.bin"), multiclass().toBytes());
            Files.write(
                    dir.resolve("performance-multilabel-v3.bin"), multiLabel().toBytes());
            return;
        }
        if (args.length > 1 && args[1].equals("sample-v1")) {
            Files.write(dir.resolve("sample-v1.bin"), sample().toBytes());
            return;
        }
        if (args.length > 1 && args[1].equals("performance-v2")) {
            Files.write(dir.resolve("performance-v2.bin"), performance().toBytes());
            return;
        }
        Files.write(dir.resolve("numeric-v3.bin"), numeric().toBytes());
        Files.write(dir.resolve("string-v3.bin"), longString().toBytes());
        Files.write(dir.resolve("text-v3.bin"), longText().toBytes());
        Files.write(dir.resolve("lognormal-v3.bin"), lognormal().toBytes());
    }
}
