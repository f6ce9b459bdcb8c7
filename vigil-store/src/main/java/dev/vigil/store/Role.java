package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API token may do (ADR 0015). Each role includes the ones below it: a {@link #VIEWER} reads and uses the
 * dashboard; an {@link #EDITOR} also changes models, datasets, monitors, runs and alerts; an {@link #ADMIN} also
 * manages tokens and reads the audit log.
 */
public enum Role {
    VIEWER,
    EDITOR,
    ADMIN;

    /** Whether a token with this role may do what {@code needed} allows. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name in specs, JSON and the metastore: {@code viewer}, {@code editor}, {@code admin}. */
    public String spec() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code value}; a sentence naming {@code field} and the roles there are otherwise. */
    public static Role parse(String value, String field) {
        for (Role r : values()) {
            if (r.spec().equals(value)) {
                return r;
            }
        }
        throw new VigilArgumentException(field + ": '" + value + "' is not a role (expected "
                + Arrays.stream(values()).map(Role::spec).collect(Collectors.joining(", ")) + ")");
    }
}
