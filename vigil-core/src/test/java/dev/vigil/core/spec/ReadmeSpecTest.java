package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.Action;
import dev.vigil.core.monitor.MonitorCodec;
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

    @Test
    void theReadmeOnCallActionsRead() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("```yaml\n# on-call actions\n");
        assertThat(start).as("the README's on-call actions block").isNotNegative();
        int body = readme.indexOf('\n', start) + 1;
        String yaml = readme.substring(body, readme.indexOf("```", body));
        Map<String, String> env = Map.of(
                "VIGIL_PAGERDUTY_KEY", "0123456789abcdef0123456789abcdef",
                "VIGIL_OPSGENIE_KEY", "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d",
                "VIGIL_TEAMS_WORKFLOW_URL", "https://prod.westeurope.logic.azure.com/workflows/x");
        String resolved = yaml;
        for (Map.Entry<String, String> e : env.entrySet()) {
            resolved = resolved.replace("${env:" + e.getKey() + "}", e.getValue());
        }
        JsonNode monitor =
                SpecCodec.parseYaml(resolved, "README.md").path("monitors").get(0);
        ModelVersion version = new ModelVersion(
                "m",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder().feature("amount", FieldType.numeric()).build());
        assertThat(MonitorCodec.read(monitor, "monitors[0]", version).actions())
                .extracting(Action::type, Action::url)
                .containsExactly(
                        tuple(Action.Type.PAGERDUTY, Action.PAGERDUTY_URL),
                        tuple(Action.Type.OPSGENIE, "https://api.eu.opsgenie.com"),
                        tuple(Action.Type.TEAMS, env.get("VIGIL_TEAMS_WORKFLOW_URL")));
    }
}
