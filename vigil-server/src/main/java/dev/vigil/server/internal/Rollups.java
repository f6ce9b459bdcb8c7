package dev.vigil.server.internal;

import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Day roll-ups of hourly versions: for every UTC day, each segment's and field's hourly profiles merged into one,
 * stored beside the hours under the dataset {@code <dataset>@day}. Runs refresh the days whose hours they replaced;
 * queries merged by day, week, month or over a range read the roll-up of every whole day that has one and the
 * hours of the rest (the partial days at the edges, and days stored before roll-ups existed). A year by day then
 * merges 365 profiles a field instead of 8,760, with the same result: a roll-up is the merge a query would do.
 */
public final class Rollups {
    static final String SUFFIX = "@day";
    private static final Duration DAY = Duration.ofDays(1);

    private Rollups() {}

    /** Whether the version's windows are hours (a daily version's windows are days already). */
    static boolean applies(ModelVersion v) {
        return v.aggregationPeriod().length().equals(Duration.ofHours(1));
    }

    /** Recomputes the roll-ups of {@code dataset} for the UTC days holding {@code windowStarts}. */
    public static void refresh(Metastore store, ModelVersion v, String dataset, Collection<Instant> windowStarts) {
        if (!applies(v)) {
            return;
        }
        Set<Instant> days = new TreeSet<>();
        windowStarts.forEach(w -> days.add(Granularity.DAY.bucketStart(w)));
        for (Instant day : days) {
            // Merge the day's hours decoded, per segment and field, and encode each merge once: encoding compacts
            // the sketches, and encoding after every pairwise merge cost a sort of the growing theta sketch per hour.
            MetricsQuery.Merger merger =
                    new MetricsQuery.Merger(Granularity.DAY, Optional.empty(), Optional.empty(), true);
            store.profiles()
                    .forEachField(
                            v.modelId(),
                            v.version(),
                            dataset,
                            day,
                            day.plus(DAY),
                            Optional.empty(),
                            Optional.empty(),
                            merger);
            List<StoredProfile> rolled = new ArrayList<>();
            for (MetricsQuery.Bucket b : merger.buckets()) {
                byte[] bytes = b.performanceProfile != null
                        ? b.performanceProfile.toBytes()
                        : b.datasetProfile != null ? b.datasetProfile.toBytes() : b.fieldProfile.toBytes();
                rolled.add(new StoredProfile(day, day.plus(DAY), b.segment, b.field, bytes));
            }
            store.profiles()
                    .replaceWindows(v.modelId(), v.version(), dataset + SUFFIX, List.of(day), rolled, Optional.empty());
        }
    }

    /**
     * The profiles of [{@code from}, {@code to}) a query will merge at {@code granularity}: by the hour, the hours;
     * otherwise the roll-up of each whole day that has one, and the hours of everything else.
     */
    static List<StoredProfile> read(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            Granularity granularity,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields) {
        List<StoredProfile> out = new ArrayList<>();
        forEach(store, v, dataset, from, to, granularity, segment, fields, out::add);
        return out;
    }

    /** {@link #read}, handing each profile to {@code each} as it is read (in the same order) instead of a list. */
    static void forEach(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            Granularity granularity,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields,
            Consumer<StoredProfile> each) {
        if (!applies(v) || granularity == Granularity.HOUR) {
            hours(store, v, dataset, from, to, segment, fields, each);
            return;
        }
        Instant firstDay = Granularity.DAY.bucketStart(from);
        if (firstDay.isBefore(from)) {
            firstDay = firstDay.plus(DAY);
        }
        Instant lastDay = Granularity.DAY.bucketStart(to);
        if (!firstDay.isBefore(lastDay)) {
            hours(store, v, dataset, from, to, segment, fields, each);
            return;
        }
        TreeSet<Instant> covered = new TreeSet<>(
                store.profiles().profiledWindows(v.modelId(), v.version(), dataset + SUFFIX, firstDay, lastDay));
        // The outermost days are read as hours, so a range's bucket starts and ends where its rows do.
        covered.pollFirst();
        covered.pollLast();
        if (covered.isEmpty()) {
            hours(store, v, dataset, from, to, segment, fields, each);
            return;
        }
        hours(store, v, dataset, from, covered.first(), segment, fields, each);
        Instant previousEnd = null;
        for (Instant day : covered) {
            if (previousEnd != null && previousEnd.isBefore(day)) {
                hours(store, v, dataset, previousEnd, day, segment, fields, each); // days without a roll-up
            }
            previousEnd = day.plus(DAY);
        }
        store.profiles()
                .forEachField(
                        v.modelId(),
                        v.version(),
                        dataset + SUFFIX,
                        covered.first(),
                        previousEnd,
                        segment,
                        fields,
                        each);
        hours(store, v, dataset, previousEnd, to, segment, fields, each);
    }

    private static void hours(
            Metastore store,
            ModelVersion v,
            String dataset,
            Instant from,
            Instant to,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields,
            Consumer<StoredProfile> each) {
        if (from.isBefore(to)) {
            store.profiles().forEachField(v.modelId(), v.version(), dataset, from, to, segment, fields, each);
        }
    }
}
