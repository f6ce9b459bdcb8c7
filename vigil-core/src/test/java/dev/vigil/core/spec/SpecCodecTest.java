package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Field;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PerformanceSettings;
import dev.vigil.core.model.SampleSettings;
import dev.vigil.core.model.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecCodecTest {
    private static final SecretResolver SECRETS =
            SecretResolver.fromEnvironment(Map.of("VIGIL_PG_PASSWORD", "s3cret")::get);

    static String resource(String name) throws IOException {
        try (InputStream in = SpecCodecTest.class.getResourceAsStream("/specs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String example() throws IOException {
        return resource("insurance.yaml");
    }

    private static VigilArgumentException rejected(String yaml) {
        try {
            SpecCodec.readSpec(yaml, "spec.yaml", SECRETS);
        } catch (VigilArgumentException e) {
            return e;
        }
        throw new AssertionError("expected the spec to be rejected:\n" + yaml);
    }

    @Test
    void readsTheDesignExample() throws IOException {
        ModelSpec spec = SpecCodec.readSpec(example(), "spec.yaml", SECRETS);

        assertThat(spec.model().id()).isEqualTo("insurance");
        assertThat(spec.model().name()).isEqualTo("Insurance upsell");
        ModelVersion v = spec.version();
        assertThat(v.modelType()).isEqualTo(ModelType.BINARY);
        assertThat(v.aggregationPeriod()).isEqualTo(AggregationPeriod.HOURLY);
        assertThat(v.schema().fields())
                .containsExactly(
                        new Field("raw_text", FieldGroup.RAW_INPUTS, FieldType.text()),
                        new Field("amount", FieldGroup.FEATURES, FieldType.numeric()),
                        new Field("owner", FieldGroup.FEATURES, FieldType.string()),
                        new Field("is_new", FieldGroup.FEATURES, FieldType.bool()),
                        new Field("embeddings", FieldGroup.FEATURES, FieldType.tensor(768)),
                        new Field("will_buy_insurance", FieldGroup.PREDICTIONS, FieldType.bool()),
                        new Field("proba", FieldGroup.PREDICTIONS, FieldType.numeric()));

        DatasetConnection serving = spec.datasets().get(DatasetKind.SERVING);
        assertThat(serving.source().query()).isEqualTo("SELECT * FROM ml.model_predictions");
        assertThat(serving.source().password()).isEqualTo("s3cret");
        assertThat(serving.source().selectExpr()).containsExactly("*", "amount / 100 AS amount_usd");
        assertThat(serving.source().readOptions())
                .containsEntry("fetchsize", "10000")
                .containsEntry("spark.sql.shuffle.partitions", "4");
        assertThat(serving.columnFor(
                        v.schema().field(FieldGroup.FEATURES, "owner").orElseThrow()))
                .isEqualTo("owner_name");
        assertThat(serving.columnFor(
                        v.schema().field(FieldGroup.FEATURES, "amount").orElseThrow()))
                .isEqualTo("amount");
        assertThat(serving.labels()).containsEntry("will_buy_insurance", "bought");
        assertThat(spec.datasets()).containsKeys(DatasetKind.SERVING, DatasetKind.TRAINING);
        assertThat(serving.source().toString()).doesNotContain("s3cret");
    }

    @Test
    void writtenVersionsAndDatasetsReadBackEqual() throws IOException {
        ModelSpec spec = SpecCodec.readSpec(example(), "spec.yaml", SECRETS);
        assertThat(SpecCodec.readVersion("insurance", SpecCodec.write(spec.version()), ""))
                .isEqualTo(spec.version());
        DatasetConnection serving = spec.datasets().get(DatasetKind.SERVING);
        assertThat(SpecCodec.readDataset(
                        DatasetKind.SERVING, SpecCodec.write(serving, true), "", SecretResolver.LITERAL))
                .isEqualTo(serving);
        assertThat(SpecCodec.write(serving, false).toString())
                .doesNotContain("s3cret")
                .contains("\"password_set\":true");
        assertThat(SpecCodec.readDataset(
                        DatasetKind.SERVING, SpecCodec.write(serving, false), "", SecretResolver.LITERAL))
                .as("what a GET returns can be PUT back, without its password")
                .isEqualTo(serving.withPassword(null));
    }

    @Test
    void theWritableRoleOptInIsReadWrittenBackAndChecked() throws IOException {
        ModelSpec spec = SpecCodec.readSpec(
                example().replaceFirst("    user: vigil\n", "    user: vigil\n    allow_writable_role: vigil\n"),
                "spec.yaml",
                SECRETS);
        DatasetConnection serving = spec.datasets().get(DatasetKind.SERVING);
        assertThat(serving.source().allowWritableRole()).isEqualTo("vigil");
        assertThat(spec.datasets().get(DatasetKind.TRAINING).source().allowWritableRole())
                .as("the opt-in is per data source")
                .isNull();
        assertThat(SpecCodec.write(serving, false)
                        .path("data_source")
                        .path("allow_writable_role")
                        .asText())
                .isEqualTo("vigil");
        assertThat(SpecCodec.readDataset(
                        DatasetKind.SERVING, SpecCodec.write(serving, true), "", SecretResolver.LITERAL))
                .isEqualTo(serving);
        assertThat(SpecCodec.write(serving.withPassword("x"), true)
                        .path("data_source")
                        .has("allow_writable_role"))
                .as("withPassword keeps the opt-in")
                .isTrue();
        assertThat(rejected(example()
                                .replaceFirst("    user: vigil\n", "    user: vigil\n    allow_writable_role: ''\n"))
                        .getMessage())
                .isEqualTo("serving.data_source.allow_writable_role: is blank (expected the name of the role the"
                        + " source logs in as, or no key for read-only roles only)");
    }

    @Test
    void segmentsOfEachShapeAreReadAndWrittenBack() throws IOException {
        String yaml = example()
                + "segments: [{field: owner}, {field: amount, buckets: [100, 500]}, {name: big, where: \"amount > 500\"}]\n";
        ModelVersion v = SpecCodec.readSpec(yaml, "spec.yaml", SECRETS).version();
        assertThat(v.segments())
                .containsExactly(
                        Segment.byValue("owner"),
                        Segment.byBuckets("amount", List.of(100.0, 500.0)),
                        Segment.where("big", "amount > 500"));
        assertThat(SpecCodec.readVersion("insurance", SpecCodec.write(v), "")).isEqualTo(v);
        assertThat(v.segments().get(1).bucketOf(99.5)).isEqualTo("(-inf,100)");
        assertThat(v.segments().get(1).bucketOf(100)).isEqualTo("[100,500)");
        assertThat(v.segments().get(1).bucketOf(500)).isEqualTo("[500,+inf)");
    }

    @Test
    void badSegmentsAreNamedByTheirPosition() throws IOException {
        VigilArgumentException e = rejected(example()
                + "segments: [{field: nope}, {field: owner, buckets: [1]}, {where: \"x > 1\"}, {field: amount, "
                + "buckets: [5, 2]}, {field: owner}, {field: owner}]\n");
        assertThat(e.problems())
                .containsExactly(
                        "segments[0].field: 'nope' is not a field of the version",
                        "segments[1].buckets: only a numeric field has buckets; 'owner' is string",
                        "segments[2].name: is required for a where segment",
                        "segments[3].buckets: expected ascending numbers, got [5,2]",
                        "segments[5].name: segment 'owner' is declared twice");
    }

    @Test
    void unknownFieldTypeNamesTheFieldAndTheTypes() throws IOException {
        VigilArgumentException e = rejected(example().replace("amount: numeric", "amount: decimal"));
        assertThat(e.getMessage())
                .isEqualTo("version.features.amount: unknown field type 'decimal' (expected one of "
                        + "numeric, categorical, string, boolean, datetime, text, tensor, embedding, array, dict)");
    }

    @Test
    void tensorWithoutPositiveDimensionsIsRejected() throws IOException {
        assertThat(rejected(example().replace("dimensions: [768]", "dimensions: [0]"))
                        .getMessage())
                .isEqualTo("version.features.embeddings.dimensions: '0' is not a positive integer");
        assertThat(rejected(example().replace("{type: tensor, dimensions: [768]}", "tensor"))
                        .getMessage())
                .startsWith("version.features.embeddings: a tensor needs dimensions");
        assertThat(rejected(example().replace("{type: tensor, dimensions: [768]}", "{type: tensor}"))
                        .getMessage())
                .isEqualTo(
                        "version.features.embeddings.dimensions: a tensor needs at least one positive dimension, e.g. [768]");
    }

    @Test
    void aTensorOfMoreThan262144ValuesPerRowIsRejectedNamingTheField() throws IOException {
        assertThat(rejected(example().replace("dimensions: [768]", "dimensions: [2147483647, 2]"))
                        .getMessage())
                .isEqualTo("version.features.embeddings.dimensions: [2147483647, 2] makes 4294967294 values per row,"
                        + " more than the 262144 a tensor or embedding may have");
    }

    @Test
    void theSameFieldNameTwiceIsRejected() throws IOException {
        VigilArgumentException inOneGroup =
                rejected(example().replace("is_new: boolean", "is_new: boolean, amount: string"));
        assertThat(inOneGroup.getMessage())
                .startsWith("spec.yaml line 8, column")
                .contains("duplicate key 'amount'");

        VigilArgumentException acrossGroups =
                rejected(example().replace("proba: numeric", "proba: numeric, amount: numeric"));
        assertThat(acrossGroups.getMessage())
                .isEqualTo("version.predictions.amount: the name 'amount' is declared twice "
                        + "(also in features); field names must be unique");
    }

    @Test
    void aFieldNameStartingWithHashIsRejected() throws IOException {
        VigilArgumentException e = rejected(example().replace("proba: numeric", "'#proba': numeric"));
        assertThat(e.getMessage())
                .isEqualTo("version.predictions.#proba: a field name cannot start with '#'"
                        + " (Vigil keeps such names for itself)");
    }

    @Test
    void predictionsThatDoNotFitTheModelTypeAreRejected() throws IOException {
        VigilArgumentException e = rejected(example().replace("model_type: binary", "model_type: regression"));
        assertThat(e.problems())
                .containsExactly(
                        "version.predictions.will_buy_insurance: type 'boolean' does not fit model_type 'regression' (expected numeric)");
        assertThat(rejected(example().replace("model_type: binary", "model_type: classifier"))
                        .getMessage())
                .isEqualTo("version.model_type: unknown model type 'classifier' (expected one of binary, multiclass, "
                        + "multi-label, regression, ranking)");
    }

    @Test
    void aMappingToAFieldTheSchemaLacksIsRejected() throws IOException {
        VigilArgumentException e =
                rejected(example().replace("features: {owner: owner_name}", "features: {ownr: owner_name}"));
        assertThat(e.getMessage())
                .isEqualTo("serving.features.ownr: version v1 has no feature named 'ownr' "
                        + "(features: amount, owner, is_new, embeddings)");
        VigilArgumentException label =
                rejected(example().replace("labels: {will_buy_insurance: bought}", "labels: {bought: bought}"));
        assertThat(label.getMessage())
                .startsWith("serving.labels.bought: version v1 has no prediction or actual named 'bought'");
    }

    @Test
    void missingIdAndTimestampColumnsAreBothReported() throws IOException {
        VigilArgumentException e = rejected(example()
                .replace("  id_column: prediction_id\n", "")
                .replace("  timestamp_column: prediction_timestamp\n", ""));
        assertThat(e.problems())
                .containsExactly(
                        "serving.id_column: is required (the column that identifies each row)",
                        "serving.timestamp_column: is required (the column holding when each row was predicted)");
    }

    @Test
    void aQueryThatIsNotOneSelectIsRejected() throws IOException {
        assertThat(rejected(example()
                                .replace("SELECT * FROM ml.model_predictions;", "DELETE FROM ml.model_predictions"))
                        .getMessage())
                .isEqualTo("serving.data_source.query: starts with DELETE (expected one SELECT or WITH statement)");
        assertThat(rejected(example().replace("SELECT * FROM ml.model_predictions;", "SELECT 1; DROP TABLE x"))
                        .getMessage())
                .startsWith("serving.data_source.query: holds more than one statement");
    }

    @Test
    void anIndentationMistakeSaysWhatYamlExpectedWhereItFoundIt() {
        // "features" one space left of its siblings: SnakeYAML's problem, not its context ("while parsing …")
        VigilArgumentException e = rejected(
                "model: {id: insurance, name: Insurance}\nversion:\n  model_version: v1\n  model_type: binary\n"
                        + " features: {amount: numeric}\n");
        assertThat(e.getMessage())
                .isEqualTo("spec.yaml line 5, column 2: expected <block end>, but found '<block mapping start>'"
                        + " (check the indentation)");
        VigilArgumentException deeper = rejected(
                "model: {id: insurance, name: Insurance}\nversion:\n  model_version: v1\n    model_type: binary\n");
        assertThat(deeper.getMessage())
                .isEqualTo("spec.yaml line 4, column 15: mapping values are not allowed here (check the indentation)");
        VigilArgumentException unclosed = rejected("model: [1, 2\nversion: 3\n");
        assertThat(unclosed.getMessage()).isEqualTo("spec.yaml line 2, column 8: expected ',' or ']', but got :");
    }

    @Test
    void malformedYamlIsReportedWithLineAndColumn() {
        VigilArgumentException e = rejected("model: {id: insurance\nversion: [\n");
        assertThat(e.getMessage()).matches("spec\\.yaml line \\d+, column \\d+: .+");
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void allProblemsAreReportedTogether() throws IOException {
        VigilArgumentException e = rejected(example()
                .replace("amount: numeric", "amount: decimal")
                .replace("    user: vigil\n", "")
                .replace("fetchsize: \"10000\"", "fetch_size: \"10000\""));
        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "version.features.amount: unknown field type 'decimal' (expected one of numeric, categorical, string, "
                                + "boolean, datetime, text, tensor, embedding, array, dict)",
                        "serving.data_source.user: is required",
                        "serving.data_source.read_options.fetch_size: unknown read option (expected an allowed spark.* setting or one of "
                                + "customSchema, fetchsize, numPartitions, preferTimestampNTZ, pushDownAggregate, pushDownLimit, "
                                + "pushDownOffset, pushDownPredicate, pushDownTableSample, queryTimeout)");
        assertThat(e.getMessage()).startsWith("3 problems: ");
    }

    @Test
    void unknownKeysAreNamedWithWhatIsAllowed() throws IOException {
        assertThat(rejected(example().replace("model_type: binary", "model_type: binary\n  modeltype: binary"))
                        .getMessage())
                .isEqualTo("version.modeltype: unknown key (expected one of actuals, aggregation_period, features, "
                        + "model_type, model_version, performance, predictions, raw_inputs, sample, segments)");
        assertThat(rejected(example()
                                .replace(
                                        "read_options: {fetchsize: \"10000\", spark.sql.shuffle.partitions: 4}",
                                        "read_options: {dbtable: x}"))
                        .getMessage())
                .isEqualTo("serving.data_source.read_options.dbtable: is set by Vigil and cannot be overridden");
    }

    @Test
    void secretReferencesAreResolvedOrNamed() throws IOException {
        SecretResolver empty = SecretResolver.fromEnvironment(Map.<String, String>of()::get);
        assertThatThrownBy(() -> SpecCodec.readSpec(example(), "spec.yaml", empty))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining(
                        "serving.data_source.password: environment variable VIGIL_PG_PASSWORD is not set");
    }

    @Test
    void actionUrlsMayReferToSecrets() throws IOException {
        String yaml = example()
                + "monitors:\n  - name: drift\n    type: model_activity\n    detection: {method: absolute, min: 1}\n"
                + "    actions: [{type: slack, url: '${env:VIGIL_SLACK_URL}'}, {type: webhook, url: 'https://x.test/h'}]\n";
        SecretResolver env = SecretResolver.fromEnvironment(
                Map.of("VIGIL_PG_PASSWORD", "s3cret", "VIGIL_SLACK_URL", "https://hooks.slack.test/T/B/k")::get);
        ModelSpec spec = SpecCodec.readSpec(yaml, "spec.yaml", env);
        assertThat(spec.monitors().get(0).actions().get(0).url()).isEqualTo("https://hooks.slack.test/T/B/k");
        assertThat(spec.monitors().get(0).actions().get(1).url()).isEqualTo("https://x.test/h");
        SecretResolver noSlack = SecretResolver.fromEnvironment(Map.of("VIGIL_PG_PASSWORD", "s3cret")::get);
        assertThatThrownBy(() -> SpecCodec.readSpec(yaml, "spec.yaml", noSlack))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("monitors[0].actions[0].url: environment variable VIGIL_SLACK_URL is not set");
    }

    @Test
    void actionKeysMayReferToSecrets() throws IOException {
        String yaml = example()
                + "monitors:\n  - name: page\n    type: model_activity\n    detection: {method: absolute, min: 1}\n"
                + "    actions: [{type: pagerduty, key: '${env:VIGIL_PAGERDUTY_KEY}'}]\n";
        SecretResolver env = SecretResolver.fromEnvironment(
                Map.of("VIGIL_PG_PASSWORD", "s3cret", "VIGIL_PAGERDUTY_KEY", "0123456789abcdef0123456789abcdef")::get);
        assertThat(SpecCodec.readSpec(yaml, "spec.yaml", env)
                        .monitors()
                        .get(0)
                        .actions()
                        .get(0)
                        .key())
                .isEqualTo("0123456789abcdef0123456789abcdef");
        SecretResolver none = SecretResolver.fromEnvironment(Map.of("VIGIL_PG_PASSWORD", "s3cret")::get);
        assertThatThrownBy(() -> SpecCodec.readSpec(yaml, "spec.yaml", none))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining(
                        "monitors[0].actions[0].key: environment variable VIGIL_PAGERDUTY_KEY is not set");
    }

    @Test
    void actualsDatasetNeedsLabels() throws IOException {
        String yaml =
                example() + "actuals:\n  data_source: {url: 'jdbc:postgresql://h/db', query: 'SELECT 1', user: u}\n"
                        + "  id_column: prediction_id\n  timestamp_column: labeled_at\n";
        assertThat(rejected(yaml).getMessage())
                .isEqualTo("actuals.labels: an actuals dataset needs at least one label (prediction field: column)");
    }

    @Test
    void performanceSettingsAreReadWrittenAndChecked() throws IOException {
        ModelSpec defaults = SpecCodec.readSpec(example(), "spec.yaml", SECRETS);
        assertThat(defaults.version().performance()).isEqualTo(PerformanceSettings.DEFAULTS);
        assertThat(SpecCodec.write(defaults.version()).has("performance"))
                .as("defaults are not written")
                .isFalse();
        String set = example().replace("version:\n", "version:\n  performance: {threshold: 0.7, k: 5}\n");
        assertThat(set).isNotEqualTo(example());
        ModelSpec spec = SpecCodec.readSpec(set, "spec.yaml", SECRETS);
        assertThat(spec.version().performance()).isEqualTo(new PerformanceSettings(0.7, 5));
        assertThat(SpecCodec.readVersion("insurance", SpecCodec.write(spec.version()), "version.")
                        .performance())
                .isEqualTo(new PerformanceSettings(0.7, 5));
        assertThat(rejected(example().replace("version:\n", "version:\n  performance: {threshold: high, k: 0}\n"))
                        .getMessage())
                .contains("version.performance.threshold: expected a number (the score at or above which a"
                        + " prediction is positive), got \"high\"")
                .contains("version.performance.k: expected a whole number from 1 to 1000 (the cut-off of ranking"
                        + " metrics), got 0");
        assertThat(rejected(example().replace("version:\n", "version:\n  performance: {cutoff: 3}\n"))
                        .getMessage())
                .contains("version.performance.cutoff");
    }

    @Test
    void sampleSettingsAreReadWrittenAndChecked() throws IOException {
        ModelSpec defaults = SpecCodec.readSpec(example(), "spec.yaml", SECRETS);
        assertThat(defaults.version().sample()).isEqualTo(SampleSettings.DEFAULTS);
        assertThat(SpecCodec.write(defaults.version()).has("sample"))
                .as("defaults are not written")
                .isFalse();
        ModelSpec set = SpecCodec.readSpec(
                example().replace("version:\n", "version:\n  sample: {rows: 500, vector_rows: 50}\n"),
                "spec.yaml",
                SECRETS);
        assertThat(set.version().sample()).isEqualTo(new SampleSettings(500, 50));
        assertThat(SpecCodec.readVersion("insurance", SpecCodec.write(set.version()), "version.")
                        .sample())
                .isEqualTo(new SampleSettings(500, 50));
        ModelSpec off = SpecCodec.readSpec(
                example().replace("version:\n", "version:\n  sample: {rows: 0}\n"), "spec.yaml", SECRETS);
        assertThat(off.version().sample()).isEqualTo(new SampleSettings(0, 0));
        assertThat(off.version().sample().enabled()).isFalse();
        assertThat(SpecCodec.readVersion("insurance", SpecCodec.write(off.version()), "version.")
                        .sample())
                .isEqualTo(new SampleSettings(0, 0));
        assertThat(rejected(example().replace("version:\n", "version:\n  sample: {rows: -1}\n"))
                        .getMessage())
                .contains("version.sample.rows: expected a whole number from 0 (no sample) to 10000 (the rows"
                        + " sampled per window), got -1");
        assertThat(rejected(example().replace("version:\n", "version:\n  sample: {rows: 100, vector_rows: 101}\n"))
                        .getMessage())
                .contains("version.sample.vector_rows: expected a whole number from 0 to 100 (the sampled rows whose"
                        + " tensors and embeddings are kept: at most rows, and at most 1000), got 101");
        assertThat(rejected(example().replace("version:\n", "version:\n  sample: {rows: 5000, vector_rows: 1001}\n"))
                        .getMessage())
                .contains("version.sample.vector_rows: expected a whole number from 0 to 1000 (the sampled rows"
                        + " whose tensors and embeddings are kept: at most rows, and at most 1000), got 1001");
        assertThat(rejected(example().replace("version:\n", "version:\n  sample: {size: 3}\n"))
                        .getMessage())
                .contains("version.sample.size");
    }

    @Test
    void aPredictionIsLabeledInOneDatasetOnly() throws IOException {
        String actuals = "actuals:\n  data_source: {url: 'jdbc:postgresql://h/db', query: 'SELECT 1', user: u}\n"
                + "  id_column: prediction_id\n  timestamp_column: labeled_at\n";
        assertThat(rejected(example() + actuals + "  labels: {will_buy_insurance: bought_late}\n")
                        .getMessage())
                .isEqualTo("actuals.labels.will_buy_insurance: prediction 'will_buy_insurance' is already labeled by"
                        + " the serving dataset (serving.labels.will_buy_insurance: bought); label each prediction"
                        + " in one dataset");
        String unlabeledServing = example().replace("  labels: {will_buy_insurance: bought}\n", "");
        assertThat(unlabeledServing).isNotEqualTo(example());
        ModelSpec spec = SpecCodec.readSpec(
                unlabeledServing + actuals + "  labels: {will_buy_insurance: bought_late}\n", "spec.yaml", SECRETS);
        assertThat(spec.datasets().get(DatasetKind.ACTUALS).labels())
                .containsEntry("will_buy_insurance", "bought_late");
    }

    @Test
    void everyModelTypeAcceptsItsPredictionKinds() {
        record Case(ModelType type, FieldType ok) {}
        for (Case c : List.of(
                new Case(ModelType.BINARY, FieldType.numeric()),
                new Case(ModelType.MULTICLASS, FieldType.string()),
                new Case(ModelType.MULTICLASS, FieldType.dict()),
                new Case(ModelType.MULTI_LABEL, FieldType.dict()),
                new Case(ModelType.REGRESSION, FieldType.numeric()),
                new Case(ModelType.RANKING, FieldType.array()))) {
            ModelVersion v = new ModelVersion(
                    "m",
                    "v1",
                    c.type(),
                    AggregationPeriod.DAILY,
                    dev.vigil.core.model.Schema.builder()
                            .feature("x", FieldType.numeric())
                            .prediction("p", c.ok())
                            .build());
            assertThat(SpecValidator.versionProblems(v, "")).as(c.toString()).isEmpty();
        }
    }
}
