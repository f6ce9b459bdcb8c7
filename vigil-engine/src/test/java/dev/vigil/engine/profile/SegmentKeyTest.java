package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.FieldType.Kind;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The segment a row falls in, as the metastore stores it. */
class SegmentKeyTest {
    private static final ProfilePlan.SegmentPlan OWNER =
            new ProfilePlan.SegmentPlan("owner", 0, Kind.STRING, List.of(), false);

    @Test
    void aValueIsKeptWhole() {
        assertThat(PartitionProfiler.segmentKey(OWNER, RowFactory.create("web")))
                .isEqualTo("owner=web");
        assertThat(PartitionProfiler.segmentKey(OWNER, RowFactory.create((Object) null)))
                .isNull();
    }

    @Test
    void aLongValueIsCutTo200Characters() {
        String key = PartitionProfiler.segmentKey(OWNER, RowFactory.create("b".repeat(1_200)));
        assertThat(key).isEqualTo("owner=" + "b".repeat(PartitionProfiler.MAX_SEGMENT_VALUE_CHARS));
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String value = "a".repeat(PartitionProfiler.MAX_SEGMENT_VALUE_CHARS - 1) + "\uD83D\uDE00tail";
        String key = PartitionProfiler.segmentKey(OWNER, RowFactory.create(value));
        assertThat(key).isEqualTo("owner=" + "a".repeat(PartitionProfiler.MAX_SEGMENT_VALUE_CHARS - 1));
    }

    @Test
    void bucketsAndWheres() {
        var amount = new ProfilePlan.SegmentPlan("amount", 0, Kind.NUMERIC, List.of(20.0, 100.0), false);
        assertThat(PartitionProfiler.segmentKey(amount, RowFactory.create(50.0)))
                .isEqualTo("amount=[20,100)");
        assertThat(PartitionProfiler.segmentKey(amount, RowFactory.create(Double.NaN)))
                .isNull();
        var big = new ProfilePlan.SegmentPlan("big", 0, Kind.BOOLEAN, List.of(), true);
        assertThat(PartitionProfiler.segmentKey(big, RowFactory.create(true))).isEqualTo("big=true");
        assertThat(PartitionProfiler.segmentKey(big, RowFactory.create(false))).isNull();
    }
}
