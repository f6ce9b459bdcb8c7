package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the README's quickstart as a reader would: the {@code grant-sql} it shows, its {@code model.yaml}, every
 * {@code ./vigil} command of its command block, and its Java snippet, compiled and run in a JVM of its own. Only
 * what must differ on this machine is replaced: the database's URL and name, the read-only user's name and password,
 * the server's URL and token, the ids the README abbreviates ({@code alert_3f2a…}, {@code run_02266cfc5247}), and
 * the Java snippet's model id (the YAML made {@code insurance} already). The source is the README's own tables, with
 * a week of predictions from 2026-01-01 whose amounts jump on the third day.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeQuickstartIT extends AbstractServerIT {
    private static final Path README = Path.of("..", "README.md");
    private static final String README_URL = "jdbc:postgresql://localhost:5432/shop";
    /** Nothing listens there: deliveries fail and are retried, which the quickstart does not look at. */
    private static final String RECEIVER = "http://127.0.0.1:9/hook";

    @TempDir
    static Path dir;

    private String readme;
    private String reader;
    private String readerPassword;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        String columns = "raw_text text, amount double precision, %s text, is_new boolean, embeddings real[],"
                + " will_buy_insurance boolean, proba double precision";
        // 4 predictions an hour for 7 days; days 3 and 7 have amounts 500 higher and another owner: the alerts of day 3
        // resolve on day 4, those of day 7 stay open.
        String rows = " SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '15 minutes',"
                + " 'note ' || g, 50 + (g * 37) % 400 + CASE WHEN g / 96 IN (2, 6) THEN 500 ELSE 0 END,"
                + " CASE WHEN g / 96 IN (2, 6) THEN 'broker' ELSE (ARRAY['direct', 'online'])[g % 2 + 1] END,"
                + " g % 3 = 0, ARRAY(SELECT ((g % 7 + i % 5) / 10.0)::real FROM generate_series(1, 768) i),"
                + " (g * 53) % 100 >= 50, ((g * 53) % 100) / 100.0 FROM generate_series(0, 671) g";
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.model_predictions (prediction_id bigint, prediction_timestamp timestamptz, "
                        + columns.formatted("owner_name") + ")",
                "INSERT INTO ml.model_predictions" + rows,
                "CREATE TABLE ml.training (id bigint, ts timestamptz, " + columns.formatted("owner")
                        + ", bought boolean)",
                // the training set: the same week without the jump, labeled
                "INSERT INTO ml.training SELECT g, timestamptz '2025-12-01 00:00:00+00' + g * interval '15 minutes',"
                        + " 'note ' || g, 50 + (g * 37) % 400, (ARRAY['direct', 'online'])[g % 2 + 1], g % 3 = 0,"
                        + " ARRAY(SELECT ((g % 7 + i % 5) / 10.0)::real FROM generate_series(1, 768) i),"
                        + " (g * 53) % 100 >= 50, ((g * 53) % 100) / 100.0, (g * 53) % 100 >= 40"
                        + " FROM generate_series(0, 671) g",
                "CREATE TABLE ml.outcomes (prediction_id bigint, labeled_at timestamptz, bought boolean)",
                // the truth of the first six days, recorded two hours after each prediction
                "INSERT INTO ml.outcomes SELECT prediction_id, prediction_timestamp + interval '2 hours',"
                        + " (prediction_id * 53) % 100 >= 40 FROM ml.model_predictions"
                        + " WHERE prediction_timestamp < timestamptz '2026-01-07 00:00:00+00'");
    }

    @Test
    @Order(1)
    void theGrantSqlMakesTheReadOnlyUser() throws Exception {
        readme = Files.readString(README, StandardCharsets.UTF_8);
        String command = codeBlocks("bash").stream()
                .flatMap(b -> b.lines())
                .filter(l -> l.startsWith("./vigil grant-sql"))
                .findFirst()
                .orElseThrow();
        reader = "reader_" + db().name().substring(db().name().length() - 8);
        readerPassword = PostgresTestServer.randomPassword();
        Result printed = vigil(localize(command));
        assertThat(printed.code()).as(printed.err()).isZero();
        String sql = printed.out().replace("<strong password>", readerPassword);
        assertThat(sql).contains("CREATE USER " + reader, "GRANT SELECT ON ml.model_predictions");
        List<String> statements = new ArrayList<>();
        for (String statement : sql.split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        db().execute(statements.toArray(String[]::new));
    }

    @Test
    @Order(2)
    void everyCommandOfTheYamlQuickstartSucceeds() throws Exception {
        String yaml = block("```yaml\n# model.yaml\n");
        Path spec = dir.resolve("model.yaml");
        Files.writeString(spec, localize(yaml));
        List<String> commands = commandsAfter("```yaml\n# model.yaml\n");
        assertThat(commands).as("the quickstart's commands").hasSizeGreaterThan(10);
        for (String line : commands) {
            String command = localize(line).replace("-f model.yaml", "-f " + spec);
            command = withRealIds(command);
            Result r = vigil(command);
            assertThat(r.code())
                    .as("%s%nstdout: %s%nstderr: %s", line, r.out(), r.err())
                    .isZero();
            if (!line.contains("--acknowledge") && !line.contains("--resolve")) {
                assertThat(r.out()).as("%s prints something", line).isNotBlank();
            }
            if (line.contains("--dataset all")) {
                // training ran first, so the serving windows were evaluated against it as they were stored
                List<String> monitors = new ArrayList<>();
                vigil().alerts(Map.of("model", "insurance"))
                        .forEach(a -> monitors.add(a.path("monitor").asText()));
                assertThat(monitors)
                        .as("drift-watch fired on the jumps of days 3 and 7")
                        .contains("drift-watch");
            }
        }
    }

    /**
     * The README's Java block, with its imports, compiled and run in a JVM of its own as a reader would run it: with
     * {@code VIGIL_TOKEN} and {@code VIGIL_PG_PASSWORD} in its environment. What it asked for is then printed.
     */
    @Test
    @Order(3)
    void theJavaSnippetCompilesRunsAndFindsItsNumbers() throws Exception {
        String java = block("```java\n");
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : java.lines().toList()) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.append(line).append('\n');
            }
        }
        assertThat(imports).as("the snippet says what to import").isNotEmpty();
        String snippet = localize(body.toString())
                .replace("\"insurance\"", "\"insurance_java\"")
                .replace("\"http://localhost:7070\"", "\"" + server().url() + "\"");
        String source = String.join("\n", imports)
                + "\npublic class ReadmeSnippet {\n    public static void main(String[] args) throws Exception {\n"
                + snippet
                + "\n        java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]),"
                + " \"drift \" + changed.size() + \" performance \" + performance.size());\n"
                + "    }\n}\n";
        Path src = dir.resolve("snippet/ReadmeSnippet.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        int compiled = javac.getTask(
                                errors,
                                null,
                                null,
                                List.of(
                                        "-classpath",
                                        classpath,
                                        "-d",
                                        src.getParent().toString()),
                                null,
                                javac.getStandardFileManager(null, null, null).getJavaFileObjects(src))
                        .call()
                ? 0
                : 1;
        assertThat(compiled)
                .as("the README's Java snippet compiles:%n%s%n%s", errors, source)
                .isZero();

        Path counts = dir.resolve("snippet/counts.txt"); // what the snippet found, written by the child
        ProcessBuilder child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                src.getParent() + File.pathSeparator + classpath,
                "ReadmeSnippet",
                counts.toString());
        child.environment().put("VIGIL_TOKEN", TOKEN);
        child.environment().put("VIGIL_PG_PASSWORD", readerPassword);
        child.redirectErrorStream(true);
        Process process = child.start();
        boolean done = process.waitFor(10, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("the snippet finished: %s", output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String found = Files.readString(counts);
        Matcher numbers = Pattern.compile("drift (\\d+) performance (\\d+)").matcher(found);
        assertThat(numbers.find()).as("%s%n%s", found, output).isTrue();
        assertThat(Integer.parseInt(numbers.group(1)))
                .as("drift rows: %s", output)
                .isPositive();
        assertThat(Integer.parseInt(numbers.group(2)))
                .as("performance rows: %s", output)
                .isPositive();
    }

    /**
     * This machine's database, user and password where the README writes {@code shop} and {@code vigil}; a receiver
     * on loopback where it writes {@code example.test} (this machine resolves no public name).
     */
    private String localize(String text) {
        return text.replace(README_URL, db().url())
                .replace("https://example.test/hook", RECEIVER)
                .replace("--database shop", "--database " + db().name())
                .replace("--user vigil", "--user " + reader)
                .replace("user: vigil", "user: " + reader)
                .replace(".user(\"vigil\")", ".user(\"" + reader + "\")");
    }

    /** The ids the README abbreviates, made real: an alert of the backfill, and a run of it. */
    private String withRealIds(String command) throws Exception {
        if (command.contains("alert_")) { // an open one: acknowledging a resolved alert is refused
            JsonNode alerts = vigil().alerts(Map.of("model", "insurance", "status", "open"));
            assertThat(alerts.size())
                    .as("the last day's alerts are open: %s", vigil().alerts(Map.of("model", "insurance")))
                    .isPositive();
            command = command.replaceAll("alert_\\S+", alerts.get(0).path("id").asText());
        }
        if (command.contains("run_")) {
            JsonNode runs = vigil().getJson("/api/v1/models/insurance/versions/v1/runs");
            assertThat(runs.size()).as("the backfill's runs").isPositive();
            command = command.replaceAll("run_\\S+", runs.get(0).path("id").asText());
        }
        return command;
    }

    /** The body of the fenced block that starts with {@code opening}. */
    private String block(String opening) {
        int start = readme.indexOf(opening);
        assertThat(start).as("README block %s", opening.strip()).isNotNegative();
        int body = readme.indexOf('\n', start) + 1;
        return readme.substring(body, readme.indexOf("```", body));
    }

    /** Every fenced block of {@code language}. */
    private List<String> codeBlocks(String language) {
        List<String> blocks = new ArrayList<>();
        Matcher m =
                Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /**
     * The {@code ./vigil} commands of the bash block right after {@code opening}'s block, comments and output
     * redirections dropped; {@code source <(./vigil completion bash)} runs the command it sources.
     */
    private List<String> commandsAfter(String opening) {
        int after = readme.indexOf("```", readme.indexOf('\n', readme.indexOf(opening)) + 1) + 3;
        int start = readme.indexOf("```bash\n", after);
        int body = readme.indexOf('\n', start) + 1;
        List<String> commands = new ArrayList<>();
        for (String line :
                readme.substring(body, readme.indexOf("```", body)).lines().toList()) {
            String command = line.replaceFirst("^source <\\((.*)\\)", "$1").replaceFirst("\\s+#.*$", "");
            command = command.replaceFirst("\\s*>\\s*\\S+$", "").strip();
            if (command.startsWith("./vigil ")) {
                commands.add(command);
            }
        }
        return commands;
    }

    record Result(int code, String out, String err) {}

    private Result vigil(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.put("VIGIL_PG_PASSWORD", readerPassword == null ? "" : readerPassword);
        env.put("VIGIL_SLACK_WEBHOOK_URL", RECEIVER);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(words(command.replaceFirst("^\\./vigil\\s+", "")));
        return new Result(code, out.toString(), err.toString());
    }

    /** A command line's words, as a shell splits them: single and double quotes group, and are dropped. */
    static String[] words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words.toArray(String[]::new);
    }
}
