package dev.vigil.cli;

import dev.vigil.core.spec.SecretResolver;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What the secret references of a spec may read on this machine (review F17): a spec from someone else (a pull
 * request applied by CI) must not send this machine's environment or files to a host it names.
 */
final class SecretOptions {
    @Option(
            names = "--secret-env-prefix",
            paramLabel = "PREFIX",
            description = "Also allow ${env:NAME} for names starting with PREFIX (comma-separated; default:"
                    + " $VIGIL_SECRET_ENV_PREFIX). VIGIL_ is always allowed, Vigil's own tokens and keys never.")
    String envPrefix;

    @Option(
            names = "--secrets-dir",
            paramLabel = "DIR",
            description = "Allow ${file:PATH} for files under DIR only (default: $VIGIL_SECRETS_DIR; unset: no file"
                    + " may be read).")
    String secretsDir;

    /** The rules these options give, each falling back to its environment variable. */
    SecretResolver.Rules rules(Map<String, String> env) {
        return SecretResolver.Rules.of(
                envPrefix != null ? envPrefix : env.get("VIGIL_SECRET_ENV_PREFIX"),
                secretsDir != null ? secretsDir : env.get("VIGIL_SECRETS_DIR"));
    }
}
