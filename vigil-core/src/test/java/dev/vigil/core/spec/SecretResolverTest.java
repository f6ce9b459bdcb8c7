package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
    private final SecretResolver resolver = SecretResolver.fromEnvironment(Map.of("VIGIL_PG_PW", "from-env")::get);

    @Test
    void literalsPassThrough() {
        assertThat(resolver.resolve("plain", "k")).isEqualTo("plain");
        assertThat(resolver.resolve(null, "k")).isNull();
    }

    @Test
    void environmentReferences() {
        assertThat(resolver.resolve("${env:VIGIL_PG_PW}", "k")).isEqualTo("from-env");
        assertThatThrownBy(() -> resolver.resolve("${env:VIGIL_MISSING}", "serving.data_source.password"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("serving.data_source.password: environment variable VIGIL_MISSING is not set (referenced"
                        + " as ${env:VIGIL_MISSING})");
    }

    /** Review F17: only VIGIL_ names (or a configured prefix) are read, and never Vigil's own secrets. */
    @Test
    void environmentReferencesOutsideTheAllowedPrefixesAreRefusedWithoutBeingRead() {
        List<String> read = new ArrayList<>();
        Function<String, String> env = name -> {
            read.add(name);
            return "value of " + name;
        };
        SecretResolver vigilOnly = SecretResolver.fromEnvironment(env);
        assertThatThrownBy(() -> vigilOnly.resolve("${env:AWS_SECRET_ACCESS_KEY}", "serving.data_source.password"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("serving.data_source.password: ${env:AWS_SECRET_ACCESS_KEY} is not allowed: a spec may"
                        + " only read environment variables whose name starts with VIGIL_ (add a prefix with"
                        + " --secret-env-prefix or VIGIL_SECRET_ENV_PREFIX)");
        assertThatThrownBy(() -> vigilOnly.resolve("${env:VIGIL_TOKEN}", "k"))
                .hasMessage("k: ${env:VIGIL_TOKEN} is not allowed: VIGIL_TOKEN is one of Vigil's own secrets, which a"
                        + " spec never reads");
        assertThat(read).as("variables read").isEmpty();

        SecretResolver withPrefix = SecretResolver.fromEnvironment(env, SecretResolver.Rules.of("PG_, SLACK_", null));
        assertThat(withPrefix.resolve("${env:PG_PASSWORD}", "k")).isEqualTo("value of PG_PASSWORD");
        assertThat(withPrefix.resolve("${env:SLACK_URL}", "k")).isEqualTo("value of SLACK_URL");
        assertThatThrownBy(() -> withPrefix.resolve("${env:HOME}", "k"))
                .hasMessageContaining("starts with VIGIL_ or PG_ or SLACK_");
        assertThatThrownBy(() -> withPrefix.resolve("${env:VIGIL_MASTER_KEY}", "k"))
                .hasMessageContaining("one of Vigil's own secrets");
        assertThat(read).containsExactly("PG_PASSWORD", "SLACK_URL");
    }

    @Test
    void fileReferencesDropOneTrailingNewline(@TempDir Path dir) throws Exception {
        SecretResolver inDir = SecretResolver.fromEnvironment(Map.<String, String>of()::get, rulesFor(dir));
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        assertThat(inDir.resolve("${file:" + file + "}", "k")).isEqualTo("from-file");
        assertThat(inDir.resolve("${file:pw}", "k"))
                .as("relative to the secrets directory")
                .isEqualTo("from-file");
        assertThatThrownBy(() -> inDir.resolve("${file:" + dir.resolve("nope") + "}", "k"))
                .hasMessage("k: secret file " + dir.resolve("nope") + " does not exist");
    }

    /** Review F17: no file is read without a secrets directory, and none outside it (.. and links included). */
    @Test
    void fileReferencesOutsideTheSecretsDirectoryAreRefused(@TempDir Path tmp) throws Exception {
        Path secrets = Files.createDirectory(tmp.resolve("secrets"));
        Path outside = Files.writeString(tmp.resolve("id_rsa"), "private key");
        Files.createSymbolicLink(secrets.resolve("link"), outside);
        assertThatThrownBy(() -> resolver.resolve("${file:" + outside + "}", "serving.data_source.password"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("serving.data_source.password: ${file:" + outside + "} is not allowed: a spec may only"
                        + " read files under a secrets directory, and none is set (set --secrets-dir or"
                        + " VIGIL_SECRETS_DIR)");
        SecretResolver inDir = SecretResolver.fromEnvironment(Map.<String, String>of()::get, rulesFor(secrets));
        for (String target : List.of(outside.toString(), secrets + "/../id_rsa", "../id_rsa", secrets + "/link")) {
            assertThatThrownBy(() -> inDir.resolve("${file:" + target + "}", "k"))
                    .as(target)
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessage("k: ${file:" + target + "} is not allowed: a spec may only read files under the"
                            + " secrets directory " + secrets.toAbsolutePath().normalize());
        }
    }

    @Test
    void malformedReferencesAreNamed() {
        assertThatThrownBy(() -> resolver.resolve("${vault:x}", "k"))
                .hasMessage("k: cannot read the secret reference '${vault:x}' (expected ${env:NAME} or ${file:/path})");
    }

    private static SecretResolver.Rules rulesFor(Path dir) {
        return SecretResolver.Rules.of(null, dir.toString());
    }
}
