package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} is where users look a metric up: every name the profiles, drift, performance and CBPE
 * emit must be defined there, written as {@code `name`}.
 */
class MetricsDocTest {
    private static final Path DOC = Path.of("..", "docs", "metrics.md");

    @Test
    void everyMetricTheCodeEmitsIsDefined() throws IOException {
        Set<String> documented = codeSpans(Files.readString(DOC));
        Set<String> emitted = new LinkedHashSet<>(DatasetProfile.METRIC_NAMES);
        for (FieldType.Kind kind : FieldType.Kind.values()) {
            emitted.addAll(FieldProfile.metricNames(kind));
        }
        emitted.addAll(Drift.METRIC_NAMES);
        emitted.addAll(Drift.ON_REQUEST_NAMES);
        emitted.addAll(PerformanceProfile.METRIC_NAMES);
        emitted.addAll(estimatedNames());
        for (ModelType type : ModelType.values()) {
            emitted.addAll(PerformanceEstimator.metricNames(type));
        }
        emitted.addAll(lossEstimateNames());

        assertThat(emitted).as("names the code emits").hasSizeGreaterThan(60);
        assertThat(documented).as("metrics defined in %s", DOC).containsAll(emitted);
    }

    /** The names CBPE really gives, from a fitted calibration rather than a list written here. */
    private static Set<String> estimatedNames() {
        SplittableRandom random = new SplittableRandom(7);
        PerformanceProfile reference = PerformanceProfile.create(ModelType.BINARY);
        for (int i = 0; i < 1_000; i++) {
            double score = random.nextDouble();
            reference.addBinary(null, score, random.nextDouble() < score);
        }
        return Calibration.fit(reference).orElseThrow().estimate(reference).keySet();
    }

    /** The names DLE really gives (ADR 0028), from a profile with estimated rows. */
    private static Set<String> lossEstimateNames() {
        PerformanceProfile window = PerformanceProfile.create(ModelType.REGRESSION);
        window.addRegression(2.0, null);
        window.addRegressionEstimate(0.5, 0.4, 0.3);
        return window.lossEstimates().keySet();
    }

    /** Every {@code `span`} of the page; a span listing several names ({@code `p01 p05`}) gives each. */
    private static Set<String> codeSpans(String markdown) {
        Set<String> spans = new LinkedHashSet<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(markdown);
        while (m.find()) {
            for (String word : m.group(1).split("\\s+")) {
                spans.add(word);
            }
        }
        return spans;
    }
}
