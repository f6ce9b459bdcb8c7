package dev.vigil.engine.profile;

import dev.vigil.core.VigilStateException;
import dev.vigil.stats.Profile;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges, on the driver, the profiles the partitions returned: one per window, segment and field. */
final class PartialMerger {
    private PartialMerger() {}

    /** Merges what partitions returned per window, segment and field; every window gets an entry. */
    static Map<Instant, List<PartialProfile>> merge(List<PartialProfile> partials, List<Window> windows) {
        Map<Instant, Map<Key, PartialProfile>> byWindow = new LinkedHashMap<>();
        windows.forEach(w -> byWindow.put(w.start(), new LinkedHashMap<>()));
        for (PartialProfile p : partials) {
            Map<Key, PartialProfile> window = byWindow.get(Instant.ofEpochSecond(p.windowStart()));
            if (window == null) {
                throw new VigilStateException("a row was profiled into window " + Instant.ofEpochSecond(p.windowStart())
                        + ", outside the windows read (" + windows.get(0).start() + " to "
                        + windows.get(windows.size() - 1).end()
                        + "): the timestamp column's time zone handling is off");
            }
            Key key = new Key(p.segment(), p.field());
            PartialProfile before = window.get(key);
            window.put(key, before == null ? p : mergeTwo(before, p));
        }
        Map<Instant, List<PartialProfile>> out = new LinkedHashMap<>();
        byWindow.forEach((start, profiles) -> out.put(start, List.copyOf(profiles.values())));
        return out;
    }

    /** The two profiles of one window, segment and field merged, of whatever kind their bytes say they are. */
    private static PartialProfile mergeTwo(PartialProfile a, PartialProfile b) {
        Profile merged = Profile.fromBytes(a.bytes());
        merged.merge(Profile.fromBytes(b.bytes()));
        return new PartialProfile(a.windowStart(), a.segment(), a.field(), merged.toBytes());
    }

    /** Where a window's profiles are kept while merging: their segment and field. */
    private record Key(String segment, String field) {}
}
