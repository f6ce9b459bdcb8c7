package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;
import java.time.Duration;

/** The length of the windows a version is profiled in. */
public enum AggregationPeriod {
    HOURLY("hourly", Duration.ofHours(1)),
    DAILY("daily", Duration.ofDays(1));

    private final String specName;
    private final Duration length;

    AggregationPeriod(String specName, Duration length) {
        this.specName = specName;
        this.length = length;
    }

    public String specName() {
        return specName;
    }

    /** The window length: one hour or one day (UTC days, no daylight saving). */
    public Duration length() {
        return length;
    }

    public static AggregationPeriod fromSpec(String value, String key) {
        for (AggregationPeriod period : values()) {
            if (period.specName.equals(value)) {
                return period;
            }
        }
        throw new VigilArgumentException(
                key + ": unknown aggregation period '" + value + "' (expected hourly or daily)");
    }

    @Override
    public String toString() {
        return specName;
    }
}
