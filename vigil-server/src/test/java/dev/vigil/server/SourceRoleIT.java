package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.ColumnMapping;
import dev.vigil.client.VersionHandle;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The source role must be read-only (issue 14 item 2, review F2 "Fix", decision 0003): the server refuses, when a
 * dataset is connected and again when a run starts, a role that can write, create objects or owns objects in the
 * schemas its query reads, unless {@code data_source.allow_writable_role} names exactly that role. Every refusal
 * also checks that nothing was stored and that the query did not run.
 */
class SourceRoleIT extends AbstractServerIT {
    private static final AtomicInteger MODELS = new AtomicInteger();

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        // another table in the same schema: writing it is writing the source, though the query never reads it
        db.execute("CREATE TABLE ml.orders (id int, note text)");
    }

    private VersionHandle version() {
        String model = "role" + MODELS.incrementAndGet();
        vigil().createModel(model, "Source role");
        return vigil().createModelVersion(model, "v1", ModelType.BINARY, ExampleSource.schema());
    }

    private TestDatabase.Credentials reader() {
        return db().createReadOnlyUser("ml", List.of("model_predictions"));
    }

    private PostgresJdbcDataSource source(TestDatabase.Credentials role, String allowWritableRole) {
        return PostgresJdbcDataSource.builder()
                .url(db().url())
                .query("SELECT * FROM ml.model_predictions")
                .user(role.user())
                .password(role.password())
                .allowWritableRole(allowWritableRole)
                .build();
    }

    private static ColumnMapping mapping() {
        return ColumnMapping.builder().feature("owner", "owner_name").build();
    }

    private static void connect(VersionHandle v, PostgresJdbcDataSource source) {
        v.connectServing(source, "prediction_id", "prediction_timestamp", mapping());
    }

    /** Refused with {@code sentence}, and no dataset stored. */
    private static void assertRefused(VersionHandle v, PostgresJdbcDataSource source, String sentence) {
        assertThatThrownBy(() -> connect(v, source))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(sentence);
        assertThat(v.datasets()).as("datasets stored after the refusal").isEmpty();
    }

    private static String refusal(String role, String what) {
        return "serving.data_source.user: role \"" + role + "\" " + what
                + "; connect Vigil with a read-only role (vigil grant-sql prints one) or set"
                + " serving.data_source.allow_writable_role: " + role;
    }

    @Test
    void aReadOnlyRoleIsAccepted() {
        VersionHandle v = version();
        connect(v, source(reader(), null));
        assertThat(v.datasets()).hasSize(1);
    }

    /** Each writing privilege, on a table the query does not even read, is refused with its own words. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GRANT INSERT ON ml.orders TO %s | can write (INSERT on ml.orders)",
                "GRANT UPDATE (note) ON ml.orders TO %s | can write (UPDATE on ml.orders)",
                "GRANT DELETE, TRUNCATE ON ml.orders TO %s | can write (DELETE, TRUNCATE on ml.orders)",
                "GRANT INSERT ON ml.model_predictions TO %s | can write (INSERT on ml.model_predictions)",
                "GRANT USAGE ON SEQUENCE ml.seq TO %s | can write (UPDATE on ml.seq)",
                "GRANT CREATE ON SCHEMA ml TO %s | can create objects in schema ml",
                "ALTER TABLE ml.orders OWNER TO %s | owns ml.orders",
                "ALTER ROLE %s CREATEDB | can create databases (CREATEDB)",
                "ALTER ROLE %s CREATEROLE | can create roles (CREATEROLE)",
            })
    void aRoleThatCanWriteIsRefusedAndNothingIsStored(String grant, String what) throws Exception {
        TestDatabase.Credentials role = reader();
        if (grant.startsWith("ALTER TABLE")) {
            // giving a table away needs membership in the role that gets it, which needs CREATE on the schema
            db().execute(
                            "GRANT " + role.user() + " TO " + db().server().adminUser(),
                            "GRANT CREATE ON SCHEMA ml TO " + role.user(),
                            grant.formatted(role.user()),
                            "REVOKE CREATE ON SCHEMA ml FROM " + role.user());
        } else {
            db().execute(grant.formatted(role.user()));
        }
        try {
            assertRefused(version(), source(role, null), refusal(role.user(), what));
        } finally {
            // ml.orders back to the test login, so that the next case starts from the same schema
            db().execute("ALTER TABLE ml.orders OWNER TO " + db().server().adminUser());
        }
    }

    /** A predefined role that writes everything counts; a long list is cut after three relations. */
    @Test
    void membershipOfPgWriteAllDataIsRefused() {
        TestDatabase.Credentials role = reader();
        db().execute("GRANT pg_write_all_data TO " + role.user());
        VersionHandle v = version();
        assertThatThrownBy(() -> connect(v, source(role, null)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.user: role \"" + role.user() + "\" can write (DELETE,"
                        + " INSERT, UPDATE on ml.model_predictions; DELETE, INSERT, UPDATE on ml.orders; ")
                .hasMessageContaining("; and 1 more relation)")
                .hasMessageEndingWith("allow_writable_role: " + role.user());
        assertThat(v.datasets()).isEmpty();
    }

    @Test
    void everyPowerIsNamedInOneSentence() {
        TestDatabase.Credentials role = reader();
        db().execute(
                        "GRANT INSERT ON ml.orders TO " + role.user(),
                        "GRANT CREATE ON SCHEMA ml TO " + role.user(),
                        "ALTER ROLE " + role.user() + " CREATEDB");
        assertRefused(
                version(),
                source(role, null),
                refusal(
                        role.user(),
                        "can write (INSERT on ml.orders), can create objects in schema ml and can create databases"
                                + " (CREATEDB)"));
    }

    @Test
    void theTestOwnerIsRefused() {
        TestDatabase.Credentials owner = new TestDatabase.Credentials(
                db().server().adminUser(), db().server().adminPassword());
        assertThatThrownBy(() -> connect(version(), source(owner, null)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.user: role \"" + owner.user() + "\" ")
                .hasMessageContaining("owns ml.model_predictions")
                .hasMessageContaining("can create roles (CREATEROLE)")
                .hasMessageEndingWith("allow_writable_role: " + owner.user());
    }

    @Test
    void theOptInByNameAcceptsThatRole() {
        TestDatabase.Credentials role = reader();
        db().execute("GRANT INSERT ON ml.orders TO " + role.user());
        VersionHandle v = version();
        connect(v, source(role, role.user()));
        List<JsonNode> stored = v.datasets();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("data_source").path("allow_writable_role").asText())
                .as("the opt-in is stored and returned")
                .isEqualTo(role.user());
    }

    @Test
    void anOptInNamingAnotherRoleIsRefused() {
        TestDatabase.Credentials role = reader();
        db().execute("GRANT INSERT ON ml.orders TO " + role.user());
        VersionHandle v = version();
        assertRefused(
                v,
                source(role, "someone_else"),
                "serving.data_source.allow_writable_role: is \"someone_else\" but the source logs in as role \""
                        + role.user() + "\", which can write (INSERT on ml.orders); it only accepts the role it"
                        + " names: connect Vigil with a read-only role (vigil grant-sql prints one) or set"
                        + " serving.data_source.allow_writable_role: " + role.user());
    }

    @Test
    void aBlankOptInIsRefusedBeforeAnyConnection() {
        VersionHandle v = version();
        assertThatThrownBy(() -> connect(v, source(reader(), " ")))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("serving.data_source.allow_writable_role: is blank");
        assertThat(v.datasets()).isEmpty();
    }

    /** A role granted a write after it was connected is refused when the run starts; the run fails and says why. */
    @Test
    void aRoleThatGainedAWriteIsRefusedWhenTheRunStarts() throws Exception {
        TestDatabase.Credentials role = reader();
        VersionHandle v = version();
        connect(v, source(role, null));
        db().execute("GRANT TRUNCATE ON ml.orders TO " + role.user());
        JsonNode run = await(vigil().startRun(
                        v.modelId(),
                        "v1",
                        "serving",
                        Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2026-01-01T01:00:00Z"))
                .get(0)
                .path("id")
                .asText());
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("failed");
        assertThat(run.path("error").asText()).contains(refusal(role.user(), "can write (TRUNCATE on ml.orders)"));
        assertThat(run.path("rows_read").asLong())
                .as("rows read before the refusal")
                .isZero();
        assertThat(vigil().metrics(v.modelId(), "v1", java.util.Map.of("dataset", "serving")))
                .as("metrics stored")
                .isEmpty();
    }
}
