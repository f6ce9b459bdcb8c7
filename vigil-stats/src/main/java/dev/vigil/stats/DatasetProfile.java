package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Dataset-level counts of one window and segment: rows, rows with a null id or timestamp, and duplicate ids.
 *
 * <p>A mutable accumulator, not thread-safe. Merging adds the counters. {@code duplicate_id_count} is counted
 * by the engine within each profiled window; an id that appears once in each of two windows is not a
 * duplicate of either, so the merged count can be lower than the count over all rows directly.
 */
public final class DatasetProfile implements Profile {
    static final String MAGIC = "VGD";
    static final int FORMAT_VERSION = 1;
    static final String WHAT = "dataset profile";

    /** The names {@link #metrics()} gives, in its order. */
    public static final List<String> METRIC_NAMES =
            List.of("count", "null_id_count", "null_timestamp_count", "duplicate_id_count");

    private long rows;
    private long nullIdCount;
    private long nullTimestampCount;
    private long duplicateIdCount;

    /** An empty profile. */
    public DatasetProfile() {}

    /** A profile with the given counts, each ≥ 0. */
    public DatasetProfile(long rows, long nullIdCount, long nullTimestampCount, long duplicateIdCount) {
        addRows(rows);
        addNullIds(nullIdCount);
        addNullTimestamps(nullTimestampCount);
        addDuplicateIds(duplicateIdCount);
    }

    /** Counts one row. */
    public void addRow() {
        rows++;
    }

    /** Counts {@code n} rows. */
    public void addRows(long n) {
        rows += nonNegative(n, "rows");
    }

    /** Counts {@code n} rows whose id is null. */
    public void addNullIds(long n) {
        nullIdCount += nonNegative(n, "null_id_count");
    }

    /** Counts {@code n} rows whose timestamp is null. */
    public void addNullTimestamps(long n) {
        nullTimestampCount += nonNegative(n, "null_timestamp_count");
    }

    /** Counts {@code n} rows whose non-null id already appeared in the window (each repeat counts once). */
    public void addDuplicateIds(long n) {
        duplicateIdCount += nonNegative(n, "duplicate_id_count");
    }

    private static long nonNegative(long n, String name) {
        if (n < 0) {
            throw new VigilArgumentException(name + " must be >= 0, got " + n);
        }
        return n;
    }

    /** Rows counted. */
    public long rows() {
        return rows;
    }

    /** Rows whose id is null. */
    public long nullIdCount() {
        return nullIdCount;
    }

    /** Rows whose timestamp is null. */
    public long nullTimestampCount() {
        return nullTimestampCount;
    }

    /** Rows whose non-null id repeats an earlier one in the window. */
    public long duplicateIdCount() {
        return duplicateIdCount;
    }

    /** Adds {@code other}'s counts to this profile, in place. */
    public void merge(DatasetProfile other) {
        Objects.requireNonNull(other, "other");
        long otherRows = other.rows;
        long otherNullIds = other.nullIdCount;
        long otherNullTimestamps = other.nullTimestampCount;
        long otherDuplicates = other.duplicateIdCount;
        rows += otherRows;
        nullIdCount += otherNullIds;
        nullTimestampCount += otherNullTimestamps;
        duplicateIdCount += otherDuplicates;
    }

    /** {@code count}, {@code null_id_count}, {@code null_timestamp_count}, {@code duplicate_id_count}. */
    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("count", (double) rows);
        metrics.put("null_id_count", (double) nullIdCount);
        metrics.put("null_timestamp_count", (double) nullTimestampCount);
        metrics.put("duplicate_id_count", (double) duplicateIdCount);
        return metrics;
    }

    /** Magic {@code "VGD"}, format version 1, then the four counters as big-endian longs. */
    @Override
    public byte[] toBytes() {
        return new ProfileWriter()
                .header(MAGIC, FORMAT_VERSION)
                .writeLong(rows)
                .writeLong(nullIdCount)
                .writeLong(nullTimestampCount)
                .writeLong(duplicateIdCount)
                .toByteArray();
    }

    /**
     * Reads a profile written by {@link #toBytes()}.
     *
     * @throws VigilStateException if the bytes are not a dataset profile, have an unknown format version, or
     *     are truncated or corrupt
     */
    public static DatasetProfile fromBytes(byte[] bytes) {
        ProfileReader in = ProfileReader.open(bytes, MAGIC, FORMAT_VERSION, WHAT);
        DatasetProfile profile = new DatasetProfile();
        profile.rows = in.readCounter("rows");
        profile.nullIdCount = in.readCounter("null id count");
        profile.nullTimestampCount = in.readCounter("null timestamp count");
        profile.duplicateIdCount = in.readCounter("duplicate id count");
        in.finish();
        return profile;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetProfile other
                && rows == other.rows
                && nullIdCount == other.nullIdCount
                && nullTimestampCount == other.nullTimestampCount
                && duplicateIdCount == other.duplicateIdCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, nullIdCount, nullTimestampCount, duplicateIdCount);
    }

    @Override
    public String toString() {
        return "DatasetProfile" + metrics();
    }
}
