package dev.vigil.stats;

import java.util.Map;
import java.util.TreeMap;

/**
 * The per-class (multiclass) or per-label (multi-label) {@link ScoreHistogram}s of a model whose predictions are a
 * dict of class → score, for CBPE one class against the rest: bucketed by the class's score, predicted positive
 * when the row predicted the class, positive or negative when the row's actual is or is not the class. Every row
 * with a dict prediction is added, with or without an actual.
 *
 * <p>At most {@value #MAX_CLASSES} classes are kept: a profile that sees more drops every histogram and remembers
 * it ({@link #overflowed}), so no window is estimated from part of its classes; one histogram a class keeps the
 * profile's size linear in the classes, and beyond fifty a one-against-the-rest calibration has few rows per class
 * anyway.
 */
final class ScoredClasses {
    static final int MAX_CLASSES = 50;

    private final TreeMap<String, ScoreHistogram> classes = new TreeMap<>();
    private boolean overflowed;

    /**
     * Adds one class's score of a row: a non-finite score is left out, as if the dict did not name the class.
     *
     * @param actual whether the row's actual is the class; null when it has not arrived
     */
    void add(String name, double score, boolean predicted, Boolean actual) {
        if (overflowed || !Double.isFinite(score)) {
            return;
        }
        ScoreHistogram h = classes.get(name);
        if (h == null) {
            if (classes.size() == MAX_CLASSES) {
                overflow();
                return;
            }
            h = new ScoreHistogram();
            classes.put(name, h);
        }
        h.add(score, predicted, actual);
    }

    private void overflow() {
        overflowed = true;
        classes.clear();
    }

    /** True when more than {@value #MAX_CLASSES} classes were seen: no histogram is kept. */
    boolean overflowed() {
        return overflowed;
    }

    /** The histograms by class, ascending; empty when none was kept. */
    Map<String, ScoreHistogram> classes() {
        return classes;
    }

    void merge(ScoredClasses other) {
        if (other.overflowed) {
            overflow();
        }
        if (overflowed) {
            return;
        }
        for (Map.Entry<String, ScoreHistogram> e : other.classes.entrySet()) {
            ScoreHistogram mine = classes.get(e.getKey());
            if (mine == null) {
                if (classes.size() == MAX_CLASSES) {
                    overflow();
                    return;
                }
                mine = new ScoreHistogram();
                classes.put(e.getKey(), mine);
            }
            mine.merge(e.getValue() == mine ? e.getValue().copy() : e.getValue());
        }
    }

    /**
     * Writes format version 3's part ({@link PerformanceProfile}): int classes, -1 when overflowed, then per class
     * its name and its histogram.
     */
    void write(ProfileWriter out) {
        out.writeInt(overflowed ? -1 : classes.size());
        classes.forEach((name, h) -> {
            out.writeString(name);
            h.write(out);
        });
    }

    /** Reads {@link #write}'s part; before format version 3 there is none, and nothing is kept. */
    static ScoredClasses read(ProfileReader in) {
        ScoredClasses s = new ScoredClasses();
        if (in.version() < 3) {
            return s;
        }
        int n = in.readInt("scored classes");
        if (n == -1) {
            s.overflowed = true;
            return s;
        }
        if (n < 0 || n > MAX_CLASSES) {
            throw in.corrupt("scored classes " + n + " is neither -1 nor between 0 and " + MAX_CLASSES);
        }
        String previous = null;
        for (int i = 0; i < n; i++) {
            String name = in.readString("scored class");
            if (previous != null && previous.compareTo(name) >= 0) {
                throw in.corrupt("scored classes are not ascending at '" + name + "'");
            }
            previous = name;
            s.classes.put(name, ScoreHistogram.read(in));
        }
        return s;
    }

    ScoredClasses copy() {
        ScoredClasses copy = new ScoredClasses();
        copy.merge(this);
        return copy;
    }
}
