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
        return loadTrainingAndServing(
                db,
                "id bigint, ts timestamptz, amount double precision, owner text, score double precision",
                "monitors");
    }

    /**
     * The "insurance" data of PerformanceIT ({@code performance/*.csv}, from make_performance_expected.py: actuals
     * {@code bought} still NULL for the last eight hours of serving) in ml.training and ml.serving; returns the
     * read-only user of both.
     */
    static TestDatabase.Credentials loadInsurance(TestDatabase db) throws Exception {
        return loadTrainingAndServing(
                db,
                "id bigint, ts timestamptz, proba double precision, will_buy boolean, bought boolean",
                "performance");
    }

    /** {@code dir}/training.csv and {@code dir}/serving.csv COPYed into ml tables of {@code columns}; their reader. */
    private static TestDatabase.Credentials loadTrainingAndServing(TestDatabase db, String columns, String dir)
            throws Exception {
        for (String table : java.util.List.of("training", "serving")) {
            db.execute("CREATE SCHEMA IF NOT EXISTS ml", "CREATE TABLE ml." + table + " (" + columns + ")");
            copyCsv(db, "ml." + table, dir + "/" + table + ".csv");
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

    /**
     * Model "insurance" version v1 (binary; predictions will_buy and its score proba, both labeled by the column
     * bought of the same query), both datasets connected.
     */
    static void createInsurance(Vigil vigil, TestDatabase db, TestDatabase.Credentials reader) {
        vigil.createModel("insurance", "Insurance");
        vigil.apply(new dev.vigil.core.model.ModelVersion(
                "insurance",
                "v1",
                dev.vigil.core.model.ModelType.BINARY,
                dev.vigil.core.model.AggregationPeriod.HOURLY,
                dev.vigil.core.model.Schema.builder()
                        .prediction("will_buy", dev.vigil.core.model.FieldType.bool())
                        .prediction("proba", dev.vigil.core.model.FieldType.numeric())
                        .build()));
        dev.vigil.client.ColumnMapping labels = dev.vigil.client.ColumnMapping.builder()
                .label("will_buy", "bought")
                .label("proba", "bought")
                .build();
        for (dev.vigil.core.model.DatasetKind kind : java.util.List.of(
                dev.vigil.core.model.DatasetKind.TRAINING, dev.vigil.core.model.DatasetKind.SERVING)) {
            vigil.version("insurance", "v1")
                    .connect(kind, source(db, reader, "SELECT * FROM ml." + kind.specName()), "id", "ts", labels);
        }
    }

    /**
     * A GET of {@code pathAndQuery} with {@code token}: status and raw body, errors included (the SDK turns them
     * into exceptions).
     */
    static java.net.http.HttpResponse<String> get(VigilServer server, String token, String pathAndQuery)
            throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + pathAndQuery))
                                .header("Authorization", "Bearer " + token)
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
