package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PerformanceSettings;
import dev.vigil.core.model.SampleSettings;
import dev.vigil.core.model.Schema;
import dev.vigil.query.ProfileQueries;
import dev.vigil.stats.SampleProfile;
import dev.vigil.store.StoredProfile;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-window row sample through the real path: rows in PostgreSQL, read and sampled by Spark, stored beside the
 * profiles as {@code #sample}, rolled up by day and merged for a range and for the training baseline. Every sampled
 * row is looked up in the source over JDBC and must be one of its window's rows, value for value.
 */
class SampleIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-05-04T00:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(3));
    /** Serving rows per hour: above, below and above the default sample of 1,000. */
    private static final int[] HOURLY_ROWS = {1_500, 600, 1_200};

    private static final List<String> NUMBERS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    private final MutableClock clock = new MutableClock(END.plus(Duration.ofMinutes(10)));

    @Override
    protected Clock clock() {
        return clock;
    }

    /** ml.serving and ml.training: 10 numbers (a is unique: id + 0.25), 3 categories, a boolean, an 8-d embedding. */
    @Override
    protected void createSource(TestDatabase db) {
        String columns = "id bigint, ts timestamptz, "
                + NUMBERS.stream().map(n -> n + " double precision").collect(Collectors.joining(", "))
                + ", c1 text, c2 text, c3 text, flag boolean, emb double precision[], note text";
        String hour = "CASE WHEN g < 1500 THEN 0 WHEN g < 2100 THEN 1 ELSE 2 END";
        String values = "g, timestamptz '" + START + "' + (" + hour + ") * interval '1 hour' + (g % 3599) * interval"
                + " '1 second', g + 0.25, (g * 7919 % 1000) / 10.0, sin(g), cos(g), CASE WHEN g % 17 = 0 THEN NULL"
                + " ELSE g % 97 END, ln(g + 1), (g % 7) * 1.5, sqrt(g), g % 2, (g * 31 % 113) - 50.0,"
                + " 'k' || (g % 5), CASE WHEN g % 13 = 0 THEN NULL ELSE 'x' || (g % 3) END, repeat('z', 70) || g,"
                + " g % 4 = 0, ARRAY[g, g + 1, g % 5, 0.5, -1, g / 10.0, 2, 3]::float8[], 'text ' || g";
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.serving (" + columns + ")",
                "CREATE TABLE ml.training (" + columns + ")",
                "INSERT INTO ml.serving SELECT " + values + " FROM generate_series(0, 3299) g",
                "INSERT INTO ml.training SELECT " + values.replace("g + 0.25", "g + 0.75")
                        + " FROM generate_series(0, 2499) g");
        reader = db.createReadOnlyUser("ml", List.of("serving", "training"));
    }

    private TestDatabase.Credentials reader;

    private static ModelVersion version(String name, SampleSettings sample) {
        Schema.Builder schema = Schema.builder();
        NUMBERS.subList(0, 9).forEach(n -> schema.feature(n, FieldType.numeric()));
        schema.prediction("j", FieldType.numeric()); // a prediction is sampled as a feature is
        schema.feature("c1", FieldType.categorical())
                .feature("c2", FieldType.string())
                .feature("c3", FieldType.string())
                .feature("flag", FieldType.bool())
                .feature("emb", FieldType.embedding(8))
                .rawInput("note", FieldType.text());
        return new ModelVersion(
                "sampled",
                name,
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                schema.build(),
                List.of(),
                PerformanceSettings.DEFAULTS,
                sample);
    }

    @BeforeAll
    void connect() {
        vigil().createModel("sampled", "Sampled");
        for (ModelVersion v :
                List.of(version("v1", SampleSettings.DEFAULTS), version("off", new SampleSettings(0, 0)))) {
            vigil().apply(v);
            vigil().version("sampled", v.version())
                    .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.serving"), "id", "ts");
            vigil().version("sampled", v.version())
                    .connectTraining(ItSupport.source(db(), reader, "SELECT * FROM ml.training"), "id", "ts");
        }
    }

    private List<StoredProfile> samples(String version, String dataset) {
        return server().metastore()
                .profiles()
                .findFields(
                        "sampled",
                        version,
                        dataset,
                        Instant.EPOCH,
                        Instant.parse("9999-01-01T00:00:00Z"),
                        Optional.of(""),
                        Optional.of(List.of(SampleProfile.FIELD)));
    }

    @Test
    void eachWindowStoresASampleOfItsOwnRowsThatRollsUpAndRepeatsByteForByte() throws Exception {
        runTrainingAndServing("sampled", "v1", START, END);
        List<StoredProfile> hours = samples("v1", "serving");
        assertThat(hours).hasSize(3);
        Map<Instant, byte[]> first = new TreeMap<>();
        for (StoredProfile p : hours) {
            int hour = (int) Duration.between(START, p.windowStart()).toHours();
            SampleProfile s = SampleProfile.fromBytes(p.bytes());
            assertThat(s.rowsSeen()).isEqualTo(HOURLY_ROWS[hour]);
            assertThat(s.size()).isEqualTo(Math.min(1_000, HOURLY_ROWS[hour]));
            assertThat(s.columns())
                    .extracting(SampleProfile.Column::name)
                    .containsExactly(
                            "a", "b", "c", "c1", "c2", "c3", "d", "e", "emb", "f", "flag", "g", "h", "i",
                            "j"); // the text field is not sampled
            assertThat(s.vectors("emb").length).isEqualTo(200);
            assertRowsOfTheSource(s, "ml.serving", p.windowStart(), p.windowEnd());
            first.put(p.windowStart(), p.bytes());
        }
        // the day's roll-up and a range's merge keep 1,000 rows: the merge of the hours, byte for byte
        List<StoredProfile> day = samples("v1", "serving@day");
        assertThat(day).hasSize(1);
        SampleProfile merged = SampleProfile.fromBytes(hours.get(0).bytes());
        merged.merge(SampleProfile.fromBytes(hours.get(1).bytes()));
        merged.merge(SampleProfile.fromBytes(hours.get(2).bytes()));
        assertThat(merged.size()).isEqualTo(1_000);
        assertThat(merged.rowsSeen()).isEqualTo(3_300);
        assertThat(day.get(0).bytes()).isEqualTo(merged.toBytes());
        ProfileQueries queries = new ProfileQueries(server().metastore());
        ModelVersion v1 = server().metastore().versions().find("sampled", "v1").orElseThrow();
        assertThat(queries.sample(v1, DatasetKind.SERVING, START, END)
                        .orElseThrow()
                        .toBytes())
                .isEqualTo(merged.toBytes());
        SampleProfile secondHour = queries.sample(
                        v1, DatasetKind.SERVING, START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(2)))
                .orElseThrow();
        assertThat(secondHour.size()).isEqualTo(600);
        // the training baseline: its windows' samples merged, rows of training only
        SampleProfile baseline =
                queries.baselineSample(v1, DatasetKind.TRAINING).orElseThrow();
        assertThat(baseline.rowsSeen()).isEqualTo(2_500);
        assertThat(baseline.size()).isEqualTo(1_000);
        assertRowsOfTheSource(baseline, "ml.training", START, END);
        // field queries never see the sample
        assertThat(vigil().metrics("sampled", "v1", Map.of("from", START.toString(), "to", END.toString())))
                .noneMatch(row -> row.path("field").asText().startsWith("#"));

        runToSuccess("sampled", "v1", "serving", START, END);
        List<StoredProfile> again = samples("v1", "serving");
        assertThat(again).hasSize(3);
        for (StoredProfile p : again) {
            assertThat(p.bytes()).as("window %s", p.windowStart()).isEqualTo(first.get(p.windowStart()));
        }
    }

    @Test
    void aVersionWithSampleRows0StoresNone() throws Exception {
        runTrainingAndServing("sampled", "off", START, END);
        assertThat(samples("off", "serving")).isEmpty();
        assertThat(samples("off", "serving@day")).isEmpty();
        assertThat(samples("off", "training")).isEmpty();
        ModelVersion off =
                server().metastore().versions().find("sampled", "off").orElseThrow();
        assertThat(off.sample()).isEqualTo(new SampleSettings(0, 0));
        assertThat(new ProfileQueries(server().metastore()).sample(off, DatasetKind.SERVING, START, END))
                .isEmpty();
    }

    /**
     * Every row of {@code sample} is a row of {@code table} in [{@code from}, {@code to}): found by its unique
     * {@code a}, every sampled value equals the source's (categories cut to 64 characters, the vector as float32).
     */
    private void assertRowsOfTheSource(SampleProfile sample, String table, Instant from, Instant to) throws Exception {
        double[][] numbers = sample.numericMatrix(List.of("a", "b", "c", "d", "e", "f", "flag", "g", "h", "i", "j"));
        List<String> c1 = sample.categories("c1");
        List<String> c2 = sample.categories("c2");
        List<String> c3 = sample.categories("c3");
        double[][] vectors = sample.vectors("emb");
        List<String> mismatches = new ArrayList<>();
        try (Connection c = db().connectAsAdmin();
                PreparedStatement ps = c.prepareStatement("SELECT a, b, c, d, e, f, flag, g, h, i, j, c1, c2, c3, emb,"
                        + " ts FROM " + table + " WHERE a = ?")) {
            for (int r = 0; r < numbers.length; r++) {
                ps.setDouble(1, numbers[r][0]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        mismatches.add("row " + r + ": no source row with a = " + numbers[r][0]);
                        continue;
                    }
                    Instant ts = rs.getTimestamp("ts").toInstant();
                    if (ts.isBefore(from) || !ts.isBefore(to)) {
                        mismatches.add("row " + r + ": at " + ts + ", outside " + from + " to " + to);
                    }
                    for (int f = 0; f < 11; f++) {
                        double want = f == 6 ? (rs.getBoolean(f + 1) ? 1 : 0) : rs.getDouble(f + 1);
                        if (rs.wasNull()) {
                            want = Double.NaN;
                        }
                        if (Double.compare(want, numbers[r][f]) != 0) {
                            mismatches.add("row " + r + " field " + f + ": " + numbers[r][f] + " != " + want);
                        }
                    }
                    if (!rs.getString("c1").equals(c1.get(r))
                            || !java.util.Objects.equals(rs.getString("c2"), c2.get(r))
                            || !rs.getString("c3").substring(0, 64).equals(c3.get(r))) {
                        mismatches.add("row " + r + ": categories " + c1.get(r) + ", " + c2.get(r) + ", " + c3.get(r));
                    }
                    if (r < vectors.length) {
                        Double[] emb = (Double[]) rs.getArray("emb").getArray();
                        for (int i = 0; i < emb.length; i++) {
                            if ((float) emb[i].doubleValue() != (float) vectors[r][i]) {
                                mismatches.add("row " + r + ": emb[" + i + "] " + vectors[r][i] + " != " + emb[i]);
                            }
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
