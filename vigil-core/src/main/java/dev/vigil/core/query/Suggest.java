package dev.vigil.core.query;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The closest known name to a misspelt one, so that a refusal can say "did you mean 'amount'?" instead of leaving the
 * user to guess: a name equal but for case, else the nearest within an edit distance of one per three characters
 * asked, at least 1 and at most 2 (the first of equals), so that a short name is not "corrected" into an unrelated
 * one ("ks" is not "psi").
 */
public final class Suggest {
    /** Farther than this many edits, a name is never offered. */
    static final int MAX_EDITS = 2;

    private Suggest() {}

    /** The known name closest to {@code asked}, if one is close enough. */
    public static Optional<String> closest(String asked, Collection<String> known) {
        String lower = asked.toLowerCase(Locale.ROOT);
        String best = null;
        int bestEdits = Math.min(MAX_EDITS, Math.max(1, asked.length() / 3)) + 1;
        for (String k : known) {
            if (k.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(k);
            }
            int edits = distance(lower, k.toLowerCase(Locale.ROOT));
            if (edits < bestEdits) {
                best = k;
                bestEdits = edits;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "did you mean 'amount'? "}, or {@code ""} when no known name is close. */
    public static String didYouMean(String asked, Collection<String> known) {
        return closest(asked, known).map(k -> "did you mean '" + k + "'? ").orElse("");
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
