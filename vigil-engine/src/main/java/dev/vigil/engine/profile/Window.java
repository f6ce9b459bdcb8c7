package dev.vigil.engine.profile;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A time window [{@code start}, {@code end}) in UTC: an hour or a day of a version's aggregation period. */
public record Window(Instant start, Instant end) implements Serializable {

    public Window {
        if (!end.isAfter(start)) {
            throw new VigilArgumentException("a window ends after it starts: " + start + " / " + end);
        }
    }

    /** The windows of {@code period} covering [{@code from}, {@code to}), aligned to UTC hours or days. */
    public static List<Window> cover(Instant from, Instant to, AggregationPeriod period) {
        if (!to.isAfter(from)) {
            throw new VigilArgumentException("--to (" + to + ") must be after --from (" + from + ")");
        }
        long length = period.length().toSeconds();
        long first = Math.floorDiv(from.getEpochSecond(), length) * length;
        List<Window> out = new ArrayList<>();
        for (long s = first; Instant.ofEpochSecond(s).isBefore(to); s += length) {
            out.add(new Window(Instant.ofEpochSecond(s), Instant.ofEpochSecond(s + length)));
        }
        return out;
    }

    /** The start of the window of {@code period} holding {@code t}. */
    public static Instant startOf(Instant t, Duration length) {
        long l = length.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), l) * l);
    }
}
