package dev.vigil.stats;

import java.util.Map;

/**
 * Lengths (in Unicode code points) and whitespace-token counts of free text, plus a quantile sketch of the
 * lengths for drift.
 */
final class TextProfile implements KindProfile {
    private long n;
    private long sumLength;
    private long minLength = Long.MAX_VALUE;
    private long maxLength = Long.MIN_VALUE;
    private long emptyCount;
    private long sumTokens;
    private final Quantiles lengths;

    TextProfile() {
        this(new Quantiles());
    }

    private TextProfile(Quantiles lengths) {
        this.lengths = lengths;
    }

    void add(String text) {
        int length = text.codePointCount(0, text.length());
        n++;
        sumLength += length;
        minLength = Math.min(minLength, length);
        maxLength = Math.max(maxLength, length);
        if (length == 0) {
            emptyCount++;
        }
        sumTokens += countTokens(text);
        lengths.add(length);
    }

    /**
     * Tokens are maximal runs of non-whitespace code points, like Python's {@code str.split()}: {@code "  a b "}
     * has 2. Whitespace is what Java calls whitespace or a space separator (which adds the no-break spaces)
     * plus U+0085 NEXT LINE.
     */
    static long countTokens(String text) {
        long tokens = 0;
        boolean inToken = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
            if (!space && !inToken) {
                tokens++;
            }
            inToken = !space;
        }
        return tokens;
    }

    @Override
    public void merge(KindProfile otherKind) {
        TextProfile other = (TextProfile) otherKind;
        n += other.n;
        sumLength += other.sumLength;
        minLength = Math.min(minLength, other.minLength);
        maxLength = Math.max(maxLength, other.maxLength);
        emptyCount += other.emptyCount;
        sumTokens += other.sumTokens;
        lengths.merge(other.lengths);
    }

    @Override
    public long validCount() {
        return n;
    }

    /** Mean length in code points; NaN without a value. */
    double meanLength() {
        return n == 0 ? Double.NaN : (double) sumLength / n;
    }

    /** The sketch of the lengths, sealed: for reading in this package. */
    Quantiles lengths() {
        lengths.seal();
        return lengths;
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        boolean any = n > 0;
        metrics.put("mean_length", any ? (double) sumLength / n : null);
        metrics.put("min_length", any ? (double) minLength : null);
        metrics.put("max_length", any ? (double) maxLength : null);
        metrics.put("empty_count", (double) emptyCount);
        metrics.put("mean_token_count", any ? (double) sumTokens / n : null);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(n)
                .writeLong(sumLength)
                .writeLong(minLength)
                .writeLong(maxLength)
                .writeLong(emptyCount)
                .writeLong(sumTokens);
        lengths.write(out);
    }

    static TextProfile read(ProfileReader in) {
        long n = in.readCounter("text count");
        long sumLength = in.readCounter("sum of lengths");
        long minLength = in.readLong("min length");
        long maxLength = in.readLong("max length");
        long emptyCount = in.readCounter("empty count");
        long sumTokens = in.readCounter("sum of token counts");
        Quantiles lengths = in.version() >= 3
                ? Quantiles.read(in, "length sketch")
                : SketchCodec.readQuantiles(in, "length sketch");
        if (lengths.n() != n || emptyCount > n) {
            throw in.corrupt("text counts disagree (" + n + " texts, " + emptyCount + " empty, length sketch of "
                    + lengths.n() + ")");
        }
        TextProfile profile = new TextProfile(lengths);
        profile.n = n;
        profile.sumLength = sumLength;
        profile.minLength = minLength;
        profile.maxLength = maxLength;
        profile.emptyCount = emptyCount;
        profile.sumTokens = sumTokens;
        return profile;
    }

    @Override
    public TextProfile copy() {
        TextProfile copy = new TextProfile(lengths.copy());
        copy.n = n;
        copy.sumLength = sumLength;
        copy.minLength = minLength;
        copy.maxLength = maxLength;
        copy.emptyCount = emptyCount;
        copy.sumTokens = sumTokens;
        return copy;
    }
}
