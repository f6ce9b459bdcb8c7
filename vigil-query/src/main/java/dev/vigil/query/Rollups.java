package dev.vigil.query;

import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.StaleRollup;
import dev.vigil.store.StoredProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Roll-ups of hourly versions: for every UTC day, each segment's and field's hourly profiles merged into one, stored
 * beside the hours under the dataset {@code <dataset>@day}; and for every UTC month, its days merged into one, under
 * {@code <dataset>@month}. Runs refresh the days whose hours they replaced, and those days' months. Queries merged by
 * day or week read the roll-up of every whole day that has one and the hours of the rest (the partial days at the
 * edges, and days stored before roll-ups existed); by month or over a range they read whole months the same way,
 * and days (then hours) for the rest. A year by day then merges 365 profiles a field instead of 8,760, a year by
 * month about 70, with the same result: a roll-up is the merge a query would do.
 *
 * <p>Runs call {@link #refreshDays} after each batch and {@link #refreshMonths} once at their end (or {@link #refresh},
 * both at once); the queries of this package read through {@link #forEach}.
 *
 * <p>A run replaces hours and marks their days {@linkplain dev.vigil.store.StaleRollup stale} in one transaction
 * ({@link #days}), then refreshes: a crash between the two leaves the marks, and {@link #repair} (at startup and on
 * every scheduler tick) refreshes the marked days, so a roll-up is never silently older than its hours for long. The
 * marks are cleared only once the months are refreshed too, so a run that stops between its batches' day refreshes
 * and its one month refresh leaves its months to the repair as well. All
 * refreshes of the process take turns ({@link #LOCK}): one that read the hours before a run replaced them must not
 * write its roll-up after the run's own refresh. Across servers sharing a metastore the same holds through a named
 * lease per dataset ({@link #lease}): a run holds it from its start to after its month refresh, and a repair takes it
 * for each dataset it repairs, leaving a dataset whose lease another holds (decision 0022).
 */
public final class Rollups {
    /**
     * A level of roll-ups: the period each roll-up covers. The metastore keeps a level's profiles beside the
     * dataset's own under a dataset name of their own ({@link #of}); this is the one place that name is made.
     */
    enum Level {
        DAY(Granularity.DAY, "@day"),
        MONTH(Granularity.MONTH, "@month");

        private final Granularity unit;
        private final String suffix;

        Level(Granularity unit, String suffix) {
            this.unit = unit;
            this.suffix = suffix;
        }

        Granularity unit() {
            return unit;
        }

        /** Where the profiles a roll-up of this level merges are stored: a day's hours, a month's days. */
        String mergedFrom(String dataset) {
            return this == DAY ? dataset : DAY.of(dataset);
        }

        /** Where the roll-ups of this level of {@code dataset} are stored. */
        String of(String dataset) {
            return dataset + suffix;
        }
    }

    /** Refreshes take turns, so that an older read of the hours never overwrites a newer roll-up. */
    private static final ReentrantLock LOCK = new ReentrantLock();

    private Rollups() {}

    /** The UTC days whose roll-ups hold {@code windowStarts}: the days to mark stale when they are replaced. */
    public static Set<Instant> days(ModelVersion v, Collection<Instant> windowStarts) {
        Set<Instant> days = new TreeSet<>();
        if (applies(v)) {
            windowStarts.forEach(w -> days.add(Granularity.DAY.bucketStart(w)));
        }
        return days;
    }

    /**
     * Refreshes every day marked stale (hours replaced, roll-ups not refreshed: a crash in between), of every version
     * and dataset, and clears its mark; returns how many days it refreshed. Marks of versions no longer hourly are
     * cleared too. A dataset that fails keeps its marks, the others are still repaired, and the first failure is then
     * thrown.
     */
    public static int repair(Metastore store) {
        return repair(store, r -> false);
    }

    /**
     * {@link #repair(Metastore)}, leaving alone the marks {@code inProgress} holds: those of a dataset a run is
     * storing right now, whose days stay marked until the run refreshes their months at its end.
     */
    public static int repair(Metastore store, Predicate<StaleRollup> inProgress) {
        return repair(store, inProgress, Optional.empty(), Duration.ZERO);
    }

    /**
     * The name of the lease that whoever writes the roll-ups of a dataset holds, across servers sharing the metastore:
     * a run, from its start to after its month refresh, or a {@linkplain #repair repair} of the dataset.
     */
    public static String lease(String modelId, String version, String dataset) {
        return "rollups " + modelId + "/" + version + "/" + dataset;
    }

    /**
     * {@link #repair(Metastore, Predicate)}, each dataset only under its {@linkplain #lease lease}, taken for
     * {@code owner} for {@code hold} and given back after: a dataset whose lease another holds (a run on another
     * server, or its repair) is left to that one, or to a later repair.
     */
    public static int repair(
            Metastore store, Predicate<StaleRollup> inProgress, Optional<String> owner, Duration hold) {
        LOCK.lock();
        try {
            Map<List<String>, List<StaleRollup>> byDataset = new LinkedHashMap<>();
            for (StaleRollup r : store.profiles().staleRollups()) {
                if (inProgress.test(r)) {
                    continue;
                }
                byDataset
                        .computeIfAbsent(List.of(r.modelId(), r.version(), r.dataset()), k -> new ArrayList<>())
                        .add(r);
            }
            int repaired = 0;
            RuntimeException failed = null;
            for (List<StaleRollup> marks : byDataset.values()) {
                StaleRollup first = marks.get(0);
                String lease = lease(first.modelId(), first.version(), first.dataset());
                if (owner.isPresent() && !store.leases().acquire(lease, owner.get(), hold)) {
                    continue; // held: a run storing it refreshes its months at its end
                }
                try {
                    Optional<ModelVersion> v = store.versions().find(first.modelId(), first.version());
                    if (v.isPresent() && applies(v.get())) {
                        rollUpDaysAndMonths(
                                store,
                                v.get(),
                                first.dataset(),
                                marks.stream().map(StaleRollup::day).toList());
                        repaired += marks.size();
                    }
                    store.profiles().clearStale(marks);
                } catch (RuntimeException e) { // the others are still repaired; this one keeps its marks
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                } finally {
                    if (owner.isPresent()) {
                        store.leases().release(lease, owner.get());
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
            return repaired;
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether the version's windows are hours (a daily version's windows are days already). */
    static boolean applies(ModelVersion v) {
        return v.aggregationPeriod().length().equals(Duration.ofHours(1));
    }

    /**
     * Recomputes the roll-ups of {@code dataset} for the UTC days holding {@code windowStarts}, and their months, and
     * clears the stale marks those days had when it started: {@link #refreshDays} and {@link #refreshMonths} at once.
     */
    public static void refresh(Metastore store, ModelVersion v, String dataset, Collection<Instant> windowStarts) {
        if (!applies(v)) {
            return;
        }
        Set<Instant> days = days(v, windowStarts);
        LOCK.lock();
        try {
            List<StaleRollup> marks = marks(store, v, dataset, days);
            rollUpDaysAndMonths(store, v, dataset, days);
            store.profiles().clearStale(marks);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Recomputes the day roll-ups of {@code dataset} for the UTC days holding {@code windowStarts}, not their months,
     * and keeps the days' stale marks: a run calls it after each batch it stores, so that what it evaluates between
     * batches reads fresh days, and {@link #refreshMonths} once at its end, which refreshes each month it touched
     * once (not once per batch) and clears the marks. Should the run stop in between, the marks have the
     * {@linkplain #repair repair} refresh those days and their months.
     */
    public static void refreshDays(Metastore store, ModelVersion v, String dataset, Collection<Instant> windowStarts) {
        if (!applies(v)) {
            return;
        }
        LOCK.lock();
        try {
            rollUpEachDay(store, v, dataset, days(v, windowStarts));
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Recomputes the month roll-ups of {@code dataset} holding {@code windowStarts} from their days (rolling up first
     * any day of theirs without a roll-up), and clears the stale marks those days had when it started: the end of a
     * run whose batches each called {@link #refreshDays}.
     */
    public static void refreshMonths(
            Metastore store, ModelVersion v, String dataset, Collection<Instant> windowStarts) {
        if (!applies(v)) {
            return;
        }
        Set<Instant> days = days(v, windowStarts);
        LOCK.lock();
        try {
            List<StaleRollup> marks = marks(store, v, dataset, days);
            rollUpMonths(store, v, dataset, days);
            store.profiles().clearStale(marks);
        } finally {
            LOCK.unlock();
        }
    }

    /** The stale marks of {@code days} of the version's {@code dataset}. */
    private static List<StaleRollup> marks(Metastore store, ModelVersion v, String dataset, Set<Instant> days) {
        return store.profiles().staleRollups().stream()
                .filter(r -> r.modelId().equals(v.modelId())
                        && r.version().equals(v.version())
                        && r.dataset().equals(dataset)
                        && days.contains(r.day()))
                .toList();
    }

    /** Rolls up {@code days} and their months. */
    private static void rollUpDaysAndMonths(Metastore store, ModelVersion v, String dataset, Collection<Instant> days) {
        rollUpEachDay(store, v, dataset, days);
        rollUpMonths(store, v, dataset, days);
    }

    /**
     * Rolls up {@code days} side by side, each in its own read and write: a run's batch holds a few days and the
     * driver is otherwise idle while it waits for them (issue 15: a quarter of a month-long run's time, on one core).
     * The caller holds {@link #LOCK}, for all of them.
     */
    private static void rollUpEachDay(Metastore store, ModelVersion v, String dataset, Collection<Instant> days) {
        days.parallelStream().forEach(day -> rollUp(store, v, dataset, Level.DAY, day));
    }

    /** Rolls up the months of {@code days}, from their day roll-ups (days without one are rolled up first). */
    private static void rollUpMonths(Metastore store, ModelVersion v, String dataset, Collection<Instant> days) {
        Set<Instant> months = new TreeSet<>();
        days.forEach(day -> months.add(Granularity.MONTH.bucketStart(day)));
        for (Instant month : months) {
            Instant end = Granularity.MONTH.bucketEnd(month);
            // A month is the merge of its days: days stored before roll-ups existed get theirs first.
            Set<Instant> missing = new TreeSet<>();
            store.profiles()
                    .profiledWindows(v.modelId(), v.version(), dataset, month, end)
                    .forEach(hour -> missing.add(Granularity.DAY.bucketStart(hour)));
            missing.removeAll(
                    store.profiles().profiledWindows(v.modelId(), v.version(), Level.DAY.of(dataset), month, end));
            rollUpEachDay(store, v, dataset, missing);
            rollUp(store, v, dataset, Level.MONTH, month);
        }
    }

    /**
     * Replaces the roll-up of {@code level} starting at {@code start} with the merge of the profiles inside it one
     * level finer (the hours of a day, the days of a month), per segment and field. The profiles are merged decoded and each merge is
     * encoded once: encoding compacts the sketches, and encoding after every pairwise merge cost a
     * compaction of the growing sketches per profile.
     */
    private static void rollUp(Metastore store, ModelVersion v, String dataset, Level level, Instant start) {
        Instant end = level.unit().bucketEnd(start);
        BucketMerger merger = new BucketMerger(level.unit(), Optional.empty(), Optional.empty(), true);
        store.profiles()
                .forEachField(
                        v.modelId(),
                        v.version(),
                        level.mergedFrom(dataset),
                        start,
                        end,
                        Optional.empty(),
                        Optional.empty(),
                        merger);
        List<StoredProfile> rolled = new ArrayList<>();
        for (BucketMerger.Bucket b : merger.buckets()) {
            rolled.add(new StoredProfile(start, end, b.segment, b.field, b.profile.toBytes()));
        }
        store.profiles()
                .replaceWindows(v.modelId(), v.version(), level.of(dataset), List.of(start), rolled, Optional.empty());
    }

    /**
     * The profiles of [{@code from}, {@code to}) a query will merge at {@code granularity}: by the hour, the hours;
     * by day or week, the roll-up of each whole day that has one and the hours of everything else; by month or over
     * a range, whole months from their roll-ups first, then days and hours the same way.
     */
    static List<StoredProfile> read(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            Granularity granularity,
            boolean exactEdges,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields) {
        List<StoredProfile> out = new ArrayList<>();
        forEach(store, v, dataset, from, to, granularity, exactEdges, segment, fields, out::add);
        return out;
    }

    /**
     * Whether a query must read the outermost rolled-up periods finer: only a bucket over the whole range whose
     * bounds were not asked takes them from the profiles (where its rows start and end); every other bucket's bounds
     * come from the granularity or the asked range, whatever is read.
     */
    static boolean exactEdges(Granularity granularity, Optional<Instant> boundFrom, Optional<Instant> boundTo) {
        return granularity == Granularity.ALL && (boundFrom.isEmpty() || boundTo.isEmpty());
    }

    /** {@link #read}, handing each profile to {@code each} as it is read instead of collecting a list. */
    static void forEach(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            Granularity granularity,
            boolean exactEdges,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields,
            Consumer<StoredProfile> each) {
        List<Level> levels = !applies(v) || granularity == Granularity.HOUR
                ? List.of()
                : granularity == Granularity.MONTH || granularity == Granularity.ALL
                        ? List.of(Level.MONTH, Level.DAY)
                        : List.of(Level.DAY);
        read(store, v, dataset, from, to, levels, exactEdges, exactEdges, segment, fields, each);
    }

    /**
     * The profiles of [{@code from}, {@code to}) from the coarsest of {@code levels} where it has whole periods, and
     * from the finer levels (at last the hours) elsewhere. With {@code exactStart} ({@code exactEnd}) the first (last)
     * rolled-up period is read finer, so a range's bucket starts (ends) where its rows do; the edges between a
     * stretch of coarse periods and a finer stretch are period boundaries already, and need nothing of the kind.
     */
    private static void read(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            List<Level> levels,
            boolean exactStart,
            boolean exactEnd,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields,
            Consumer<StoredProfile> each) {
        if (!from.isBefore(to)) {
            return;
        }
        if (levels.isEmpty()) {
            store.profiles().forEachField(v.modelId(), v.version(), dataset, from, to, segment, fields, each);
            return;
        }
        Level level = levels.get(0);
        List<Level> finer = levels.subList(1, levels.size());
        Instant first = level.unit().bucketStart(from);
        if (first.isBefore(from)) {
            first = level.unit().bucketEnd(first);
        }
        Instant last = level.unit().bucketStart(to);
        TreeSet<Instant> covered = first.isBefore(last)
                ? new TreeSet<>(
                        store.profiles().profiledWindows(v.modelId(), v.version(), level.of(dataset), first, last))
                : new TreeSet<>();
        if (exactStart) {
            covered.pollFirst();
        }
        if (exactEnd) {
            covered.pollLast();
        }
        if (covered.isEmpty()) {
            read(store, v, dataset, from, to, finer, exactStart, exactEnd, segment, fields, each);
            return;
        }
        read(store, v, dataset, from, covered.first(), finer, exactStart, false, segment, fields, each);
        Instant previousEnd = null;
        for (Instant period : covered) {
            if (previousEnd != null && previousEnd.isBefore(period)) {
                // periods without a roll-up
                read(store, v, dataset, previousEnd, period, finer, false, false, segment, fields, each);
            }
            previousEnd = level.unit().bucketEnd(period);
        }
        store.profiles()
                .forEachField(
                        v.modelId(),
                        v.version(),
                        level.of(dataset),
                        covered.first(),
                        previousEnd,
                        segment,
                        fields,
                        each);
        read(store, v, dataset, previousEnd, to, finer, false, exactEnd, segment, fields, each);
    }
}
