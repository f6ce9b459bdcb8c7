package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.DatasetKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's YAML quickstart is a spec Vigil accepts, with the datasets it shows. */
class ReadmeSpecTest {
    @Test
    void theReadmeQuickstartSpecParses() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```yaml\n# model.yaml\n");
        assertThat(start).as("the README's YAML quickstart block").isNotNegative();
        int body = readme.indexOf('\n', start) + 1;
        String yaml = readme.substring(body, readme.indexOf("```", body));
        ModelSpec spec = SpecCodec.readSpec(
                yaml,
                "README.md",
                // as a reader who follows the README would apply it: secrets in VIGIL_ variables, default rules
                SecretResolver.fromEnvironment(
                        Map.of(
                                "VIGIL_PG_PASSWORD",
                                "secret",
                                "VIGIL_SLACK_WEBHOOK_URL",
                                "https://hooks.slack.test/T/B/k")::get,
                        SecretResolver.Rules.DEFAULT));
        assertThat(spec.datasets().keySet())
                .containsExactlyInAnyOrder(DatasetKind.SERVING, DatasetKind.TRAINING, DatasetKind.ACTUALS);
        assertThat(spec.datasets().get(DatasetKind.ACTUALS).labels())
                .containsEntry("will_buy_insurance", "bought")
                .containsEntry("proba", "bought");
    }
}
