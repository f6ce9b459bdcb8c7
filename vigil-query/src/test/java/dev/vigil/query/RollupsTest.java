package dev.vigil.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day and month roll-ups against the hours they stand for, on the embedded metastore: hourly profiles of known values
 * over five months (10 January to 20 June), stored a week at a time as runs store them. Every count, sum, minimum and
 * maximum a query gives through roll-ups must equal what the test computes from the values themselves.
 */
class RollupsTest {
    private static final Instant START = Instant.parse("2025-01-10T00:00:00Z");
    private static final Instant END = Instant.parse("2025-06-20T00:00:00Z");
    private static final int VALUES_PER_HOUR = 5;
    private static final String DATASET = "serving";

    @TempDir
    Path dir;

    private Metastore store;
    private ModelVersion version;

    /** Field a's values of the hour starting at {@code hour}, with an offset (0 first, changed to replace hours). */
    private static double[] values(Instant hour, double offset) {
        long i = Duration.between(START, hour).toHours();
        double[] out = new double[VALUES_PER_HOUR];
        for (int j = 0; j < VALUES_PER_HOUR; j++) {
            out[j] = (i % 97) + 0.5 * j + offset;
        }
        return out;
    }

    private List<StoredProfile> hourProfiles(Instant hour, double offset) {
        FieldProfile a = FieldProfile.create(FieldType.numeric());
        for (double x : values(hour, offset)) {
            a.addNumber(x);
        }
        DatasetProfile rows = new DatasetProfile();
        rows.addRows(VALUES_PER_HOUR);
        Instant end = hour.plus(Duration.ofHours(1));
        return List.of(
                new StoredProfile(hour, end, "", "", rows.toBytes()),
                new StoredProfile(hour, end, "", "a", a.toBytes()));
    }

    /** Stores the hours of [from, to) with their values' offset, and refreshes their roll-ups, as a run's batch does. */
    private void store(Instant from, Instant to, double offset) {
        List<Instant> hours = new ArrayList<>();
        List<StoredProfile> profiles = new ArrayList<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            hours.add(h);
            profiles.addAll(hourProfiles(h, offset));
        }
        store.profiles().replaceWindows("m", "v1", DATASET, hours, profiles, Optional.empty());
        Rollups.refresh(store, version, DATASET, hours);
    }

    @BeforeEach
    void storeFiveMonthsAWeekAtATime() {
        store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC());
        version = new ModelVersion(
                "m",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("a", FieldType.numeric())
                        .prediction("p", FieldType.numeric())
                        .build());
        store.models().upsert(new Model("m", "M"));
        store.versions().upsert(version);
        for (Instant week = START; week.isBefore(END); week = week.plus(Duration.ofDays(7))) {
            Instant next = week.plus(Duration.ofDays(7));
            store(week, next.isBefore(END) ? next : END, 0);
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The expected count, sum, min and max of field a over [from, to), by hand from the values. */
    private static double[] expected(Instant from, Instant to, Map<Instant, Double> offsets) {
        double count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            for (double x : values(h, offsets.getOrDefault(h, 0.0))) {
                count++;
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        return new double[] {count, sum, min, max};
    }

    private List<BucketMerger.Bucket> merged(Granularity g) {
        return BucketMerger.merge(
                Rollups.read(store, version, DATASET, START, END, g, false, Optional.of(""), Optional.empty()),
                g,
                Optional.of(START),
                Optional.of(END));
    }

    private static void assertField(BucketMerger.Bucket b, double[] expected) {
        Map<String, Double> m = b.profile.metrics();
        String what = b.field + " of " + b.start + " to " + b.end;
        assertThat(m.get("count")).as(what + ": count").isEqualTo(expected[0]);
        assertThat(m.get("sum")).as(what + ": sum").isEqualTo(expected[1]);
        assertThat(m.get("min")).as(what + ": min").isEqualTo(expected[2]);
        assertThat(m.get("max")).as(what + ": max").isEqualTo(expected[3]);
    }

    @Test
    void aRangeReadsWholeMonthsFromTheirRollupsAndGivesWhatTheHoursGive() {
        // Exact edges (a bucket over the whole range whose bounds were not asked): the outermost periods finer.
        List<StoredProfile> read = Rollups.read(
                store, version, DATASET, START, END, Granularity.ALL, true, Optional.of(""), Optional.empty());
        List<Instant> months = read.stream()
                .filter(p -> Duration.between(p.windowStart(), p.windowEnd()).toDays() > 1)
                .map(StoredProfile::windowStart)
                .distinct()
                .sorted()
                .toList();
        // Whole months inside the range are February to May; the outermost two are read as days and hours.
        assertThat(months)
                .containsExactly(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z"));
        // Two profiles a window (rows and field a). Hours: only the range's first and last days (10 Jan, 19 Jun);
        // days: 11 Jan to 28 Feb and 1 May to 18 Jun; months: March and April (February and May are its edges
        // at the month level, read as days).
        assertThat(count(read, Duration.ofHours(1))).isEqualTo(2 * 24 * 2);
        assertThat(count(read, Duration.ofDays(1))).isEqualTo((49 + 49) * 2);
        assertThat(read).hasSize(2 * 24 * 2 + (49 + 49) * 2 + 2 * 2);

        // With the range's bounds asked, no edge needs reading finer: every whole month from its roll-up.
        List<StoredProfile> asked = Rollups.read(
                store, version, DATASET, START, END, Granularity.ALL, false, Optional.of(""), Optional.empty());
        assertThat(count(asked, Duration.ofHours(1)))
                .as("hours: none, the range starts and ends at midnight")
                .isZero();
        assertThat(asked.stream()
                        .filter(p ->
                                Duration.between(p.windowStart(), p.windowEnd()).toDays() > 1)
                        .map(StoredProfile::windowStart)
                        .distinct())
                .hasSize(4);
        assertThat(count(asked, Duration.ofDays(1)))
                .as("days: 10-31 January and 1-19 June")
                .isEqualTo((22 + 19) * 2);
        BucketMerger.Bucket exact =
                BucketMerger.merge(read, Granularity.ALL, Optional.empty(), Optional.empty()).stream()
                        .filter(b -> b.field.equals("a"))
                        .findFirst()
                        .orElseThrow();
        assertThat(exact.start).as("where the rows start").isEqualTo(START);
        assertThat(exact.end).isEqualTo(END);
        assertField(exact, expected(START, END, Map.of()));

        List<BucketMerger.Bucket> all = merged(Granularity.ALL);
        BucketMerger.Bucket a =
                all.stream().filter(b -> b.field.equals("a")).findFirst().orElseThrow();
        assertField(a, expected(START, END, Map.of()));
        assertThat(a.start).isEqualTo(START);
        assertThat(a.end).isEqualTo(END);
        BucketMerger.Bucket rows =
                all.stream().filter(b -> b.field.isEmpty()).findFirst().orElseThrow();
        assertThat(rows.profile.metrics().get("count"))
                .isEqualTo((double) Duration.between(START, END).toHours() * VALUES_PER_HOUR);
    }

    private static long count(List<StoredProfile> read, Duration window) {
        return read.stream()
                .filter(p -> p.windowEnd().equals(p.windowStart().plus(window)))
                .count();
    }

    @Test
    void eachMonthBucketGivesWhatItsHoursGive() {
        Map<Instant, BucketMerger.Bucket> byMonth = new TreeMap<>();
        merged(Granularity.MONTH).stream().filter(b -> b.field.equals("a")).forEach(b -> byMonth.put(b.start, b));
        assertThat(byMonth).hasSize(6);
        for (BucketMerger.Bucket b : byMonth.values()) {
            Instant from = b.start.isBefore(START) ? START : b.start;
            Instant to = b.end.isAfter(END) ? END : b.end;
            assertField(b, expected(from, to, Map.of()));
        }
    }

    @Test
    void replacedHoursAndDaysWithoutARollupReachTheirMonth() {
        // Hours of 10 to 12 March stored again with other values: their days and March are refreshed.
        Instant from = Instant.parse("2025-03-10T05:00:00Z");
        Instant to = Instant.parse("2025-03-12T17:00:00Z");
        store(from, to, 1000);
        // A day of April loses its roll-up (as days stored before roll-ups existed have none); April is refreshed
        // by a later run of another of its days, which rolls the missing day up first.
        Instant bare = Instant.parse("2025-04-15T00:00:00Z");
        store.profiles()
                .replaceWindows("m", "v1", Rollups.Level.DAY.of(DATASET), List.of(bare), List.of(), Optional.empty());
        store(Instant.parse("2025-04-20T00:00:00Z"), Instant.parse("2025-04-20T01:00:00Z"), 0);

        Map<Instant, Double> offsets = new TreeMap<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            offsets.put(h, 1000.0);
        }
        BucketMerger.Bucket a = merged(Granularity.ALL).stream()
                .filter(b -> b.field.equals("a"))
                .findFirst()
                .orElseThrow();
        assertField(a, expected(START, END, offsets));
        assertThat(store.profiles()
                        .profiledWindows("m", "v1", Rollups.Level.DAY.of(DATASET), bare, bare.plus(Duration.ofDays(1))))
                .as("the bare day was rolled up again")
                .containsExactly(bare);
    }

    @Test
    void hoursReplacedByARunThatCrashedBeforeTheirRollupsAreRepairedFromTheirMarks() {
        // The crash: a batch replaces the hours of 10 to 12 March and marks their days, in one transaction, and the
        // server stops before the refresh (Rollups.refresh is never called).
        Instant from = Instant.parse("2025-03-10T05:00:00Z");
        Instant to = Instant.parse("2025-03-12T17:00:00Z");
        List<Instant> hours = new ArrayList<>();
        List<StoredProfile> profiles = new ArrayList<>();
        Map<Instant, Double> offsets = new TreeMap<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            hours.add(h);
            profiles.addAll(hourProfiles(h, 1000));
            offsets.put(h, 1000.0);
        }
        store.profiles()
                .replaceWindows("m", "v1", DATASET, hours, profiles, Optional.empty(), Rollups.days(version, hours));
        assertThat(store.profiles().staleRollups())
                .extracting(r -> r.day().toString())
                .containsExactly("2025-03-10T00:00:00Z", "2025-03-11T00:00:00Z", "2025-03-12T00:00:00Z");
        BucketMerger.Bucket stale = merged(Granularity.ALL).stream()
                .filter(b -> b.field.equals("a"))
                .findFirst()
                .orElseThrow();
        assertThat(stale.profile.metrics().get("max"))
                .as("without the repair, queries read the old roll-ups: the new hours' values are not seen")
                .isEqualTo(expected(START, END, Map.of())[3]);

        // The restart: a new metastore over the same files, repaired as the server does when it starts.
        store.close();
        store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC());
        assertThat(Rollups.repair(store)).isEqualTo(3);
        assertThat(store.profiles().staleRollups()).isEmpty();
        assertField(
                merged(Granularity.ALL).stream()
                        .filter(b -> b.field.equals("a"))
                        .findFirst()
                        .orElseThrow(),
                expected(START, END, offsets));
        for (BucketMerger.Bucket day : merged(Granularity.DAY)) {
            if (day.field.equals("a") && !day.end.isBefore(from) && day.start.isBefore(to)) {
                assertField(day, expected(day.start, day.end, offsets));
            }
        }
        assertThat(Rollups.repair(store)).as("nothing left to repair").isZero();
    }

    /**
     * Counts the month roll-ups the metastore is given, as its H2 database sees them: a trigger on the profiles table
     * (the store's own writes, whichever method makes them).
     */
    public static final class MonthWrites implements org.h2.api.Trigger {
        static final AtomicInteger COUNT = new AtomicInteger();
        private int dataset = -1;

        @Override
        public void init(Connection c, String schema, String trigger, String table, boolean before, int type)
                throws SQLException {
            try (ResultSet columns = c.getMetaData().getColumns(null, schema, table, null)) {
                while (columns.next()) {
                    if (columns.getString("COLUMN_NAME").equalsIgnoreCase("dataset")) {
                        dataset = columns.getInt("ORDINAL_POSITION") - 1;
                    }
                }
            }
        }

        @Override
        public void fire(Connection c, Object[] oldRow, Object[] newRow) {
            if (newRow != null && String.valueOf(newRow[dataset]).endsWith("@month")) {
                COUNT.incrementAndGet();
            }
        }
    }

    @Test
    void aRunOfManyBatchesRollsUpEachOfItsMonthsOnceIntoTheMergeOfItsHours() throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("metastore") + ";AUTO_SERVER=FALSE",
                        "vigil",
                        "");
                Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER month_writes AFTER INSERT ON profiles FOR EACH ROW CALL \""
                    + MonthWrites.class.getName() + "\"");
        }
        MonthWrites.COUNT.set(0);
        // A run over 3 March 05:00 to 2 April 17:00 with other values, in batches of 72 hours as RunService makes
        // them: each batch's hours replaced with their days marked, the days refreshed; the months once, at the end.
        Instant from = Instant.parse("2025-03-03T05:00:00Z");
        Instant to = Instant.parse("2025-04-02T17:00:00Z");
        Map<Instant, Double> offsets = new TreeMap<>();
        List<Instant> run = new ArrayList<>();
        int batches = 0;
        for (Instant batch = from; batch.isBefore(to); batch = batch.plus(Duration.ofHours(72))) {
            Instant batchEnd = batch.plus(Duration.ofHours(72)).isBefore(to) ? batch.plus(Duration.ofHours(72)) : to;
            List<Instant> hours = new ArrayList<>();
            List<StoredProfile> profiles = new ArrayList<>();
            for (Instant h = batch; h.isBefore(batchEnd); h = h.plus(Duration.ofHours(1))) {
                hours.add(h);
                profiles.addAll(hourProfiles(h, 1000));
                offsets.put(h, 1000.0);
            }
            store.profiles()
                    .replaceWindows(
                            "m", "v1", DATASET, hours, profiles, Optional.empty(), Rollups.days(version, hours));
            Rollups.refreshDays(store, version, DATASET, hours);
            run.addAll(hours);
            batches++;
            for (BucketMerger.Bucket day : merged(Granularity.DAY)) {
                if (day.field.equals("a") && !day.end.isBefore(batch) && day.start.isBefore(batchEnd)) {
                    assertField(day, expected(day.start, day.end, offsets));
                }
            }
        }
        assertThat(batches).isEqualTo(11);
        assertThat(MonthWrites.COUNT.get())
                .as("no month rolled up by the batches")
                .isZero();
        assertThat(store.profiles().staleRollups())
                .as("the days stay marked until their months are refreshed: a crash now is repaired")
                .hasSize(31);

        Rollups.refreshMonths(store, version, DATASET, run);
        assertThat(MonthWrites.COUNT.get())
                .as("March and April once each, per segment and field (the dataset counts and a)")
                .isEqualTo(2 * 2);
        assertThat(store.profiles().staleRollups()).isEmpty();
        for (Instant month : List.of(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z"))) {
            Instant end = Granularity.MONTH.bucketEnd(month);
            BucketMerger.Bucket rolled = BucketMerger.merge(
                            store.profiles()
                                    .findFields(
                                            "m",
                                            "v1",
                                            Rollups.Level.MONTH.of(DATASET),
                                            month,
                                            end,
                                            Optional.of(""),
                                            Optional.empty()),
                            Granularity.MONTH,
                            Optional.empty(),
                            Optional.empty())
                    .stream()
                    .filter(b -> b.field.equals("a"))
                    .findFirst()
                    .orElseThrow();
            assertField(rolled, expected(month, end.isBefore(END) ? end : END, offsets));
        }
    }
}
