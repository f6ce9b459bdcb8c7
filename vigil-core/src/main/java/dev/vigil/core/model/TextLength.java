package dev.vigil.core.model;

/**
 * The name drift gives a text field's length distribution: {@code <field>.length} (METRICS.md "Drift"). Profiles
 * are stored under the field's own name; only drift rows, monitors and pages speak of the length by this name.
 */
public final class TextLength {
    /** What drift appends to a text field's name: {@value}. */
    public static final String SUFFIX = ".length";

    private TextLength() {}

    /** The name of {@code field}'s length distribution: {@code field + ".length"}. */
    public static String of(String field) {
        return field + SUFFIX;
    }

    /** Whether {@code name} ends with {@code .length}, as the name of a text field's length distribution does. */
    public static boolean isLength(String name) {
        return name.endsWith(SUFFIX);
    }

    /** The field whose length {@code name} names ({@code name} without {@code .length}); {@code name} itself otherwise. */
    public static String fieldOf(String name) {
        return isLength(name) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    /** Whether {@code name} is {@code field} or {@code field}'s length ({@code field.length}). */
    public static boolean refersTo(String name, String field) {
        return name.equals(field) || name.equals(of(field));
    }
}
