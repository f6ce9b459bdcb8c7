package dev.vigil.stats;

import java.util.Map;

/** Entry counts of arrays and dicts: only the length of each value is profiled. */
final class LengthProfile implements KindProfile {
    private long n;
    private long sumLength;
    private long minLength = Long.MAX_VALUE;
    private long maxLength = Long.MIN_VALUE;

    void add(long length) {
        n++;
        sumLength += length;
        minLength = Math.min(minLength, length);
        maxLength = Math.max(maxLength, length);
    }

    @Override
    public void merge(KindProfile otherKind) {
        LengthProfile other = (LengthProfile) otherKind;
        n += other.n;
        sumLength += other.sumLength;
        minLength = Math.min(minLength, other.minLength);
        maxLength = Math.max(maxLength, other.maxLength);
    }

    @Override
    public long validCount() {
        return n;
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        boolean any = n > 0;
        metrics.put("mean_length", any ? (double) sumLength / n : null);
        metrics.put("min_length", any ? (double) minLength : null);
        metrics.put("max_length", any ? (double) maxLength : null);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(n).writeLong(sumLength).writeLong(minLength).writeLong(maxLength);
    }

    static LengthProfile read(ProfileReader in) {
        LengthProfile profile = new LengthProfile();
        profile.n = in.readCounter("length count");
        profile.sumLength = in.readCounter("sum of lengths");
        profile.minLength = in.readLong("min length");
        profile.maxLength = in.readLong("max length");
        return profile;
    }

    @Override
    public LengthProfile copy() {
        LengthProfile copy = new LengthProfile();
        copy.merge(this);
        return copy;
    }
}
