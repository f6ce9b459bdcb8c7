package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import dev.vigil.engine.source.ColumnTypes.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnTypesTest {

    @ParameterizedTest
    @CsvSource({
        "int8, INTEGER",
        "bigint, INTEGER",
        "float8, DECIMAL",
        "numeric, DECIMAL",
        "'decimal(38,18)', DECIMAL",
        "bool, BOOLEAN",
        "uuid, STRING",
        "bpchar, STRING",
        "timestamptz, TIMESTAMP",
        "timestamp_ntz, TIMESTAMP",
        "date, DATE",
        "_float4, NUMBER_ARRAY",
        "array<double>, NUMBER_ARRAY",
        "_text, OTHER_ARRAY",
        "jsonb, JSON",
        "'map<string,double>', MAP",
        "point, OTHER"
    })
    void postgresAndSparkTypesHaveAShape(String type, Shape shape) {
        assertThat(ColumnTypes.shape(type)).isEqualTo(shape);
    }

    @ParameterizedTest
    @CsvSource({
        "NUMERIC, int4, true",
        "NUMERIC, text, false",
        "NUMERIC, bool, false",
        "CATEGORICAL, int4, true",
        "BOOLEAN, int2, true",
        "BOOLEAN, text, false",
        "DATETIME, int8, true",
        "TEXT, int8, false",
        "TENSOR, _float8, true",
        "TENSOR, _text, false",
        "EMBEDDING, array<float>, true",
        "ARRAY, _text, true",
        "DICT, jsonb, true",
        "DICT, text, false"
    })
    void eachKindReadsTheShapesItCanCoerce(Kind kind, String type, boolean accepted) {
        assertThat(ColumnTypes.accepted(kind).contains(ColumnTypes.shape(type))).isEqualTo(accepted);
    }

    @ParameterizedTest
    @CsvSource({
        "text, string",
        "text, text",
        "bigint, int8",
        "bigint, bigint",
        "integer, int4",
        "integer, int",
        "real[], _float4",
        "real[], array<float>",
        "double precision[], array<double>",
        "boolean, bool",
        "'numeric(10,2)', 'numeric(10,2)'"
    })
    void aTypeIsNamedOneWayWhetherPostgresOrSparkNamedIt(String expected, String type) {
        assertThat(ColumnTypes.userName(type)).isEqualTo(expected);
    }
}
