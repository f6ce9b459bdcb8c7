package dev.vigil.stats.multivariate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import dev.vigil.stats.Drift;
import dev.vigil.stats.FieldProfile;
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
 * PCA reconstruction error and the domain classifier's AUC against scikit-learn on the same rows ({@code
 * src/test/python/make_multivariate_expected.py} wrote {@code multivariate/tabular.json}): PCA values within 1e-9
 * relative, the AUC within 1e-6. And what they are for: a change in correlation alone, which per-field drift misses.
 */
class MultivariateDriftTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode tabular;

    static synchronized JsonNode tabular() throws IOException {
        if (tabular == null) {
            try (InputStream in = MultivariateDriftTest.class.getResourceAsStream("/multivariate/tabular.json")) {
                tabular = JSON.readTree(in);
            }
        }
        return tabular;
    }

    static Stream<JsonNode> cases() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        tabular().path("cases").forEach(out::add);
        return out.stream();
    }

    static JsonNode namedCase(String name) throws IOException {
        return cases().filter(c -> c.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static SampleTable table(JsonNode side) {
        JsonNode numeric = side.path("numeric");
        JsonNode categorical = side.path("categorical");
        int n = numeric.size();
        double[][] x = new double[n][];
        String[][] c = new String[n][];
        for (int i = 0; i < n; i++) {
            JsonNode row = numeric.get(i);
            x[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                x[i][j] = row.get(j).isNull() ? Double.NaN : row.get(j).asDouble();
            }
            JsonNode cats = categorical.get(i);
            c[i] = new String[cats.size()];
            for (int j = 0; j < cats.size(); j++) {
                c[i][j] = cats.get(j).isNull() ? null : cats.get(j).asText();
            }
        }
        double[] w = null;
        if (side.path("weights").isArray()) {
            w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = side.path("weights").get(i).asDouble();
            }
        }
        return new SampleTable(x, c, w);
    }

    static SampleTable reference(JsonNode c) throws IOException {
        return table(c.path("reference").isNull() ? tabular().path("reference") : c.path("reference"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pcaReconstructionMatchesScikitLearn(JsonNode c) throws IOException {
        JsonNode e = c.path("expected");
        PcaReconstruction pca = PcaReconstruction.fit(reference(c)).orElseThrow();
        SampleTable window = table(c.path("window"));

        assertThat(pca.components()).isEqualTo(e.path("components").asInt());
        assertThat(pca.columns()).isEqualTo(e.path("columns").asInt());
        assertThat(pca.error(window))
                .isCloseTo(e.path("pca_reconstruction_error").asDouble(), Percentage.withPercentage(1e-7));
        assertThat(pca.referenceError())
                .isCloseTo(e.path("reference_error").asDouble(), Percentage.withPercentage(1e-7));
        assertThat(pca.referenceRowStd())
                .isCloseTo(e.path("reference_row_std").asDouble(), Percentage.withPercentage(1e-7));
        PcaReconstruction.Thresholds t = pca.thresholds(window.rows());
        assertThat(t.lower()).isCloseTo(e.path("lower_threshold").asDouble(), Percentage.withPercentage(1e-7));
        assertThat(t.upper()).isCloseTo(e.path("upper_threshold").asDouble(), Percentage.withPercentage(1e-7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void domainClassifierMatchesScikitLearn(JsonNode c) throws IOException {
        Double auc = DomainClassifier.auc(reference(c), table(c.path("window")));

        assertThat(auc)
                .isCloseTo(c.path("expected").path("domain_classifier_auc").asDouble(), within(1e-6));
    }

    @Test
    void noDriftStaysInsideThresholdsAndNearHalf() throws IOException {
        JsonNode c = namedCase("no_drift");
        PcaReconstruction pca = PcaReconstruction.fit(reference(c)).orElseThrow();
        SampleTable window = table(c.path("window"));
        PcaReconstruction.Thresholds t = pca.thresholds(window.rows());

        assertThat(pca.error(window)).isBetween(t.lower(), t.upper());
        assertThat(DomainClassifier.auc(reference(c), window)).isBetween(0.45, 0.55);
    }

    @Test
    void correlationOnlyChangeIsSeenByPcaAndClassifierButNotPerFieldDrift() throws IOException {
        JsonNode c = namedCase("correlation_only");
        SampleTable reference = reference(c);
        SampleTable window = table(c.path("window"));
        PcaReconstruction pca = PcaReconstruction.fit(reference).orElseThrow();

        assertThat(pca.error(window))
                .isGreaterThan(pca.thresholds(window.rows()).upper());
        assertThat(DomainClassifier.auc(reference, window)).isGreaterThan(0.8);
        // Per-field drift at the usual threshold (0.1) sees nothing: each column's distribution is the same
        for (int j = 0; j < reference.numericColumns(); j++) {
            assertThat(js(reference, window, j))
                    .as("js_distance of column %d", j)
                    .isLessThan(0.1);
        }
        // ... while a mean shift of half a standard deviation is plain to it
        JsonNode shifted = namedCase("mean_shift");
        assertThat(js(reference, table(shifted.path("window")), 0)).isGreaterThan(0.1);
    }

    private static double js(SampleTable reference, SampleTable window, int column) {
        return Drift.compare(profile(reference, column), profile(window, column))
                .get("js_distance");
    }

    private static FieldProfile profile(SampleTable sample, int column) {
        FieldProfile p = FieldProfile.create(FieldType.numeric());
        for (double[] row : sample.numeric()) {
            if (Double.isNaN(row[column])) {
                p.addMissing();
            } else {
                p.addNumber(row[column]);
            }
        }
        return p;
    }
}
