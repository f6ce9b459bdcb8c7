package dev.vigil.engine.source;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.spec.SqlQueries;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;
import org.postgresql.core.SqlCommandType;

/**
 * The gate every user query passes before Vigil sends it anywhere: it must be one plain {@code SELECT} (or a
 * {@code WITH} that only selects), as split by the splitter that executes it, pgjdbc's own {@link Parser}.
 *
 * <p>What is checked, and how:
 * <ul>
 *   <li>vigil-core's {@link SqlQueries} first (the same sentences as at spec validation);
 *   <li>pgjdbc's {@code Parser.parseJdbcSql}, with {@code standard_conforming_strings} on (every session Vigil opens
 *       forces it, {@link ReadOnlySessions}), splits the query alone and the query as Vigil wraps it
 *       ({@code SELECT * FROM (\n<query>\n) AS vigil_src}) into exactly one statement each, a {@code SELECT} or
 *       {@code WITH} (pgjdbc does not split inside parentheses, so a query that closes the wrapper's parenthesis
 *       would hide a split from a check of the query alone);
 *   <li>a scan over pgjdbc's token boundaries (its own functions for quotes, quoted identifiers, dollar quotes and
 *       comments) refuses a {@code ;} anywhere but at the end, unbalanced parentheses, and the bare (unquoted)
 *       words {@code INTO}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, a locking clause
 *       ({@code FOR UPDATE}, {@code FOR NO KEY UPDATE}, {@code FOR SHARE}, {@code FOR KEY SHARE}) and a call of
 *       {@code set_config} (which could turn {@code standard_conforming_strings} off for the session's next
 *       statements). This is a keyword scan, not a grammar: a column that is named like one of these words must be
 *       written quoted.
 * </ul>
 * The database role remains the real boundary (a read-only role, see {@code vigil grant-sql}); the session is
 * read-only too.
 */
public final class SourceQueryGate {
    private static final String EXPECTED = "expected one plain SELECT/WITH query";
    private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

    private SourceQueryGate() {}

    /** The query without a trailing semicolon and surrounding blanks, or a {@link VigilArgumentException}. */
    public static String normalize(String query, String key) {
        Optional<String> problem = problem(query, key);
        if (problem.isPresent()) {
            throw new VigilArgumentException(problem.get());
        }
        return SqlQueries.normalize(query, key);
    }

    /** A sentence naming {@code key} when the query is not one plain SELECT/WITH statement. */
    public static Optional<String> problem(String query, String key) {
        Optional<String> core = SqlQueries.problem(query, key);
        if (core.isPresent()) {
            return core;
        }
        Optional<String> scanned = scan(query, key);
        if (scanned.isPresent()) {
            return scanned;
        }
        String stripped = SqlQueries.normalize(query, key);
        Optional<String> alone = split(stripped, key, Set.of(SqlCommandType.SELECT, SqlCommandType.WITH));
        if (alone.isPresent()) {
            return alone;
        }
        return split(SourceSql.wrapChecked(stripped), key, Set.of(SqlCommandType.SELECT));
    }

    private static Optional<String> split(String sql, String key, Set<SqlCommandType> allowed) {
        List<NativeQuery> queries;
        try {
            queries = Parser.parseJdbcSql(sql, true, true, true, false, true);
        } catch (SQLException e) {
            return Optional.of(key + ": cannot be split into statements (" + e.getMessage() + ")");
        }
        if (queries.size() != 1) {
            return Optional.of(key + ": holds " + queries.size() + " statements as PostgreSQL's driver splits it ("
                    + EXPECTED + ")");
        }
        SqlCommandType type = queries.get(0).command.getType();
        if (!allowed.contains(type)) {
            return Optional.of(
                    key + ": is a " + type + " statement as PostgreSQL's driver reads it (" + EXPECTED + ")");
        }
        return Optional.empty();
    }

    /** The scan over pgjdbc's token boundaries (the class comment lists what it refuses). */
    private static Optional<String> scan(String query, String key) {
        char[] sql = query.toCharArray();
        List<String> words = new ArrayList<>();
        int depth = 0;
        boolean ended = false;
        for (int i = 0; i < sql.length; i++) {
            char c = sql[i];
            int start = i;
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (c == ';') {
                ended = true;
                continue;
            }
            if (c == '-' || c == '/') {
                i = c == '-' ? Parser.parseLineComment(sql, i) : Parser.parseBlockComment(sql, i);
                if (i >= sql.length) {
                    return Optional.of(key + ": has an unterminated comment (" + EXPECTED + ")");
                }
                if (i > start) {
                    continue;
                }
            }
            if (ended) {
                return Optional.of(key + ": has text after a ';' (" + EXPECTED + ", without a ';' in the middle)");
            }
            if (c == '\'' || c == '"') {
                i = c == '\'' ? Parser.parseSingleQuotes(sql, i, true) : Parser.parseDoubleQuotes(sql, i);
                if (i >= sql.length) {
                    return Optional.of(key + ": has an unterminated " + (c == '"' ? "quoted identifier" : "string")
                            + " (" + EXPECTED + ")");
                }
            } else if (c == '$') {
                i = Parser.parseDollarQuotes(sql, i);
                if (i >= sql.length) {
                    return Optional.of(key + ": has an unterminated dollar-quoted string (" + EXPECTED + ")");
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    return Optional.of(key + ": closes a parenthesis it did not open (" + EXPECTED + ")");
                }
            } else if (Parser.isIdentifierStartChar(c)) {
                while (i + 1 < sql.length && Parser.isIdentifierContChar(sql[i + 1])) {
                    i++;
                }
                words.add(query.substring(start, i + 1).toUpperCase(Locale.ROOT));
            }
        }
        if (depth != 0) {
            return Optional.of(key + ": leaves " + depth + " parenthesis(es) open (" + EXPECTED + ")");
        }
        for (int w = 0; w < words.size(); w++) {
            String word = words.get(w);
            String next = w + 1 < words.size() ? words.get(w + 1) : "";
            if (word.equals("FOR") && Set.of("UPDATE", "NO", "SHARE", "KEY").contains(next)) {
                return Optional.of(
                        key + ": has a locking clause (FOR " + next + "); " + EXPECTED + " that takes no row locks");
            }
            if (word.equals("INTO")) {
                return Optional.of(
                        key + ": has INTO (" + EXPECTED + " that writes nowhere; quote a column named" + " into)");
            }
            if (WRITES.contains(word)) {
                return Optional.of(key + ": has " + word + " (" + EXPECTED + ", no data-modifying WITH; quote a"
                        + " column named " + word.toLowerCase(Locale.ROOT) + ")");
            }
            if (word.equals("SET_CONFIG")) {
                return Optional.of(
                        key + ": calls set_config (" + EXPECTED + " that leaves the session's settings" + " alone)");
            }
        }
        return Optional.empty();
    }
}
