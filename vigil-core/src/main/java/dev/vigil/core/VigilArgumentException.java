package dev.vigil.core;

import java.util.List;

/**
 * Bad input from a user: the message is one sentence that names the field, column, key or value
 * and what was expected. When several problems were found at once, {@link #problems()} lists each.
 */
public class VigilArgumentException extends VigilException {
    private final List<String> problems;

    public VigilArgumentException(String message) {
        this(message, List.of(message));
    }

    public VigilArgumentException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public VigilArgumentException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** Builds one exception from several problems, each already naming its key. */
    public static VigilArgumentException of(List<String> problems) {
        if (problems.size() == 1) {
            return new VigilArgumentException(problems.get(0));
        }
        return new VigilArgumentException(problems.size() + " problems: " + String.join("; ", problems), problems);
    }

    /** Each problem, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
