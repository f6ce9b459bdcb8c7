package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CastTypeTest {
    @Test
    void aSerialIdIsCastToTheIntegerItHolds() {
        // pgjdbc names an auto-increment column's type serial / bigserial; PostgreSQL has no such type to cast to
        assertThat(SourceSql.castType("bigserial")).isEqualTo("int8");
        assertThat(SourceSql.castType("serial")).isEqualTo("int4");
        assertThat(SourceSql.castType("smallserial")).isEqualTo("int2");
        assertThat(SourceSql.castType("uuid")).isEqualTo("uuid");
        assertThat(SourceSql.castType("int8")).isEqualTo("int8");
    }
}
