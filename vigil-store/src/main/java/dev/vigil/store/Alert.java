package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import java.time.Instant;
import java.util.Locale;

/**
 * An alert: monitor {@code monitor} found {@code metric} of {@code field} ("" for none) in {@code segment} ("" for
 * all rows) over the focal window [{@code windowStart}, {@code windowEnd}) to be {@code value}, beyond
 * {@code threshold} (the bound it crossed), against {@code baseline} when the detection has one. {@code reason}
 * says it in one sentence.
 */
public record Alert(
        String id,
        String modelId,
        String version,
        String monitor,
        String field,
        String segment,
        Instant windowStart,
        Instant windowEnd,
        String metric,
        Double value,
        Double threshold,
        Double baseline,
        String severity,
        Status status,
        String reason,
        Instant createdAt,
        Instant updatedAt,
        Instant resolvedAt) {

    /** An alert's life: open until acknowledged by a person or resolved (by a person, or when the condition clears). */
    public enum Status {
        OPEN,
        ACKNOWLEDGED,
        RESOLVED;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status a user names ({@code open}, {@code acknowledged}, {@code resolved}); refused in one sentence. */
        public static Status fromSpec(String value) {
            for (Status s : values()) {
                if (s.specName().equals(value.strip())) {
                    return s;
                }
            }
            throw new VigilArgumentException(
                    "status: unknown value '" + value + "' (expected open, acknowledged or resolved)");
        }
    }

    /**
     * The notification group: one notification per monitor, field, segment and UTC day, as a SHA-256 (so that
     * any segment value fits the column).
     */
    public String groupKey() {
        String key = String.join(
                "\u001f",
                modelId,
                version,
                monitor,
                field,
                segment,
                windowStart.toString().substring(0, 10));
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
