package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.Nullable;
import dev.vigil.server.web.Json;
import dev.vigil.server.web.Routes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The record-to-schema rules of decision 0026, each against the JSON {@link Json#write} makes of the same record. */
class SchemasTest {
    enum Colour {
        RED,
        DARK_BLUE
    }

    record Inner(String label, @Nullable Double weight) {}

    record Sample(
            String plainName,
            @Nullable Instant seenAt,
            long count,
            List<String> tags,
            Map<String, Integer> sizes,
            Colour colour,
            @Nullable Inner inner,
            @JsonUnwrapped @Nullable Inner flat) {}

    record Unknown(java.util.UUID id) {}

    @Test
    void aRecordIsAClosedObjectOfItsSnakeCaseComponents() throws Exception {
        Schemas schemas = new Schemas();
        assertThat(schemas.of(Sample.class).toString()).isEqualTo("{\"$ref\":\"#/components/schemas/Sample\"}");
        JsonNode s = schemas.components().get("Sample");
        assertThat(s.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(s.path("required").toString()).isEqualTo("[\"plain_name\",\"count\",\"tags\",\"sizes\",\"colour\"]");
        JsonNode p = s.path("properties");
        assertThat(p.path("seen_at").toString())
                .isEqualTo("{\"type\":\"string\",\"format\":\"date-time\",\"nullable\":true}");
        assertThat(p.path("count").toString()).isEqualTo("{\"type\":\"integer\",\"format\":\"int64\"}");
        assertThat(p.path("tags").toString()).isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
        assertThat(p.path("sizes").toString())
                .isEqualTo(
                        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"format\":\"int32\"}}");
        assertThat(p.path("colour").toString()).isEqualTo("{\"type\":\"string\",\"enum\":[\"RED\",\"DARK_BLUE\"]}");
        assertThat(p.path("inner").toString())
                .isEqualTo("{\"type\":\"object\",\"allOf\":[{\"$ref\":\"#/components/schemas/Inner\"}],"
                        + "\"nullable\":true}");
        // unwrapped: its properties beside the others, none required
        assertThat(p.path("label").toString()).isEqualTo("{\"type\":\"string\"}");
        assertThat(p.has("flat")).isFalse();

        // the body the same record becomes has exactly the properties the schema names
        Sample sample =
                new Sample("a", null, 3, List.of("x"), Map.of("s", 1), Colour.DARK_BLUE, null, new Inner("l", 0.5));
        JsonNode body = Json.write(sample);
        assertThat(body.toString())
                .isEqualTo("{\"plain_name\":\"a\",\"seen_at\":null,\"count\":3,\"tags\":[\"x\"],\"sizes\":{\"s\":1},"
                        + "\"colour\":\"DARK_BLUE\",\"inner\":null,\"label\":\"l\",\"weight\":0.5}");
        body.fieldNames()
                .forEachRemaining(name -> assertThat(p.has(name)).as(name).isTrue());
    }

    @Test
    void aListOfRecordsIsAnArrayOfReferences() {
        assertThat(new Schemas().of(Routes.listOf(Inner.class)).toString())
                .isEqualTo("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Inner\"}}");
    }

    @Test
    void aTypeWithoutARuleIsRefusedNamingIt() {
        assertThatThrownBy(() -> new Schemas().of(Unknown.class))
                .hasMessageContaining("java.util.UUID")
                .hasMessageContaining("describe it with a record");
    }

    @Test
    void nestedRecordsAreNamedAfterTheirEnclosingRecord() {
        assertThat(Schemas.name(TokenJson.Create.class)).isEqualTo("TokenCreate");
        assertThat(Schemas.name(RunJson.class)).isEqualTo("Run");
        assertThat(Schemas.name(Inner.class)).isEqualTo("Inner");
    }
}
