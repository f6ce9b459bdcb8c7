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
    private final Distinct distinct;

    CategoricalProfile() {
        this(new HashMap<>(), new Distinct());
    }

    private CategoricalProfile(Map<String, Long> counts, Distinct distinct) {
        this.counts = counts;
        this.distinct = distinct;
    }

    void add(String value) {
        n++;
        distinct.update(value);
        Long current = counts.get(value);
        if (current != null) {
            counts.put(value, current + 1);
        } else if (counts.size() < VALUE_CAP) {
            counts.put(value, 1L);
        } else {
            // Every kept value has a count >= 1, so a new value is among the smallest: it goes to "other".
            otherCount++;
        }
    }

    @Override
    public void merge(KindProfile otherKind) {
        CategoricalProfile other = (CategoricalProfile) otherKind;
        n += other.n;
        otherCount += other.otherCount;
        other.counts.forEach((value, count) -> counts.merge(value, count, Long::sum));
        if (counts.size() > VALUE_CAP) {
            List<Map.Entry<String, Long>> sorted = sortedCounts();
            for (Map.Entry<String, Long> dropped : sorted.subList(VALUE_CAP, sorted.size())) {
                otherCount += dropped.getValue();
                counts.remove(dropped.getKey());
            }
        }
        distinct.merge(other.distinct);
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
        metrics.put("distinct_count", distinct.estimate());
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
        write(out, distinct.toBytes());
    }

    private void write(ProfileWriter out, byte[] distinctBytes) {
        out.writeLong(n).writeLong(otherCount).writeInt(counts.size());
        // Sorted so that equal profiles serialize to equal bytes.
        for (Map.Entry<String, Long> entry : sortedCounts()) {
            out.writeString(entry.getKey()).writeLong(entry.getValue());
        }
        out.writeBlock(distinctBytes);
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
        CategoricalProfile profile = new CategoricalProfile(counts, SketchCodec.readDistinct(in, "distinct sketch"));
        profile.n = n;
        profile.otherCount = otherCount;
        return profile;
    }

    @Override
    public CategoricalProfile copy() {
        ProfileWriter out = new ProfileWriter();
        write(out, distinct.toBytesForCopy());
        ProfileReader in = ProfileReader.body(out.toByteArray(), "categorical profile");
        return read(distinct.isAbsent() ? in.skippingDistinct() : in);
    }
}
