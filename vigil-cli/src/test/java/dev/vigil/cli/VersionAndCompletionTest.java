package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code vigil version}, {@code vigil --version} and {@code vigil completion}: no server needed. */
class VersionAndCompletionTest {
    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The version in vigil-cli's POM (its parent's), read from the POM itself. */
    private static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void versionPrintsThePomVersionAndTheJavaThatRunsIt() throws Exception {
        Result r = run("version");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList())
                .containsExactly(
                        "vigil " + pomVersion(),
                        "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                                + System.getProperty("java.vm.name") + ")");
        assertThat(run("--version").out()).isEqualTo(r.out());
    }

    @Test
    void completionPrintsPicocliScriptForEveryCommand() {
        Result bash = run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out())
                .startsWith("#!/usr/bin/env bash\n")
                .contains("function _complete_vigil() {")
                .contains("complete -F _complete_vigil -o default vigil")
                .contains("runs", "follow", "monitors", "completion");
        Result zsh = run("completion", "zsh");
        assertThat(zsh.out()).isEqualTo(bash.out()).contains("autoload -U +X bashcompinit && bashcompinit");
        Result fish = run("completion", "fish");
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.out()).isEmpty();
        assertThat(fish.err())
                .startsWith("vigil: invalid value for positional parameter at index 0 (SHELL): expected one of")
                .endsWith(" (see vigil completion --help)" + System.lineSeparator())
                .hasLineCount(1);
    }

    @Test
    void csvFieldsAreQuotedAsRfc4180Says() {
        assertThat(Output.csvField("plain")).isEqualTo("plain");
        assertThat(Output.csvField("")).isEqualTo("");
        assertThat(Output.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(Output.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Output.csvField("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Output.csvField("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }
}
