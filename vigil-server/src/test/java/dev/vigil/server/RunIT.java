package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.store.StoredProfile;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run end to end: rows in a real PostgreSQL, read with Spark through a read-only user, profiled
 * per window and segment, and queried back by hour, day and all. Every value is checked against
 * {@code src/test/resources/run/expected.json}, which numpy computed from the same rows
 * ({@code src/test/python/make_run_expected.py}).
 */
class RunIT extends AbstractServerIT {
    private static final Set<String> DATASET_METRICS = Set.of("count", "null_id_count", "duplicate_id_count");

    private final JsonNode expected = ItSupport.json("run/expected.json");
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end =
            start.plus(Duration.ofHours(expected.path("hours").asLong()));
    // Ten minutes after the last window closed; the test ticks the scheduler by hand.
    private final MutableClock clock = new MutableClock(end.plus(Duration.ofMinutes(10)));
    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.events (id bigint, ts timestamptz, amount double precision, owner text, "
                        + "is_new boolean, raw_text text, emb double precision[], proba double precision)");
        ItSupport.copyCsv(db, "ml.events", "run/rows.csv");
        // 48 rows of 768 values, one every 5 minutes over 4 hours from the start, and 16 of 512 over its first 80
        // minutes (ids from 1000): declared 512, the first are each a problem
        String at = "timestamptz '" + start + "' + g * interval '5 minutes'";
        db.execute(
                "CREATE TABLE ml.vectors (id bigint, ts timestamptz, embeddings double precision[], proba double"
                        + " precision)",
                "INSERT INTO ml.vectors SELECT g, " + at + ", array_fill(0.5::float8, ARRAY[768]), 0.5"
                        + " FROM generate_series(0, 47) g",
                "INSERT INTO ml.vectors SELECT 1000 + g, " + at + ", array_fill(0.25::float8, ARRAY[512]), 0.5"
                        + " FROM generate_series(0, 15) g");
        reader = db.createReadOnlyUser("ml", List.of("events", "vectors"));
    }

    @Override
    protected Clock clock() {
        return clock;
    }

    @BeforeAll
    void connectServing() {
        vigil().createModel("runs", "Runs");
        vigil().apply(new ModelVersion(
                "runs",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .rawInput("raw_text", FieldType.text())
                        .feature("amount", FieldType.numeric())
                        .feature("owner", FieldType.string())
                        .feature("is_new", FieldType.bool())
                        .feature("emb", FieldType.embedding(4))
                        .prediction("proba", FieldType.numeric())
                        .build(),
                List.of(
                        Segment.byValue("owner"),
                        Segment.byBuckets("amount", List.of(20.0, 100.0)),
                        Segment.where("big", "amount > 50"))));
        vigil().version("runs", "v1")
                .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.events"), "id", "ts");
    }

    private JsonNode runToTheEnd(Instant from, Instant to) throws InterruptedException {
        JsonNode started = vigil().startRun("runs", "v1", "serving", from, to);
        return await(started.get(0).path("id").asText());
    }

    /** Vigil's rows of one query, keyed like expected.json: window_start|segment|field|metric. */
    private Map<String, JsonNode> metrics(String granularity, String segment) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", start.toString());
        query.put("to", end.toString());
        query.put("granularity", granularity);
        query.put("segment", segment.isEmpty() ? null : segment);
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode row : vigil().metrics("runs", "v1", query)) {
            String metric = row.path("metric").asText();
            boolean datasetLevel = DATASET_METRICS.contains(metric)
                    && (row.path("field").isNull()
                            || Set.of("id", "ts").contains(row.path("field").asText()));
            String field = datasetLevel ? "" : row.path("field").asText();
            out.put(row.path("window_start").asText() + "|" + segment + "|" + field + "|" + metric, row);
        }
        return out;
    }

    @Test
    void everyWindowSegmentAndGranularityMatchesNumpy() throws InterruptedException {
        JsonNode run = runToTheEnd(start, end);
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("windows_total").asInt())
                .isEqualTo(expected.path("hours").asInt());
        assertThat(run.path("rows_read").asLong())
                .isEqualTo(expected.path("summary").path("rows_read").asLong());
        // The day and all values below are read from the day roll-ups the run wrote for its whole days.
        assertThat(server().metastore().profiles().profiledWindows("runs", "v1", "serving@day", start, end))
                .as("day roll-ups")
                .isNotEmpty();
        // The run's three batches refreshed their days; its month was rolled up once, at its end, and only then were
        // the days' stale marks cleared. The month holds every row its hours hold.
        assertThat(server().metastore().profiles().staleRollups()).isEmpty();
        Instant month = Instant.parse("2026-03-01T00:00:00Z");
        assertThat(datasetRows("serving@month", month, Instant.parse("2026-04-01T00:00:00Z")))
                .isEqualTo(datasetRows("serving", start, end))
                .isPositive();
        assertThat(run.path("rows_with_problems").asLong())
                .isEqualTo(expected.path("summary").path("rows_with_problems").asLong());
        assertThat(run.path("null_timestamp_count").asLong())
                .isEqualTo(expected.path("summary").path("null_timestamp_count").asLong())
                .isPositive();

        Map<String, Map<String, JsonNode>> answers = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (JsonNode e : expected.path("expected")) {
            String granularity = e.path("granularity").asText();
            String segment = e.path("segment").asText();
            Map<String, JsonNode> rows =
                    answers.computeIfAbsent(granularity + "/" + segment, k -> metrics(granularity, segment));
            String key = e.path("window_start").asText() + "|" + segment + "|"
                    + e.path("field").asText() + "|" + e.path("metric").asText();
            JsonNode row = rows.get(key);
            String where = granularity + " " + key;
            if (row == null) {
                mismatches.add(where + ": missing");
                continue;
            }
            if (!row.path("window_end").asText().equals(e.path("window_end").asText())) {
                mismatches.add(where + ": window_end " + row.path("window_end").asText());
            }
            JsonNode want = e.path("value");
            JsonNode got = row.path("value");
            checked++;
            if (want.isArray()) {
                double v = got.asDouble();
                if (got.isNull()
                        || v < want.get(0).asDouble()
                        || v > want.get(1).asDouble()) {
                    mismatches.add(where + ": " + got + " not within rank interval " + want);
                }
            } else if (e.path("metric").asText().equals("distinct_count") && want.asDouble() >= 1_000) {
                // METRICS.md: exact below 1,000 distinct values, within 2% above (an HLL estimate)
                if (got.isNull() || Math.abs(got.asDouble() - want.asDouble()) > 0.02 * want.asDouble()) {
                    mismatches.add(where + ": " + got + " not within 2% of " + want);
                }
            } else if (got.isNull()
                    || Math.abs(got.asDouble() - want.asDouble()) > 1e-9 * Math.max(1, Math.abs(want.asDouble()))) {
                mismatches.add(where + ": " + got + " != " + want);
            }
        }
        assertThat(mismatches).as("of %d values checked", checked).isEmpty();
        assertThat(checked).isEqualTo(expected.path("expected").size());
    }

    /** The rows of the dataset profiles of all rows stored under {@code dataset} in [{@code from}, {@code to}). */
    private long datasetRows(String dataset, Instant from, Instant to) {
        return server()
                .metastore()
                .profiles()
                .findFields("runs", "v1", dataset, from, to, Optional.of(""), Optional.empty())
                .stream()
                .filter(p -> p.field().isEmpty())
                .map(StoredProfile::bytes)
                .mapToLong(b -> DatasetProfile.fromBytes(b).rows())
                .sum();
    }

    @Test
    void aRunThatCannotReachItsSourceFailsWithItsReasonAndIsRetried() throws Exception {
        assertThat(runToTheEnd(start, end).path("status").asText()).isEqualTo("succeeded");
        var watermark = server().metastore().profiles().watermark("runs", "v1", "serving");
        assertThat(watermark).contains(end);

        int known = runsSoFar();
        server().tick(); // first sight of the dataset: nothing due until its next */5 minute
        assertThat(runsSoFar()).isEqualTo(known);
        db().execute("ALTER ROLE " + reader.user() + " PASSWORD 'changed-by-the-dba'");
        clock.advance(Duration.ofMinutes(5)); // */5 comes due
        server().tick();
        JsonNode failed = await(latestRun().path("id").asText());
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").asText())
                .contains(db().url())
                .contains("password authentication failed")
                .doesNotContain(reader.password());
        assertThat(server().metastore().profiles().watermark("runs", "v1", "serving"))
                .as("the watermark holds")
                .isEqualTo(watermark);

        db().execute("ALTER ROLE " + reader.user() + " PASSWORD '" + reader.password() + "'");
        clock.advance(Duration.ofSeconds(5));
        server().tick(); // sees the failure: retry in 30 s
        int before = runsSoFar();
        clock.advance(Duration.ofSeconds(10));
        server().tick();
        assertThat(runsSoFar()).as("not retried before its backoff").isEqualTo(before);
        clock.advance(Duration.ofSeconds(25));
        server().tick();
        JsonNode retried = await(latestRun().path("id").asText());
        assertThat(retried.path("status").asText()).as(retried.toString()).isEqualTo("succeeded");
        assertThat(retried.path("from").asText())
                .as("from the watermark less two windows of lateness")
                .isEqualTo(end.minus(Duration.ofHours(2)).toString());
        assertThat(retried.path("windows_total").asInt()).isEqualTo(2);
    }

    @Test
    void everySessionSparkOpensIsReadOnlyEvenForAUserWhoMayWrite() throws Exception {
        // The database's owner may write. The query calls a function that writes, for every row but the first, so
        // the connect check (which runs the query for one row, in a read-only session) lets it through to the run.
        db().execute(
                        "CREATE TABLE ml.audit (n int)",
                        "CREATE TABLE ml.ordered AS SELECT * FROM ml.events ORDER BY ts",
                        "CREATE FUNCTION ml.touch() RETURNS int LANGUAGE sql VOLATILE"
                                + " AS 'INSERT INTO ml.audit VALUES (1) RETURNING 1'");
        Instant first;
        try (var c = db().connectAsAdmin();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT min(ts) FROM ml.ordered")) {
            rs.next();
            first = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
        vigil().createModel("writes", "Writes");
        vigil().apply(new ModelVersion(
                "writes",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("proba", FieldType.numeric())
                        .build(),
                List.of()));
        vigil().version("writes", "v1")
                .connectServing(
                        PostgresJdbcDataSource.builder()
                                .url(db().url())
                                .query("SELECT id, ts, amount, proba, CASE WHEN ts > '" + first
                                        + "' THEN ml.touch() ELSE 0 END AS touched FROM ml.ordered")
                                .user(db().server().adminUser())
                                .password(db().server().adminPassword())
                                // a writer on purpose (decision 0003 opt-in): the read-only session stops it
                                .allowWritableRole(db().server().adminUser())
                                .build(),
                        "id",
                        "ts");
        JsonNode run = await(vigil().startRun("writes", "v1", "serving", start, end)
                .get(0)
                .path("id")
                .asText());
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("failed");
        assertThat(run.path("error").asText()).contains("read-only transaction");
        try (var c = db().connectAsAdmin();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM ml.audit")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows the query wrote").isZero();
        }
    }

    private int runsSoFar() {
        return vigil().getJson("/api/v1/models/runs/versions/v1/runs").size();
    }

    private JsonNode latestRun() {
        return vigil().getJson("/api/v1/models/runs/versions/v1/runs").get(0);
    }

    @Test
    void reRunningWindowsChangesNothing() throws InterruptedException {
        JsonNode first = runToTheEnd(start, end);
        assertThat(first.path("status").asText()).isEqualTo("succeeded");
        Map<String, JsonNode> before = metrics("all", "");
        JsonNode again = runToTheEnd(start.plus(Duration.ofHours(10)), start.plus(Duration.ofHours(30)));
        assertThat(again.path("status").asText()).isEqualTo("succeeded");
        assertThat(again.path("windows_total").asInt()).isEqualTo(20);
        Map<String, JsonNode> after = metrics("all", "");
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((key, row) -> {
            if (!key.matches(".*\\|(p\\d\\d|median)$")) {
                // quantiles of merged windows come from a randomized sketch: equal within rank error,
                // which the numpy test checks; every other metric is exact
                assertThat(after.get(key).path("value").asDouble())
                        .as(key)
                        .isCloseTo(row.path("value").asDouble(), within(0.0));
            }
        });
    }

    /** A model of the vectors table read by {@code query}: one embedding declared 512 long. */
    private void connectVectors(String model, String query) {
        vigil().createModel(model, model);
        vigil().apply(new ModelVersion(
                model,
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("embeddings", FieldType.embedding(512))
                        .prediction("proba", FieldType.numeric())
                        .build(),
                List.of()));
        vigil().version(model, "v1").connectServing(ItSupport.source(db(), reader, query), "id", "ts");
    }

    @Test
    void aRunWhoseEveryRowHasAProblemFailsNamingTheFieldTheReasonAndTheCount() throws InterruptedException {
        connectVectors("dims", "SELECT * FROM ml.vectors WHERE array_length(embeddings, 1) = 768");
        JsonNode run = await(vigil().startRun("dims", "v1", "serving", start, start.plus(Duration.ofHours(4)))
                .get(0)
                .path("id")
                .asText());
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("failed");
        assertThat(run.path("error").asText())
                .isEqualTo("every row had a problem: embeddings: wrong_dimensions 48 (768 values, 512 declared)");
        assertThat(run.path("rows_read").asLong()).isEqualTo(48);
        assertThat(run.path("rows_with_problems").asLong()).isEqualTo(48);
        assertThat(run.path("problems").toString()).isEqualTo("{\"embeddings: wrong_dimensions\":48}");
        assertThat(run.path("warning").isNull()).isTrue();
    }

    @Test
    void aRunWhereMostRowsHaveAProblemSucceedsWithAWarning() throws InterruptedException {
        connectVectors("dimswarn", "SELECT * FROM ml.vectors");
        JsonNode run = await(vigil().startRun("dimswarn", "v1", "serving", start, start.plus(Duration.ofHours(4)))
                .get(0)
                .path("id")
                .asText());
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("rows_read").asLong()).isEqualTo(64);
        assertThat(run.path("warning").asText())
                .isEqualTo("48 of 64 rows had a problem: embeddings: wrong_dimensions 48 (768 values, 512 declared)");
        assertThat(run.path("problems").toString()).isEqualTo("{\"embeddings: wrong_dimensions\":48}");
        assertThat(run.path("error").isNull()).isTrue();
    }

    /**
     * A run without a range of a source whose last row is a month old (the catch-up after apply) profiles the windows
     * of its rows and a day past them, not the 694 empty hours after, says so, and moves the watermark to now: the
     * next scheduled run starts there.
     */
    @Test
    void aRangeLessRunOfOldDataSkipsTheEmptyWindowsPastADayAfterItsLastRowAndSaysHowMany() throws InterruptedException {
        connectVectors("quiet", "SELECT * FROM ml.vectors WHERE array_length(embeddings, 1) = 512");
        Instant before = clock.instant();
        Instant now = start.plus(Duration.ofDays(30));
        clock.set(now.plus(Duration.ofMinutes(10)));
        try {
            JsonNode run = await(vigil().startRun("quiet", "v1", "serving", null, null)
                    .get(0)
                    .path("id")
                    .asText());
            assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("succeeded");
            // rows in hours 0 and 1, then 24 empty hours; 720 hours up to now, so 720 - 26 skipped
            assertThat(run.path("windows_total").asInt()).isEqualTo(2 + 24);
            assertThat(run.path("windows_done").asInt()).isEqualTo(2 + 24);
            assertThat(run.path("rows_read").asLong()).isEqualTo(16);
            assertThat(run.path("to").asText())
                    .isEqualTo(start.plus(Duration.ofHours(26)).toString());
            assertThat(run.path("note").asText())
                    .isEqualTo("skipped 694 empty windows between the last row (" + start.plus(Duration.ofMinutes(75))
                            + ") and now; a model_staleness monitor watches a source gone quiet");
            assertThat(run.path("problems").isEmpty()).isTrue();
            assertThat(server().metastore().profiles().watermark("quiet", "v1", "serving"))
                    .as("the skipped windows are known empty: the next run starts from now")
                    .contains(now);
        } finally {
            clock.set(before);
        }
    }
}
