package dev.vigil.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Value counts and distinct count of categorical codes, strings and booleans.
 *
 * <p>Counts are exact for at most {@value #VALUE_CAP} distinct values per profile. Beyond that the
 * {@value #VALUE_CAP} largest counts are kept and the rest is folded into {@link #otherCount()}: when a new
 * value arrives at a full map it goes to "other" (ties favour values already kept); when a merge exceeds the
 * cap, the largest counts are kept, ties broken by value ascending. The top-50 counts shown as metrics are
 * therefore exact as long as every merged window had at most {@value #VALUE_CAP} distinct values.
 */
final class CategoricalProfile implements KindProfile {
    static final int VALUE_CAP = 1_000;
    static final int TOP_VALUES = 50;
    static final String OTHER = "__other__";

    /** Count descending, then value ascending by code point (like Python's string order). */
    static final Comparator<Map.Entry<String, Long>> BY_COUNT_THEN_VALUE =
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                    .reversed()
                    .thenComparing(Map.Entry::getKey, CategoricalProfile::compareCodePoints);

    private long n;
    private long otherCount;
    private final Map<String, Long> counts;
    /**
     * The distinct values' hashes, or null while the counts hold every value (nothing went to "other"), when the
     * count is the number of kept values and nothing is hashed.
     */
    private Distinct distinct;

    CategoricalProfile() {
        this(new HashMap<>(), null);
    }

    private CategoricalProfile(Map<String, Long> counts, Distinct distinct) {
        this.counts = counts;
        this.distinct = distinct;
    }

    void add(String value) {
        n++;
        Long current = counts.get(value);
        if (current != null) {
            counts.put(value, current + 1);
        } else if (counts.size() < VALUE_CAP) {
            counts.put(value, 1L);
            if (distinct != null) {
                distinct.update(value);
            }
        } else {
            // Every kept value has a count >= 1, so a new value is among the smallest: it goes to "other".
            otherCount++;
            distinct().update(value);
        }
    }

    /** The distinct-count accumulator, made from the kept values while they are every value. */
    private Distinct distinct() {
        if (distinct == null) {
            distinct = Distinct.ofStrings(counts.keySet());
        }
        return distinct;
    }

    @Override
    public void merge(KindProfile otherKind) {
        CategoricalProfile other = (CategoricalProfile) otherKind;
        boolean exact = distinct == null && other.distinct == null;
        if (!exact) {
            // the other profile's hashes are made here, not stored on it: merging must not change what it writes
            distinct().merge(other.distinct != null ? other.distinct : Distinct.ofStrings(other.counts.keySet()));
        }
        n += other.n;
        otherCount += other.otherCount;
        other.counts.forEach((value, count) -> counts.merge(value, count, Long::sum));
        if (counts.size() > VALUE_CAP) {
            List<Map.Entry<String, Long>> sorted = sortedCounts();
            for (Map.Entry<String, Long> dropped : sorted.subList(VALUE_CAP, sorted.size())) {
                otherCount += dropped.getValue();
                counts.remove(dropped.getKey());
            }
            if (exact) {
                // the kept values are no longer every value: count the union of both sides' values
                Distinct union = Distinct.ofStrings(counts.keySet());
                dropped(sorted).forEach(union::update);
                distinct = union;
            }
        }
    }

    private static List<String> dropped(List<Map.Entry<String, Long>> sorted) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : sorted.subList(VALUE_CAP, sorted.size())) {
            out.add(e.getKey());
        }
        return out;
    }

    private List<Map.Entry<String, Long>> sortedCounts() {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.size());
        counts.forEach((value, count) -> sorted.add(Map.entry(value, count)));
        sorted.sort(BY_COUNT_THEN_VALUE);
        return sorted;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    @Override
    public long validCount() {
        return n;
    }

    Map<String, Long> counts() {
        return counts;
    }

    long otherCount() {
        return otherCount;
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        metrics.put("distinct_count", distinct == null ? Double.valueOf(counts.size()) : distinct.estimate());
        List<Map.Entry<String, Long>> sorted = sortedCounts();
        long rest = otherCount;
        for (int i = 0; i < sorted.size(); i++) {
            Map.Entry<String, Long> entry = sorted.get(i);
            if (i < TOP_VALUES) {
                metrics.put("value_count[" + entry.getKey() + "]", (double) entry.getValue());
            } else {
                rest += entry.getValue();
            }
        }
        if (rest > 0) {
            metrics.put("value_count[" + OTHER + "]", (double) rest);
        }
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(n).writeLong(otherCount).writeInt(counts.size());
        // Sorted so that equal profiles serialize to equal bytes.
        for (Map.Entry<String, Long> entry : sortedCounts()) {
            out.writeString(entry.getKey()).writeLong(entry.getValue());
        }
        // no distinct-count block while the counts hold every value
        out.writeInt(distinct == null ? 0 : 1);
        if (distinct != null) {
            distinct.write(out);
        }
    }

    static CategoricalProfile read(ProfileReader in) {
        long n = in.readCounter("value count total");
        long otherCount = in.readCounter("other count");
        // Each entry takes at least 4 (length) + 8 (count) bytes.
        int size = in.readCount("number of values", Integer.BYTES + Long.BYTES);
        Map<String, Long> counts = new HashMap<>(Math.max(16, size * 2));
        long total = otherCount;
        for (int i = 0; i < size; i++) {
            String value = in.readString("value " + i);
            long count = in.readCounter("count of value " + i);
            if (counts.put(value, count) != null) {
                throw in.corrupt("value '" + value + "' appears twice");
            }
            total += count;
        }
        if (total != n) {
            throw in.corrupt("value counts add up to " + total + ", expected " + n);
        }
        Distinct distinct;
        if (in.version() >= 3) {
            int hasDistinct = in.readInt("distinct sketch flag");
            if (hasDistinct != 0 && hasDistinct != 1) {
                throw in.corrupt("distinct sketch flag is " + hasDistinct);
            }
            if (hasDistinct == 0 && otherCount > 0) {
                throw in.corrupt("values went to other but there is no distinct sketch");
            }
            distinct = hasDistinct == 1 ? Distinct.read(in, "distinct sketch") : null;
            if (distinct == null && in.skipsDistinct()) {
                distinct = Distinct.absent(); // read without it: no count, as for every profile read so
            }
        } else {
            distinct = Distinct.readTheta(in, "distinct sketch");
        }
        CategoricalProfile profile = new CategoricalProfile(counts, distinct);
        profile.n = n;
        profile.otherCount = otherCount;
        return profile;
    }

    @Override
    public CategoricalProfile copy() {
        CategoricalProfile copy =
                new CategoricalProfile(new HashMap<>(counts), distinct == null ? null : distinct.copy());
        copy.n = n;
        copy.otherCount = otherCount;
        return copy;
    }
}
