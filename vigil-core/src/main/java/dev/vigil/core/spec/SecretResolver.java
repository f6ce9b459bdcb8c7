package dev.vigil.core.spec;

import dev.vigil.core.VigilArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a secret as written in a spec into its value: {@code ${env:NAME}} reads an environment
 * variable, {@code ${file:/path}} reads a file (one trailing newline dropped), anything else is the
 * literal value.
 */
@FunctionalInterface
public interface SecretResolver {
    Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    /** Resolves {@code value}; {@code key} names where it was written, for error messages. */
    String resolve(String value, String key);

    /** Takes every value literally (the server: secrets reach it already resolved). */
    SecretResolver LITERAL = (value, key) -> value;

    /** Resolves references against the process environment and file system. */
    static SecretResolver fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** Resolves references against {@code environment} (a test passes a map) and the file system. */
    static SecretResolver fromEnvironment(Function<String, String> environment) {
        return (value, key) -> {
            if (value == null) {
                return null;
            }
            Matcher m = REFERENCE.matcher(value.strip());
            if (!m.matches()) {
                if (value.contains("${")) {
                    throw new VigilArgumentException(key + ": cannot read the secret reference '" + value
                            + "' (expected ${env:NAME} or ${file:/path})");
                }
                return value;
            }
            String target = m.group(2).strip();
            if (m.group(1).equals("env")) {
                String resolved = environment.apply(target);
                if (resolved == null) {
                    throw new VigilArgumentException(
                            key + ": environment variable " + target + " is not set (referenced as " + value + ")");
                }
                return resolved;
            }
            try {
                String content = Files.readString(Path.of(target), StandardCharsets.UTF_8);
                return content.endsWith("\r\n")
                        ? content.substring(0, content.length() - 2)
                        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            } catch (NoSuchFileException e) {
                throw new VigilArgumentException(key + ": secret file " + target + " does not exist");
            } catch (IOException e) {
                throw new VigilArgumentException(key + ": cannot read secret file " + target + ": " + e.getMessage());
            }
        };
    }
}
