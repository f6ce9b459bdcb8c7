package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.SampleProfile;
import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.EmbeddingMmd;
import dev.vigil.stats.multivariate.PcaReconstruction;
import dev.vigil.stats.multivariate.SampleTable;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multivariate and embedding drift through the real path (issue 19, item 2; decision 0030, "Serving"): rows in
 * PostgreSQL, sampled by Spark per window, and {@code GET …/drift} serving {@code pca_reconstruction_error}, {@code
 * domain_classifier_auc} on field {@code *} and {@code mmd}, {@code mmd_pvalue} on the embedding.
 *
 * <p>Training and the first two serving hours draw x1, x2 with correlation +0.9; the third hour flips it to −0.9,
 * keeping every marginal (standard normal) and so every per-field drift metric. The embedding's centroid moves by 0.5
 * in each of its 8 dimensions in the third hour only.
 */
class MultivariateDriftIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(3));
    private static final Instant SHIFTED = START.plus(Duration.ofHours(2));
    private static final String NORMAL = "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())";

    private final MutableClock clock = new MutableClock(END.plus(Duration.ofMinutes(10)));
    private TestDatabase.Credentials reader;

    @Override
    protected Clock clock() {
        return clock;
    }

    @Override
    protected void createSource(TestDatabase db) {
        String columns = "id bigint, ts timestamptz, x1 double precision, x2 double precision, x3 double precision,"
                + " c1 text, emb double precision[], pred double precision";
        StringBuilder emb = new StringBuilder("ARRAY[");
        for (int i = 0; i < 8; i++) {
            emb.append(i == 0 ? "" : ", ").append(NORMAL).append(" + shift");
        }
        emb.append("]::float8[]");
        // rows of hour h of n rows, ids from first: x2 = rho·x1 + sqrt(1 − rho²)·e
        String select = "SELECT g, ts, x1, rho * x1 + sqrt(1 - rho * rho) * e, x3, c1, " + emb + ", x1 + x3 FROM"
                + " (SELECT g, ts, rho, shift, " + NORMAL + " AS x1, " + NORMAL + " AS e, " + NORMAL + " AS x3,"
                + " 'k' || (floor(random() * 4))::int AS c1 FROM (SELECT g, %s AS ts, %s AS rho, %s AS shift FROM"
                + " generate_series(%d, %d) g) s) t";
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.serving (" + columns + ")",
                "CREATE TABLE ml.training (" + columns + ")",
                "SELECT setseed(0.19)",
                "INSERT INTO ml.training "
                        + String.format(
                                select,
                                "timestamptz '" + START.minus(Duration.ofDays(7)) + "' + g * interval '1 second'",
                                "0.9",
                                "0",
                                0,
                                1999),
                "INSERT INTO ml.serving "
                        + String.format(
                                select,
                                "timestamptz '" + START
                                        + "' + (g / 800) * interval '1 hour' + (g % 800) * interval '1 second'",
                                "CASE WHEN g >= 1600 THEN -0.9 ELSE 0.9 END",
                                "CASE WHEN g >= 1600 THEN 0.5 ELSE 0 END",
                                0,
                                2399));
        reader = db.createReadOnlyUser("ml", List.of("serving", "training"));
    }

    @BeforeAll
    void declareAndRun() throws Exception {
        vigil().createModel("joint", "Joint");
        vigil().apply(new ModelVersion(
                "joint",
                "v1",
                ModelType.REGRESSION,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("x1", FieldType.numeric())
                        .feature("x2", FieldType.numeric())
                        .feature("x3", FieldType.numeric())
                        .feature("c1", FieldType.categorical())
                        .feature("emb", FieldType.embedding(8))
                        .prediction("pred", FieldType.numeric())
                        .build(),
                List.of()));
        vigil().version("joint", "v1")
                .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.serving"), "id", "ts");
        vigil().version("joint", "v1")
                .connectTraining(ItSupport.source(db(), reader, "SELECT * FROM ml.training"), "id", "ts");
        runTrainingAndServing("joint", "v1", START, END);
    }

    private JsonNode drift(String field) {
        return vigil().drift(
                        "joint",
                        "v1",
                        Map.of("field", field, "from", START.toString(), "to", END.toString(), "granularity", "hour"));
    }

    /** The served values by metric and window start. */
    private static Map<String, Map<Instant, JsonNode>> byMetric(JsonNode rows) {
        Map<String, Map<Instant, JsonNode>> out = new HashMap<>();
        for (JsonNode row : rows) {
            out.computeIfAbsent(row.path("metric").asText(), k -> new HashMap<>())
                    .put(Instant.parse(row.path("window_start").asText()), row);
        }
        return out;
    }

    @Test
    void aFlippedCorrelationRaisesTheReconstructionErrorAndTheClassifierAucInTheShiftedHourOnly() {
        Map<String, Map<Instant, JsonNode>> rows = byMetric(drift("*"));
        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        "pca_reconstruction_error",
                        "pca_reconstruction_error_lower",
                        "pca_reconstruction_error_upper",
                        "domain_classifier_auc");
        for (int h = 0; h < 3; h++) {
            Instant w = START.plus(Duration.ofHours(h));
            double error =
                    rows.get("pca_reconstruction_error").get(w).path("value").asDouble();
            double upper = rows.get("pca_reconstruction_error_upper")
                    .get(w)
                    .path("value")
                    .asDouble();
            double auc = rows.get("domain_classifier_auc").get(w).path("value").asDouble();
            if (w.equals(SHIFTED)) {
                assertThat(error).as("hour %d", h).isGreaterThan(upper);
                assertThat(auc).as("hour %d", h).isGreaterThan(0.75);
            } else {
                assertThat(error).as("hour %d", h).isLessThanOrEqualTo(upper);
                assertThat(auc).as("hour %d", h).isLessThan(0.6);
            }
        }
        // per field, nothing moved much: the change is in the joint distribution only
        for (JsonNode row : vigil().drift(
                        "joint",
                        "v1",
                        Map.of("metric", "js_distance", "from", SHIFTED.toString(), "to", END.toString()))) {
            assertThat(row.path("value").asDouble())
                    .as(row.path("field").asText())
                    .isLessThan(0.1);
        }
    }

    @Test
    void anEmbeddingCentroidShiftGivesASmallMmdPValueInTheShiftedHourOnly() {
        Map<String, Map<Instant, JsonNode>> rows = byMetric(drift("emb"));
        for (int h = 0; h < 3; h++) {
            Instant w = START.plus(Duration.ofHours(h));
            double p = rows.get("mmd_pvalue").get(w).path("value").asDouble();
            if (w.equals(SHIFTED)) {
                assertThat(p).as("hour %d", h).isLessThan(0.01);
            } else {
                assertThat(p).as("hour %d", h).isGreaterThan(0.05);
            }
        }
        assertThat(rows.get("mmd").get(SHIFTED).path("value").asDouble())
                .isGreaterThan(rows.get("mmd").get(START).path("value").asDouble());
    }

    @Test
    void theServedValuesAreTheAlgorithmsAppliedToTheStoredSamples() {
        ProfileQueries queries = new ProfileQueries(server().metastore());
        ModelVersion v = server().metastore().versions().find("joint", "v1").orElseThrow();
        SampleProfile reference =
                queries.baselineSample(v, DatasetKind.TRAINING).orElseThrow();
        List<String> numbers = List.of("x1", "x2", "x3");
        List<String> categories = List.of("c1");
        SampleTable ref = new SampleTable(
                reference.numericMatrix(numbers), reference.categoryMatrix(categories), reference.weights());
        PcaReconstruction pca = PcaReconstruction.fit(ref).orElseThrow();
        Map<String, Map<Instant, JsonNode>> rows = byMetric(drift("*"));
        Map<String, Map<Instant, JsonNode>> emb = byMetric(drift("emb"));
        for (int h = 0; h < 3; h++) {
            Instant w = START.plus(Duration.ofHours(h));
            SampleProfile sample = queries.sample(v, DatasetKind.SERVING, w, w.plus(Duration.ofHours(1)))
                    .orElseThrow();
            SampleTable win =
                    new SampleTable(sample.numericMatrix(numbers), sample.categoryMatrix(categories), sample.weights());
            assertThat(rows.get("pca_reconstruction_error").get(w).path("value").asDouble())
                    .isEqualTo(pca.error(win), within(1e-12));
            assertThat(rows.get("pca_reconstruction_error_upper")
                            .get(w)
                            .path("value")
                            .asDouble())
                    .isEqualTo(pca.thresholds(win.rows()).upper(), within(1e-12));
            assertThat(rows.get("domain_classifier_auc").get(w).path("value").asDouble())
                    .isEqualTo(DomainClassifier.auc(ref, win), within(1e-12));
            EmbeddingMmd.Result mmd = EmbeddingMmd.compare(reference.vectors("emb"), sample.vectors("emb"));
            assertThat(emb.get("mmd").get(w).path("value").asDouble()).isEqualTo(mmd.mmd2(), within(1e-12));
            assertThat(emb.get("mmd_pvalue").get(w).path("value").asDouble()).isEqualTo(mmd.pValue());
        }
    }

    @Test
    void monitorsOfTheReconstructionErrorTheAucAndTheMmdPValueFireOnTheShiftedHourOnly() throws Exception {
        ModelVersion v = server().metastore().versions().find("joint", "v1").orElseThrow();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> specs = List.of(
                "{name: joint-pca, type: multivariate_drift, detection: {method: training}}",
                "{name: joint-auc, type: multivariate_drift, metric: domain_classifier_auc,"
                        + " detection: {method: absolute, max: 0.65}}",
                "{name: joint-mmd, type: multivariate_drift, metric: mmd_pvalue, detection: {method: absolute,"
                        + " min: 0.01}}");
        for (String spec : specs) {
            Monitor m = MonitorCodec.read(yaml.readTree(spec), "monitor", v);
            assertThat(MonitorCodec.read(MonitorCodec.write(m), "monitor", v)).isEqualTo(m);
            vigil().putMonitor("joint", "v1", m);
        }
        Monitor misspelt = MonitorCodec.read(
                yaml.readTree("{name: joint-typo, type: multivariate_drift, metric: pca_reconstruction_eror,"
                        + " detection: {method: absolute, max: 1}}"),
                "monitor",
                v);
        assertThatThrownBy(() -> vigil().putMonitor("joint", "v1", misspelt))
                .hasMessageContaining("did you mean 'pca_reconstruction_error'");
        Monitor onAField = MonitorCodec.read(
                yaml.readTree(
                        "{name: joint-x1, type: multivariate_drift, fields: [x1], detection: {method: training}}"),
                "monitor",
                v);
        assertThatThrownBy(() -> vigil().putMonitor("joint", "v1", onAField))
                .hasMessageContaining("pca_reconstruction_error is computed for the whole row, field *, not for 'x1'");
        assertThat(vigil().monitors("joint", "v1").toString()).doesNotContain("joint-typo", "joint-x1");

        vigil().evaluateMonitors("joint", "v1", START, END);
        Map<String, List<String>> fired = new HashMap<>();
        for (JsonNode a : vigil().alerts(Map.of("model", "joint"))) {
            fired.computeIfAbsent(a.path("monitor").asText(), k -> new java.util.ArrayList<>())
                    .add(a.path("field").asText() + "@" + a.path("window_start").asText());
        }
        assertThat(fired)
                .containsOnly(
                        Map.entry("joint-pca", List.of("*@" + SHIFTED)),
                        Map.entry("joint-auc", List.of("*@" + SHIFTED)),
                        Map.entry("joint-mmd", List.of("emb@" + SHIFTED)));
    }
}
