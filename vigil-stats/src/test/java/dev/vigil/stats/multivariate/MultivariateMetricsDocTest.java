package dev.vigil.stats.multivariate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The multivariate metric names are defined in {@code docs/metrics.md}, in its multivariate section. */
class MultivariateMetricsDocTest {
    @Test
    void everyNameIsDefined() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
        String section = doc.substring(doc.indexOf("## Multivariate and embedding drift"));

        for (String name : MultivariateMetrics.METRIC_NAMES) {
            assertThat(section).as("docs/metrics.md defines %s", name).contains("`" + name + "`");
        }
    }
}
