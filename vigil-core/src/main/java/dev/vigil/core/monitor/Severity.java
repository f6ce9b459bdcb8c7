package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.Locale;

/** How bad an alert of a monitor is. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity fromSpec(String name, String key) {
        for (Severity s : values()) {
            if (s.specName().equals(name)) {
                return s;
            }
        }
        throw new VigilArgumentException(key + ": unknown severity '" + name + "' (expected low, medium or high)");
    }
}
