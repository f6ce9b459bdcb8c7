package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ks_pvalue} against scipy's {@code ks_2samp(x, y, method='asymp')} on the same raw samples
 * (src/test/python/make_ks_pvalue_expected.py): the p-value function on scipy's statistic within 0.1% + 1e-6 of
 * scipy's p-value; from the quantile sketches, equal to scipy's while both sketches keep every
 * value, else never below scipy's (the allowance only raises it) and within the band the sketch's rank error
 * (0.005 on the statistic at these sizes) leaves.
 */
class KsPValueTest {
    private static JsonNode cases() throws IOException {
        try (InputStream in = KsPValueTest.class.getResourceAsStream("/kstest/cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static FieldProfile profile(JsonNode values) {
        FieldProfile p = FieldProfile.create(FieldType.numeric());
        values.forEach(v -> p.addNumber(v.asDouble()));
        return p;
    }

    private static void assertClose(double actual, double expected, String what) {
        // commons-math's Pelz–Good expansion (n_e > 140) is not scipy's algorithm: 0.02% apart at n_e = 168
        double tolerance = 1e-3 * expected + 1e-6;
        assertThat(Math.abs(actual - expected))
                .as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(tolerance);
    }

    @Test
    void thePValueOfAStatisticIsScipys() throws IOException {
        for (JsonNode c : cases().get("cases")) {
            double p = Significance.ksPValue(
                    c.get("statistic").asDouble(),
                    c.get("baseline").size(),
                    c.get("window").size());
            assertClose(p, c.get("pvalue").asDouble(), c.get("name").asText());
        }
    }

    @Test
    void thePValueFromTheSketchesIsScipysOrAboveWithinTheSketchError() throws IOException {
        for (JsonNode c : cases().get("cases")) {
            String name = c.get("name").asText();
            FieldProfile baseline = profile(c.get("baseline"));
            FieldProfile window = profile(c.get("window"));
            double p = Drift.ksPValue(baseline, window);
            if (c.get("baseline").size() <= Quantiles.K && c.get("window").size() <= Quantiles.K) {
                assertClose(p, c.get("pvalue").asDouble(), name + " (exact sketches)");
                continue;
            }
            assertThat(p)
                    .as(name + ": never below scipy's")
                    .isGreaterThanOrEqualTo(c.get("pvalue").asDouble());
            assertThat(p)
                    .as(name)
                    .isBetween(
                            c.get("sketch_pvalue_min").asDouble() - 1e-9,
                            c.get("sketch_pvalue_max").asDouble() + 1e-9);
        }
    }

    @Test
    void edgesAndRefusals() {
        assertThat(Significance.ksPValue(0, 10, 10)).isEqualTo(1.0);
        // n = m = 5: n_e = 2.5, rounded half to even as numpy: 2; ks_2samp([0..4], [3.5..7.5], asymp) = kstwo.sf(0.8,
        // 2) = 0.08 (3 would give 0.016)
        assertThat(Significance.ksPValue(0.8, 5, 5)).isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Significance.ksPValue(1, 1000, 1000)).isLessThan(1e-300);
        assertThat(Significance.sketchAdjustedKs(0.01, false, false)).isEqualTo(0.0);
        assertThat(Significance.sketchAdjustedKs(0.05, true, false))
                .isCloseTo(0.043, org.assertj.core.data.Offset.offset(1e-12));
        assertThatThrownBy(() -> Significance.ksPValue(0.1, 0, 5))
                .hasMessage("KS needs a value on each side, got 0 and 5");
        assertThatThrownBy(() -> Significance.ksPValue(1.5, 5, 5))
                .hasMessage("a KS statistic lies within [0, 1], got 1.5");
        FieldProfile strings = FieldProfile.create(FieldType.string());
        strings.addValue("a");
        assertThat(Drift.ksPValue(strings, strings))
                .as("categories have chi2_pvalue instead")
                .isNull();
    }
}
