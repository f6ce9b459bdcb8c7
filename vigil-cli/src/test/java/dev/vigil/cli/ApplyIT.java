package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil apply} is all or nothing (a refused dataset or monitor leaves the model, version, datasets and monitors
 * as they were), {@code --dry-run} says what would change with a diff and stores nothing, and an update says what it
 * replaced.
 */
class ApplyIT extends AbstractServerIT {
    @TempDir
    static Path dir;

    private TestDatabase.Credentials reader;

    record Result(int code, String out, String err) {}

    @Override
    protected void createSource(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.model_predictions (prediction_id bigint, prediction_timestamp timestamptz,"
                        + " amount numeric, owner_name text, will_buy_insurance boolean, proba double precision,"
                        + " bought boolean)",
                "CREATE TABLE ml.training AS SELECT prediction_id AS id, prediction_timestamp AS ts, amount,"
                        + " owner_name AS owner, will_buy_insurance, proba FROM ml.model_predictions");
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training"));
    }

    private Result run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.put("VIGIL_PG_PASSWORD", reader.password());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A spec of model {@code id}; {@code ownerColumn} is the serving column of the owner feature. */
    private Path spec(String id, String name, String ownerColumn, String segments, String monitors) throws Exception {
        Path file = Files.createTempFile(dir, id, ".yaml");
        Files.writeString(
                file,
                """
                model: {id: %1$s, name: %2$s}
                version:
                  model_version: v1
                  model_type: binary
                  features: {amount: numeric, owner: string}
                  predictions: {will_buy_insurance: boolean, proba: numeric}
                %6$s
                serving:
                  data_source: {url: "%3$s", query: "SELECT * FROM ml.model_predictions", user: %4$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: prediction_id
                  timestamp_column: prediction_timestamp
                  features: {owner: %5$s}
                  labels: {will_buy_insurance: bought}
                training:
                  data_source: {url: "%3$s", query: "SELECT * FROM ml.training", user: %4$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: id
                  timestamp_column: ts
                monitors:
                %7$s
                """
                        .formatted(id, name, db().url(), reader.user(), ownerColumn, segments, monitors));
        return file;
    }

    private static final String SEGMENTS = "segments: [{field: owner}, {name: big, where: amount > 100}]";
    private static final String MONITORS =
            """
              - name: accuracy-watch
                type: performance_degradation
                metric: accuracy
                focal: {window: 1d}
                detection: {method: training, threshold: 0.1}
                preconditions: {min_focal_rows: 100}
            """;

    private List<String> modelIds() {
        List<String> ids = new ArrayList<>();
        vigil().listModels().forEach(m -> ids.add(m.id()));
        return ids;
    }

    /** Everything stored of a model: the model, its version, datasets and monitors, as JSON text. */
    private String stored(String id) {
        Vigil v = vigil();
        return v.getModel(id).map(Model::toString).orElse("none") + "\n"
                + v.getVersion(id, "v1").map(ModelVersion::toString).orElse("none") + "\n"
                + v.version(id, "v1").datasets() + "\n" + v.monitors(id, "v1");
    }

    /** Moving a label from serving to a new actuals dataset is one valid spec: its dry runs do not see a conflict. */
    @Test
    void aLabelMovedFromServingToActualsIsApplied() throws Exception {
        Path servingLabeled = spec("moved", "Moved", "owner_name", "", MONITORS);
        assertThat(run("apply", "-f", servingLabeled.toString()).code()).isZero();
        String spec = Files.readString(servingLabeled)
                .replace("  labels: {will_buy_insurance: bought}\n", "")
                .replace(
                        "monitors:\n",
                        """
                        actuals:
                          data_source: {url: "%s", user: %s, password: "${env:VIGIL_PG_PASSWORD}",
                                        query: "SELECT prediction_id, prediction_timestamp AS labeled_at, bought FROM ml.model_predictions"}
                          id_column: prediction_id
                          timestamp_column: labeled_at
                          labels: {will_buy_insurance: bought}
                        monitors:
                        """
                                .formatted(db().url(), reader.user()));
        Path moved = Files.writeString(dir.resolve("moved-to-actuals.yaml"), spec);

        Result dry = run("apply", "-f", moved.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        Result r = run("apply", "-f", moved.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(vigil().version("moved", "v1").datasets().toString())
                .contains("actuals")
                .contains("labeled_at");
    }

    /**
     * A refused monitor is found before any monitor is stored: an updated monitor whose webhook URL changed keeps its
     * old URL (the API hides URLs, so an undo could not have put it back; the metastore is read here).
     */
    @Test
    void aRefusedMonitorLeavesAnotherMonitorsWebhookUrlAsItWas() throws Exception {
        String hooked = "  - {name: hooked, type: model_activity, detection: {method: absolute, min: 1},"
                + " actions: [{type: webhook, url: \"http://127.0.0.1:9/old\"}]}\n";
        assertThat(run(
                                "apply",
                                "-f",
                                spec("hooked", "Hooked", "owner_name", "", hooked)
                                        .toString())
                        .code())
                .isZero();
        String changed = hooked.replace("/old", "/new")
                + "  - {name: meen, type: metric_change, fields: [amount], metric: meen,"
                + " detection: {method: absolute, max: 1}}\n";

        Result r = run(
                "apply",
                "-f",
                spec("hooked", "Hooked", "owner_name", "", changed).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .as("refused before anything changed: the server's sentence as it is")
                .startsWith("vigil: monitor.metric: 'meen' is not a metric");
        assertThat(server().metastore().monitors().list("hooked", "v1").toString())
                .contains("http://127.0.0.1:9/old")
                .doesNotContain("http://127.0.0.1:9/new");
    }

    /** The test server has no SMTP server: an e-mail action is stored, with a warning that its e-mails will fail. */
    @Test
    void anEmailActionWithoutAnSmtpServerIsAppliedWithAWarning() throws Exception {
        String monitors =
                """
                  - name: mail-watch
                    type: model_activity
                    detection: {method: absolute, min: 1}
                    actions: [{type: email, to: [oncall@example.com]}]
                """;
        Result r = run(
                "apply",
                "-f",
                spec("mailed", "Mailed", "owner_name", "", monitors).toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err())
                .isEqualTo("warning: monitor mail-watch: e-mail action, but the server has no SMTP server"
                        + " (VIGIL_SMTP_HOST); its e-mails will fail" + System.lineSeparator());
        assertThat(vigil().monitors("mailed", "v1").toString()).contains("mail-watch");
    }

    @Test
    void aTypoInAMappingOfANewModelLeavesNoModelBehind() throws Exception {
        List<String> before = modelIds();
        Result r = run(
                "apply",
                "-f",
                spec("typo-new", "Mistakes", "owner_nmae", SEGMENTS, MONITORS).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("vigil: nothing was applied: serving.features.owner: column 'owner_nmae' is not in the"
                        + " query's result")
                .hasLineCount(1);
        assertThat(modelIds()).as("the models a failed apply leaves").isEqualTo(before);
        assertThat(run("models").out()).doesNotContain("typo-new");
    }

    @Test
    void aTypoInAMappingOfAnExistingModelLeavesItAsItWas() throws Exception {
        assertThat(run(
                                "apply",
                                "-f",
                                spec("typo-old", "Original", "owner_name", "", MONITORS)
                                        .toString())
                        .code())
                .isZero();
        String before = stored("typo-old");

        String changed = MONITORS.replace("threshold: 0.1", "threshold: 0.2")
                + "  - {name: volume, type: model_activity, detection: {method: absolute, min: 1}}\n";
        Result r = run(
                "apply",
                "-f",
                spec("typo-old", "Renamed", "owner_nmae", SEGMENTS, changed).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: nothing was applied: serving.features.owner:");
        assertThat(stored("typo-old"))
                .as("name, version (no segments), datasets and monitors as they were")
                .isEqualTo(before);
    }

    @Test
    void aMonitorTheServerRefusesPutsBackTheModelVersionAndMonitorsBeforeIt() throws Exception {
        assertThat(run(
                                "apply",
                                "-f",
                                spec("refused", "Original", "owner_name", "", MONITORS)
                                        .toString())
                        .code())
                .isZero();
        String before = stored("refused");
        String monitors = MONITORS.replace("threshold: 0.1", "threshold: 0.3")
                + "  - {name: meen, type: metric_change, fields: [amount], metric: meen,"
                + " detection: {method: absolute, max: 1}}\n";

        Result r = run(
                "apply",
                "-f",
                spec("refused", "Renamed", "owner_name", SEGMENTS, monitors).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: nothing was applied: monitor.metric: 'meen' is not a metric");
        assertThat(stored("refused")).isEqualTo(before);
    }

    @Test
    void aDryRunListsTheChangesWithTheirDiffAndStoresNothing() throws Exception {
        Path first = spec("dry", "Dry", "owner_name", SEGMENTS, MONITORS);
        Result created = run("apply", "-f", first.toString(), "--dry-run", "--format", "json");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(rows(created))
                .containsExactly(
                        "model dry created []",
                        "version dry/v1 created []",
                        "dataset dry/v1/serving created []",
                        "dataset dry/v1/training created []",
                        "monitor dry/v1/accuracy-watch created []");
        assertThat(created.err()).contains("dry run: nothing was stored");
        assertThat(modelIds()).doesNotContain("dry");

        assertThat(run("apply", "-f", first.toString()).code()).isZero();
        String before = stored("dry");
        Path changed = spec(
                "dry",
                "Dry run",
                "owner_name",
                "segments: [{name: big, where: amount > 500}]",
                MONITORS.replace("threshold: 0.1", "threshold: 0.15"));
        Result dry = run("apply", "-f", changed.toString(), "--dry-run", "--format", "json");

        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(rows(dry))
                .containsExactly(
                        "model dry updated [name: Dry → Dry run]",
                        "version dry/v1 updated [segments: −owner, segments[big].where: amount > 100 → amount > 500]",
                        "dataset dry/v1/serving unchanged []",
                        "dataset dry/v1/training unchanged []",
                        "monitor dry/v1/accuracy-watch updated [detection.threshold: 0.1 → 0.15]");
        assertThat(stored("dry")).as("a dry run stores nothing").isEqualTo(before);

        Result table = run("apply", "-f", changed.toString(), "--dry-run");
        assertThat(table.out()).startsWith("KIND").contains("DIFF").contains("detection.threshold: 0.1 → 0.15");
        Result applied = run("apply", "-f", changed.toString(), "--format", "json");
        assertThat(rows(applied)).as("the apply does what the dry run said").containsExactlyElementsOf(rows(dry));
    }

    @Test
    void aDryRunChecksTheDatasetsAgainstTheirSources() throws Exception {
        Result r = run(
                "apply", "-f", spec("dry-typo", "x", "owner_nmae", "", MONITORS).toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: serving.features.owner: column 'owner_nmae' is not in the query's");
        assertThat(modelIds()).doesNotContain("dry-typo");
    }

    @Test
    void theSdkAfterTheYamlSaysWhatItReplaced() throws Exception {
        String monitors = MONITORS
                + "  - {name: drift-watch, type: model_activity, detection: {method: absolute, min: 1},"
                + " actions: [{type: webhook, url: \"http://127.0.0.1:9/a\"}, {type: webhook, url:"
                + " \"http://127.0.0.1:9/b\"}, {type: webhook, url: \"http://127.0.0.1:9/c\"}]}\n";
        assertThat(run(
                                "apply",
                                "-f",
                                spec("both", "Both", "owner_name", SEGMENTS, monitors)
                                        .toString())
                        .code())
                .isZero();
        ModelVersion yaml = vigil().getVersion("both", "v1").orElseThrow();

        Vigil.Applied<ModelVersion> sdk = vigil().apply(
                        new ModelVersion("both", "v1", yaml.modelType(), AggregationPeriod.HOURLY, yaml.schema()));
        assertThat(sdk.change()).isEqualTo("updated");
        assertThat(sdk.replaced()).containsExactly("segments: −owner, −big");

        JsonNode monitor = vigil().version("both", "v1")
                .createMonitor("{name: drift-watch, type: model_activity, detection: {method: absolute, min: 1},"
                        + " actions: [{type: webhook, url: \"http://127.0.0.1:9/a\"}]}");
        assertThat(monitor.path("change").asText()).isEqualTo("updated");
        assertThat(monitor.path("replaced")).extracting(JsonNode::asText).containsExactly("actions: 3 → 1");

        vigil().createModelVersion(
                        "both", "v1", yaml.modelType(), AggregationPeriod.HOURLY, yaml.schema(), yaml.segments());
        assertThat(vigil().getVersion("both", "v1").orElseThrow()).isEqualTo(yaml);
    }

    private static List<String> rows(Result r) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode row : SpecCodec.json().readTree(r.out())) {
            List<String> diff = new ArrayList<>();
            row.path("diff").forEach(d -> diff.add(d.asText()));
            out.add(row.path("kind").asText() + " " + row.path("name").asText() + " "
                    + row.path("change").asText() + " " + diff);
        }
        return out;
    }
}
