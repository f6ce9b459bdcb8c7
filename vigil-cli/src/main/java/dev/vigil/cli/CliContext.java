package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.Map;

/** What a command may touch of the outside world: the environment and the two output streams. */
public record CliContext(Map<String, String> env, PrintWriter out, PrintWriter err) {
    /** The value of an environment variable, or {@code fallback} when unset or blank. */
    public String env(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
