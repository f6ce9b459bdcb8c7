package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Benjamini–Hochberg against {@code scipy.stats.false_discovery_control(ps, method='bh')} and the prediction
 * interval's factor against {@code scipy.stats.t.ppf}, both from src/test/python/make_fdr_expected.py.
 */
class FalseDiscoveryTest {
    private static JsonNode cases() throws IOException {
        try (InputStream in = FalseDiscoveryTest.class.getResourceAsStream("/fdr/cases.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void qValuesEqualScipys() throws IOException {
        JsonNode bh = cases().get("bh");
        assertThat(bh.size()).isGreaterThanOrEqualTo(15);
        for (JsonNode c : bh) {
            double[] q = FalseDiscovery.benjaminiHochberg(doubles(c.get("p")));
            double[] expected = doubles(c.get("q"));
            assertThat(q.length).isEqualTo(expected.length);
            for (int i = 0; i < q.length; i++) {
                assertThat(q[i]).as("%s [%d]", c.get("p"), i).isCloseTo(expected[i], Offset.offset(1e-12));
            }
        }
    }

    @Test
    void noTestsGiveNoQValues() {
        assertThat(FalseDiscovery.benjaminiHochberg(new double[0])).isEmpty();
    }

    @Test
    void aPValueOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> FalseDiscovery.benjaminiHochberg(new double[] {0.5, Double.NaN}))
                .hasMessage("a p-value must be within [0, 1], got NaN");
        assertThatThrownBy(() -> FalseDiscovery.benjaminiHochberg(new double[] {1.5}))
                .hasMessage("a p-value must be within [0, 1], got 1.5");
    }

    @Test
    void predictionFactorEqualsScipys() throws IOException {
        for (JsonNode c : cases().get("prediction")) {
            assertThat(Detector.predictionFactor(
                            c.get("alpha").asDouble(), c.get("n").asInt()))
                    .as("alpha %s, n %s", c.get("alpha"), c.get("n"))
                    .isCloseTo(c.get("factor").asDouble(), Offset.offset(1e-8));
        }
    }
}
