package dev.vigil.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.stats.SampleProfile;
import dev.vigil.stats.multivariate.DomainClassifier;
import dev.vigil.stats.multivariate.SampleTable;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multivariate rows of the drift query (decision 0030, "Serving") on samples written straight into a metastore:
 * which windows get the classifier and MMD, what a small or missing sample gives, and that a named metric gets every
 * window, each value the method applied to the stored samples.
 */
class MultivariateQueryTest {
    private static final Instant START = Instant.parse("2026-04-01T00:00:00Z");
    /** One window more than the classifier and MMD are computed for unasked; window 3 holds 5 rows. */
    private static final int WINDOWS = MultivariateQuery.MAX_COSTLY_WINDOWS + 1;

    @TempDir
    Path dir;

    private Metastore store;
    private final ModelVersion version = new ModelVersion(
            "mv",
            "v1",
            ModelType.REGRESSION,
            AggregationPeriod.HOURLY,
            Schema.builder()
                    .feature("a", FieldType.numeric())
                    .feature("b", FieldType.numeric())
                    .feature("c", FieldType.categorical())
                    .feature("emb", FieldType.embedding(4))
                    .prediction("p", FieldType.numeric())
                    .build());
    private final List<SampleProfile.Column> columns = List.of(
            SampleProfile.Column.number("a"),
            SampleProfile.Column.number("b"),
            SampleProfile.Column.category("c"),
            SampleProfile.Column.vector("emb", 4));

    @BeforeEach
    void store() {
        store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC());
        store.models().upsert(new Model("mv", "MV"));
        store.versions().upsert(version);
        for (DatasetKind kind : List.of(DatasetKind.SERVING, DatasetKind.TRAINING)) {
            store.datasets()
                    .upsert(
                            "mv",
                            "v1",
                            DatasetConnection.of(
                                    kind,
                                    PostgresJdbcDataSource.builder()
                                            .url("jdbc:postgresql://localhost:5432/none")
                                            .query("SELECT 1")
                                            .user("none")
                                            .build(),
                                    "id",
                                    "ts"));
        }
        MultivariateQuery.clearCache();
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private void write(String dataset, Instant start, int windows, Random random) {
        List<StoredProfile> profiles = new ArrayList<>();
        List<Instant> starts = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            Instant ws = start.plus(Duration.ofHours(w));
            SampleProfile s = SampleProfile.create(columns, 60, 30);
            int rows = dataset.equals("serving") && w == 3 ? 5 : 60;
            for (int i = 0; i < rows; i++) {
                double x = random.nextGaussian();
                Object[] values = {
                    x,
                    0.8 * x + 0.6 * random.nextGaussian(),
                    "k" + random.nextInt(3),
                    new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(), 0f, 1f}
                };
                s.add(dataset + w + ":" + i, () -> values);
            }
            starts.add(ws);
            profiles.add(new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", SampleProfile.FIELD, s.toBytes()));
        }
        store.profiles().replaceWindows("mv", "v1", dataset, starts, profiles, Optional.empty());
        Rollups.refresh(store, version, dataset, starts); // as a run does
    }

    private List<DriftRow> drift(String field, String metric) {
        ProfileRequest request = ProfileRequest.of(DatasetKind.SERVING)
                .withRange(Optional.of(START), Optional.of(START.plus(Duration.ofHours(WINDOWS))))
                .withGranularity(Granularity.HOUR)
                .withField(field);
        return new ProfileQueries(store).drift(version, metric == null ? request : request.withMetric(metric));
    }

    @Test
    void pastTheWindowLimitOnlyThePcaIsComputedUnlessTheMetricIsNamed() {
        Random random = new Random(7);
        write("training", START.minus(Duration.ofDays(1)), 1, random);
        write("serving", START, WINDOWS, random);
        List<DriftRow> all = drift("*", null);
        assertThat(all).hasSize(4 * WINDOWS).allMatch(r -> r.field().equals("*"));
        for (DriftRow r : all) {
            boolean small = r.windowStart().equals(START.plus(Duration.ofHours(3)));
            if (small) {
                assertThat(r.value()).as(r.toString()).isNull();
                assertThat(r.reason()).isEqualTo("the window's sample has 5 rows, fewer than the 10 needed");
            } else if (r.metric().equals(DomainClassifier.METRIC)) {
                assertThat(r.value()).isNull();
                assertThat(r.reason()).startsWith("computed for at most 31 windows a request (this one has 32)");
            } else {
                assertThat(r.value()).as(r.toString()).isNotNull();
            }
        }
        assertThat(drift("emb", "mmd_pvalue"))
                .hasSize(WINDOWS)
                .filteredOn(r -> r.value() != null)
                .hasSize(WINDOWS - 1);
        assertThat(drift("emb", null))
                .filteredOn(r -> r.metric().startsWith("mmd"))
                .hasSize(2 * WINDOWS)
                .allMatch(r -> r.value() == null);

        // named: every window, each the classifier on the stored samples
        ProfileQueries queries = new ProfileQueries(store);
        SampleProfile reference =
                queries.baselineSample(version, DatasetKind.TRAINING).orElseThrow();
        List<DriftRow> auc = drift("*", DomainClassifier.METRIC);
        assertThat(auc).hasSize(WINDOWS);
        for (DriftRow r : auc) {
            SampleProfile window = queries.sample(version, DatasetKind.SERVING, r.windowStart(), r.windowEnd())
                    .orElseThrow();
            Double expected = window.size() < 10 ? null : DomainClassifier.auc(table(reference), table(window));
            assertThat(r.value()).as(r.windowStart().toString()).isEqualTo(expected);
        }
        // a drift query of every field asks none of them
        assertThat(new ProfileQueries(store)
                        .drift(
                                version,
                                ProfileRequest.of(DatasetKind.SERVING)
                                        .withRange(Optional.of(START), Optional.of(START.plus(Duration.ofHours(2))))))
                .noneMatch(r -> r.field().equals("*") || r.metric().startsWith("mmd"));
    }

    @Test
    void withoutSamplesThereIsNoRowAndNoError() {
        write("serving", START, 2, new Random(3)); // training has none: sampling was off when it ran
        assertThat(drift("*", null)).isEmpty();
        assertThat(drift("emb", "mmd")).isEmpty();
    }

    private static SampleTable table(SampleProfile s) {
        return new SampleTable(s.numericMatrix(List.of("a", "b")), s.categoryMatrix(List.of("c")), s.weights());
    }
}
