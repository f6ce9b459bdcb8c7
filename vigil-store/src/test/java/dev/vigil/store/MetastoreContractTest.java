package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every metastore backend must show; {@link H2MetastoreTest} and
 * {@link PostgresMetastoreIT} run it against H2 and a real PostgreSQL. The tests are grouped by repository in
 * {@code @Nested} classes, which JUnit runs inside each subclass, on its store.
 */
abstract class MetastoreContractTest {
    static final String PASSWORD = "s3cret-Pa55word-4711";
    static final String ADMIN_TOKEN = "vgl_admin-token-from-the-environment";

    /** The clock the store is opened with; a subclass passes it to {@link Metastore#open}. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-03-08T07:30:00.123456789Z"));

    protected Metastore store;

    /** A store on this test's database; called again (after close) to check that data survives a restart. */
    abstract Metastore openStore();

    /** A plain JDBC connection to the same database, to look at the raw tables. */
    abstract Connection connectRaw() throws SQLException;

    /** The master key {@link #openStore()} opens the store with. */
    abstract SecretCipher storeKey();

    /** The same database as {@link #openStore()}, opened with another master key. */
    abstract Metastore openStore(SecretCipher key);

    @BeforeEach
    void openAndEmpty() {
        store = openStore();
        // Backends that share a database between tests start each from an empty store.
        store.models().list().forEach(m -> store.models().delete(m.id()));
        store.tokens().list().forEach(t -> store.tokens().revoke(t.id()));
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /** ModelRepository: upserts, listing order, and deletes that take the model's versions and datasets along. */
    @Nested
    class Models {
        @Test
        void modelUpsertTellsCreatedUnchangedUpdated() {
            assertThat(store.models().upsert(new Model("fraud", "Fraud"))).isEqualTo(Change.CREATED);
            assertThat(store.models().upsert(new Model("fraud", "Fraud"))).isEqualTo(Change.UNCHANGED);
            assertThat(store.models().upsert(new Model("fraud", "Fraud detection")))
                    .isEqualTo(Change.UPDATED);
            assertThat(store.models().find("fraud")).contains(new Model("fraud", "Fraud detection"));
        }

        @Test
        void modelsAreListedById() {
            for (String id : List.of("b", "a_1", "B", "a", "a-1", "a.1", "10", "9")) {
                store.models().upsert(new Model(id, "name of " + id));
            }
            assertThat(store.models().list())
                    .extracting(Model::id)
                    .containsExactly("10", "9", "B", "a", "a-1", "a.1", "a_1", "b");
        }

        @Test
        void deletingAModelDeletesItsVersionsAndDatasets() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.versions().upsert(version("fraud", "v2"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));

            assertThat(store.models().delete("fraud")).isTrue();

            assertThat(store.models().find("fraud")).isEmpty();
            assertThat(store.models().delete("fraud")).isFalse();
            // Re-created, the model starts without the old versions and datasets.
            store.models().upsert(new Model("fraud", "Fraud"));
            assertThat(store.versions().list("fraud")).isEmpty();
            store.versions().upsert(version("fraud", "v1"));
            assertThat(store.datasets().list("fraud", "v1")).isEmpty();
        }
    }

    /** VersionRepository: a version belongs to a model and round-trips its schema. */
    @Nested
    class Versions {
        @Test
        void aVersionNeedsItsModel() {
            assertThatThrownBy(() -> store.versions().upsert(version("ghost", "v1")))
                    .isInstanceOf(VigilNotFoundException.class)
                    .hasMessageContaining("'ghost'");
        }

        @Test
        void versionUpsertTellsCreatedUnchangedUpdated() {
            store.models().upsert(new Model("fraud", "Fraud"));
            ModelVersion v1 = version("fraud", "v1");
            assertThat(store.versions().upsert(v1)).isEqualTo(Change.CREATED);
            assertThat(store.versions().upsert(v1)).isEqualTo(Change.UNCHANGED);
            ModelVersion daily = new ModelVersion("fraud", "v1", v1.modelType(), AggregationPeriod.DAILY, v1.schema());
            assertThat(store.versions().upsert(daily)).isEqualTo(Change.UPDATED);
            assertThat(store.versions().find("fraud", "v1")).contains(daily);
            store.versions().upsert(version("fraud", "v0"));
            assertThat(store.versions().list("fraud"))
                    .extracting(ModelVersion::version)
                    .containsExactly("v0", "v1");
        }

        @Test
        void aVersionWithEveryFieldTypeRoundTrips() {
            store.models().upsert(new Model("docs", "Document classifier"));
            Schema schema = Schema.builder()
                    .rawInput("raw_text", FieldType.text())
                    .rawInput("tags", FieldType.array())
                    .feature("amount", FieldType.numeric())
                    .feature("country", FieldType.string())
                    .feature("segment", FieldType.categorical())
                    .feature("is_new", FieldType.bool())
                    .feature("signed_up", FieldType.datetime())
                    .feature("embeddings", FieldType.tensor(768))
                    .feature("image", FieldType.tensor(3, 224, 224))
                    .feature("title_embedding", FieldType.embedding(384))
                    .feature("counts", FieldType.dict())
                    .prediction("label", FieldType.string())
                    .prediction("proba", FieldType.dict())
                    .actual("label", FieldType.string())
                    .build();
            assertThat(schema.fields().stream().map(f -> f.type().kind()).distinct())
                    .containsExactlyInAnyOrder(FieldType.Kind.values());
            ModelVersion version =
                    new ModelVersion("docs", "2026-03-01", ModelType.MULTICLASS, AggregationPeriod.DAILY, schema);

            store.versions().upsert(version);

            assertThat(store.versions().find("docs", "2026-03-01")).contains(version);
            assertThat(store.versions().upsert(version)).isEqualTo(Change.UNCHANGED);
        }

        @Test
        void deletingAVersionDeletesItsDatasets() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.versions().upsert(version("fraud", "v2"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));
            store.datasets().upsert("fraud", "v2", serving(PASSWORD));

            assertThat(store.versions().delete("fraud", "v1")).isTrue();

            assertThat(store.versions().list("fraud"))
                    .extracting(ModelVersion::version)
                    .containsExactly("v2");
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .isEmpty();
            assertThat(store.datasets().find("fraud", "v2", DatasetKind.SERVING))
                    .isPresent();
        }
    }

    /** DatasetRepository: dataset connections, with their passwords encrypted. */
    @Nested
    class Datasets {
        @Test
        void aDatasetRoundTripsWithItsPasswordDecrypted() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            DatasetConnection serving = serving(PASSWORD);

            assertThat(store.datasets().upsert("fraud", "v1", serving)).isEqualTo(Change.CREATED);

            DatasetConnection found =
                    store.datasets().find("fraud", "v1", DatasetKind.SERVING).orElseThrow();
            assertThat(found).isEqualTo(serving);
            assertThat(found.source().password()).isEqualTo(PASSWORD);
            assertThat(store.datasets().list("fraud", "v1")).containsExactly(serving);
        }

        @Test
        void datasetUpsertComparesSpecAndPassword() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));

            assertThat(store.datasets().upsert("fraud", "v1", serving(PASSWORD)))
                    .isEqualTo(Change.UNCHANGED);
            assertThat(store.datasets().upsert("fraud", "v1", serving("rotated-password")))
                    .isEqualTo(Change.UPDATED);
            assertThat(store.datasets()
                            .find("fraud", "v1", DatasetKind.SERVING)
                            .orElseThrow()
                            .source()
                            .password())
                    .isEqualTo("rotated-password");

            DatasetConnection otherColumn = DatasetConnection.of(
                    DatasetKind.SERVING, serving("rotated-password").source(), "event_id", "predicted_at");
            assertThat(store.datasets().upsert("fraud", "v1", otherColumn)).isEqualTo(Change.UPDATED);
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .contains(otherColumn);
        }

        @Test
        void aDatasetWithoutPasswordKeepsTheStoredOne() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));

            assertThat(store.datasets().upsert("fraud", "v1", serving(null))).isEqualTo(Change.UNCHANGED);
            DatasetConnection newQuery = new DatasetConnection(
                    DatasetKind.SERVING, serving(null).source().withPassword(null), "id", "ts", Map.of(), Map.of());
            assertThat(store.datasets().upsert("fraud", "v1", newQuery)).isEqualTo(Change.UPDATED);
            assertThat(store.datasets()
                            .find("fraud", "v1", DatasetKind.SERVING)
                            .orElseThrow()
                            .source()
                            .password())
                    .isEqualTo(PASSWORD);
        }

        @Test
        void datasetsAreListedInKindOrderAndDeletedOneByOne() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            DatasetConnection actuals = new DatasetConnection(
                    DatasetKind.ACTUALS,
                    serving(null).source(),
                    "id",
                    "labeled_at",
                    Map.of(),
                    Map.of("score", "fraud"));
            DatasetConnection training =
                    DatasetConnection.of(DatasetKind.TRAINING, serving(null).source(), "id", "ts");
            store.datasets().upsert("fraud", "v1", actuals);
            store.datasets().upsert("fraud", "v1", training);
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));

            assertThat(store.datasets().list("fraud", "v1"))
                    .extracting(DatasetConnection::dataset)
                    .containsExactly(DatasetKind.SERVING, DatasetKind.TRAINING, DatasetKind.ACTUALS);
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.ACTUALS))
                    .contains(actuals);
            assertThat(store.datasets().delete("fraud", "v1", DatasetKind.TRAINING))
                    .isTrue();
            assertThat(store.datasets().delete("fraud", "v1", DatasetKind.TRAINING))
                    .isFalse();
            assertThat(store.datasets().list("fraud", "v1"))
                    .extracting(DatasetConnection::dataset)
                    .containsExactly(DatasetKind.SERVING, DatasetKind.ACTUALS);
        }

        @Test
        void aDatasetNeedsItsVersion() {
            store.models().upsert(new Model("fraud", "Fraud"));
            assertThatThrownBy(() -> store.datasets().upsert("fraud", "v9", serving(PASSWORD)))
                    .isInstanceOf(VigilNotFoundException.class)
                    .hasMessageContaining("'v9'")
                    .hasMessageContaining("'fraud'");
        }

        @Test
        void thePasswordIsNotStoredInPlaintext() throws SQLException {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));

            List<String> rows = new ArrayList<>();
            try (Connection c = connectRaw();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT spec, password_enc FROM datasets")) {
                while (rs.next()) {
                    rows.add(rs.getString("spec"));
                    rows.add(rs.getString("password_enc"));
                }
            }
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0))
                    .contains("\"query\"")
                    .doesNotContain(PASSWORD)
                    .doesNotContain("password");
            assertThat(rows.get(1)).startsWith("v2:").doesNotContain(PASSWORD);
        }

        /** Review F19: a password blob copied to another dataset's row does not decrypt there, with a sentence. */
        @Test
        void aPasswordMovedToAnotherRowDoesNotDecrypt() throws SQLException {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));
            DatasetConnection training = DatasetConnection.of(
                    DatasetKind.TRAINING, serving("training-password").source(), "id", "ts");
            store.datasets().upsert("fraud", "v1", training);
            try (Connection c = connectRaw();
                    PreparedStatement ps = c.prepareStatement("UPDATE datasets SET password_enc = (SELECT"
                            + " password_enc FROM datasets WHERE kind = 'serving') WHERE kind = 'training'")) {
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThatThrownBy(() -> store.datasets().find("fraud", "v1", DatasetKind.TRAINING))
                    .isInstanceOf(VigilStateException.class)
                    .hasMessage("Cannot decrypt the stored secret of dataset fraud|v1|training: it was encrypted for"
                            + " another row, or under another master key");
            assertThat(store.datasets()
                            .find("fraud", "v1", DatasetKind.SERVING)
                            .orElseThrow()
                            .source()
                            .password())
                    .as("the row it belongs to still reads it")
                    .isEqualTo(PASSWORD);
        }
    }

    /** ProfileRepository: stored profiles, replaced a window or a field prefix at a time, and watermarks. */
    @Nested
    class Profiles {
        private final Instant h0 = Instant.parse("2026-03-08T00:00:00Z");
        private final Instant h1 = Instant.parse("2026-03-08T01:00:00Z");

        @BeforeEach
        void createVersion() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
        }

        @Test
        void replacingAWindowReplacesAllOfItAndNothingElse() {
            replaceServing(
                    List.of(h0, h1),
                    List.of(
                            profile("2026-03-08T00:00:00Z", "", "amount", 1),
                            profile("2026-03-08T00:00:00Z", "owner=a", "amount", 2),
                            profile("2026-03-08T01:00:00Z", "", "amount", 3)),
                    Optional.of(h1.plusSeconds(3600)));
            // A re-run of hour 0 that no longer sees the segment owner=a.
            replaceServing(
                    List.of(h0),
                    List.of(profile("2026-03-08T00:00:00Z", "", "amount", 4)),
                    Optional.of(h0.plusSeconds(3600)));
            List<StoredProfile> all = store.profiles()
                    .find("m", "v1", "serving", h0, h1.plusSeconds(3600), Optional.empty(), Optional.empty());
            assertThat(all).extracting(p -> p.bytes()[0]).containsExactly((byte) 4, (byte) 3);
            assertThat(all.get(1).windowEnd()).isEqualTo(Instant.parse("2026-03-08T02:00:00Z"));
            assertThat(store.profiles().find("m", "v1", "serving", h0, h1, Optional.of(""), Optional.of("amount")))
                    .hasSize(1);
            assertThat(store.profiles().find("m", "v1", "training", h0, h1, Optional.empty(), Optional.empty()))
                    .isEmpty();
            assertThat(store.profiles().watermark("m", "v1", "serving"))
                    .as("a backfill of an earlier window never moves the watermark back")
                    .contains(Instant.parse("2026-03-08T02:00:00Z"));
            assertThat(store.profiles().watermark("m", "v1", "training")).isEmpty();
            store.versions().delete("m", "v1");
            store.versions().upsert(version("m", "v1"));
            assertThat(store.profiles().find("m", "v1", "serving", h0, h1, Optional.empty(), Optional.empty()))
                    .as("profiles go with their version")
                    .isEmpty();
            replaceServing(List.of(h0), List.of(profile("2026-03-08T00:00:00Z", "", "amount", 5)), Optional.empty());
            store.models().delete("m");
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            assertThat(store.profiles().find("m", "v1", "serving", h0, h1, Optional.empty(), Optional.empty()))
                    .as("profiles go with their model")
                    .isEmpty();
        }

        @Test
        void replacingTheFieldsOfAPrefixKeepsTheWindowsOtherProfiles() {
            replaceServing(
                    List.of(h0, h1),
                    List.of(
                            profile("2026-03-08T00:00:00Z", "", "", 1),
                            profile("2026-03-08T00:00:00Z", "", "#performance:p", 2),
                            profile("2026-03-08T00:00:00Z", "owner=a", "#performance:p", 3),
                            profile("2026-03-08T00:00:00Z", "", "#performances", 4),
                            profile("2026-03-08T01:00:00Z", "", "#performance:p", 5)),
                    Optional.empty());
            // Late actuals for hour 0: its performance is recomputed, and owner=a no longer has any.
            replacePerformance(List.of(h0), List.of(profile("2026-03-08T00:00:00Z", "", "#performance:p", 6)));
            assertThat(store.profiles()
                            .find("m", "v1", "serving", h0, h1.plusSeconds(3600), Optional.empty(), Optional.empty()))
                    .extracting(p -> p.bytes()[0])
                    .containsExactly((byte) 1, (byte) 6, (byte) 4, (byte) 5);
            assertThatThrownBy(() ->
                            replacePerformance(List.of(h0), List.of(profile("2026-03-08T00:00:00Z", "", "amount", 7))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(findServingFields(
                            h0,
                            h1.plusSeconds(3600),
                            Optional.of(""),
                            Optional.of(List.of("#performance:p", "#performances"))))
                    .extracting(p -> p.bytes()[0])
                    .containsExactly((byte) 6, (byte) 4, (byte) 5);
            assertThat(findServingFields(h0, h1.plusSeconds(3600), Optional.empty(), Optional.of(List.of())))
                    .isEmpty();
            assertThat(store.profiles().profiledWindows("m", "v1", "serving", h0, h1.plusSeconds(3600)))
                    .as("only hour 0 has its dataset-level profile")
                    .containsExactly(h0);
            store.profiles().advanceWatermark("m", "v1", "actuals", h1);
            store.profiles().advanceWatermark("m", "v1", "actuals", h0);
            assertThat(store.profiles().watermark("m", "v1", "actuals")).contains(h1);
        }

        @Test
        void theEvaluationWatermarkOnlyMovesForwardSurvivesARestartAndGoesWithItsVersion() {
            Instant h2 = h1.plusSeconds(3600);
            assertThat(store.profiles().evaluatedUpTo("m", "v1"))
                    .as("a version never evaluated has no evaluation watermark")
                    .isEmpty();
            store.profiles().advanceEvaluated("m", "v1", h1);
            assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(h1);
            store.profiles().advanceEvaluated("m", "v1", h0);
            assertThat(store.profiles().evaluatedUpTo("m", "v1"))
                    .as("an evaluation of earlier windows (a backfill) never moves it back")
                    .contains(h1);
            store.profiles().advanceEvaluated("m", "v1", h1);
            assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(h1);
            store.profiles().advanceEvaluated("m", "v1", h2);
            assertThat(store.profiles().watermark("m", "v1", "serving"))
                    .as("the evaluation watermark is not the serving dataset's")
                    .isEmpty();
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v2"));
            assertThat(store.profiles().evaluatedUpTo("m", "v2"))
                    .as("each version has its own")
                    .isEmpty();
            store.close();
            store = openStore();
            assertThat(store.profiles().evaluatedUpTo("m", "v1")).contains(h2);
            store.versions().delete("m", "v1");
            store.versions().upsert(version("m", "v1"));
            assertThat(store.profiles().evaluatedUpTo("m", "v1"))
                    .as("it goes with its version")
                    .isEmpty();
        }

        @Test
        void aFailedWriteLeavesTheWindowAsItWas() {
            replaceServing(List.of(h0), List.of(profile("2026-03-08T00:00:00Z", "", "amount", 1)), Optional.empty());
            // The same key twice violates the primary key half-way through the insert.
            assertThatThrownBy(() -> replaceServing(
                            List.of(h0),
                            List.of(
                                    profile("2026-03-08T00:00:00Z", "", "amount", 2),
                                    profile("2026-03-08T00:00:00Z", "", "amount", 3)),
                            Optional.empty()))
                    .isInstanceOf(VigilStateException.class);
            assertThat(store.profiles()
                            .find("m", "v1", "serving", h0, h0.plusSeconds(3600), Optional.empty(), Optional.empty()))
                    .extracting(p -> p.bytes()[0])
                    .containsExactly((byte) 1);
        }

        private void replaceServing(List<Instant> windows, List<StoredProfile> profiles, Optional<Instant> watermark) {
            store.profiles().replaceWindows("m", "v1", "serving", windows, profiles, watermark);
        }

        private void replacePerformance(List<Instant> windows, List<StoredProfile> profiles) {
            store.profiles().replaceFields("m", "v1", "serving", "#performance:", windows, profiles);
        }

        private List<StoredProfile> findServingFields(
                Instant from, Instant to, Optional<String> segment, Optional<List<String>> fields) {
            return store.profiles().findFields("m", "v1", "serving", from, to, segment, fields);
        }
    }

    /** RunRepository: a run's life from queued to succeeded or failed. */
    @Nested
    class Runs {
        @Test
        void aRunGoesFromQueuedToSucceededOrFailed() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            Instant from = Instant.parse("2026-03-01T00:00:00Z");
            Run run = store.runs().create("m", "v1", "serving", from, from.plusSeconds(86_400), 24);
            assertThat(run.status()).isEqualTo(Run.Status.QUEUED);
            assertThat(store.runs().find(run.id()).orElseThrow().nullTimestampCount())
                    .isZero();
            store.runs().started(run.id());
            store.runs().planned(run.id(), from.plusSeconds(3600), from.plusSeconds(7200), 1);
            store.runs().progress(run.id(), 12, 5_000, 7, 3);
            Run half = store.runs().find(run.id()).orElseThrow();
            assertThat(half.status()).isEqualTo(Run.Status.RUNNING);
            assertThat(half.windowsDone()).isEqualTo(12);
            assertThat(half.windowsTotal()).isEqualTo(1);
            assertThat(half.from()).isEqualTo(from.plusSeconds(3600));
            assertThat(half.to()).isEqualTo(from.plusSeconds(7200));
            assertThat(half.rowsRead()).isEqualTo(5_000);
            assertThat(half.rowsWithProblems()).isEqualTo(7);
            assertThat(half.nullTimestampCount()).isEqualTo(3);
            assertThat(half.startedAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
            store.runs().succeeded(run.id());
            assertThat(store.runs().find(run.id()).orElseThrow().status()).isEqualTo(Run.Status.SUCCEEDED);

            Run other = store.runs().create("m", "v1", "training", from, from.plusSeconds(3600), 1);
            Run stuck = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1);
            store.runs().failed(other.id(), "the source is down");
            assertThat(store.runs().failUnfinished("the server stopped")).isEqualTo(1);
            assertThat(store.runs().find(other.id()).orElseThrow().error()).isEqualTo("the source is down");
            assertThat(store.runs().find(stuck.id()).orElseThrow())
                    .extracting(Run::status, Run::error)
                    .containsExactly(Run.Status.FAILED, "the server stopped");
            assertThat(store.runs().list("m", "v1", 2)).hasSize(2);
            assertThat(store.runs().find("run_nope")).isEmpty();
        }

        @Test
        void aRunKeepsItsProblemsByReasonItsWarningAndItsNote() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            Instant from = Instant.parse("2026-03-01T00:00:00Z");
            RunRepository.Holder holder = new RunRepository.Holder("server one", Duration.ofSeconds(60));
            Run run = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, holder);
            assertThat(run.problems()).isEmpty();
            assertThat(store.runs().find(run.id()).orElseThrow())
                    .extracting(Run::problems, Run::warning, Run::note)
                    .containsExactly(Map.of(), null, null);
            assertThat(store.runs().start(run.id(), holder)).isTrue();
            Optional<RunFence> fence = Optional.of(new RunFence(run.id(), holder.owner()));
            Map<String, Long> problems = new LinkedHashMap<>();
            problems.put("emb: wrong_dimensions", 960L);
            problems.put("id: null_id", 2L);
            store.runs().problems(run.id(), problems, fence);
            store.runs().warning(run.id(), "962 of 1,000 rows had a problem");
            store.runs().note(run.id(), "skipped 3 empty windows");
            Run found = store.runs().find(run.id()).orElseThrow();
            assertThat(found.problems()).containsExactlyEntriesOf(problems);
            assertThat(found.warning()).isEqualTo("962 of 1,000 rows had a problem");
            assertThat(found.note()).isEqualTo("skipped 3 empty windows");
            assertThat(store.runs().list("m", "v1", 1).get(0).problems()).containsExactlyEntriesOf(problems);

            store.runs().failed(run.id(), "taken over");
            assertThatThrownBy(() -> store.runs().problems(run.id(), Map.of("x: too_long", 1L), fence))
                    .as("a failed run's problems stay as they were")
                    .isInstanceOf(RunFence.Lost.class);
            assertThat(store.runs().find(run.id()).orElseThrow().problems()).containsExactlyEntriesOf(problems);
        }

        @Test
        void replacedHoursMarkTheirDaysStaleInTheSameTransactionAndAMarkSeenIsClearedOnlyIfUnchanged() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            Instant hour = Instant.parse("2026-03-01T05:00:00Z");
            Instant day = Instant.parse("2026-03-01T00:00:00Z");
            StoredProfile p = new StoredProfile(hour, hour.plusSeconds(3600), "", "", new byte[] {1});
            store.profiles()
                    .replaceWindows("m", "v1", "serving", List.of(hour), List.of(p), Optional.empty(), List.of(day));
            List<StaleRollup> seen = store.profiles().staleRollups();
            assertThat(seen).containsExactly(new StaleRollup("m", "v1", "serving", day, 1));

            // marked again while a refresh runs: the refresh's clear leaves the newer mark
            store.profiles()
                    .replaceFields("m", "v1", "serving", "#performance:", List.of(hour), List.of(), List.of(day));
            store.profiles().clearStale(seen);
            assertThat(store.profiles().staleRollups()).containsExactly(new StaleRollup("m", "v1", "serving", day, 2));
            store.profiles().clearStale(store.profiles().staleRollups());
            assertThat(store.profiles().staleRollups()).isEmpty();

            // a transaction that fails marks nothing
            StoredProfile outside = new StoredProfile(hour, hour.plusSeconds(3600), "", "", null);
            assertThatThrownBy(() -> store.profiles()
                            .replaceWindows(
                                    "m",
                                    "v1",
                                    "serving",
                                    List.of(hour),
                                    List.of(outside),
                                    Optional.empty(),
                                    List.of(day)))
                    .isInstanceOf(RuntimeException.class);
            assertThat(store.profiles().staleRollups()).isEmpty();
            assertThat(store.profiles()
                            .find(
                                    "m",
                                    "v1",
                                    "serving",
                                    hour,
                                    hour.plusSeconds(3600),
                                    Optional.empty(),
                                    Optional.empty()))
                    .as("the hour is as it was")
                    .hasSize(1);
        }

        @Test
        void theFirstResultRecordedIsKeptSoAReapedRunStaysFailed() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            Instant from = Instant.parse("2026-03-01T00:00:00Z");
            Run reaped = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1);
            store.runs().started(reaped.id());
            store.runs().failed(reaped.id(), "the run made no progress");
            store.runs().succeeded(reaped.id()); // its thread finished after all
            store.runs().failed(reaped.id(), "interrupted");
            assertThat(store.runs().find(reaped.id()).orElseThrow())
                    .extracting(Run::status, Run::error)
                    .containsExactly(Run.Status.FAILED, "the run made no progress");

            Run done = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1);
            store.runs().started(done.id());
            store.runs().succeeded(done.id());
            store.runs().failed(done.id(), "too late");
            assertThat(store.runs().find(done.id()).orElseThrow())
                    .extracting(Run::status, Run::error)
                    .containsExactly(Run.Status.SUCCEEDED, null);
        }
    }

    /**
     * What servers sharing a metastore rely on (decision 0022): runs held under a lease, scheduled runs claimed once
     * per due time, named leases, delivery claims and dashboard sessions.
     */
    @Nested
    class SharedServers {
        private final RunRepository.Holder one =
                new RunRepository.Holder("srv_one on host a, pid 1", Duration.ofSeconds(60));
        private final RunRepository.Holder two =
                new RunRepository.Holder("srv_two on host b, pid 2", Duration.ofSeconds(60));
        private final Instant from = Instant.parse("2026-03-01T00:00:00Z");

        @BeforeEach
        void createVersion() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
        }

        @Test
        void aDueTimeIsClaimedOnceAndNotWhileTheDatasetHasARunInFlight() {
            Instant due = Instant.parse("2026-03-08T07:00:00Z");
            Optional<Run> first = store.runs().claimScheduled("m", "v1", "serving", due, one);
            assertThat(first).isPresent();
            assertThat(store.runs().claimScheduled("m", "v1", "serving", due, two))
                    .as("the same due time, from another server")
                    .isEmpty();
            assertThat(store.runs().claimScheduled("m", "v1", "serving", due.plusSeconds(300), two))
                    .as("a later due time while the first run is queued")
                    .isEmpty();
            assertThat(store.runs().claimScheduled("m", "v1", "training", due, two))
                    .as("another dataset")
                    .isPresent();
            store.runs().failed(first.get().id(), "the source is down");
            Optional<Run> retry = store.runs().claimScheduled("m", "v1", "serving", due.plusSeconds(30), two);
            assertThat(retry).isPresent();
            assertThat(store.runs().claimScheduled("m", "v1", "serving", due, one))
                    .as("a due time already run, even once nothing is in flight")
                    .isEmpty();
            assertThat(store.runs().scheduled("m", "v1", "serving", 10))
                    .extracting(r -> r.run().id(), RunRepository.Scheduled::dueAt)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(retry.get().id(), due.plusSeconds(30)),
                            org.assertj.core.groups.Tuple.tuple(first.get().id(), due));
            store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, one);
            assertThat(store.runs().scheduled("m", "v1", "serving", 10))
                    .as("a run asked for through the API is no scheduled run")
                    .hasSize(2);
        }

        @Test
        void aRunPastItsLeaseIsFailedOnceNamingItsHolderAndItsHolderCannotRecordASuccess() {
            Run run = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, one);
            assertThat(store.runs().start(run.id(), one)).isTrue();
            Instant renewed = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            clock.advance(Duration.ofSeconds(59));
            assertThat(store.runs().expired()).isEmpty();
            assertThat(store.runs().failExpired(run.id(), "taken over")).isFalse();
            assertThat(store.runs().find(run.id()).orElseThrow().status()).isEqualTo(Run.Status.RUNNING);

            clock.advance(Duration.ofSeconds(2));
            assertThat(store.runs().expired())
                    .containsExactly(new RunRepository.Expired(run.id(), one.owner(), renewed));
            assertThat(store.runs().failExpired(run.id(), "taken over")).isTrue();
            assertThat(store.runs().failExpired(run.id(), "taken over twice"))
                    .as("another server reaping it at the same time")
                    .isFalse();
            assertThat(store.runs().expired()).isEmpty();
            assertThat(store.runs().renew(List.of(run.id()), one))
                    .as("the lease is lost")
                    .isEmpty();
            assertThat(store.runs().succeeded(run.id(), one)).isFalse();
            assertThat(store.runs().find(run.id()).orElseThrow())
                    .extracting(Run::status, Run::error)
                    .containsExactly(Run.Status.FAILED, "taken over");
        }

        @Test
        void aRenewedLeaseKeepsTheRunAndOnlyItsHolderRenewsOrSucceeds() {
            Run run = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, one);
            Run unheld = store.runs().create("m", "v1", "training", from, from.plusSeconds(3600), 1);
            assertThat(store.runs().expired())
                    .as("a run without a lease (stored before leases, or by no server) counts as expired")
                    .extracting(RunRepository.Expired::id)
                    .containsExactly(unheld.id());
            assertThat(store.runs().start(run.id(), one)).isTrue();
            clock.advance(Duration.ofSeconds(45));
            assertThat(store.runs().renew(List.of(run.id(), unheld.id()), one)).containsExactly(run.id());
            assertThat(store.runs().renew(List.of(run.id()), two))
                    .as("not its holder")
                    .isEmpty();
            clock.advance(Duration.ofSeconds(45));
            assertThat(store.runs().expired())
                    .extracting(RunRepository.Expired::id)
                    .containsExactly(unheld.id());
            assertThat(store.runs().succeeded(run.id(), two)).isFalse();
            assertThat(store.runs().succeeded(run.id(), one)).isTrue();
            assertThat(store.runs().find(run.id()).orElseThrow().status()).isEqualTo(Run.Status.SUCCEEDED);
        }

        @Test
        void theHeartbeatRenewsEveryRunItsServerHoldsAndNamesThemAndNoOtherServers() {
            Run running = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, one);
            Run queued = store.runs().create("m", "v1", "training", from, from.plusSeconds(3600), 1, one);
            Run done = store.runs().create("m", "v1", "testing", from, from.plusSeconds(3600), 1, one);
            Run others = store.runs().create("m", "v1", "actuals", from, from.plusSeconds(3600), 1, two);
            assertThat(store.runs().start(running.id(), one)).isTrue();
            assertThat(store.runs().start(done.id(), one)).isTrue();
            assertThat(store.runs().succeeded(done.id(), one)).isTrue();
            Instant created = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);

            clock.advance(Duration.ofSeconds(45));
            Instant beat = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            assertThat(store.runs().renewAll(one))
                    .as("the queued and the running run of server one, in one UPDATE")
                    .containsExactlyInAnyOrder(running.id(), queued.id());
            assertThat(store.runs().heldBy(one)).containsExactlyInAnyOrder(running.id(), queued.id());
            assertThat(store.runs().heldBy(two)).containsExactly(others.id());

            // 61 s after creation: server two's lease ran out, server one's (renewed 16 s ago) did not
            clock.advance(Duration.ofSeconds(16));
            assertThat(store.runs().expired())
                    .containsExactly(new RunRepository.Expired(others.id(), two.owner(), created));
            clock.advance(Duration.ofSeconds(45)); // 61 s after the beat
            assertThat(store.runs().expired())
                    .extracting(RunRepository.Expired::id, RunRepository.Expired::renewedAt)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(running.id(), beat),
                            org.assertj.core.groups.Tuple.tuple(queued.id(), beat),
                            org.assertj.core.groups.Tuple.tuple(others.id(), created));
            assertThat(store.runs().find(done.id()).orElseThrow().status()).isEqualTo(Run.Status.SUCCEEDED);

            assertThat(store.runs().failExpired(queued.id(), "taken over")).isTrue();
            assertThat(store.runs().renewAll(one))
                    .as("a run another server failed is not renewed")
                    .containsExactly(running.id());
            assertThat(store.runs().heldBy(one)).containsExactly(running.id());
            assertThat(store.runs().expired())
                    .extracting(RunRepository.Expired::id)
                    .containsExactly(others.id());
            assertThat(store.runs().renewAll(new RunRepository.Holder("srv_none on host c, pid 3", Duration.ZERO)))
                    .isEmpty();
        }

        @Test
        void aDatasetRunsOneRunAtATime() {
            Run first = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, one);
            Run second = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 1, two);
            Run other = store.runs().create("m", "v1", "training", from, from.plusSeconds(3600), 1, two);
            assertThat(store.runs().start(first.id(), one)).isTrue();
            assertThat(store.runs().start(second.id(), two)).isFalse();
            assertThat(store.runs().find(second.id()).orElseThrow().status()).isEqualTo(Run.Status.QUEUED);
            assertThat(store.runs().start(other.id(), two))
                    .as("another dataset")
                    .isTrue();
            assertThat(store.runs().start(first.id(), one)).as("started once").isFalse();
            assertThat(store.runs().running())
                    .containsExactlyInAnyOrder(List.of("m", "v1", "serving"), List.of("m", "v1", "training"));
            store.runs().succeeded(first.id(), one);
            assertThat(store.runs().running()).containsExactly(List.of("m", "v1", "training"));
            assertThat(store.runs().start(second.id(), two)).isTrue();
        }

        @Test
        void aNamedLeaseHasOneHolderUntilItExpiresOrIsGivenBack() {
            String name = "evaluate m/v1 " + System.nanoTime(); // the PostgreSQL database is shared between tests
            assertThat(store.leases().acquire(name, "one", Duration.ofSeconds(60)))
                    .isTrue();
            assertThat(store.leases().acquire(name, "two", Duration.ofSeconds(60)))
                    .isFalse();
            clock.advance(Duration.ofSeconds(50));
            assertThat(store.leases().acquire(name, "one", Duration.ofSeconds(60)))
                    .as("renewed")
                    .isTrue();
            clock.advance(Duration.ofSeconds(50));
            assertThat(store.leases().acquire(name, "two", Duration.ofSeconds(60)))
                    .isFalse();
            store.leases().release(name, "two");
            assertThat(store.leases().acquire(name, "two", Duration.ofSeconds(60)))
                    .as("only its holder gives it back")
                    .isFalse();
            clock.advance(Duration.ofSeconds(11));
            assertThat(store.leases().acquire(name, "two", Duration.ofSeconds(60)))
                    .as("expired")
                    .isTrue();
            store.leases().release(name, "two");
            assertThat(store.leases().acquire(name, "one", Duration.ofSeconds(60)))
                    .as("given back")
                    .isTrue();
        }

        @Test
        void everyLeaseAndEveryClaimIsGivenBackAtOnceForAMetastoreOneProcessHolds() {
            String name = "evaluate m/v1 " + System.nanoTime();
            assertThat(store.leases().acquire(name, "dead process", Duration.ofMinutes(10)))
                    .isTrue();
            Alert alert = store.alerts()
                    .raise(draft("amount", "2026-03-08T00:00:00Z", 0.3))
                    .alert();
            DeliveryRepository deliveries = store.deliveries();
            assertThat(deliveries.enqueue(alert, 0, "webhook")).isTrue();
            DeliveryRepository.Delivery d = deliveries.list(alert.id()).get(0);
            assertThat(deliveries.claim(d.id(), 0, "dead process", Duration.ofMinutes(5)))
                    .isTrue();
            assertThat(deliveries.due(clock.instant(), 10)).isEmpty();

            assertThat(store.leases().releaseAll()).isGreaterThanOrEqualTo(1);
            assertThat(deliveries.releaseAllClaims()).isEqualTo(1);
            assertThat(store.leases().acquire(name, "restarted", Duration.ofMinutes(10)))
                    .as("free at once, not in 10 minutes")
                    .isTrue();
            assertThat(deliveries.due(clock.instant(), 10))
                    .extracting(DeliveryRepository.Delivery::id)
                    .containsExactly(d.id());
            assertThat(deliveries.claim(d.id(), 0, "restarted", Duration.ofMinutes(5)))
                    .isTrue();
            assertThat(deliveries.list(alert.id()))
                    .extracting(DeliveryRepository.Delivery::status, DeliveryRepository.Delivery::attempts)
                    .as("nothing else about the delivery changed")
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(d.status(), 0));
            store.leases().release(name, "restarted");
        }

        @Test
        void aFencedWriteOfARunAnotherServerFailedWritesNothingAndSaysWhy() {
            Instant hour = Instant.parse("2026-03-08T05:00:00Z");
            Instant day = Instant.parse("2026-03-08T00:00:00Z");
            Run run = store.runs().create("m", "v1", "serving", from, from.plusSeconds(3600), 0, one);
            assertThat(store.runs().start(run.id(), one)).isTrue();
            Optional<RunFence> fence = Optional.of(new RunFence(run.id(), one.owner()));
            store.runs().planned(run.id(), hour, hour.plusSeconds(3600), 1, fence);
            store.runs().progress(run.id(), 1, 10, 2, 1, fence);
            store.profiles()
                    .replaceWindows(
                            "m",
                            "v1",
                            "serving",
                            List.of(hour),
                            List.of(new StoredProfile(hour, hour.plusSeconds(3600), "", "", new byte[] {2})),
                            Optional.of(hour.plusSeconds(3600)),
                            List.of(),
                            fence);
            assertThat(store.profiles()
                            .find(
                                    "m",
                                    "v1",
                                    "serving",
                                    hour,
                                    hour.plusSeconds(3600),
                                    Optional.empty(),
                                    Optional.empty()))
                    .as("written while the run is held")
                    .extracting(p -> p.bytes()[0])
                    .containsExactly((byte) 2);
            Optional<RunFence> otherServers = Optional.of(new RunFence(run.id(), two.owner()));
            assertThatThrownBy(() -> store.runs().progress(run.id(), 5, 50, 0, 0, otherServers))
                    .as("not its holder")
                    .isInstanceOf(RunFence.Lost.class);

            clock.advance(Duration.ofSeconds(61)); // server one went silent: server two fails its run
            assertThat(store.runs().failExpired(run.id(), "taken over")).isTrue();
            String why = "run " + run.id() + " is no longer running on server " + one.owner() + ": it was failed"
                    + " meanwhile, here or by another server past its lease; it stops before writing anything more";
            assertThatThrownBy(() -> store.profiles()
                            .replaceWindows(
                                    "m",
                                    "v1",
                                    "serving",
                                    List.of(hour, hour.plusSeconds(3600)),
                                    List.of(
                                            new StoredProfile(hour, hour.plusSeconds(3600), "", "", new byte[] {3}),
                                            new StoredProfile(
                                                    hour.plusSeconds(3600), hour.plusSeconds(7200), "", "", new byte[] {
                                                        3
                                                    })),
                                    Optional.of(hour.plusSeconds(7200)),
                                    List.of(day),
                                    fence))
                    .isInstanceOf(RunFence.Lost.class)
                    .hasMessage(why);
            assertThatThrownBy(() -> store.profiles()
                            .replaceFields(
                                    "m",
                                    "v1",
                                    "serving",
                                    "",
                                    List.of(hour),
                                    List.of(new StoredProfile(hour, hour.plusSeconds(3600), "", "", new byte[] {4})),
                                    List.of(day),
                                    fence))
                    .isInstanceOf(RunFence.Lost.class)
                    .hasMessage(why);
            assertThatThrownBy(() -> store.runs().progress(run.id(), 2, 20, 3, 1, fence))
                    .isInstanceOf(RunFence.Lost.class)
                    .hasMessage(why);
            assertThatThrownBy(() -> store.runs().planned(run.id(), from, from.plusSeconds(7200), 2, fence))
                    .isInstanceOf(RunFence.Lost.class)
                    .hasMessage(why);

            assertThat(store.profiles()
                            .find(
                                    "m",
                                    "v1",
                                    "serving",
                                    hour,
                                    hour.plusSeconds(7200),
                                    Optional.empty(),
                                    Optional.empty()))
                    .as("the profiles are as the run left them when it was failed")
                    .extracting(StoredProfile::windowStart, p -> p.bytes()[0])
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(hour, (byte) 2));
            assertThat(store.profiles().watermark("m", "v1", "serving")).contains(hour.plusSeconds(3600));
            assertThat(store.profiles().staleRollups()).as("no day marked").isEmpty();
            assertThat(store.runs().find(run.id()).orElseThrow())
                    .extracting(
                            Run::status,
                            Run::windowsTotal,
                            Run::windowsDone,
                            Run::rowsRead,
                            Run::rowsWithProblems,
                            Run::nullTimestampCount,
                            Run::from)
                    .containsExactly(Run.Status.FAILED, 1, 1, 10L, 2L, 1L, hour);
        }

        @Test
        void aDeliveryIsClaimedByOneServerUntilItsAttemptIsRecordedOrTheClaimExpires() {
            Alert alert = store.alerts()
                    .raise(draft("amount", "2026-03-08T00:00:00Z", 0.3))
                    .alert();
            DeliveryRepository deliveries = store.deliveries();
            assertThat(deliveries.enqueue(alert, 0, "webhook")).isTrue();
            DeliveryRepository.Delivery d = deliveries.list(alert.id()).get(0);
            Duration hold = Duration.ofMinutes(5);
            assertThat(deliveries.claim(d.id(), 0, "one", hold)).isTrue();
            assertThat(deliveries.claim(d.id(), 0, "two", hold)).isFalse();
            assertThat(deliveries.due(clock.instant(), 10))
                    .as("claimed: due for no other server")
                    .isEmpty();
            deliveries.attempted(d.id(), false, "HTTP 500", Optional.of(clock.instant()));
            assertThat(deliveries.claim(d.id(), 0, "two", hold))
                    .as("read before the first attempt was recorded")
                    .isFalse();
            assertThat(deliveries.claim(d.id(), 1, "two", hold))
                    .as("the recorded attempt ended the claim")
                    .isTrue();
            clock.advance(hold.plusSeconds(1));
            assertThat(deliveries.due(clock.instant(), 10)).hasSize(1);
            assertThat(deliveries.claim(d.id(), 1, "one", hold))
                    .as("its holder died: expired")
                    .isTrue();
            assertThat(deliveries.releaseClaims("one")).isEqualTo(1);
            assertThat(deliveries.claim(d.id(), 1, "two", hold)).as("released").isTrue();
        }

        @Test
        void aDashboardSessionIsFoundByItsIdUntilItEndsOrItsTokenIsRevoked() throws SQLException {
            NewToken token = store.tokens().create("browser", Role.EDITOR, Duration.ofDays(1));
            Instant until =
                    clock.instant().plus(Duration.ofHours(12)).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            var session = new SessionRepository.Session(token.info().id(), Role.EDITOR, "csrf-1", until);
            store.sessions().create("session-a", session);
            store.sessions().create("session-b", session);
            assertThat(store.sessions().find("session-a")).contains(session);
            assertThat(store.sessions().find("session-c")).isEmpty();
            try (Connection c = connectRaw();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id_hash FROM dashboard_sessions")) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).as("hashed").hasSize(64).doesNotContain("session");
                }
            }
            store.sessions().delete("session-a");
            assertThat(store.sessions().find("session-a")).isEmpty();
            clock.advance(Duration.ofHours(12));
            assertThat(store.sessions().find("session-b")).as("ended").isEmpty();
            store.sessions()
                    .create(
                            "session-c",
                            new SessionRepository.Session(
                                    token.info().id(), Role.EDITOR, "csrf-2", until.plus(Duration.ofHours(12))));
            assertThat(store.sessions().find("session-c")).isPresent();
            store.tokens().revoke(token.info().id());
            assertThat(store.sessions().find("session-c"))
                    .as("its token was revoked")
                    .isEmpty();
        }
    }

    /** MonitorRepository: monitors of a version, with their action URLs encrypted. */
    @Nested
    class Monitors {
        @Test
        void monitorsAreUpsertedListedAndDeleted() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            var spec = dev.vigil.core.spec.SpecCodec.parseJson("{\"name\": \"a\", \"type\": \"model_activity\"}", "t");
            assertThat(store.monitors().upsert("m", "v1", "a", spec)).isEqualTo(Change.CREATED);
            assertThat(store.monitors().upsert("m", "v1", "a", spec)).isEqualTo(Change.UNCHANGED);
            var other = dev.vigil.core.spec.SpecCodec.parseJson("{\"name\": \"a\", \"type\": \"missing_values\"}", "t");
            assertThat(store.monitors().upsert("m", "v1", "a", other)).isEqualTo(Change.UPDATED);
            assertThat(store.monitors().list("m", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("a", other));
            assertThatThrownBy(() -> store.monitors().upsert("m", "v9", "a", spec))
                    .isInstanceOf(VigilNotFoundException.class);
            assertThat(store.monitors().delete("m", "v1", "a")).isTrue();
            assertThat(store.monitors().delete("m", "v1", "a")).isFalse();
            assertThat(store.monitors().list("m", "v1")).isEmpty();
        }

        @Test
        void actionUrlsAreStoredEncryptedAndGivenBackInTheClear() throws SQLException {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            String slack = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";
            String hook = "https://alerts.example.com/hook?key=another-secret";
            var spec = dev.vigil.core.spec.SpecCodec.parseJson(
                    "{\"name\": \"a\", \"type\": \"model_activity\", \"actions\": [{\"type\": \"slack\", \"url\": \""
                            + slack + "\"}, {\"type\": \"webhook\", \"url\": \"" + hook
                            + "\"}, {\"type\": \"email\", \"to\": [\"oncall@example.com\"]}]}",
                    "t");
            assertThat(store.monitors().upsert("m", "v1", "a", spec)).isEqualTo(Change.CREATED);
            assertThat(store.monitors().upsert("m", "v1", "a", spec))
                    .as("the same URLs are no change, although each encryption differs")
                    .isEqualTo(Change.UNCHANGED);
            assertThat(store.monitors().list("m", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("a", spec));
            String raw = rawMonitorSpec();
            assertThat(raw)
                    .doesNotContain("hooks.slack.com")
                    .doesNotContain("secret")
                    .doesNotContain("\"url\"")
                    .contains("\"url_enc\":\"v2:")
                    .contains("oncall@example.com");

            // A monitor stored in the clear (schema V6) is encrypted when the metastore opens,
            // and still reads the same.
            try (Connection c = connectRaw();
                    PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = ?")) {
                ps.setString(1, spec.toString());
                ps.executeUpdate();
            }
            assertThat(rawMonitorSpec()).contains("hooks.slack.com");
            store.close();
            store = openStore();
            assertThat(rawMonitorSpec()).doesNotContain("hooks.slack.com").doesNotContain("secret");
            assertThat(store.monitors().list("m", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("a", spec));
        }

        @Test
        void actionKeysAreStoredEncryptedBoundToTheirActionAndGivenBackInTheClear() throws SQLException {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            String pagerduty = "0123456789abcdefPDSECRET01234567";
            String opsgenie = "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d";
            var spec = dev.vigil.core.spec.SpecCodec.parseJson(
                    "{\"name\": \"a\", \"type\": \"model_activity\", \"actions\": [{\"type\": \"pagerduty\", \"url\":"
                            + " \"https://events.pagerduty.com/v2/enqueue\", \"key\": \"" + pagerduty + "\"},"
                            + " {\"type\": \"opsgenie\", \"url\": \"https://api.eu.opsgenie.com\", \"key\": \""
                            + opsgenie + "\"}]}",
                    "t");
            assertThat(store.monitors().upsert("m", "v1", "a", spec)).isEqualTo(Change.CREATED);
            assertThat(store.monitors().upsert("m", "v1", "a", spec)).isEqualTo(Change.UNCHANGED);
            assertThat(store.monitors().list("m", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("a", spec));
            String raw = rawMonitorSpec();
            assertThat(raw)
                    .doesNotContain("PDSECRET")
                    .doesNotContain(opsgenie)
                    .doesNotContain("\"key\"")
                    .contains("\"key_enc\":\"v2:");
            // a key's ciphertext moved to the URL's place (or another action's) does not decrypt
            var sealed = (com.fasterxml.jackson.databind.node.ObjectNode)
                    dev.vigil.core.spec.SpecCodec.parseJson(raw, "raw");
            var first = (com.fasterxml.jackson.databind.node.ObjectNode)
                    sealed.path("actions").get(0);
            var second = (com.fasterxml.jackson.databind.node.ObjectNode)
                    sealed.path("actions").get(1);
            String key0 = first.get("key_enc").asText();
            first.put("key_enc", second.get("key_enc").asText());
            second.put("key_enc", key0);
            try (Connection c = connectRaw();
                    PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = ?")) {
                ps.setString(1, sealed.toString());
                ps.executeUpdate();
            }
            assertThatThrownBy(() -> store.monitors().list("m", "v1")).isInstanceOf(VigilStateException.class);
        }

        private String rawMonitorSpec() throws SQLException {
            try (Connection c = connectRaw();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT spec FROM monitors")) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Metastore.rotateMasterKey: every secret moves from key A to key B in one transaction, or none does. */
    @Nested
    class KeyRotation {
        static final String SLACK = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";
        static final String HOOK = "https://alerts.example.com/hook?key=another-secret";

        private final SecretCipher newKey = SecretCipher.of(SecretCipher.newKey());

        /** Two datasets with a password, one without, and a monitor with two action URLs and an e-mail action. */
        private com.fasterxml.jackson.databind.JsonNode storeSecrets() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.versions().upsert(version("fraud", "v2"));
            store.versions().upsert(version("fraud", "v3"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));
            store.datasets().upsert("fraud", "v2", serving(PASSWORD + "-v2"));
            store.datasets().upsert("fraud", "v3", serving(null));
            var spec = dev.vigil.core.spec.SpecCodec.parseJson(
                    "{\"name\": \"drift\", \"type\": \"model_activity\", \"actions\": [{\"type\": \"slack\","
                            + " \"url\": \"" + SLACK + "\"}, {\"type\": \"email\", \"to\": [\"oncall@example.com\"]},"
                            + " {\"type\": \"webhook\", \"url\": \"" + HOOK + "\"}]}",
                    "t");
            store.monitors().upsert("fraud", "v1", "drift", spec);
            return spec;
        }

        @Test
        void everySecretReadsWithTheNewKeyAndNoneWithTheOld() throws SQLException {
            var spec = storeSecrets();

            Metastore.RotatedSecrets rotated = store.rotateMasterKey(newKey);

            assertThat(rotated).isEqualTo(new Metastore.RotatedSecrets(2, 2));
            store = openStore(newKey);
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .contains(serving(PASSWORD));
            assertThat(store.datasets().find("fraud", "v2", DatasetKind.SERVING))
                    .contains(serving(PASSWORD + "-v2"));
            assertThat(store.datasets().find("fraud", "v3", DatasetKind.SERVING))
                    .contains(serving(null));
            assertThat(store.monitors().list("fraud", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("drift", spec));
            // The raw ciphertexts, checked with each cipher directly: B opens them, A opens none.
            Map<String, String> raw = rawSecrets();
            assertThat(raw).hasSize(4);
            Map<String, String> plain = Map.of(
                    "dataset fraud|v1|serving", PASSWORD,
                    "dataset fraud|v2|serving", PASSWORD + "-v2",
                    "monitor fraud|v1|drift|action 0", SLACK,
                    "monitor fraud|v1|drift|action 2", HOOK);
            assertThat(raw.keySet()).isEqualTo(plain.keySet());
            raw.forEach((row, enc) -> {
                assertThat(enc).startsWith("v2:");
                assertThat(newKey.decrypt(enc, row)).isEqualTo(plain.get(row));
                assertThatThrownBy(() -> storeKey().decrypt(enc, row)).isInstanceOf(VigilStateException.class);
            });
            store.close();
            store = openStore();
            assertThatThrownBy(() -> store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .isInstanceOf(VigilStateException.class);
            assertThatThrownBy(() -> store.monitors().list("fraud", "v1")).isInstanceOf(VigilStateException.class);
        }

        @Test
        void anActionKeyMovesToTheNewKeyBoundToItsAction() throws SQLException {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            String pagerduty = "0123456789abcdefPDSECRET01234567";
            var spec = dev.vigil.core.spec.SpecCodec.parseJson(
                    "{\"name\": \"page\", \"type\": \"model_activity\", \"actions\": [{\"type\": \"pagerduty\","
                            + " \"url\": \"https://events.pagerduty.com/v2/enqueue\", \"key\": \"" + pagerduty
                            + "\"}]}",
                    "t");
            store.monitors().upsert("fraud", "v1", "page", spec);

            assertThat(store.rotateMasterKey(newKey))
                    .as("no password; the URL and the key")
                    .isEqualTo(new Metastore.RotatedSecrets(0, 2));
            store = openStore(newKey);
            assertThat(store.monitors().list("fraud", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("page", spec));
            String enc;
            try (Connection c = connectRaw();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT spec FROM monitors")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).doesNotContain("PDSECRET");
                enc = dev.vigil.core.spec.SpecCodec.parseJson(rs.getString(1), "raw")
                        .path("actions")
                        .get(0)
                        .path("key_enc")
                        .asText();
            }
            String row = MonitorRepository.keyRow("fraud", "v1", "page", 0);
            assertThat(newKey.decrypt(enc, row)).isEqualTo(pagerduty);
            assertThatThrownBy(() -> storeKey().decrypt(enc, row)).isInstanceOf(VigilStateException.class);
            assertThatThrownBy(() -> newKey.decrypt(enc, MonitorRepository.row("fraud", "v1", "page", 0)))
                    .as("not the URL's row")
                    .isInstanceOf(VigilStateException.class);
        }

        @Test
        void aPasswordThatDoesNotDecryptStopsTheRotationAndNothingChanges() throws SQLException {
            var spec = storeSecrets();
            String foreign = SecretCipher.of(SecretCipher.newKey()).encrypt("other", "dataset fraud|v2|serving");
            try (Connection c = connectRaw();
                    PreparedStatement ps =
                            c.prepareStatement("UPDATE datasets SET password_enc = ? WHERE version = 'v2'")) {
                ps.setString(1, foreign);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            Map<String, String> before = rawSecrets();

            assertThatThrownBy(() -> store.rotateMasterKey(newKey))
                    .isInstanceOf(VigilStateException.class)
                    .hasMessage("Cannot rotate the master key: the password of dataset fraud/v2/serving does not"
                            + " decrypt with the current master key; nothing was changed");

            assertThat(rawSecrets()).isEqualTo(before);
            store = openStore();
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .contains(serving(PASSWORD));
            assertThat(store.monitors().list("fraud", "v1"))
                    .containsExactly(new MonitorRepository.StoredMonitor("drift", spec));
        }

        @Test
        void anActionUrlThatDoesNotDecryptStopsTheRotationAndNothingChanges() throws SQLException {
            storeSecrets();
            String raw = rawSecrets().get("monitor fraud|v1|drift|action 2");
            String foreign = SecretCipher.of(SecretCipher.newKey()).encrypt(HOOK, "monitor fraud|v1|drift|action 2");
            try (Connection c = connectRaw();
                    PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = REPLACE(spec, ?, ?)")) {
                ps.setString(1, raw);
                ps.setString(2, foreign);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            Map<String, String> before = rawSecrets();
            assertThat(before).containsEntry("monitor fraud|v1|drift|action 2", foreign);

            assertThatThrownBy(() -> store.rotateMasterKey(newKey))
                    .isInstanceOf(VigilStateException.class)
                    .hasMessage("Cannot rotate the master key: the URL of action #3 of monitor fraud/v1/drift does not"
                            + " decrypt with the current master key; nothing was changed");

            assertThat(rawSecrets()).isEqualTo(before);
            store = openStore();
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .contains(serving(PASSWORD));
            assertThat(store.datasets().find("fraud", "v2", DatasetKind.SERVING))
                    .contains(serving(PASSWORD + "-v2"));
        }

        /** Every stored ciphertext by the row it is bound to, read with plain JDBC. */
        private Map<String, String> rawSecrets() throws SQLException {
            Map<String, String> out = new java.util.TreeMap<>();
            try (Connection c = connectRaw();
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT model_id, version, kind, password_enc FROM datasets WHERE password_enc IS NOT NULL")) {
                    while (rs.next()) {
                        out.put(
                                "dataset " + rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3),
                                rs.getString(4));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT model_id, version, name, spec FROM monitors")) {
                    while (rs.next()) {
                        var actions = dev.vigil.core.spec.SpecCodec.parseJson(rs.getString(4), "raw")
                                .path("actions");
                        for (int i = 0; i < actions.size(); i++) {
                            if (actions.get(i).has("url_enc")) {
                                out.put(
                                        "monitor " + rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3)
                                                + "|action " + i,
                                        actions.get(i).get("url_enc").asText());
                            }
                        }
                    }
                }
            }
            return out;
        }
    }

    /** AlertRepository: at most one alert per monitor, field, segment and window, and its status. */
    @Nested
    class Alerts {
        @Test
        void anAlertIsRaisedOncePerWindowAndResolvesWhenItsConditionClears() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            AlertRepository alerts = store.alerts();
            AlertRepository.Raised first = alerts.raise(draft("amount", "2026-03-08T00:00:00Z", 0.3));
            assertThat(first.created()).isTrue();
            assertThat(first.alert().status()).isEqualTo(Alert.Status.OPEN);
            AlertRepository.Raised again = alerts.raise(draft("amount", "2026-03-08T00:00:00Z", 0.4));
            assertThat(again.created()).as("a re-run of the window").isFalse();
            assertThat(again.alert().id()).isEqualTo(first.alert().id());
            assertThat(again.alert().value()).isEqualTo(0.4);
            alerts.raise(draft("owner", "2026-03-08T00:00:00Z", 0.2));
            assertThat(alerts.resolveCleared("m", "v1", "drift", "amount", "", Instant.parse("2026-03-08T01:00:00Z")))
                    .isEqualTo(1);
            assertThat(alerts.find(first.alert().id()).orElseThrow().status()).isEqualTo(Alert.Status.RESOLVED);
            assertThat(alerts.list(Optional.of("m"), Optional.of(Alert.Status.OPEN), 100))
                    .extracting(Alert::field)
                    .containsExactly("owner");
            AlertRepository.Raised reraised = alerts.raise(draft("amount", "2026-03-08T00:00:00Z", 0.5));
            assertThat(reraised.alert().status())
                    .as("re-evaluated and firing again: a later window cleared it, so it stays resolved")
                    .isEqualTo(Alert.Status.RESOLVED);
            assertThat(reraised.alert().resolvedAt()).isNotNull();
            assertThat(reraised.alert().value()).isEqualTo(0.5);
            assertThatThrownBy(() -> alerts.setStatus(first.alert().id(), Alert.Status.ACKNOWLEDGED))
                    .as("a stale acknowledge button cannot reopen a resolved alert")
                    .hasMessageContaining("is resolved already");
            String owner = alerts.list(Optional.of("m"), Optional.of(Alert.Status.OPEN), 10)
                    .get(0)
                    .id();
            Alert acked = alerts.setStatus(owner, Alert.Status.ACKNOWLEDGED);
            assertThat(acked.status()).isEqualTo(Alert.Status.ACKNOWLEDGED);
            assertThat(alerts.raise(draft("owner", "2026-03-08T00:00:00Z", 0.6))
                            .alert()
                            .status())
                    .isEqualTo(Alert.Status.ACKNOWLEDGED);
            assertThatThrownBy(() -> alerts.setStatus("alert_none", Alert.Status.RESOLVED))
                    .isInstanceOf(VigilNotFoundException.class);
        }
    }

    /** DeliveryRepository: the notification outbox, once per alert group and action, with every attempt. */
    @Nested
    class Deliveries {
        @Test
        void notificationsGoOncePerGroupAndRecordEveryAttempt() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            AlertRepository alerts = store.alerts();
            DeliveryRepository deliveries = store.deliveries();
            Alert h0 =
                    alerts.raise(draft("amount", "2026-03-08T00:00:00Z", 0.3)).alert();
            Alert h5 =
                    alerts.raise(draft("amount", "2026-03-08T05:00:00Z", 0.3)).alert();
            Alert nextDay =
                    alerts.raise(draft("amount", "2026-03-09T05:00:00Z", 0.3)).alert();
            assertThat(deliveries.enqueue(h0, 0, "webhook")).isTrue();
            assertThat(deliveries.enqueue(h0, 1, "slack")).isTrue();
            assertThat(deliveries.enqueue(h5, 0, "webhook"))
                    .as("same monitor, field, segment and day")
                    .isFalse();
            assertThat(deliveries.enqueue(nextDay, 0, "webhook")).isTrue();
            Instant retry = Instant.parse("2100-01-01T00:00:00Z");
            assertThat(deliveries.due(retry.minusSeconds(1), 10)).hasSize(3);
            DeliveryRepository.Delivery webhook = deliveries.list(h0.id()).get(0);
            deliveries.attempted(webhook.id(), false, "HTTP 500", Optional.of(retry));
            assertThat(deliveries.due(retry.minusSeconds(1), 10))
                    .extracting(DeliveryRepository.Delivery::id)
                    .as("not due before its retry")
                    .doesNotContain(webhook.id())
                    .hasSize(2);
            assertThat(deliveries.due(retry, 10))
                    .extracting(DeliveryRepository.Delivery::id)
                    .contains(webhook.id());
            deliveries.attempted(webhook.id(), true, "HTTP 200", Optional.empty());
            assertThat(deliveries.attempts(webhook.id())).containsExactly("HTTP 500", "HTTP 200");
            assertThat(deliveries.list(h0.id()).get(0).status()).isEqualTo("DELIVERED");
            assertThat(deliveries.list(h0.id()).get(0).attempts()).isEqualTo(2);
            DeliveryRepository.Delivery slack = deliveries.list(h0.id()).get(1);
            deliveries.attempted(slack.id(), false, "connection refused", Optional.empty());
            assertThat(deliveries.list(h0.id()).get(1).status()).isEqualTo("FAILED");
        }

        @Test
        void deliveriesQueuedWithTheAlertAreHeldUntilReleasedAndSkippedWhenItResolvedMeanwhile() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            AlertRepository alerts = store.alerts();
            DeliveryRepository deliveries = store.deliveries();
            Instant held = Instant.parse("2100-01-01T00:00:00Z");
            AlertRepository.Raised open =
                    alerts.raise(draft("amount", "2026-03-08T00:00:00Z", 0.3), List.of("webhook", "email"), held);
            AlertRepository.Raised cleared =
                    alerts.raise(draft("owner", "2026-03-08T00:00:00Z", 0.3), List.of("webhook"), held);
            assertThat(open.deliveries()).hasSize(2);
            assertThat(alerts.raise(draft("amount", "2026-03-08T05:00:00Z", 0.3), List.of("webhook", "email"), held)
                            .deliveries())
                    .as("the same monitor, field, segment and day: no second notification")
                    .isEmpty();
            assertThat(deliveries.due(held.minusSeconds(1), 10)).as("held").isEmpty();
            alerts.resolveCleared("m", "v1", "drift", "owner", "", Instant.parse("2026-03-08T01:00:00Z"));
            List<String> all = new ArrayList<>(open.deliveries());
            all.addAll(cleared.deliveries());
            assertThat(deliveries.release(all)).isEqualTo(2);
            assertThat(deliveries.due(held.minusSeconds(1), 10))
                    .extracting(DeliveryRepository.Delivery::alertId)
                    .containsOnly(open.alert().id())
                    .hasSize(2);
            DeliveryRepository.Delivery skipped =
                    deliveries.list(cleared.alert().id()).get(0);
            assertThat(skipped.status()).isEqualTo("SKIPPED");
            assertThat(deliveries.attempts(skipped.id()))
                    .containsExactly(
                            "not sent: the alert was resolved in the same evaluation (a later window was clean)");
        }

        @Test
        void resolvingAnAlertQueuesResolvesForPagerDutyAndOpsgenieDueOnceTheirOpeningWasDelivered() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            AlertRepository alerts = store.alerts();
            DeliveryRepository deliveries = store.deliveries();
            AlertRepository.Raised raised = alerts.raise(
                    draft("amount", "2026-03-08T00:00:00Z", 0.3),
                    List.of("pagerduty", "webhook", "opsgenie", "slack", "email", "teams"),
                    Instant.EPOCH);
            String id = raised.alert().id();
            assertThat(deliveries.list(id))
                    .extracting(DeliveryRepository.Delivery::kind)
                    .containsExactly("open", "open", "open", "open", "open", "open");
            Instant later = Instant.parse("2100-01-01T00:00:00Z");
            List<DeliveryRepository.Delivery> openings = deliveries.list(id);
            deliveries.attempted(openings.get(0).id(), true, "HTTP 202 (trigger)", Optional.empty());

            alerts.setStatus(id, Alert.Status.RESOLVED);

            List<DeliveryRepository.Delivery> all = deliveries.list(id);
            assertThat(all)
                    .extracting(d -> d.actionIndex() + " " + d.channel() + " " + d.kind() + " " + d.status())
                    .containsExactly(
                            "0 pagerduty open DELIVERED",
                            "0 pagerduty resolve PENDING",
                            "1 webhook open PENDING",
                            "2 opsgenie open PENDING",
                            "2 opsgenie resolve PENDING",
                            "3 slack open PENDING",
                            "4 email open PENDING",
                            "5 teams open PENDING");
            String pagerDutyResolve = all.get(1).id();
            String opsgenieResolve = all.get(4).id();
            assertThat(deliveries.due(later, 20))
                    .extracting(DeliveryRepository.Delivery::id)
                    .as("PagerDuty's opening was delivered; Opsgenie's is still pending")
                    .contains(pagerDutyResolve)
                    .doesNotContain(opsgenieResolve);
            deliveries.attempted(openings.get(2).id(), true, "HTTP 202 (create)", Optional.empty());
            assertThat(deliveries.due(later, 20))
                    .extracting(DeliveryRepository.Delivery::id)
                    .contains(pagerDutyResolve, opsgenieResolve);

            alerts.setStatus(id, Alert.Status.RESOLVED);
            assertThat(deliveries.list(id))
                    .as("resolved again: nothing more to send")
                    .hasSize(8);
            deliveries.attempted(pagerDutyResolve, true, "HTTP 202 (resolve)", Optional.empty());
            assertThat(deliveries.list(id).get(1).status()).isEqualTo("DELIVERED");
        }

        @Test
        void aResolveIsSkippedWhenItsOpeningFailedOrWasSkippedAndNotQueuedAfterItFailed() {
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(version("m", "v1"));
            AlertRepository alerts = store.alerts();
            DeliveryRepository deliveries = store.deliveries();
            Instant later = Instant.parse("2100-01-01T00:00:00Z");
            String cleared = alerts.raise(
                            draft("amount", "2026-03-08T00:00:00Z", 0.3),
                            List.of("pagerduty", "opsgenie"),
                            Instant.EPOCH)
                    .alert()
                    .id();
            assertThat(alerts.resolveCleared("m", "v1", "drift", "amount", "", Instant.parse("2026-03-08T01:00:00Z")))
                    .isEqualTo(1);
            List<DeliveryRepository.Delivery> queued = deliveries.list(cleared);
            assertThat(queued)
                    .extracting(d -> d.channel() + " " + d.kind())
                    .as("a clean window queues the resolves too")
                    .containsExactly("pagerduty open", "pagerduty resolve", "opsgenie open", "opsgenie resolve");
            deliveries.attempted(queued.get(0).id(), false, "delivery failed", Optional.empty());
            deliveries.skipped(queued.get(2).id(), "not sent: the alert was resolved before it could be sent");
            List<DeliveryRepository.Delivery> settled = deliveries.list(cleared);
            assertThat(settled)
                    .extracting(DeliveryRepository.Delivery::status)
                    .containsExactly("FAILED", "SKIPPED", "SKIPPED", "SKIPPED");
            String nothing = "not sent: the alert's opening was not delivered, so there is nothing to resolve";
            assertThat(deliveries.attempts(settled.get(1).id())).containsExactly(nothing);
            assertThat(deliveries.attempts(settled.get(3).id())).containsExactly(nothing);
            assertThat(deliveries.due(later, 20)).isEmpty();

            String failedFirst = alerts.raise(
                            draft("owner", "2026-03-08T00:00:00Z", 0.3), List.of("pagerduty"), Instant.EPOCH)
                    .alert()
                    .id();
            deliveries.attempted(deliveries.list(failedFirst).get(0).id(), false, "delivery failed", Optional.empty());
            alerts.setStatus(failedFirst, Alert.Status.RESOLVED);
            assertThat(deliveries.list(failedFirst))
                    .extracting(DeliveryRepository.Delivery::kind)
                    .as("its opening failed before it resolved: no resolve queued")
                    .containsExactly("open");

            Instant held = Instant.parse("2099-01-01T00:00:00Z");
            AlertRepository.Raised sameEvaluation =
                    alerts.raise(draft("city", "2026-03-08T00:00:00Z", 0.3), List.of("pagerduty"), held);
            alerts.resolveCleared("m", "v1", "drift", "city", "", Instant.parse("2026-03-08T01:00:00Z"));
            assertThat(deliveries.release(sameEvaluation.deliveries())).isZero();
            assertThat(deliveries.list(sameEvaluation.alert().id()))
                    .extracting(d -> d.kind() + " " + d.status())
                    .as("raised and cleared in one evaluation: neither the opening nor its resolve is sent")
                    .containsExactly("open SKIPPED", "resolve SKIPPED");
        }
    }

    /** TokenRepository: API tokens, of which only a hash is stored. */
    @Nested
    class Tokens {
        @Test
        void aCreatedTokenAuthenticates() {
            assertThat(store.tokens().isEmpty()).isTrue();
            NewToken created = store.tokens().create("ci", Role.EDITOR, null);

            assertThat(created.token()).startsWith("vgl_").hasSize(4 + 43).doesNotContain("=");
            assertThat(created.toString()).doesNotContain(created.token().substring(4));
            assertThat(created.info().id()).matches("tok_[0-9a-f]{8}");
            assertThat(created.info().createdAt()).isEqualTo(Instant.parse("2026-03-08T07:30:00.123456Z"));
            assertThat(created.info().lastUsedAt()).isNull();
            assertThat(store.tokens().isEmpty()).isFalse();

            clock.advance(Duration.ofMinutes(5));
            TokenInfo used = store.tokens().authenticate(created.token()).orElseThrow();
            assertThat(used.id()).isEqualTo(created.info().id());
            assertThat(used.name()).isEqualTo("ci");
            assertThat(used.lastUsedAt()).isEqualTo(Instant.parse("2026-03-08T07:35:00.123456Z"));
            assertThat(store.tokens().list()).containsExactly(used);
        }

        @Test
        void aWrongTokenDoesNotAuthenticate() {
            NewToken created = store.tokens().create("ci", Role.EDITOR, null);
            assertThat(store.tokens().authenticate(created.token() + "x")).isEmpty();
            assertThat(store.tokens().authenticate("vgl_nope")).isEmpty();
            assertThat(store.tokens().authenticate("")).isEmpty();
            assertThat(store.tokens().authenticate(null)).isEmpty();
        }

        @Test
        void ensureIsIdempotent() {
            store.tokens().ensureBootstrapAdmin(ADMIN_TOKEN);
            store.tokens().ensureBootstrapAdmin(ADMIN_TOKEN);

            assertThat(store.tokens().list()).hasSize(1);
            assertThat(store.tokens().authenticate(ADMIN_TOKEN)).hasValueSatisfying(t -> {
                assertThat(t.name()).isEqualTo("admin");
                assertThat(t.role()).isEqualTo(Role.ADMIN);
                assertThat(t.bootstrap()).isTrue();
            });
        }

        @Test
        void aNewAdminTokenRevokesThePreviousOneAndNoOther() {
            NewToken generated = store.tokens().createBootstrapAdmin();
            NewToken ci = store.tokens().create("ci", Role.ADMIN, null);
            clock.advance(Duration.ofMinutes(1));

            assertThat(store.tokens().ensureBootstrapAdmin(ADMIN_TOKEN)).isEqualTo(1);
            assertThat(store.tokens().authenticate(generated.token())).isEmpty();
            assertThat(store.tokens().ensureBootstrapAdmin(ADMIN_TOKEN + "-rotated"))
                    .isEqualTo(1);

            assertThat(store.tokens().authenticate(ADMIN_TOKEN)).isEmpty();
            assertThat(store.tokens().authenticate(ADMIN_TOKEN + "-rotated")).isPresent();
            assertThat(store.tokens().authenticate(ci.token())).isPresent();
            assertThat(store.tokens().list()).extracting(TokenInfo::name).containsExactly("ci", "admin");
        }

        @Test
        void theAdminTokenOfAServerFromBeforeRolesIsAdoptedAndRotatesLikeAnyOther() {
            // what V7 leaves of a token the server stored for itself: named admin, an admin, not marked bootstrap
            NewToken old = store.tokens().create("admin", Role.ADMIN, null);
            NewToken other = store.tokens().create("admin-by-hand", Role.ADMIN, null);
            assertThat(old.info().bootstrap()).isFalse();

            assertThat(store.tokens().ensureBootstrapAdmin(old.token())).isZero();
            assertThat(store.tokens().authenticate(old.token()))
                    .hasValueSatisfying(t -> assertThat(t.bootstrap()).isTrue());

            assertThat(store.tokens().ensureBootstrapAdmin(ADMIN_TOKEN)).isEqualTo(1);
            assertThat(store.tokens().authenticate(old.token())).isEmpty();
            assertThat(store.tokens().authenticate(other.token()))
                    .as("not the server's own")
                    .isPresent();
        }

        @Test
        void aShortOrReusedAdminTokenIsRefusedAndNothingIsStored() {
            NewToken ci = store.tokens().create("ci", Role.VIEWER, null);
            assertThatThrownBy(() -> store.tokens().ensureBootstrapAdmin("vgl_short"))
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessage("VIGIL_ADMIN_TOKEN: expected at least 32 characters (e.g. the output of"
                            + " `openssl rand -base64 32`), got 9");
            assertThatThrownBy(() -> store.tokens().ensureBootstrapAdmin(ci.token()))
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessage("VIGIL_ADMIN_TOKEN: is already stored as the token 'ci'; choose a new value for the"
                            + " admin token");
            assertThat(store.tokens().list()).extracting(TokenInfo::name).containsExactly("ci");
            assertThat(store.tokens().list().get(0).role()).isEqualTo(Role.VIEWER);
        }

        @Test
        void aTokenStopsAtItsExpiry() {
            Instant expiry = Instant.parse("2026-03-09T07:30:00.123456Z"); // a day after the clock's now, as stored
            NewToken created = store.tokens().create("temp", Role.VIEWER, Duration.ofDays(1));
            assertThat(created.info().expiresAt()).isEqualTo(expiry);
            assertThat(store.tokens().authenticate(created.token())).isPresent();
            assertThat(store.tokens().findValid(created.info().id())).isPresent();
            assertThat(store.tokens().expired(created.token())).isEmpty();

            clock.advance(Duration.ofDays(1));

            assertThat(store.tokens().authenticate(created.token())).isEmpty();
            assertThat(store.tokens().findValid(created.info().id())).isEmpty();
            assertThat(store.tokens().expired(created.token()))
                    .hasValueSatisfying(t -> assertThat(t.name()).isEqualTo("temp"));
            assertThat(store.tokens().list()).extracting(TokenInfo::expiresAt).containsExactly(expiry);
        }

        @Test
        void aRevokedTokenNoLongerAuthenticates() {
            NewToken kept = store.tokens().create("kept", Role.VIEWER, null);
            NewToken revoked = store.tokens().create("revoked", Role.VIEWER, null);

            assertThat(store.tokens().revoke(revoked.info().id())).isTrue();
            assertThat(store.tokens().revoke(revoked.info().id())).isFalse();

            assertThat(store.tokens().authenticate(revoked.token())).isEmpty();
            assertThat(store.tokens().authenticate(kept.token())).isPresent();
            assertThat(store.tokens().list()).extracting(TokenInfo::name).containsExactly("kept");
            store.tokens().revoke(kept.info().id());
            assertThat(store.tokens().isEmpty()).isTrue();
        }

        @Test
        void onlyTheHashOfATokenIsStored() throws SQLException {
            NewToken created = store.tokens().create("ci", Role.EDITOR, null);
            assertThat(store.tokens().list().toString())
                    .doesNotContain(created.token())
                    .doesNotContain(TokenRepository.hash(created.token()));
            try (Connection c = connectRaw();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM api_tokens")) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String value = rs.getString(i);
                    if (value != null) {
                        assertThat(value).doesNotContain(created.token().substring(4));
                    }
                }
                assertThat(rs.getString("token_hash")).isEqualTo(TokenRepository.hash(created.token()));
            }
        }
    }

    /** AuditRepository: what was asked of the server, newest first. */
    @Nested
    class Audit {
        @Test
        void entriesComeBackNewestFirstAndPageBack() {
            for (int i = 0; i < 5; i++) {
                store.audit()
                        .record(new AuditEntry(
                                0,
                                clock.instant(),
                                "tok_0000000" + i,
                                "ci",
                                Role.EDITOR,
                                "PUT",
                                "/api/v1/models/m" + i,
                                200,
                                "127.0.0.1"));
                clock.advance(Duration.ofMinutes(1));
            }
            store.audit()
                    .record(new AuditEntry(
                            0, clock.instant(), null, null, null, "POST", "/api/v1/tokens", 401, "10.0.0.9"));

            List<AuditEntry> newest = store.audit().list(3, null, null);
            assertThat(newest)
                    .extracting(AuditEntry::path)
                    .containsExactly("/api/v1/tokens", "/api/v1/models/m4", "/api/v1/models/m3");
            assertThat(newest.get(0).role()).isNull();
            assertThat(newest.get(0).status()).isEqualTo(401);
            assertThat(newest.get(1)).satisfies(e -> {
                assertThat(e.tokenId()).isEqualTo("tok_00000004");
                assertThat(e.role()).isEqualTo(Role.EDITOR);
                assertThat(e.method()).isEqualTo("PUT");
                assertThat(e.remote()).isEqualTo("127.0.0.1");
                assertThat(e.at()).isEqualTo(Instant.parse("2026-03-08T07:34:00.123456Z"));
            });
            assertThat(store.audit().list(10, newest.get(2).id(), null))
                    .extracting(AuditEntry::path)
                    .containsExactly("/api/v1/models/m2", "/api/v1/models/m1", "/api/v1/models/m0");
            assertThat(store.audit().list(10, null, Instant.parse("2026-03-08T07:33:00Z")))
                    .extracting(AuditEntry::path)
                    .containsExactly("/api/v1/tokens", "/api/v1/models/m4", "/api/v1/models/m3");
        }
    }

    /** LossModelRepository: DLE's loss models of a version, replaced whole by a refit (ADR 0028). */
    @Nested
    class LossModels {
        @Test
        void aRefitReplacesTheModelsAndDeletingTheVersionTakesThem() {
            store.models().upsert(new Model("price", "Price"));
            store.versions().upsert(version("price", "v1"));
            assertThat(store.lossModels().find("price", "v1")).isEmpty();
            // over a megabyte: serialized tree ensembles are large
            byte[] big = new byte[1_500_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            store.lossModels().replace("price", "v1", "training", "run-1", "4.1.1", big);
            store.lossModels().replace("price", "v1", "testing", "run-2", "4.1.1", new byte[] {1, 2, 3});

            LossModelRepository.Stored found =
                    store.lossModels().find("price", "v1").orElseThrow();
            assertThat(found.reference()).isEqualTo("testing");
            assertThat(found.referenceRun()).isEqualTo("run-2");
            assertThat(found.sparkVersion()).isEqualTo("4.1.1");
            assertThat(found.models()).containsExactly(1, 2, 3);
            assertThat(found.fittedAt()).isNotNull();

            store.lossModels().replace("price", "v1", "training", "run-3", "4.1.1", big);
            assertThat(store.lossModels().find("price", "v1").orElseThrow().models())
                    .isEqualTo(big);

            store.models().delete("price");
            assertThat(store.lossModels().find("price", "v1")).isEmpty();
        }

        @Test
        void aFencedRefitOfARunNoLongerHeldWritesAndDeletesNothing() {
            store.models().upsert(new Model("price", "Price"));
            store.versions().upsert(version("price", "v1"));
            store.lossModels().replace("price", "v1", "training", "run-0", "4.1.1", new byte[] {7});
            Instant from = Instant.parse("2026-03-01T00:00:00Z");
            RunRepository.Holder holder = new RunRepository.Holder("server one", Duration.ofSeconds(60));
            Run run = store.runs().create("price", "v1", "training", from, from.plusSeconds(3600), 1, holder);
            assertThat(store.runs().start(run.id(), holder)).isTrue();
            Optional<RunFence> held = Optional.of(new RunFence(run.id(), holder.owner()));
            Optional<RunFence> other = Optional.of(new RunFence(run.id(), "server two"));

            assertThatThrownBy(() -> store.lossModels()
                            .replace("price", "v1", "training", run.id(), "4.1.1", new byte[] {8}, other))
                    .isInstanceOf(RunFence.Lost.class);
            assertThatThrownBy(() -> store.lossModels().delete("price", "v1", other))
                    .isInstanceOf(RunFence.Lost.class);
            assertThat(store.lossModels().find("price", "v1").orElseThrow().models())
                    .as("neither written nor deleted")
                    .containsExactly(7);

            store.lossModels().replace("price", "v1", "training", run.id(), "4.1.1", new byte[] {8}, held);
            assertThat(store.lossModels().find("price", "v1").orElseThrow().models())
                    .containsExactly(8);
        }

        @Test
        void deleteForgetsOnlyThatVersion() {
            store.models().upsert(new Model("price", "Price"));
            store.versions().upsert(version("price", "v1"));
            store.versions().upsert(version("price", "v2"));
            store.lossModels().replace("price", "v1", "training", "run-1", "4.1.1", new byte[] {1});
            store.lossModels().replace("price", "v2", "training", "run-2", "4.1.1", new byte[] {2});

            assertThat(store.lossModels().delete("price", "v1")).isTrue();
            assertThat(store.lossModels().delete("price", "v1")).isFalse();
            assertThat(store.lossModels().find("price", "v1")).isEmpty();
            assertThat(store.lossModels().find("price", "v2").orElseThrow().models())
                    .containsExactly(2);
        }
    }

    /** The store as a whole: missing things, the clock, restarts and its description. */
    @Nested
    class TheStore {
        @Test
        void missingThingsAreEmpty() {
            assertThat(store.models().find("nope")).isEmpty();
            assertThat(store.versions().find("nope", "v1")).isEmpty();
            assertThat(store.versions().list("nope")).isEmpty();
            assertThat(store.datasets().find("nope", "v1", DatasetKind.SERVING)).isEmpty();
            assertThat(store.datasets().list("nope", "v1")).isEmpty();
            assertThat(store.models().delete("nope")).isFalse();
            assertThat(store.versions().delete("nope", "v1")).isFalse();
            assertThat(store.datasets().delete("nope", "v1", DatasetKind.SERVING))
                    .isFalse();
        }

        @Test
        void timestampsComeFromTheClock() throws SQLException {
            store.models().upsert(new Model("fraud", "Fraud"));
            clock.advance(Duration.ofHours(1));
            store.models().upsert(new Model("fraud", "Fraud v2"));
            try (Connection c = connectRaw();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT created_at, updated_at FROM models")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("created_at", java.time.OffsetDateTime.class)
                                .toInstant())
                        .isEqualTo(Instant.parse("2026-03-08T07:30:00.123456Z"));
                assertThat(rs.getObject("updated_at", java.time.OffsetDateTime.class)
                                .toInstant())
                        .isEqualTo(Instant.parse("2026-03-08T08:30:00.123456Z"));
            }
        }

        @Test
        void reopeningKeepsTheData() {
            store.models().upsert(new Model("fraud", "Fraud"));
            store.versions().upsert(version("fraud", "v1"));
            store.datasets().upsert("fraud", "v1", serving(PASSWORD));
            NewToken token = store.tokens().create("ci", Role.EDITOR, null);
            store.close();

            store = openStore();

            assertThat(store.models().list()).containsExactly(new Model("fraud", "Fraud"));
            assertThat(store.versions().find("fraud", "v1")).contains(version("fraud", "v1"));
            assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                    .contains(serving(PASSWORD));
            assertThat(store.tokens().authenticate(token.token())).isPresent();
        }

        @Test
        void describeNamesTheStoreButNoPassword() {
            assertThat(store.describe()).isNotBlank().doesNotContain(PASSWORD);
            assertThat(store.toString()).contains(store.describe());
        }
    }

    // ---- fixtures ----------------------------------------------------------------------------------

    private static StoredProfile profile(String start, String segment, String field, int marker) {
        Instant s = Instant.parse(start);
        return new StoredProfile(s, s.plusSeconds(3600), segment, field, new byte[] {(byte) marker, 1, 2});
    }

    private static Alert draft(String field, String windowStart, double value) {
        Instant start = Instant.parse(windowStart);
        return new Alert(
                null,
                "m",
                "v1",
                "drift",
                field,
                "",
                start,
                start.plusSeconds(3600),
                "drift_score",
                value,
                0.1,
                null,
                "high",
                null,
                "drift_score " + value + " above 0.1",
                null,
                null,
                null);
    }

    static ModelVersion version(String modelId, String version) {
        Schema schema = Schema.builder()
                .feature("amount", FieldType.numeric())
                .feature("country", FieldType.string())
                .prediction("score", FieldType.numeric())
                .build();
        return new ModelVersion(modelId, version, ModelType.BINARY, AggregationPeriod.HOURLY, schema);
    }

    static DatasetConnection serving(String password) {
        PostgresJdbcDataSource source = PostgresJdbcDataSource.builder()
                .url("jdbc:postgresql://db.example.com:5432/shop?sslmode=require")
                .query("SELECT id, ts, amount, country, score FROM predictions WHERE note <> 'it''s'")
                .user("vigil_reader")
                .password(password)
                .selectExpr("amount * 100 AS amount", "upper(country) AS country")
                .readOption("fetchsize", "5000")
                .readOption("spark.sql.shuffle.partitions", "8")
                .sampleSize(0.25)
                .build();
        return new DatasetConnection(
                DatasetKind.SERVING,
                source,
                "id",
                "ts",
                Map.of(FieldGroup.FEATURES, Map.of("amount", "amount_cents"), FieldGroup.PREDICTIONS, Map.of()),
                Map.of("score", "is_fraud"));
    }
}
