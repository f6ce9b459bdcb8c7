package dev.vigil.core.spec;

import dev.vigil.core.VigilArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a secret as written in a spec into its value: {@code ${env:NAME}} reads an environment
 * variable, {@code ${file:/path}} reads a file (one trailing newline dropped), anything else is the
 * literal value.
 *
 * <p>A spec is not always the applier's own (one from a pull request, applied by CI), so a reference may only reach
 * what {@link Rules} allow (review F17): environment variables whose name starts with {@code VIGIL_} or a configured
 * prefix, never Vigil's own secrets, and files under a configured secrets directory only.
 */
@FunctionalInterface
public interface SecretResolver {
    Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    /** Resolves {@code value}; {@code key} names where it was written, for error messages. */
    String resolve(String value, String key);

    /** Takes every value literally (the server: secrets reach it already resolved). */
    SecretResolver LITERAL = (value, key) -> value;

    /**
     * What a spec's references may read: environment variables whose name starts with one of {@code envPrefixes}
     * ({@code VIGIL_} always among them) except {@link #VIGILS_OWN}, and files under {@code secretsDir} (none when
     * it is null).
     */
    record Rules(List<String> envPrefixes, Path secretsDir) {
        /** The prefix every applier allows. */
        public static final String VIGIL_PREFIX = "VIGIL_";

        /** Vigil's own secrets: a spec never reads them, whatever the prefixes. */
        public static final Set<String> VIGILS_OWN = Set.of(
                "VIGIL_TOKEN", "VIGIL_ADMIN_TOKEN", "VIGIL_MASTER_KEY", "VIGIL_STORE_PASSWORD", "VIGIL_SMTP_PASSWORD");

        /** {@code VIGIL_} variables only, and no file. */
        public static final Rules DEFAULT = new Rules(List.of(), null);

        public Rules {
            List<String> prefixes = new ArrayList<>(List.of(VIGIL_PREFIX));
            for (String p : envPrefixes) {
                if (p != null && !p.isBlank() && !prefixes.contains(p.strip())) {
                    prefixes.add(p.strip());
                }
            }
            envPrefixes = List.copyOf(prefixes);
            secretsDir = secretsDir == null ? null : secretsDir.toAbsolutePath().normalize();
        }

        /**
         * The rules a command line gives: {@code extraPrefixes} comma-separated (from {@code --secret-env-prefix} or
         * {@code VIGIL_SECRET_ENV_PREFIX}; null or blank: none), {@code secretsDir} from {@code --secrets-dir} or
         * {@code VIGIL_SECRETS_DIR} (null or blank: no file may be read).
         */
        public static Rules of(String extraPrefixes, String secretsDir) {
            List<String> prefixes = extraPrefixes == null ? List.of() : List.of(extraPrefixes.split(","));
            return new Rules(prefixes, secretsDir == null || secretsDir.isBlank() ? null : Path.of(secretsDir));
        }

        /** The same rules with {@code dir} as the secrets directory. */
        public Rules withSecretsDir(Path dir) {
            return new Rules(envPrefixes, dir);
        }

        private void checkEnv(String name, String reference, String key) {
            if (VIGILS_OWN.contains(name)) {
                throw new VigilArgumentException(key + ": " + reference + " is not allowed: " + name
                        + " is one of Vigil's own secrets, which a spec never reads");
            }
            if (envPrefixes.stream().noneMatch(name::startsWith)) {
                throw new VigilArgumentException(key + ": " + reference + " is not allowed: a spec may only read"
                        + " environment variables whose name starts with " + String.join(" or ", envPrefixes)
                        + " (add a prefix with --secret-env-prefix or VIGIL_SECRET_ENV_PREFIX)");
            }
        }

        private Path checkFile(String target, String reference, String key) {
            if (secretsDir == null) {
                throw new VigilArgumentException(key + ": " + reference + " is not allowed: a spec may only read"
                        + " files under a secrets directory, and none is set (set --secrets-dir or"
                        + " VIGIL_SECRETS_DIR)");
            }
            Path file = Path.of(target);
            if (!file.isAbsolute()) {
                file = secretsDir.resolve(file);
            }
            Path real;
            Path dir;
            try {
                // the real paths: a symbolic link or .. inside the directory must not lead out of it
                dir = secretsDir.toRealPath();
                real = file.toRealPath();
            } catch (NoSuchFileException e) {
                throw new VigilArgumentException(key + ": secret file " + target + " does not exist");
            } catch (IOException e) {
                throw new VigilArgumentException(key + ": cannot read secret file " + target + ": " + e.getMessage());
            }
            if (!real.startsWith(dir)) {
                throw new VigilArgumentException(key + ": " + reference + " is not allowed: a spec may only read"
                        + " files under the secrets directory " + secretsDir);
            }
            return real;
        }
    }

    /** Resolves references against the process environment and file system, within {@link Rules#DEFAULT}. */
    static SecretResolver fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /** Resolves references against {@code environment} (a test passes a map), within {@link Rules#DEFAULT}. */
    static SecretResolver fromEnvironment(Function<String, String> environment) {
        return fromEnvironment(environment, Rules.DEFAULT);
    }

    /** Resolves references against {@code environment} and the file system, within {@code rules}. */
    static SecretResolver fromEnvironment(Function<String, String> environment, Rules rules) {
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
            String reference = value.strip();
            if (m.group(1).equals("env")) {
                rules.checkEnv(target, reference, key);
                String resolved = environment.apply(target);
                if (resolved == null) {
                    throw new VigilArgumentException(
                            key + ": environment variable " + target + " is not set (referenced as " + value + ")");
                }
                return resolved;
            }
            Path file = rules.checkFile(target, reference, key);
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                return content.endsWith("\r\n")
                        ? content.substring(0, content.length() - 2)
                        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            } catch (IOException e) {
                throw new VigilArgumentException(key + ": cannot read secret file " + target + ": " + e.getMessage());
            }
        };
    }
}
