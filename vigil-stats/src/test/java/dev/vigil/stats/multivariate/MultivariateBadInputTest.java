package dev.vigil.stats.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the three methods do with samples they cannot judge: too few rows give no value (null or empty), columns
 * without information are dropped or only centered, and malformed input is refused with a message naming it.
 */
class MultivariateBadInputTest {
    private static double[][] gaussian(int rows, int columns, long seed) {
        Random random = new Random(seed);
        double[][] out = new double[rows][columns];
        for (double[] row : out) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void fewerThanTenRowsGiveNoValue() {
        SampleTable nine = SampleTable.numeric(gaussian(9, 3, 1));
        SampleTable ten = SampleTable.numeric(gaussian(10, 3, 2));

        assertThat(PcaReconstruction.fit(nine)).isEmpty();
        assertThat(PcaReconstruction.fit(ten).orElseThrow().error(nine)).isNull();
        assertThat(PcaReconstruction.fit(ten).orElseThrow().error(ten)).isNotNull();
        assertThat(DomainClassifier.auc(nine, ten)).isNull();
        assertThat(DomainClassifier.auc(ten, nine)).isNull();
        assertThat(EmbeddingMmd.compare(gaussian(9, 4, 3), gaussian(50, 4, 4))).isNull();
        assertThat(EmbeddingMmd.compare(gaussian(50, 4, 3), gaussian(9, 4, 4))).isNull();
    }

    @Test
    void rowsWithNonFiniteValuesLeaveMmdAndCanLeaveTooFew() {
        double[][] window = gaussian(12, 4, 5);
        window[0][1] = Double.NaN;
        window[1][2] = Double.POSITIVE_INFINITY;
        EmbeddingMmd.Result r = EmbeddingMmd.compare(gaussian(30, 4, 6), window);
        assertThat(r.windowRows()).isEqualTo(10);

        window[2][0] = Double.NaN;
        assertThat(EmbeddingMmd.compare(gaussian(30, 4, 6), window)).isNull();
    }

    @Test
    void identicalVectorsHaveNoDiscrepancy() {
        double[][] same = new double[20][];
        Arrays.fill(same, new double[] {1, 2, 3});

        EmbeddingMmd.Result r = EmbeddingMmd.compare(same, same);

        assertThat(r.mmd2()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
    }

    @Test
    void aColumnWithNoValueIsDroppedAndAConstantColumnOnlyCentered() {
        double[][] rows = gaussian(100, 4, 7);
        for (double[] row : rows) {
            row[2] = Double.NaN;
            row[3] = 5.0;
        }
        String[][] categories = new String[100][1];
        PcaReconstruction pca =
                PcaReconstruction.fit(new SampleTable(rows, categories, null)).orElseThrow();

        assertThat(pca.columns()).isEqualTo(3);
        double same = pca.error(new SampleTable(rows, categories, null));
        assertThat(same).isEqualTo(pca.referenceError());
        // A window whose constant column moves by 1 is that much further away in every row (scale 1, no component)
        double[][] moved = Arrays.stream(rows).map(double[]::clone).toArray(double[][]::new);
        for (double[] row : moved) {
            row[3] = 6.0;
        }
        double[] before = pca.rowErrors(new SampleTable(rows, categories, null));
        double[] after = pca.rowErrors(new SampleTable(moved, categories, null));
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i]).isCloseTo(Math.hypot(before[i], 1.0), org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void aSampleWithNoValueAnywhereHasNoFit() {
        double[][] rows = new double[20][2];
        for (double[] row : rows) {
            Arrays.fill(row, Double.NaN);
        }

        SampleTable empty = new SampleTable(rows, new String[20][0], null);
        assertThat(PcaReconstruction.fit(new SampleTable(rows, new String[20][1], null)))
                .isEmpty();
        // The classifier drops every column and keeps the intercept: every row scores the same
        assertThat(DomainClassifier.auc(empty, empty)).isEqualTo(0.5);
    }

    @Test
    void constantSamplesGiveAnAucOfOneHalf() {
        double[][] rows = new double[50][3];
        for (double[] row : rows) {
            Arrays.fill(row, 2.0);
        }
        String[][] categories = new String[50][1];
        for (String[] row : categories) {
            row[0] = "x";
        }
        SampleTable constant = new SampleTable(rows, categories, null);

        assertThat(DomainClassifier.auc(constant, constant)).isEqualTo(0.5);
        assertThat(PcaReconstruction.fit(constant).orElseThrow().error(constant))
                .isZero();
    }

    @Test
    void separableSamplesGiveAnAucNearOne() {
        double[][] window = gaussian(100, 3, 8);
        for (double[] row : window) {
            row[0] += 20;
        }

        assertThat(DomainClassifier.auc(SampleTable.numeric(gaussian(100, 3, 9)), SampleTable.numeric(window)))
                .isEqualTo(1.0);
    }

    @Test
    void malformedInputIsRefusedWithItsShape() {
        assertThatThrownBy(() -> new SampleTable(new double[3][2], new String[2][0], null))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("the sample has 3 numeric rows but 2 categorical rows; expected the same rows in both");
        assertThatThrownBy(() -> new SampleTable(new double[][] {{1, 2}, {3}}, new String[2][0], null))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("sample row 1 has 1 numeric and 0 categorical values; row 0 has 2 and 0");
        assertThatThrownBy(() -> new SampleTable(new double[2][1], new String[2][0], new double[] {1, -1}))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("sample row 1 has weight -1.0; expected a finite number ≥ 0");
        assertThatThrownBy(() -> DomainClassifier.auc(
                        SampleTable.numeric(gaussian(20, 3, 1)), SampleTable.numeric(gaussian(20, 2, 2))))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining(
                        "the reference sample has 3 numeric and 0 categorical columns but the window has 2");
        PcaReconstruction pca =
                PcaReconstruction.fit(SampleTable.numeric(gaussian(20, 3, 1))).orElseThrow();
        assertThatThrownBy(() -> pca.error(SampleTable.numeric(gaussian(20, 2, 2))))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("the window sample has 2 numeric and 0 categorical columns");
        double[][] ragged = gaussian(20, 4, 3);
        ragged[5] = new double[] {1, 2};
        assertThatThrownBy(() -> EmbeddingMmd.compare(gaussian(20, 4, 4), ragged))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("an embedding row has 2 dimensions but the first reference row has 4;"
                        + " expected the same in every row");
        assertThatThrownBy(() -> EmbeddingMmd.compare(gaussian(20, 4, 4), gaussian(20, 4, 5), -1, 19L))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("mmd permutations is -1; expected 0 or more");
    }
}
