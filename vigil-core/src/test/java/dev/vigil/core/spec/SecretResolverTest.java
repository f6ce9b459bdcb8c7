package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
    private final SecretResolver resolver = SecretResolver.fromEnvironment(Map.of("PG_PW", "from-env")::get);

    @Test
    void literalsPassThrough() {
        assertThat(resolver.resolve("plain", "k")).isEqualTo("plain");
        assertThat(resolver.resolve(null, "k")).isNull();
    }

    @Test
    void environmentReferences() {
        assertThat(resolver.resolve("${env:PG_PW}", "k")).isEqualTo("from-env");
        assertThatThrownBy(() -> resolver.resolve("${env:MISSING}", "serving.data_source.password"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(
                        "serving.data_source.password: environment variable MISSING is not set (referenced as ${env:MISSING})");
    }

    @Test
    void fileReferencesDropOneTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        assertThat(resolver.resolve("${file:" + file + "}", "k")).isEqualTo("from-file");
        assertThatThrownBy(() -> resolver.resolve("${file:" + dir.resolve("nope") + "}", "k"))
                .hasMessage("k: secret file " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void malformedReferencesAreNamed() {
        assertThatThrownBy(() -> resolver.resolve("${vault:x}", "k"))
                .hasMessage("k: cannot read the secret reference '${vault:x}' (expected ${env:NAME} or ${file:/path})");
    }
}
