package dev.vigil.stats.multivariate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MMD² against numpy/scipy on the same vectors ({@code make_multivariate_expected.py} wrote {@code
 * multivariate/embedding.json}): MMD² within 1e-9 relative, σ within 1e-12. The script replays {@code
 * java.util.Random(19)}'s shuffles, so the p-value must be equal; its own p-value from numpy's generator must agree
 * on the verdict (both below 0.01 on a shift, both above 0.05 without).
 */
class EmbeddingMmdTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = EmbeddingMmdTest.class.getResourceAsStream("/multivariate/embedding.json")) {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(in).path("cases").forEach(out::add);
            return out.stream();
        }
    }

    static double[][] vectors(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = rows.get(i);
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesNumpyAndScipy(JsonNode c) {
        JsonNode e = c.path("expected");
        double[][] reference = vectors(c.path("reference"));
        double[][] window = vectors(c.path("window"));

        EmbeddingMmd.Result r =
                EmbeddingMmd.compare(reference, window, e.path("permutations").asInt(), 19L);

        assertThat(r.mmd2()).isCloseTo(e.path("mmd").asDouble(), Percentage.withPercentage(1e-7));
        assertThat(r.bandwidth()).isCloseTo(e.path("bandwidth").asDouble(), Percentage.withPercentage(1e-10));
        assertThat(r.pValue()).isEqualTo(e.path("mmd_pvalue_java_random").asDouble());
        assertThat(r.referenceRows()).isEqualTo(reference.length);
        assertThat(r.windowRows()).isEqualTo(window.length);
        double numpy = e.path("mmd_pvalue_numpy").asDouble();
        if (c.path("name").asText().equals("no_drift")) {
            assertThat(r.pValue()).isGreaterThan(0.05);
            assertThat(numpy).isGreaterThan(0.05);
        } else {
            assertThat(r.pValue()).isLessThan(0.01);
            assertThat(numpy).isLessThan(0.01);
        }
    }

    @Test
    void sameSamplesAndSeedGiveTheSameResult() throws IOException {
        JsonNode c = cases().filter(x -> x.path("name").asText().equals("no_drift"))
                .findFirst()
                .orElseThrow();
        double[][] reference = vectors(c.path("reference"));
        double[][] window = vectors(c.path("window"));

        assertThat(EmbeddingMmd.compare(reference, window)).isEqualTo(EmbeddingMmd.compare(reference, window));
        assertThat(EmbeddingMmd.compare(reference, window, 500, 7L))
                .isEqualTo(EmbeddingMmd.compare(reference, window, 500, 7L));
    }
}
