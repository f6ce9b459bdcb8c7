package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What a command may touch of the outside world: the environment, the two output streams, and whether a person
 * watches them ({@code terminal}: progress bars redraw one line there, and print plain lines into logs otherwise).
 */
public record CliContext(Map<String, String> env, PrintWriter out, PrintWriter err, boolean terminal) {
    /** A context that is not a terminal, as in tests and pipes. */
    public CliContext(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this(env, out, err, false);
    }

    /** The value of an environment variable, or {@code fallback} when unset or blank. */
    public String env(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
