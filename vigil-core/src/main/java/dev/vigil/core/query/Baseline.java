package dev.vigil.core.query;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetKind;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a window is compared with: a reference dataset (training or testing) as a whole, a fixed serving period
 * [{@code from}, {@code to}), or the bucket just before the window ({@code previous}).
 *
 * @param name the baseline as the user writes it: {@code training}, {@code testing}, {@code previous} or
 *     {@code FROM/TO}
 */
public record Baseline(String name, Optional<DatasetKind> reference, Optional<Instant> from, Optional<Instant> to) {
    /** The whole training dataset: drift's default, and the reference CBPE calibrates on by default. */
    public static final Baseline TRAINING = of(DatasetKind.TRAINING);

    /** The bucket just before each window. */
    public static final Baseline PREVIOUS =
            new Baseline("previous", Optional.empty(), Optional.empty(), Optional.empty());

    /** A reference dataset as a whole. */
    public static Baseline of(DatasetKind reference) {
        return new Baseline(reference.specName(), Optional.of(reference), Optional.empty(), Optional.empty());
    }

    /**
     * A drift baseline as the {@code baseline} parameter names it: {@code training} (also when absent),
     * {@code testing}, {@code previous} or a serving period {@code FROM/TO} of ISO instants.
     */
    public static Baseline parse(String value) {
        String v = value == null || value.isBlank() ? "training" : value.strip();
        switch (v) {
            case "training":
                return of(DatasetKind.TRAINING);
            case "testing":
                return of(DatasetKind.TESTING);
            case "previous":
                return PREVIOUS;
            default:
                break;
        }
        int slash = v.indexOf('/');
        if (slash > 0) {
            try {
                Instant from = Instant.parse(v.substring(0, slash));
                Instant to = Instant.parse(v.substring(slash + 1));
                if (!to.isAfter(from)) { // worded as --from/--to are
                    throw new VigilArgumentException("baseline: to " + to + " must be after from " + from);
                }
                return new Baseline(v, Optional.empty(), Optional.of(from), Optional.of(to));
            } catch (DateTimeParseException e) {
                // falls through to the message below
            }
        }
        throw new VigilArgumentException("baseline: expected training, testing, previous or a serving period"
                + " FROM/TO (e.g. 2026-01-01T00:00:00Z/2026-01-08T00:00:00Z), got '" + v + "'");
    }

    /**
     * A labeled reference as performance's {@code baseline} parameter names it: {@code training} or
     * {@code testing}, the dataset CBPE calibrates on; absent, nothing was asked.
     */
    public static Optional<Baseline> parseReference(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value) {
            case "training" -> Optional.of(of(DatasetKind.TRAINING));
            case "testing" -> Optional.of(of(DatasetKind.TESTING));
            default ->
                throw new VigilArgumentException("baseline: expected training or testing (the labeled reference CBPE"
                        + " calibrates on), got '" + value + "'");
        };
    }

    /** Whether each window is compared with the bucket before it. */
    public boolean isPrevious() {
        return name.equals("previous");
    }

    /** How a reason names this baseline. */
    public String describe() {
        if (reference.isPresent()) {
            return "the " + name + " baseline";
        }
        return isPrevious() ? "the previous window" : "the baseline period " + name;
    }
}
