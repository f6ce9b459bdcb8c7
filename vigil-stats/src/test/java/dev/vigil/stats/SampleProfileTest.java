package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.stats.SampleProfile.Column;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row sample: its size, merges that do not depend on their order, uniformity and the shares of a weighted merge
 * (bounds from {@code src/test/python/make_sample_expected.py}), the format and its refusals.
 */
class SampleProfileTest {
    private static final List<Column> COLUMNS =
            List.of(Column.number("amount"), Column.category("country"), Column.vector("emb", 3), Column.number("age"));

    /** Row {@code i} of a fixed synthetic table: age, amount, country, emb (the columns sorted by name). */
    private static Object[] row(int i) {
        SplittableRandom r = new SplittableRandom(i);
        return new Object[] {
            i % 11 == 0 ? null : (double) r.nextInt(18, 90),
            r.nextDouble() * 100,
            i % 13 == 0 ? null : new String[] {"DE", "FR", "US"}[r.nextInt(3)],
            i % 7 == 0 ? null : new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), i}
        };
    }

    private static SampleProfile sampleOf(int from, int to, int rows, int vectorRows) {
        SampleProfile s = SampleProfile.create(COLUMNS, rows, vectorRows);
        for (int i = from; i < to; i++) {
            int id = i;
            s.add("row-" + id, () -> row(id));
        }
        return s;
    }

    private static SampleProfile copy(SampleProfile s) {
        return SampleProfile.fromBytes(s.toBytes());
    }

    @Test
    void keepsExactlyMinOfCapacityAndRows() {
        assertThat(sampleOf(0, 0, 100, 10).size()).isZero();
        assertThat(sampleOf(0, 37, 100, 10).size()).isEqualTo(37);
        assertThat(sampleOf(0, 100, 100, 10).size()).isEqualTo(100);
        SampleProfile big = sampleOf(0, 5_000, 100, 10);
        assertThat(big.size()).isEqualTo(100);
        assertThat(big.rowsSeen()).isEqualTo(5_000);
        assertThat(big.weights()).hasSize(100).containsOnly(1.0);
        assertThat(big.numericMatrix(List.of("age", "amount"))).hasNumberOfRows(100);
        assertThat(big.categories("country")).hasSize(100);
        // vectors only for the 10 best-ranked rows, fewer when some of those have none
        assertThat(big.vectors("emb").length).isBetween(1, 10);
    }

    @Test
    void theSampleHoldsRealRowsWithTheirValuesAndTheSameRowsEveryTime() {
        SampleProfile s = sampleOf(0, 500, 50, 50);
        assertThat(s.toBytes()).isEqualTo(sampleOf(0, 500, 50, 50).toBytes());
        double[][] m = s.numericMatrix(List.of("age", "amount"));
        List<String> countries = s.categories("country");
        // a vector's third element is its row's number: each kept vector is its row's
        for (double[] vector : s.vectors("emb")) {
            float[] source = (float[]) row((int) vector[2])[3];
            assertThat(vector).containsExactly(source[0], source[1], source[2]);
        }
        // every kept row is a row of the table: find each by its amount, then compare all its values
        Map<Double, Integer> byAmount = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            byAmount.put((Double) row(i)[1], i);
        }
        for (int r = 0; r < m.length; r++) {
            Integer id = byAmount.get(m[r][1]);
            assertThat(id).as("row %d", r).isNotNull();
            Object[] source = row(id);
            if (source[0] == null) {
                assertThat(m[r][0]).isNaN();
            } else {
                assertThat(m[r][0]).isEqualTo((Double) source[0]);
            }
            assertThat(countries.get(r)).isEqualTo(source[2]);
            assertThat(s.categoryMatrix(List.of("country"))[r][0]).isEqualTo(source[2]);
        }
    }

    @Test
    void mergesDoNotDependOnTheirOrderAndEqualSamplingTheWhole() {
        SampleProfile a = sampleOf(0, 700, 100, 20);
        SampleProfile b = sampleOf(700, 1_500, 100, 20);
        SampleProfile c = sampleOf(1_500, 1_600, 100, 20);
        SampleProfile ab = copy(a);
        ab.merge(copy(b));
        SampleProfile ba = copy(b);
        ba.merge(copy(a));
        assertThat(ab.toBytes()).isEqualTo(ba.toBytes());
        SampleProfile abThenC = copy(ab);
        abThenC.merge(copy(c));
        SampleProfile bc = copy(b);
        bc.merge(copy(c));
        SampleProfile aThenBc = copy(a);
        aThenBc.merge(bc);
        assertThat(abThenC.toBytes()).isEqualTo(aThenBc.toBytes());
        assertThat(abThenC.toBytes()).isEqualTo(sampleOf(0, 1_600, 100, 20).toBytes());
        assertThat(abThenC.rowsSeen()).isEqualTo(1_600);
        assertThat(abThenC.vectors("emb").length)
                .isEqualTo(sampleOf(0, 1_600, 100, 20).vectors("emb").length);
    }

    @Test
    void addingToASampleReadBackOrMergedEqualsSamplingAllTheRows() {
        SampleProfile s = copy(sampleOf(0, 700, 100, 20));
        for (int i = 700; i < 1_600; i++) {
            int id = i;
            s.add("row-" + id, () -> row(id));
        }
        assertThat(s.toBytes()).isEqualTo(sampleOf(0, 1_600, 100, 20).toBytes());
        SampleProfile merged = sampleOf(0, 300, 100, 20);
        merged.merge(sampleOf(300, 700, 100, 20));
        for (int i = 700; i < 1_600; i++) {
            int id = i;
            merged.add("row-" + id, () -> row(id));
        }
        assertThat(merged.toBytes()).isEqualTo(s.toBytes());
        // no vectors at all, and all of them
        assertThat(sampleOf(0, 500, 50, 0).vectors("emb")).isEmpty();
        assertThat(sampleOf(0, 500, 50, 50).vectors("emb").length)
                .isEqualTo((int) sampleOf(0, 500, 50, 50).categories("country").stream()
                                .count()
                        - countMissingVectors(sampleOf(0, 500, 50, 50)));
    }

    /** Kept rows without a vector: row numbers are the amount's index, found by value. */
    private static int countMissingVectors(SampleProfile s) {
        Map<Double, Integer> byAmount = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            byAmount.put((Double) row(i)[1], i);
        }
        int missing = 0;
        for (double[] r : s.numericMatrix(List.of("amount"))) {
            missing += row(byAmount.get(r[0]))[3] == null ? 1 : 0;
        }
        return missing;
    }

    @Test
    void rowsWithoutAnIdAreHashedByTheirValuesAndDuplicatesSurviveTheBytes() {
        SampleProfile s = SampleProfile.create(List.of(Column.number("x")), 10, 0);
        for (int i = 0; i < 100; i++) {
            double x = i % 3;
            s.add(null, () -> new Object[] {x});
        }
        assertThat(s.size()).isEqualTo(10);
        // three distinct rows, each with the key of its values: the ten kept are copies of at most three of them
        assertThat(Arrays.stream(s.numericMatrix(List.of("x")))
                        .mapToDouble(r -> r[0])
                        .distinct()
                        .count())
                .isLessThanOrEqualTo(3);
        assertThat(copy(s).toBytes()).isEqualTo(s.toBytes());
    }

    @Test
    void eachRowIsKeptWithProbabilityKOverNAcrossSeeds() {
        int n = 40;
        int k = 10;
        int trials = 2_000;
        long[] kept = new long[n];
        for (int t = 0; t < trials; t++) {
            SampleProfile s = SampleProfile.create(List.of(Column.number("i")), k, 0, 1_000 + t);
            for (int i = 0; i < n; i++) {
                double value = i;
                s.add("id-" + i, () -> new Object[] {value});
            }
            for (double[] r : s.numericMatrix(List.of("i"))) {
                kept[(int) r[0]]++;
            }
        }
        double p = (double) k / n;
        double expected = trials * p;
        double x = 0;
        for (long o : kept) {
            x += (o - expected) * (o - expected);
        }
        x = x / (trials * p * (1 - p)) * (n - 1) / n;
        // chi-square with n - 1 = 39 degrees of freedom, 0.999 quantile (make_sample_expected.py)
        assertThat(x).isLessThan(72.0547);
        assertThat(Arrays.stream(kept).sum()).isEqualTo((long) trials * k);
    }

    @Test
    void aWeightedMergeOfWindowsOf1000And9000RowsTakesTheirShares() {
        List<Column> columns = List.of(Column.category("window"));
        SampleProfile small = SampleProfile.create(columns, 1_000, 0);
        SampleProfile large = SampleProfile.create(columns, 1_000, 0);
        for (int i = 0; i < 1_000; i++) {
            small.add("a-" + i, () -> new Object[] {"a"});
        }
        for (int i = 0; i < 9_000; i++) {
            large.add("b-" + i, () -> new Object[] {"b"});
        }
        small.merge(large);
        assertThat(small.size()).isEqualTo(1_000);
        long fromSmall = small.categories("window").stream().filter("a"::equals).count();
        // hypergeometric(10,000 rows, 1,000 of the small window, 1,000 drawn): 1e-6 and 1 - 1e-6 quantiles
        assertThat(fromSmall).isBetween(60L, 145L);
    }

    @Test
    void aHeavierRowIsLikelierKept() {
        // A-Res: a row of weight 2 against one of weight 1, one kept, is kept with probability 2/3
        int heavier = 0;
        int trials = 3_000;
        for (int t = 0; t < trials; t++) {
            SampleProfile s = SampleProfile.create(List.of(Column.category("w")), 1, 0, t);
            s.add("light", 1, () -> new Object[] {"light"});
            s.add("heavy", 2, () -> new Object[] {"heavy"});
            heavier += s.categories("w").get(0).equals("heavy") ? 1 : 0;
        }
        // binomial(3,000, 2/3): mean 2,000, sd 25.8; 5 sd either side
        assertThat(heavier).isBetween(1_871, 2_129);
    }

    @Test
    void bytesRoundTripWithMissingValuesCategoriesCutAndVectors() {
        SampleProfile s = SampleProfile.create(COLUMNS, 20, 5);
        String longCategory = "x".repeat(63) + "\uD83D\uDE00" + "tail";
        for (int i = 0; i < 30; i++) {
            int id = i;
            s.add(i == 3 ? null : "r" + i, () -> {
                Object[] r = row(id);
                if (id == 5) {
                    r[2] = longCategory;
                }
                return r;
            });
        }
        byte[] bytes = s.toBytes();
        SampleProfile back = SampleProfile.fromBytes(bytes);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back).isEqualTo(s);
        assertThat(back.columns()).extracting(Column::name).containsExactly("age", "amount", "country", "emb");
        assertThat(Profile.fromBytes(bytes)).isEqualTo(s);
        assertThat(back.categories("country")).allMatch(c -> c == null || c.length() <= 64);
        if (back.categories("country").stream().anyMatch(c -> c != null && c.startsWith("xxx"))) {
            assertThat(back.categories("country")).contains("x".repeat(63)); // not cut inside the surrogate pair
        }
        assertThat(Arrays.stream(back.numericMatrix(List.of("age"))).anyMatch(r -> Double.isNaN(r[0])))
                .isTrue();
    }

    @Test
    void mergingUnitesColumnsAndTakesTheSmallerCapacities() {
        SampleProfile a = SampleProfile.create(List.of(Column.number("x")), 50, 10);
        SampleProfile b = SampleProfile.create(List.of(Column.number("x"), Column.category("c")), 30, 5);
        for (int i = 0; i < 100; i++) {
            double v = i;
            a.add("a" + i, () -> new Object[] {v});
            b.add("b" + i, () -> new Object[] {"k", v});
        }
        a.merge(b);
        assertThat(a.capacity()).isEqualTo(30);
        assertThat(a.vectorCapacity()).isEqualTo(5);
        assertThat(a.size()).isEqualTo(30);
        assertThat(a.columns()).extracting(Column::name).containsExactly("c", "x");
        assertThat(a.categories("c")).contains("k").containsNull();
    }

    @Test
    void refusalsNameWhatIsWrong() {
        assertThatThrownBy(() -> SampleProfile.create(COLUMNS, 0, 0))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("sample rows must be 1 to 10000, got 0");
        assertThatThrownBy(() -> SampleProfile.create(COLUMNS, 10, 11))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("sample vector_rows must be 0 to rows (10), got 11");
        List<Column> many = new ArrayList<>();
        for (int i = 0; i <= SampleProfile.MAX_COLUMNS; i++) {
            many.add(Column.number("c" + i));
        }
        assertThatThrownBy(() -> SampleProfile.create(many, 10, 0))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("a sample keeps at most 100 columns, got 101");
        SampleProfile s = sampleOf(0, 10, 10, 2);
        byte[] before = s.toBytes();
        assertThatThrownBy(() -> s.numericMatrix(List.of("country")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith(
                        "'country' is not a number column of this row sample (columns: [age (a number)");
        assertThatThrownBy(() -> s.add("x", () -> new Object[] {1.0}))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("a sampled row has 1 values for 4 columns");
        assertThatThrownBy(() -> s.add("x", 0, () -> row(1)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("a sampled row's weight must be finite and above 0, got 0.0");
        SampleProfile other = SampleProfile.create(List.of(Column.category("age")), 10, 0);
        assertThatThrownBy(() -> s.merge(other))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("cannot merge row samples: column 'age' is a number in one and a category in the other");
        assertThatThrownBy(() -> s.merge((Profile) new DatasetProfile()))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("cannot merge a dataset profile into a row sample");
        // nothing was changed by a refusal (the bad add counted no row either)
        assertThat(s.toBytes()).isEqualTo(before);
    }

    @Test
    void badBytesAreRefusedInOneSentence() {
        byte[] bytes = sampleOf(0, 30, 10, 2).toBytes();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> SampleProfile.fromBytes(truncated))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith("truncated row sample: ");
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> SampleProfile.fromBytes(trailing))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("corrupt row sample: 1 unexpected trailing bytes");
        byte[] version = bytes.clone();
        version[3] = 2;
        assertThatThrownBy(() -> SampleProfile.fromBytes(version))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("unsupported row sample format version 2 (this build reads versions 1 to 1)");
        // the first row's hash, flipped: its key is no longer that of its hash
        int firstHash = headerLength(bytes) + 8;
        byte[] flipped = bytes.clone();
        flipped[firstHash] ^= 0x40; // a bit of the 53 that make u
        assertThatThrownBy(() -> SampleProfile.fromBytes(flipped))
                .isInstanceOf(VigilStateException.class)
                .hasMessageStartingWith("corrupt row sample: row 0's key ");
        assertThatThrownBy(() -> SampleProfile.fromBytes(new DatasetProfile().toBytes()))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("not a row sample: expected magic bytes 'VGS'");
    }

    /** Where the rows start in {@link #sampleOf}'s bytes: after the header, settings and the four columns. */
    private static int headerLength(byte[] bytes) {
        int at = 4 + 8; // magic, version, seed
        at += 1 + 1 + 1 + 8; // capacity 10, vector capacity 2, rows seen 30 (one varint byte each), weight seen
        at += 1; // columns
        for (String name : List.of("age", "amount", "country", "emb")) {
            at += 4 + name.length() + 1 + (name.equals("emb") ? 1 : 0);
        }
        return at + 1; // rows kept
    }

    @Test
    void goldenVersion1StaysReadable() {
        byte[] golden = FieldProfileSerDeTest.golden("sample-v1.bin");
        SampleProfile s = SampleProfile.fromBytes(golden);
        assertThat(s.toBytes()).isEqualTo(golden);
        assertThat(s.toBytes()).isEqualTo(GoldenProfiles.sample().toBytes());
        assertThat(s.size()).isEqualTo(20);
        assertThat(s.rowsSeen()).isEqualTo(60);
        assertThat(s.vectors("emb").length).isBetween(1, 5);
    }
}
