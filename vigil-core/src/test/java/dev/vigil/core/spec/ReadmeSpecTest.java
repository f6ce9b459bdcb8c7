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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's YAML quickstart is a spec Vigil accepts, with the datasets it shows, and the files it names exist. */
class ReadmeSpecTest {
    private static final Path ROOT = Path.of("..");

    /**
     * Every relative link, and every checked-in path written in backticks ({@code docs/…}, {@code bench/…},
     * {@code .ci/…}, {@code vigil-…/src/…}), names a file of the repository; {@code docs/decisions/0015} names the
     * decision that starts so. Build outputs ({@code vigil-cli/target/…}) and the demo's data are not checked.
     */
    @Test
    void everyFileTheReadmeNamesExists() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> named = new ArrayList<>();
        Matcher link = Pattern.compile("\\]\\(([^)#][^)]*)\\)").matcher(readme);
        while (link.find()) {
            if (!link.group(1).matches("[a-z]+:.*")) {
                named.add(link.group(1));
            }
        }
        Matcher path = Pattern.compile("`((?:docs|bench|\\.ci|vigil-[a-z]+/src)/[^` ]*)`")
                .matcher(readme);
        while (path.find()) {
            named.add(path.group(1));
        }
        assertThat(named).as("paths the README names").contains("docs/metrics.md", ".ci/run");
        for (String name : named) {
            assertThat(existsOrStartsADecision(name))
                    .as("README names %s", name)
                    .isTrue();
        }
    }

    private static boolean existsOrStartsADecision(String name) throws IOException {
        if (Files.exists(ROOT.resolve(name))) {
            return true;
        }
        Path parent = ROOT.resolve(name).getParent();
        String prefix = Path.of(name).getFileName().toString();
        if (!name.startsWith("docs/decisions/") || !Files.isDirectory(parent)) {
            return false;
        }
        try (Stream<Path> files = Files.list(parent)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix + "-"));
        }
    }

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
