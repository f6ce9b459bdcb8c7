package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import org.postgresql.PGConnection;

/** What the integration tests share: test resources, loading a CSV into PostgreSQL, the shop model. */
final class ItSupport {
    private ItSupport() {}

    /** A resource on the test classpath; fails the test if it is missing. */
    static InputStream resource(String name) {
        InputStream in = ItSupport.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    /** The JSON resource, such as the expected values a Python script computed. */
    static JsonNode json(String name) {
        try (InputStream in = resource(name)) {
            return SpecCodec.json().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
    }

    /** COPYs the CSV resource (with a header, {@code \N} for NULL) into {@code table} as the admin. */
    static void copyCsv(TestDatabase db, String table, String resource) throws Exception {
        try (Connection c = db.connectAsAdmin();
                InputStream csv = resource(resource)) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY " + table + " FROM STDIN WITH (FORMAT csv, HEADER true, NULL '\\N')",
                            new InputStreamReader(csv, StandardCharsets.UTF_8));
        }
    }

    /** A source reading {@code query} from {@code db} as {@code reader}. */
    static dev.vigil.core.model.PostgresJdbcDataSource source(
            TestDatabase db, TestDatabase.Credentials reader, String query) {
        return dev.vigil.core.model.PostgresJdbcDataSource.builder()
                .url(db.url())
                .query(query)
                .user(reader.user())
                .password(reader.password())
                .build();
    }

    /**
     * The "shop" data of MonitorIT and DashboardIT ({@code monitors/*.csv}, from make_monitor_expected.py) in
     * ml.training and ml.serving; returns the read-only user of both.
     */
    static TestDatabase.Credentials loadShop(TestDatabase db) throws Exception {
        for (String table : java.util.List.of("training", "serving")) {
            db.execute(
                    "CREATE SCHEMA IF NOT EXISTS ml",
                    "CREATE TABLE ml." + table + " (id bigint, ts timestamptz, amount double precision, owner text,"
                            + " score double precision)");
            copyCsv(db, "ml." + table, "monitors/" + table + ".csv");
        }
        return db.createReadOnlyUser("ml", java.util.List.of("training", "serving"));
    }

    /** Model "shop" version v1 (features amount, owner; prediction score; segments by owner), both datasets connected. */
    static dev.vigil.core.model.ModelVersion createShop(Vigil vigil, TestDatabase db, TestDatabase.Credentials reader) {
        vigil.createModel("shop", "Shop");
        dev.vigil.core.model.ModelVersion version = new dev.vigil.core.model.ModelVersion(
                "shop",
                "v1",
                dev.vigil.core.model.ModelType.BINARY,
                dev.vigil.core.model.AggregationPeriod.HOURLY,
                dev.vigil.core.model.Schema.builder()
                        .feature("amount", dev.vigil.core.model.FieldType.numeric())
                        .feature("owner", dev.vigil.core.model.FieldType.string())
                        .prediction("score", dev.vigil.core.model.FieldType.numeric())
                        .build(),
                java.util.List.of(dev.vigil.core.model.Segment.byValue("owner")));
        vigil.apply(version);
        vigil.version("shop", "v1").connectTraining(source(db, reader, "SELECT * FROM ml.training"), "id", "ts");
        vigil.version("shop", "v1").connectServing(source(db, reader, "SELECT * FROM ml.serving"), "id", "ts");
        return version;
    }
}
