package dev.vigil.stats.multivariate;

import dev.vigil.core.VigilArgumentException;

/**
 * One sample's tabular rows as the multivariate methods read them: numeric columns ({@code NaN} = missing),
 * categorical columns ({@code null} = missing) and optional per-row weights.
 *
 * <p>Both arrays are row-major ({@code numeric[row][column]}) and must have the same row count; a sample without
 * numeric or without categorical columns passes rows of length 0. The reference and the window must list the
 * same columns in the same order. Infinite numbers count as missing (METRICS.md excludes invalid values from every
 * statistic). Arrays are not copied: do not change them while a method runs.
 *
 * @param numeric rows × numeric columns
 * @param categorical rows × categorical columns
 * @param weights one weight ≥ 0 per row, or {@code null} for equal weights (only {@link DomainClassifier} uses them)
 */
public record SampleTable(double[][] numeric, String[][] categorical, double[] weights) {
    /** Checks the shape: every row has the same column counts, one weight per row, weights finite and ≥ 0. */
    public SampleTable {
        if (numeric == null || categorical == null) {
            throw new VigilArgumentException("a sample needs its numeric and categorical rows (empty rows, not null)");
        }
        if (numeric.length != categorical.length) {
            throw new VigilArgumentException("the sample has " + numeric.length + " numeric rows but "
                    + categorical.length + " categorical rows; expected the same rows in both");
        }
        if (weights != null && weights.length != numeric.length) {
            throw new VigilArgumentException(
                    "the sample has " + numeric.length + " rows but " + weights.length + " weights");
        }
        int p = numeric.length == 0 ? 0 : numeric[0].length;
        int c = categorical.length == 0 ? 0 : categorical[0].length;
        for (int i = 0; i < numeric.length; i++) {
            if (numeric[i].length != p || categorical[i].length != c) {
                throw new VigilArgumentException("sample row " + i + " has " + numeric[i].length + " numeric and "
                        + categorical[i].length + " categorical values; row 0 has " + p + " and " + c);
            }
            if (weights != null && !(weights[i] >= 0 && Double.isFinite(weights[i]))) {
                throw new VigilArgumentException(
                        "sample row " + i + " has weight " + weights[i] + "; expected a finite number ≥ 0");
            }
        }
    }

    /** A sample of numeric columns only, equally weighted. */
    public static SampleTable numeric(double[][] rows) {
        return new SampleTable(rows, new String[rows.length][0], null);
    }

    /** Rows in the sample. */
    public int rows() {
        return numeric.length;
    }

    /** Numeric columns (0 when the sample is empty). */
    public int numericColumns() {
        return numeric.length == 0 ? 0 : numeric[0].length;
    }

    /** Categorical columns (0 when the sample is empty). */
    public int categoricalColumns() {
        return categorical.length == 0 ? 0 : categorical[0].length;
    }

    /** Row {@code i}'s weight (1 when the sample has none). */
    public double weight(int i) {
        return weights == null ? 1.0 : weights[i];
    }

    /** Whether a numeric value counts as missing: NaN or ±Infinity. */
    static boolean missing(double v) {
        return !Double.isFinite(v);
    }

    /** The same reference and window column counts, or a message naming the difference. */
    static void checkSameColumns(SampleTable reference, SampleTable window) {
        if (reference.rows() > 0
                && window.rows() > 0
                && (reference.numericColumns() != window.numericColumns()
                        || reference.categoricalColumns() != window.categoricalColumns())) {
            throw new VigilArgumentException("the reference sample has " + reference.numericColumns() + " numeric and "
                    + reference.categoricalColumns() + " categorical columns but the window has "
                    + window.numericColumns() + " and " + window.categoricalColumns()
                    + "; expected the same columns");
        }
    }

    /** Checks that a window has at least the columns a fit on the reference uses. */
    static void checkSameColumnCount(SampleTable sample, int[] numericColumns, int[] categoricalColumns) {
        if (sample.rows() == 0) {
            return;
        }
        int needNumeric = numericColumns.length == 0 ? 0 : numericColumns[numericColumns.length - 1] + 1;
        int needCategorical =
                categoricalColumns.length == 0 ? 0 : categoricalColumns[categoricalColumns.length - 1] + 1;
        if (sample.numericColumns() < needNumeric || sample.categoricalColumns() < needCategorical) {
            throw new VigilArgumentException("the window sample has " + sample.numericColumns() + " numeric and "
                    + sample.categoricalColumns() + " categorical columns; the reference fit reads "
                    + needNumeric + " and " + needCategorical);
        }
    }
}
