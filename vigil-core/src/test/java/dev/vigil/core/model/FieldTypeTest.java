package dev.vigil.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldTypeTest {
    @Test
    void tensorsCarryTheirShape() {
        assertThat(FieldType.tensor(768).size()).isEqualTo(768);
        assertThat(FieldType.tensor(3, 4).size()).isEqualTo(12);
        assertThat(FieldType.tensor(3, 4)).hasToString("tensor[3, 4]");
        assertThat(FieldType.numeric().size()).isZero();
    }

    @Test
    void dimensionsAreCheckedWhereTheyBelong() {
        assertThatThrownBy(() -> FieldType.tensor()).isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> FieldType.tensor(0)).isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> new FieldType(FieldType.Kind.EMBEDDING, List.of(2, 2)))
                .isInstanceOf(VigilArgumentException.class);
        assertThatThrownBy(() -> new FieldType(FieldType.Kind.NUMERIC, List.of(2)))
                .isInstanceOf(VigilArgumentException.class);
    }

    @Test
    void aTensorHasAtMost262144ValuesPerRowCountedWithoutOverflow() {
        assertThat(FieldType.tensor(512, 512).size()).isEqualTo(262_144);
        assertThat(FieldType.tensor(3, 224, 224).size()).as("an image").isEqualTo(150_528);
        assertThat(FieldType.embedding(262_144).size()).isEqualTo(262_144);
        assertThatThrownBy(() -> FieldType.embedding(262_145))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage(
                        "[262145] makes 262145 values per row, more than the 262144 a tensor or embedding may have");
        assertThatThrownBy(() -> FieldType.tensor(513, 512)).hasMessageContaining("makes 262656 values per row");
        // 65,536 x 65,536 overflows an int to 0; three times 2^31 - 1 overflows a long
        assertThatThrownBy(() -> FieldType.tensor(65_536, 65_536)).hasMessageContaining("makes 4294967296 values");
        assertThatThrownBy(() -> FieldType.tensor(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE))
                .hasMessageContaining("makes more than 9223372036854775807 values per row");
    }

    @Test
    void dataSourcesNeverPrintTheirPassword() {
        PostgresJdbcDataSource s = PostgresJdbcDataSource.builder()
                .url("jdbc:postgresql://h/db?password=inurl")
                .query("SELECT 1")
                .user("u")
                .password("hunter2")
                .build();
        assertThat(s.toString())
                .doesNotContain("hunter2")
                .doesNotContain("inurl")
                .contains("password=******");
        assertThat(Jdbc.redactUrl("jdbc:postgresql://h/db?user=u&password=p&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=******&ssl=true");
    }
}
