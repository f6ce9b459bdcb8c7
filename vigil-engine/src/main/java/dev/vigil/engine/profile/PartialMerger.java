package dev.vigil.engine.profile;

import dev.vigil.core.VigilStateException;
import dev.vigil.stats.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges, on the driver, the profiles the partitions returned: one per window, segment and field. */
final class PartialMerger {
    private PartialMerger() {}

    /**
     * Merges what partitions returned per window, segment and field; every window gets an entry. A key returned by
     * one partition only (the usual case: a window lies in one slice) keeps its bytes as they are; the partials of a
     * key returned by several are decoded, merged into the first and encoded once.
     */
    static Map<Instant, List<PartialProfile>> merge(List<PartialProfile> partials, List<Window> windows) {
        Map<Instant, Map<Key, List<PartialProfile>>> byWindow = new LinkedHashMap<>();
        windows.forEach(w -> byWindow.put(w.start(), new LinkedHashMap<>()));
        for (PartialProfile p : partials) {
            Map<Key, List<PartialProfile>> window = byWindow.get(Instant.ofEpochSecond(p.windowStart()));
            if (window == null) {
                throw new VigilStateException("a row was profiled into window " + Instant.ofEpochSecond(p.windowStart())
                        + ", outside the windows read (" + windows.get(0).start() + " to "
                        + windows.get(windows.size() - 1).end()
                        + "): the timestamp column's time zone handling is off");
            }
            window.computeIfAbsent(new Key(p.segment(), p.field()), k -> new ArrayList<>(1))
                    .add(p);
        }
        Map<Instant, List<PartialProfile>> out = new LinkedHashMap<>();
        byWindow.forEach((start, profiles) -> {
            List<PartialProfile> merged = new ArrayList<>(profiles.size());
            profiles.values().forEach(same -> merged.add(mergeAll(same)));
            out.put(start, List.copyOf(merged));
        });
        return out;
    }

    /** The profiles of one window, segment and field merged, of whatever kind their bytes say they are. */
    private static PartialProfile mergeAll(List<PartialProfile> same) {
        PartialProfile first = same.get(0);
        if (same.size() == 1) {
            return first;
        }
        Profile merged = Profile.fromBytes(first.bytes());
        for (int i = 1; i < same.size(); i++) {
            merged.merge(Profile.fromBytes(same.get(i).bytes()));
        }
        return new PartialProfile(first.windowStart(), first.segment(), first.field(), merged.toBytes());
    }

    /** Where a window's profiles are kept while merging: their segment and field. */
    private record Key(String segment, String field) {}
}
