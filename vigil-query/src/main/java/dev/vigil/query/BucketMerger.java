package dev.vigil.query;

import dev.vigil.core.model.Granularity;
import dev.vigil.core.query.MetricKey;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.stats.Profile;
import dev.vigil.stats.Profile.Decoding;
import dev.vigil.store.StoredProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Merges stored window profiles into buckets of a granularity (hour, day, week, month or all), one per bucket start,
 * segment and field, one profile at a time as they are read, so that only the merged buckets are held. Every query
 * derives its metrics from merged profiles, never by averaging windows (METRICS.md, "Merging"). Field profiles can be
 * decoded without their distinct-count sketches, for queries that never show distinct_count.
 */
final class BucketMerger implements Consumer<StoredProfile> {
    /** The order of merged buckets: by start, segment and field. */
    static final Comparator<Bucket> ORDER = Comparator.comparing((Bucket b) -> b.start)
            .thenComparing(b -> b.segment)
            .thenComparing(b -> b.field);

    /**
     * One bucket's merged profile of a segment and field: a field's, the dataset counts ({@code field} ""), or a
     * prediction's performance, as the stored bytes say.
     */
    static final class Bucket {
        final Instant start;
        final Instant end;
        final String segment;
        final String field;
        Profile profile;

        Bucket(Instant start, Instant end, String segment, String field) {
            this.start = start;
            this.end = end;
            this.segment = segment;
            this.field = field;
        }

        MetricKey key() {
            return new MetricKey(segment, field);
        }

        /** The merged field profile, or null when this bucket holds another kind. */
        FieldProfile fieldProfile() {
            return profile instanceof FieldProfile f ? f : null;
        }

        /** The merged performance profile, or null when this bucket holds another kind. */
        PerformanceProfile performanceProfile() {
            return profile instanceof PerformanceProfile f ? f : null;
        }
    }

    /** Where a bucket is kept while merging: its start and series. */
    private record BucketKey(Instant start, MetricKey key) {}

    private final Granularity granularity;
    private final Optional<Instant> askedFrom;
    private final Optional<Instant> askedTo;
    private final boolean withDistinct;
    private final Map<BucketKey, Bucket> buckets = new LinkedHashMap<>();
    private Instant first;
    private Instant last;

    /**
     * A merger into buckets of {@code granularity}. With {@code all}, the one bucket spans the asked range when one
     * was given (a segment can be absent from the first or last windows), else the windows found.
     */
    BucketMerger(
            Granularity granularity, Optional<Instant> askedFrom, Optional<Instant> askedTo, boolean withDistinct) {
        this.granularity = granularity;
        this.askedFrom = askedFrom;
        this.askedTo = askedTo;
        this.withDistinct = withDistinct;
    }

    /** The profiles merged per bucket of {@code granularity}, segment and field, in {@link #ORDER}. */
    static List<Bucket> merge(
            List<StoredProfile> profiles,
            Granularity granularity,
            Optional<Instant> askedFrom,
            Optional<Instant> askedTo) {
        BucketMerger merger = new BucketMerger(granularity, askedFrom, askedTo, true);
        profiles.forEach(merger);
        return merger.buckets();
    }

    @Override
    public void accept(StoredProfile p) {
        first = first == null || p.windowStart().isBefore(first) ? p.windowStart() : first;
        last = last == null || p.windowEnd().isAfter(last) ? p.windowEnd() : last;
        Instant start;
        Instant end;
        if (granularity == Granularity.ALL) {
            start = Instant.EPOCH; // the one bucket's bounds are set by buckets(), once all are seen
            end = Instant.EPOCH;
        } else {
            start = granularity.bucketStart(p.windowStart());
            end = granularity.bucketEnd(start);
            if (p.windowEnd().isAfter(end)) {
                // a daily window asked for by the hour stays a day
                start = p.windowStart();
                end = p.windowEnd();
            }
        }
        Instant bucketStart = start;
        Instant bucketEnd = end;
        Bucket bucket = buckets.computeIfAbsent(
                new BucketKey(start, new MetricKey(p.segment(), p.field())),
                k -> new Bucket(bucketStart, bucketEnd, p.segment(), p.field()));
        Profile profile = Profile.fromBytes(p.bytes(), withDistinct ? Decoding.WHOLE : Decoding.WITHOUT_DISTINCT);
        if (bucket.profile == null) {
            bucket.profile = profile;
        } else {
            bucket.profile.merge(profile);
        }
    }

    /** The merged buckets, in {@link #ORDER}. */
    List<Bucket> buckets() {
        List<Bucket> ordered = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            if (granularity == Granularity.ALL) {
                Bucket all = new Bucket(askedFrom.orElse(first), askedTo.orElse(last), b.segment, b.field);
                all.profile = b.profile;
                ordered.add(all);
            } else {
                ordered.add(b);
            }
        }
        ordered.sort(ORDER);
        return ordered;
    }

    /**
     * The field buckets of {@code buckets} merged again into one bucket [{@code start}, {@code end}) per segment and
     * field, into new profiles: the buckets given stay as they are. Dataset and performance buckets are left out.
     */
    static List<Bucket> mergeFields(List<Bucket> buckets, Instant start, Instant end) {
        Map<MetricKey, Bucket> merged = new LinkedHashMap<>();
        for (Bucket b : buckets) {
            FieldProfile from = b.fieldProfile();
            if (from == null) {
                continue;
            }
            Bucket into = merged.computeIfAbsent(b.key(), k -> {
                Bucket fresh = new Bucket(start, end, b.segment, b.field);
                fresh.profile = FieldProfile.create(from.type());
                return fresh;
            });
            into.profile.merge(from);
        }
        List<Bucket> ordered = new ArrayList<>(merged.values());
        ordered.sort(ORDER);
        return ordered;
    }
}
