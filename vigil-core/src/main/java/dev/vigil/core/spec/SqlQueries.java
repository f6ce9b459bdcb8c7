package dev.vigil.core.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Checks that a data-source query is exactly one {@code SELECT} or {@code WITH} statement.
 *
 * <p>This is the first gate only: the query still runs in a read-only session with a statement
 * timeout, which is what actually keeps the user's database from being written (a data-modifying
 * CTE passes this check and is refused there). The scanner understands PostgreSQL comments
 * ({@code --}, nested {@code /* *}{@code /}), string literals ({@code '..'}, {@code E'..'}),
 * quoted identifiers and dollar quotes, so a semicolon inside them does not count. Like PostgreSQL's lexer, it
 * takes {@code $} as part of an identifier ({@code a$x$} is one name, not the start of a dollar quote) and any
 * character past ASCII as an identifier or tag character ({@code $€$} opens a dollar quote). The engine's gate
 * ({@code SourceQueryGate}) checks the query again with pgjdbc's own splitter before it is sent anywhere.
 */
public final class SqlQueries {
    private SqlQueries() {}

    /** The query without a trailing semicolon and surrounding blanks, or a problem sentence. */
    public static String normalize(String query, String key) {
        Optional<String> problem = problem(query, key);
        if (problem.isPresent()) {
            throw new dev.vigil.core.VigilArgumentException(problem.get());
        }
        return strip(query);
    }

    /** A sentence naming {@code key} when the query is not one SELECT/WITH statement. */
    public static Optional<String> problem(String query, String key) {
        if (query == null || query.isBlank()) {
            return Optional.of(key + ": is empty (expected one SELECT or WITH statement)");
        }
        Scan scan = scan(query);
        if (scan.unterminated != null) {
            return Optional.of(key + ": has an unterminated " + scan.unterminated);
        }
        if (scan.firstWord == null) {
            return Optional.of(key + ": has no statement (expected one SELECT or WITH statement)");
        }
        if (scan.statementsAfterSemicolon) {
            return Optional.of(key + ": holds more than one statement (expected one SELECT or WITH statement, "
                    + "without a ';' in the middle)");
        }
        String word = scan.firstWord.toUpperCase(Locale.ROOT);
        if (!word.equals("SELECT") && !word.equals("WITH")) {
            return Optional.of(key + ": starts with " + word + " (expected one SELECT or WITH statement)");
        }
        return Optional.empty();
    }

    private static String strip(String query) {
        Scan scan = scan(query);
        String s = scan.lastSemicolon >= 0 ? query.substring(0, scan.lastSemicolon) : query;
        return s.strip();
    }

    private static final class Scan {
        String firstWord;
        String unterminated;
        boolean statementsAfterSemicolon;
        int lastSemicolon = -1;
    }

    private static Scan scan(String sql) {
        Scan scan = new Scan();
        int n = sql.length();
        int i = 0;
        boolean sawSemicolon = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                if (depth > 0) {
                    scan.unterminated = "comment";
                    return scan;
                }
            } else if (c == ';') {
                sawSemicolon = true;
                scan.lastSemicolon = i;
                i++;
            } else {
                if (sawSemicolon) {
                    scan.statementsAfterSemicolon = true;
                    return scan;
                }
                if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
                    boolean backslashEscapes = c != '\'';
                    i += backslashEscapes ? 2 : 1;
                    boolean closed = false;
                    while (i < n) {
                        char d = sql.charAt(i);
                        if (backslashEscapes && d == '\\') {
                            i += 2;
                        } else if (d == '\'') {
                            if (i + 1 < n && sql.charAt(i + 1) == '\'') {
                                i += 2;
                            } else {
                                i++;
                                closed = true;
                                break;
                            }
                        } else {
                            i++;
                        }
                    }
                    if (!closed) {
                        scan.unterminated = "string literal";
                        return scan;
                    }
                } else if (c == '"') {
                    int end = sql.indexOf('"', i + 1);
                    while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == '"') {
                        end = sql.indexOf('"', end + 2);
                    }
                    if (end < 0) {
                        scan.unterminated = "quoted identifier";
                        return scan;
                    }
                    i = end + 1;
                } else if (c == '$' && (i == 0 || !identifierPart(sql.charAt(i - 1))) && dollarTag(sql, i) != null) {
                    String tag = dollarTag(sql, i);
                    int end = sql.indexOf(tag, i + tag.length());
                    if (end < 0) {
                        scan.unterminated = "dollar-quoted string";
                        return scan;
                    }
                    i = end + tag.length();
                } else if (Character.isLetter(c) || c == '_' || c >= 0x80) {
                    int start = i;
                    while (i < n && identifierPart(sql.charAt(i))) {
                        i++;
                    }
                    if (scan.firstWord == null) {
                        scan.firstWord = sql.substring(start, i);
                    }
                } else {
                    if (scan.firstWord == null && c != '(') {
                        scan.firstWord = String.valueOf(c);
                    }
                    i++;
                }
            }
        }
        return scan;
    }

    /**
     * Whether {@code c} continues an identifier, as PostgreSQL's lexer has it: a letter, a digit, {@code _},
     * {@code $} or any character past ASCII. A {@code $} right after one is part of the identifier, never a quote.
     */
    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    /** {@code $tag$} starting at {@code i}, or null when the dollar sign is not a quote opener. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && identifierPart(sql.charAt(j)) && sql.charAt(j) != '$') {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }
}
