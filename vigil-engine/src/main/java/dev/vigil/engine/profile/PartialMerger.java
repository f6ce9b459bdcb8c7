package dev.vigil.engine.profile;

import dev.vigil.core.VigilStateException;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges, on the driver, the profiles the partitions returned: one per window, segment and field. */
final class PartialMerger {
    private PartialMerger() {}

    /** Merges what partitions returned per window, segment and field; every window gets an entry. */
    static Map<Instant, List<PartialProfile>> merge(List<PartialProfile> partials, List<Window> windows) {
        Map<Instant, Map<String, PartialProfile>> byWindow = new LinkedHashMap<>();
        windows.forEach(w -> byWindow.put(w.start(), new LinkedHashMap<>()));
        for (PartialProfile p : partials) {
            Map<String, PartialProfile> window = byWindow.get(Instant.ofEpochSecond(p.windowStart()));
            if (window == null) {
                throw new VigilStateException("a row was profiled into window " + Instant.ofEpochSecond(p.windowStart())
                        + ", outside the windows read (" + windows.get(0).start() + " to "
                        + windows.get(windows.size() - 1).end()
                        + "): the timestamp column's time zone handling is off");
            }
            String key = p.segment() + "\u0000" + p.field();
            PartialProfile before = window.get(key);
            window.put(key, before == null ? p : mergeTwo(before, p));
        }
        Map<Instant, List<PartialProfile>> out = new LinkedHashMap<>();
        byWindow.forEach((start, profiles) -> out.put(start, List.copyOf(profiles.values())));
        return out;
    }

    private static PartialProfile mergeTwo(PartialProfile a, PartialProfile b) {
        byte[] merged;
        if (a.field().startsWith(PerformanceProfile.FIELD_PREFIX)) {
            PerformanceProfile p = PerformanceProfile.fromBytes(a.bytes());
            p.merge(PerformanceProfile.fromBytes(b.bytes()));
            merged = p.toBytes();
        } else if (a.field().isEmpty()) {
            DatasetProfile d = DatasetProfile.fromBytes(a.bytes());
            d.merge(DatasetProfile.fromBytes(b.bytes()));
            merged = d.toBytes();
        } else {
            FieldProfile f = FieldProfile.fromBytes(a.bytes());
            f.merge(FieldProfile.fromBytes(b.bytes()));
            merged = f.toBytes();
        }
        return new PartialProfile(a.windowStart(), a.segment(), a.field(), merged);
    }
}
