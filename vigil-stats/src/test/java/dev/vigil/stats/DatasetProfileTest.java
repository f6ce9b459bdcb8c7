package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.vigil.core.VigilArgumentException;
import org.junit.jupiter.api.Test;

class DatasetProfileTest {

    @Test
    void countsAddAndMerge() {
        DatasetProfile a = new DatasetProfile();
        a.addRow();
        a.addRows(9);
        a.addNullIds(1);
        a.addNullTimestamps(2);
        a.addDuplicateIds(3);
        DatasetProfile b = new DatasetProfile(5, 0, 1, 1);
        a.merge(b);
        a.merge(new DatasetProfile());
        assertThat(a.metrics())
                .containsExactly(
                        entry("count", 15.0),
                        entry("null_id_count", 1.0),
                        entry("null_timestamp_count", 3.0),
                        entry("duplicate_id_count", 4.0));
        assertThat(a).isEqualTo(new DatasetProfile(15, 1, 3, 4));
    }

    @Test
    void mergeWithItselfDoubles() {
        DatasetProfile a = new DatasetProfile(2, 1, 0, 0);
        a.merge(a);
        assertThat(a).isEqualTo(new DatasetProfile(4, 2, 0, 0));
    }

    @Test
    void negativeCountsAreRejected() {
        assertThatThrownBy(() -> new DatasetProfile(-1, 0, 0, 0))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("rows");
        assertThatThrownBy(() -> new DatasetProfile().addDuplicateIds(-2))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("duplicate_id_count");
    }
}
