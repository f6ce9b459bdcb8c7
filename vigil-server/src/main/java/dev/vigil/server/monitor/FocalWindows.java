package dev.vigil.server.monitor;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.store.Metastore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which focal windows a monitor is evaluated over: a monitor's windows are hours, UTC days or ISO weeks; a pass
 * evaluates the complete ones (ending at or before the serving watermark) that overlap the range a run stored, and a
 * clock tick the last closed one.
 */
final class FocalWindows {
    private static final String SERVING = DatasetKind.SERVING.specName();

    /** A focal window [{@code start}, {@code end}). */
    record Window(Instant start, Instant end) {}

    /** A pass's range [{@code from}, {@code to}), within the stored serving data that ends at {@code watermark}. */
    record Range(Instant from, Instant to, Instant watermark) {}

    private final Metastore store;

    FocalWindows(Metastore store) {
        this.store = store;
    }

    /** [{@code from}, {@code to}) cut to the serving data stored (from its first window to its watermark). */
    Optional<Range> stored(ModelVersion v, Instant from, Instant to) {
        Optional<Instant> watermark = store.profiles().watermark(v.modelId(), v.version(), SERVING);
        Optional<Instant[]> windows = store.profiles().windowRange(v.modelId(), v.version(), SERVING);
        if (watermark.isEmpty() || windows.isEmpty()) {
            return Optional.empty();
        }
        // Only where there is data: a request for 1970 onwards costs what the data costs.
        return Optional.of(new Range(
                from.isBefore(windows.get()[0]) ? windows.get()[0] : from,
                to.isAfter(watermark.get()) ? watermark.get() : to,
                watermark.get()));
    }

    /** Whether {@code w} is complete: it ends at or before the serving watermark. */
    boolean complete(ModelVersion v, Window w) {
        Optional<Instant> watermark = store.profiles().watermark(v.modelId(), v.version(), SERVING);
        return watermark.isPresent() && !w.end().isAfter(watermark.get());
    }

    /** The granularity of a monitor's focal windows: an hour, a UTC day, or else an ISO week. */
    static Granularity granularity(Monitor m) {
        if (m.focal().equals(Duration.ofHours(1))) {
            return Granularity.HOUR;
        }
        return m.focal().equals(Duration.ofDays(1)) ? Granularity.DAY : Granularity.WEEK;
    }

    /** The focal windows of {@code m} that overlap {@code range} and end at or before its watermark. */
    static List<Window> complete(Monitor m, Range range) {
        return between(m, granularity(m).bucketStart(range.from()), range.to()).stream()
                .filter(w -> !w.end().isAfter(range.watermark()))
                .toList();
    }

    /** The focal window of {@code m} that closed last at {@code now}: it ends where the window holding now starts. */
    static Window lastClosed(Monitor m, Instant now) {
        Instant end = granularity(m).bucketStart(now);
        return new Window(end.minus(m.focal()), end);
    }

    /** The focal windows of {@code m} one after the other from {@code from} until {@code to}: a history. */
    static List<Window> between(Monitor m, Instant from, Instant to) {
        Granularity g = granularity(m);
        List<Window> out = new ArrayList<>();
        for (Instant s = from; s.isBefore(to); s = g.bucketEnd(s)) {
            out.add(new Window(s, g.bucketEnd(s)));
        }
        return out;
    }
}
