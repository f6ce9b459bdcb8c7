package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.spec.SpecCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every answer {@link RestGoldenIT} pins (real bodies of metrics, drift and performance, errors included, which that
 * IT checks the server still gives) fits its schema in the checked-in OpenAPI document: so the document says what the
 * server answers, to the property and the null.
 */
class OpenApiGoldenBodiesTest {
    static Stream<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src", "test", "resources", "golden"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void fitsItsSchema(Path file) throws IOException {
        JsonNode golden = SpecCodec.json().readTree(file.toFile());
        String[] request = golden.path("request").asText().split(" ", 2);
        List<String> problems = OpenApiBodies.checkedIn()
                .problems(request[0], request[1], golden.path("status").asInt(), golden.path("body"));
        assertThat(problems)
                .as("%s against docs/openapi.json", file.getFileName())
                .isEmpty();
    }
}
