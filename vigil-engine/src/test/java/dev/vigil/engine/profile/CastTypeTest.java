package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CastTypeTest {
    @Test
    void aSerialIdIsCastToTheIntegerItHolds() {
        // pgjdbc names an auto-increment column's type serial / bigserial; PostgreSQL has no such type to cast to
        assertThat(DatasetProfiler.castType("bigserial")).isEqualTo("int8");
        assertThat(DatasetProfiler.castType("serial")).isEqualTo("int4");
        assertThat(DatasetProfiler.castType("smallserial")).isEqualTo("int2");
        assertThat(DatasetProfiler.castType("uuid")).isEqualTo("uuid");
        assertThat(DatasetProfiler.castType("int8")).isEqualTo("int8");
    }
}
