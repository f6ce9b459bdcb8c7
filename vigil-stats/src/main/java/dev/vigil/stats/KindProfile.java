package dev.vigil.stats;

import java.util.Map;

/** The kind-specific part of a {@link FieldProfile}: statistics over the valid, non-missing values. */
sealed interface KindProfile permits NumericProfile, CategoricalProfile, TextProfile, VectorProfile, LengthProfile {

    /** Valid, non-missing values added. */
    long validCount();

    /** Adds {@code other}'s values; {@code other} has the same class and, for vectors, the same length. */
    void merge(KindProfile other);

    void write(ProfileWriter out);

    /** Puts this kind's metrics, in METRICS.md order, after the common counts. */
    void putMetrics(Map<String, Double> metrics);

    /** Copies this profile (sketches included) so that a profile can be merged with itself. */
    KindProfile copy();
}
