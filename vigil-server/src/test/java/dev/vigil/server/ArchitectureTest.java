package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from its sources: which package may name which (decision 0014). Every Java file of the
 * project (main and test, every module and bench) is read; a reference is any mention of a package, imported or
 * written out in full. When an arrow would point the wrong way, this test names the file and line.
 */
class ArchitectureTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A rule: files in packages starting with {@code from} must not mention any of {@code forbidden}. */
    private record Rule(String from, List<String> forbidden, String why) {}

    private static final String SERVER = "dev.vigil.server.";

    private static final List<Rule> RULES = List.of(
            new Rule(
                    SERVER + "web",
                    List.of(SERVER + "api", SERVER + "dashboard", SERVER + "monitor", SERVER + "runs", "VigilServer"),
                    "web is the HTTP base every route stands on"),
            new Rule(
                    SERVER + "dashboard",
                    List.of(SERVER + "api", SERVER + "web", SERVER + "monitor", SERVER + "runs", "VigilServer"),
                    "the dashboard reads through vigil-query and the store, and stands on no REST plumbing"),
            new Rule(
                    SERVER + "monitor",
                    List.of(SERVER + "api", SERVER + "web", SERVER + "dashboard", SERVER + "runs", "VigilServer"),
                    "monitoring reads through vigil-query and the store, and knows nothing of HTTP"),
            new Rule(
                    SERVER + "runs",
                    List.of(SERVER + "api", SERVER + "web", SERVER + "dashboard", SERVER + "monitor", "VigilServer"),
                    "runs drive the engine and the store, and know nothing of HTTP"),
            new Rule(
                    SERVER + "api",
                    List.of(
                            SERVER + "dashboard.DashboardRoutes",
                            SERVER + "dashboard.VersionPage",
                            SERVER + "dashboard.Layout",
                            "VigilServer"),
                    "a REST route reaches the dashboard only through Reports, the HTML report it serves"),
            new Rule(
                    "dev.vigil.query",
                    List.of(
                            "dev.vigil.server",
                            "dev.vigil.engine",
                            "io.javalin",
                            "org.apache.spark",
                            "com.fasterxml.jackson.databind.node"),
                    "vigil-query answers typed requests from core, stats and store only"),
            new Rule(
                    "dev.vigil.stats",
                    List.of("org.apache.spark", "dev.vigil.store", "dev.vigil.engine", "dev.vigil.server"),
                    "stats never imports Spark (DESIGN.md): a query over a year answers without it"),
            new Rule(
                    "dev.vigil.core",
                    List.of(
                            "dev.vigil.stats",
                            "dev.vigil.store",
                            "dev.vigil.engine",
                            "dev.vigil.query",
                            "dev.vigil.server"),
                    "core is the bottom floor"));

    /** Outside vigil-server, only its public API ({@code dev.vigil.server}'s own types) may be named. */
    private static final List<String> SERVER_INTERNALS = List.of(
            SERVER + "web",
            SERVER + "api",
            SERVER + "dashboard",
            SERVER + "monitor",
            SERVER + "runs",
            SERVER + "internal");

    @Test
    void noArrowPointsTheWrongWay() {
        List<String> violations = new ArrayList<>();
        List<Path> files = javaFiles();
        assertThat(files).as("the project's Java files, read from " + ROOT).hasSizeGreaterThan(200);
        for (Path file : files) {
            violations.addAll(violations(file, read(file)));
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theCheckSeesEachKindOfWrongArrow() {
        Path dashboard = ROOT.resolve("vigil-server/src/main/java/dev/vigil/server/dashboard/Some.java");
        assertThat(violations(dashboard, "package dev.vigil.server.dashboard;\nimport dev.vigil.server.web.Json;\n"))
                .singleElement()
                .asString()
                .contains("Some.java:2", "dev.vigil.server.web");
        Path query = ROOT.resolve("vigil-query/src/main/java/dev/vigil/query/Some.java");
        assertThat(violations(
                        query,
                        "package dev.vigil.query;\n\nclass Some {\n  Object o = new"
                                + " com.fasterxml.jackson.databind.node.ObjectNode(null);\n}\n"))
                .singleElement()
                .asString()
                .contains("Some.java:4", "com.fasterxml.jackson.databind.node");
        Path bench = ROOT.resolve("bench/src/main/java/dev/vigil/bench/Some.java");
        assertThat(violations(bench, "package dev.vigil.bench;\nimport dev.vigil.server.runs.RunService;\n"))
                .singleElement()
                .asString()
                .contains("Some.java:2", "only its public API");
        assertThat(violations(bench, "package dev.vigil.bench;\nimport dev.vigil.server.VigilServer;\n"))
                .isEmpty();
        // comments do not count: a Javadoc may name what a class must not use
        assertThat(violations(query, "package dev.vigil.query;\n/** Never io.javalin. */\nclass Some {}\n"))
                .isEmpty();
    }

    private static List<String> violations(Path file, String source) {
        String pkg = packageOf(source).orElse("");
        boolean inServer = file.startsWith(ROOT.resolve("vigil-server"));
        List<String> out = new ArrayList<>();
        String[] lines = withoutComments(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("package ")) {
                continue;
            }
            for (Rule rule : RULES) {
                if (pkg.equals(rule.from()) || pkg.startsWith(rule.from() + ".")) {
                    for (String forbidden : rule.forbidden()) {
                        if (mentions(line, forbidden)) {
                            out.add(where(file, i) + " names " + forbidden + ": " + rule.why());
                        }
                    }
                }
            }
            if (!inServer) {
                for (String internal : SERVER_INTERNALS) {
                    if (mentions(line, internal)) {
                        out.add(where(file, i) + " names " + internal
                                + ": outside vigil-server, use only its public API (dev.vigil.server) or vigil-query");
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code line} names the package {@code name} (or, for a bare type name, that type). */
    private static boolean mentions(String line, String name) {
        Pattern p = Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?![\\w])");
        return p.matcher(line).find();
    }

    private static String where(Path file, int index) {
        return ROOT.relativize(file) + ":" + (index + 1);
    }

    private static Optional<String> packageOf(String source) {
        Matcher m = Pattern.compile("(?m)^package ([\\w.]+);").matcher(source);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The source with comments blanked and line breaks kept, so that line numbers still hold. */
    private static String withoutComments(String source) {
        Matcher m = Pattern.compile("/\\*[\\s\\S]*?\\*/|//[^\\n]*").matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", " ")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !ROOT.relativize(p).toString().contains("/target/"))
                    .filter(p -> ROOT.relativize(p).toString().contains("/src/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
