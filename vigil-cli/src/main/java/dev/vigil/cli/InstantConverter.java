package dev.vigil.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * Reads {@code --from}/{@code --to} as ISO-8601 instants ({@code 2026-01-01T00:00:00Z}). A date or a time without a
 * zone is refused with the instant to write instead: Vigil's windows are in UTC, and guessing a zone would shift them.
 */
final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            throw new CommandLine.TypeConversionException(hint(value));
        }
    }

    private static String hint(String value) {
        try {
            return "'" + value + "' is a date; write " + LocalDate.parse(value) + "T00:00:00Z";
        } catch (DateTimeParseException notADate) {
            // not a date either
        }
        try {
            LocalDateTime local = LocalDateTime.parse(value);
            return "'" + value + "' has no time zone; write " + local + "Z for UTC";
        } catch (DateTimeParseException notALocalTime) {
            return "'" + value + "' is not an instant; write one such as 2026-01-01T00:00:00Z";
        }
    }
}
