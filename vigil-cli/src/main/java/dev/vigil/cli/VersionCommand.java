package dev.vigil.cli;

import dev.vigil.core.VigilStateException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code vigil version} (and {@code vigil --version}): Vigil's version as the build wrote it, and the Java that runs
 * it, the two things a bug report needs first.
 */
@Command(name = "version", description = "Print Vigil's version and the Java version that runs it.")
final class VersionCommand implements Callable<Integer> {
    private final CliContext context;

    VersionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        lines().forEach(context.out()::println);
        context.out().flush();
        return 0;
    }

    static List<String> lines() {
        return List.of(
                "vigil " + version(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")");
    }

    /** The POM's version, which the build writes into version.properties (resource filtering). */
    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new VigilStateException("version.properties is missing from the vigil-cli jar: rebuild it");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new VigilStateException("could not read version.properties: " + e.getMessage(), e);
        }
    }
}
