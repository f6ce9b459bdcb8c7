package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user mistyping the {@code vigil} command reads (issue 18): one line naming the mistake and what to write
 * instead, a non-zero exit, and nothing stored.
 */
class CliInputIT extends AbstractServerIT {
    @TempDir
    static Path dir;

    record Result(int code, String out, String err) {}

    @Override
    protected void createSource(TestDatabase db) {
        // nothing to read: every command here is refused before a source is
    }

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void aDateWithoutATimeSaysWhichInstantToWrite() {
        Result r = run(
                "run",
                "--model",
                "m",
                "--version",
                "v1",
                "--dataset",
                "serving",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-08T00:00:00Z");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("vigil: --from: '2026-01-01' is a date; write 2026-01-01T00:00:00Z (see vigil run --help)"
                        + System.lineSeparator());
        assertThat(server().metastore().runs().list("m", "v1", 10))
                .as("no run started")
                .isEmpty();

        Result noZone = run("metrics", "--model", "m", "--version", "v1", "--to", "2026-01-08T00:00");
        assertThat(noZone.code()).isEqualTo(2);
        assertThat(noZone.err())
                .isEqualTo("vigil: --to: '2026-01-08T00:00' has no time zone; write 2026-01-08T00:00Z for UTC (see"
                        + " vigil metrics --help)" + System.lineSeparator());
        Result garbage = run("drift", "--model", "m", "--version", "v1", "--from", "yesterday");
        assertThat(garbage.err())
                .isEqualTo("vigil: --from: 'yesterday' is not an instant; write one such as 2026-01-01T00:00:00Z"
                        + " (see vigil drift --help)" + System.lineSeparator());
    }

    @Test
    void anyOtherParameterMistakeIsOneLineWithoutTheUsage() {
        Result r = run("models", "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("vigil: unknown option: '--bogus' (see vigil models --help)" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownModelNamesTheNextStep() {
        Result r = run("run", "--model", "fraud", "--version", "v1", "--dataset", "serving");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("vigil: model 'fraud' does not exist (vigil models lists them; vigil apply -f spec.yaml"
                        + " creates one)" + System.lineSeparator());
        assertThat(server().metastore().runs().list("fraud", "v1", 10))
                .as("no run started")
                .isEmpty();
    }

    @Test
    void aMessageOpeningWithACapitalIsLowerCasedAfterVigil() {
        Result down = run("models", "--server", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err())
                .startsWith("vigil: cannot reach the Vigil server at http://127.0.0.1:1")
                .hasLineCount(1);
        assertThat(VigilCli.lowerCaseOpening("The master key file x is accessible by group"))
                .isEqualTo("the master key file x is accessible by group");
        assertThat(VigilCli.lowerCaseOpening("PostgreSQL refused")).isEqualTo("PostgreSQL refused");
        assertThat(VigilCli.lowerCaseOpening("VIGIL_ADMIN_TOKEN: expected")).isEqualTo("VIGIL_ADMIN_TOKEN: expected");
    }

    @Test
    void anIndentationMistakeInASpecIsOneLineAndAppliesNothing() throws Exception {
        Path spec = dir.resolve("bad_indent.yaml");
        Files.writeString(
                spec,
                "model: {id: indent, name: Indent}\nversion:\n  model_version: v1\n  model_type: binary\n"
                        + " features: {amount: numeric}\n");
        Result r = run("apply", "-f", spec.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("vigil: bad_indent.yaml line 5, column 2: expected <block end>, but found '<block mapping"
                        + " start>' (check the indentation)" + System.lineSeparator());
        assertThat(vigil().listModels()).as("nothing applied").isEmpty();
    }

    @Test
    void aBusyPortIsOneSentenceAndUsesUpNoToken() throws Exception {
        Path data = dir.resolve("busy-port");
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = held.getLocalPort();
            Result r = run(
                    Map.of("VIGIL_DATA_DIR", data.toString()),
                    "server",
                    "--port",
                    String.valueOf(port),
                    "--host",
                    "127.0.0.1");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err())
                    .isEqualTo("vigil: port " + port + " on 127.0.0.1 is already in use (another Vigil server?); use"
                            + " --port or VIGIL_PORT" + System.lineSeparator());
            assertThat(r.out()).isEmpty();
        }
        assertThat(data.resolve("metastore.mv.db"))
                .as("no metastore, so no token stored")
                .doesNotExist();
    }

    @Test
    void theStartLinesShowTheTokenOnceThenHowToReplaceALostOne() {
        assertThat(ServerCommand.banner("http://127.0.0.1:7070", "H2 file /d/metastore", Optional.of("vgl_x"), false))
                .containsExactly(
                        "Vigil server listening on http://127.0.0.1:7070 (metastore: H2 file /d/metastore)",
                        "Admin API token (shown only this once; it is stored hashed): vgl_x",
                        "  export VIGIL_TOKEN=vgl_x");
        assertThat(ServerCommand.banner("http://127.0.0.1:7070", "H2 file /d/metastore", Optional.empty(), false))
                .containsExactly(
                        "Vigil server listening on http://127.0.0.1:7070 (metastore: H2 file /d/metastore)",
                        "Admin token: made at the first start and stored hashed; lost it? restart with"
                                + " VIGIL_ADMIN_TOKEN=<32+ characters>, which replaces it");
        assertThat(ServerCommand.banner("http://127.0.0.1:7070", "H2 file /d/metastore", Optional.empty(), true))
                .as("VIGIL_ADMIN_TOKEN set: the user holds it")
                .hasSize(1);
    }

    /**
     * A second server on this test's data directory, as its own process (within one JVM H2 shares an open file
     * instead), is refused in one sentence naming the directory.
     */
    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        String describe = server().metastore().describe(); // "H2 file <dir>/metastore"
        assertThat(describe).startsWith("H2 file ");
        Path data = Path.of(describe.substring("H2 file ".length())).getParent();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx768m",
                "-cp",
                System.getProperty("java.class.path"),
                VigilCli.class.getName(),
                "server",
                "--data-dir",
                data.toString(),
                "--port",
                "0"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("second-out.txt").toFile())
                .redirectError(dir.resolve("second-err.txt").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("VIGIL_"));
        builder.environment().put("VIGIL_ADMIN_TOKEN", TOKEN);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the second server started: " + Files.readString(dir.resolve("second-out.txt")));
        }
        String err = Files.readString(dir.resolve("second-err.txt"));
        assertThat(process.exitValue()).as(err).isEqualTo(1);
        assertThat(err)
                .isEqualTo("vigil: the data directory " + data + " is in use by another Vigil server (or vigil"
                        + " rotate-key); stop it, or give this one another --data-dir" + System.lineSeparator());
        assertThat(Files.readString(dir.resolve("second-out.txt"))).isEmpty();
    }
}
