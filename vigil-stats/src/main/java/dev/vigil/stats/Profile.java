package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import java.util.Map;
import java.util.Objects;

/**
 * A mergeable, serializable profile of one window and segment: a {@link FieldProfile} (one field's values), a
 * {@link DatasetProfile} (the dataset's row counts), a {@link PerformanceProfile} (one prediction field's
 * performance) or a {@link SampleProfile} (a sample of the window's rows). Its bytes say which it is: {@link
 * #fromBytes(byte[])} reads the magic each format starts with ({@code "VGP"}, {@code "VGD"}, {@code "VGF"}, {@code
 * "VGS"}; see {@code package-info}), as DataSketches' {@code Sketch.heapify}
 * reads the family byte, so a reader never needs to know the kind in advance.
 */
public sealed interface Profile permits FieldProfile, DatasetProfile, PerformanceProfile, SampleProfile {

    /** How {@link #fromBytes(byte[], Decoding)} decodes a field profile; other profiles are always read whole. */
    enum Decoding {
        /** Everything, as {@link FieldProfile#fromBytes}. */
        WHOLE,
        /**
         * Without the distinct-count sketch, as {@link FieldProfile#fromBytesWithoutDistinct}: for queries that never
         * ask {@code distinct_count}. Such a field profile cannot be written back.
         */
        WITHOUT_DISTINCT
    }

    /** The metrics of this profile by METRICS.md name, in a stable order; a null value is undefined. */
    Map<String, Double> metrics();

    /** Serializes this profile in its kind's newest format version, starting with the kind's magic. */
    byte[] toBytes();

    /**
     * Adds {@code other}'s rows to this profile, in place, as the kind's own {@code merge} does.
     *
     * @throws VigilArgumentException if {@code other} is another kind of profile, or the kind's own {@code merge}
     *     refuses it (a field of another type, a model of another type)
     */
    default void merge(Profile other) {
        Objects.requireNonNull(other, "other");
        if (this instanceof FieldProfile into && other instanceof FieldProfile from) {
            into.merge(from);
        } else if (this instanceof DatasetProfile into && other instanceof DatasetProfile from) {
            into.merge(from);
        } else if (this instanceof PerformanceProfile into && other instanceof PerformanceProfile from) {
            into.merge(from);
        } else if (this instanceof SampleProfile into && other instanceof SampleProfile from) {
            into.merge(from);
        } else {
            throw new VigilArgumentException("cannot merge a " + what(other) + " into a " + what(this));
        }
    }

    /**
     * Reads a profile of any kind, whole, from the bytes its {@link #toBytes()} wrote.
     *
     * @throws VigilStateException if the bytes start with no profile's magic, or the kind's reader refuses them
     *     (an unknown format version, truncated or corrupt bytes)
     */
    static Profile fromBytes(byte[] bytes) {
        return fromBytes(bytes, Decoding.WHOLE);
    }

    /**
     * Reads a profile of any kind from the bytes its {@link #toBytes()} wrote, a field profile as {@code decoding}
     * says.
     *
     * @throws VigilStateException as {@link #fromBytes(byte[])} does
     */
    static Profile fromBytes(byte[] bytes, Decoding decoding) {
        Objects.requireNonNull(decoding, "decoding");
        String magic = ProfileReader.magic(bytes, "profile");
        return switch (magic) {
            case FieldProfile.MAGIC ->
                decoding == Decoding.WHOLE
                        ? FieldProfile.fromBytes(bytes)
                        : FieldProfile.fromBytesWithoutDistinct(bytes);
            case DatasetProfile.MAGIC -> DatasetProfile.fromBytes(bytes);
            case PerformanceProfile.MAGIC -> PerformanceProfile.fromBytes(bytes);
            case SampleProfile.MAGIC -> SampleProfile.fromBytes(bytes);
            default ->
                throw new VigilStateException("not a profile: expected magic bytes '" + FieldProfile.MAGIC
                        + "' (" + FieldProfile.WHAT + "), '" + DatasetProfile.MAGIC + "' (" + DatasetProfile.WHAT
                        + "), '" + PerformanceProfile.MAGIC + "' (" + PerformanceProfile.WHAT + ") or '"
                        + SampleProfile.MAGIC + "' (" + SampleProfile.WHAT + "), got "
                        + ProfileReader.show(magic));
        };
    }

    private static String what(Profile profile) {
        if (profile instanceof FieldProfile) {
            return FieldProfile.WHAT;
        }
        if (profile instanceof SampleProfile) {
            return SampleProfile.WHAT;
        }
        return profile instanceof DatasetProfile ? DatasetProfile.WHAT : PerformanceProfile.WHAT;
    }
}
