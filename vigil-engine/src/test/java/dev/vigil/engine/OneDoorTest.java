package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code PostgresSource} is the only door to the user's PostgreSQL: outside the source package no main class opens
 * or uses a JDBC session, and all SQL text is written in one class, {@code SourceSql}. A plain scan of the sources.
 */
class OneDoorTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final String SOURCE_PACKAGE = "dev/vigil/engine/source/";
    private static final String SQL_CLASS = SOURCE_PACKAGE + "SourceSql.java";

    /** Connecting, or holding a session: only the source package may. */
    private static final List<String> JDBC = List.of(
            "DriverManager",
            "getConnection(",
            "java.sql.Connection",
            "java.sql.Statement",
            "java.sql.PreparedStatement",
            "java.sql.ResultSet");

    /** SQL in a string literal: a keyword in capitals followed by a space, a NULL test or a PostgreSQL cast. */
    private static final Pattern SQL = Pattern.compile(
            "\\b(SELECT|FROM|WHERE|JOIN|EXPLAIN|LIMIT|UNION|INSERT|UPDATE|DELETE|TRUNCATE|SET|GRANT|CASE WHEN)\\s"
                    + "|\\bIS (NOT )?NULL\\b|::");

    @Test
    void onlyTheSourcePackageTalksJdbc() {
        Map<String, String> sources = mainSources();
        List<String> offenders = new ArrayList<>();
        sources.forEach((path, text) -> {
            for (String word : JDBC) {
                if (!path.startsWith(SOURCE_PACKAGE) && text.contains(word)) {
                    offenders.add(path + ": " + word);
                }
            }
        });
        assertThat(offenders).isEmpty();
        assertThat(sources.get(SOURCE_PACKAGE + "ReadOnlySessions.java"))
                .as("the scan sees the one place that connects")
                .contains("DriverManager.getConnection(");
    }

    @Test
    void onlySourceSqlWritesSql() {
        Map<String, String> sources = mainSources();
        List<String> offenders = new ArrayList<>();
        sources.forEach((path, text) -> {
            for (String literal : stringLiterals(text)) {
                if (!path.equals(SQL_CLASS) && SQL.matcher(literal).find()) {
                    offenders.add(path + ": \"" + literal + "\"");
                }
            }
        });
        assertThat(offenders).isEmpty();
        assertThat(stringLiterals(sources.get(SQL_CLASS)))
                .as("the scan recognizes the SQL it keeps out")
                .anyMatch(literal -> SQL.matcher(literal).find());
    }

    @Test
    void literalsAreFoundOutsideCommentsAndCharacters() {
        String code = "// \"SELECT a\"\n/* \"FROM b\" */ char q = '\"'; String s = \"x \\\"y\\\" \" + \"IS NULL\";";
        assertThat(stringLiterals(code)).containsExactly("x \\\"y\\\" ", "IS NULL");
    }

    /** The main sources by path below {@code src/main/java}, with {@code /} as separator. */
    private static Map<String, String> mainSources() {
        assertThat(MAIN).isDirectory();
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                out.put(MAIN.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The contents of the string literals of Java source text (text blocks included), comments skipped. */
    static List<String> stringLiterals(String code) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                i = end < 0 ? code.length() : end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
            } else if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                out.add(code.substring(i + 3, end));
                i = end + 3;
            } else if (code.charAt(i) == '"' || code.charAt(i) == '\'') {
                char quote = code.charAt(i);
                int j = i + 1;
                while (code.charAt(j) != quote) {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                if (quote == '"') {
                    out.add(code.substring(i + 1, j));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
