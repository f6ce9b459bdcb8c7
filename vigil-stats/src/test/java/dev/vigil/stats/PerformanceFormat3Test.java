package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.ModelType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Performance profile format version 3: the golden files of a multiclass and a multi-label model with dict
 * predictions read to the metrics and estimates of their rows, and a version 2 profile of such a model reads with
 * no scored classes (no estimate) and the same realized metrics.
 */
class PerformanceFormat3Test {
    @Test
    void goldenMulticlassVersion3IsTheBytesOfItsRows() {
        byte[] v3 = FieldProfileSerDeTest.golden("performance-multiclass-v3.bin");
        assertThat(v3[3]).isEqualTo((byte) 3);
        PerformanceProfile rows = GoldenProfiles.multiclass();
        assertThat(rows.toBytes()).isEqualTo(v3);
        PerformanceProfile read = PerformanceProfile.fromBytes(v3);
        assertThat(read.metrics()).isEqualTo(rows.metrics());
        assertThat(read.scoredClasses().orElseThrow().classes()).containsOnlyKeys("a", "b", "c");
        Map<String, Calibration.Estimate> estimated =
                MulticlassCalibration.fit(read).orElseThrow().estimate(read);
        assertThat(estimated)
                .isEqualTo(MulticlassCalibration.fit(rows).orElseThrow().estimate(rows));
        assertThat(estimated).containsOnlyKeys(MulticlassCalibration.NAMES);
    }

    @Test
    void goldenMultiLabelVersion3IsTheBytesOfItsRows() {
        byte[] v3 = FieldProfileSerDeTest.golden("performance-multilabel-v3.bin");
        assertThat(v3[3]).isEqualTo((byte) 3);
        PerformanceProfile rows = GoldenProfiles.multiLabel();
        assertThat(rows.toBytes()).isEqualTo(v3);
        PerformanceProfile read = PerformanceProfile.fromBytes(v3);
        assertThat(read.metrics()).isEqualTo(rows.metrics());
        assertThat(MultiLabelCalibration.fit(read).orElseThrow().estimate(read))
                .isEqualTo(MultiLabelCalibration.fit(rows).orElseThrow().estimate(rows))
                .containsKeys("estimated_hamming_loss", "estimated_f1[z]");
    }

    @Test
    void aVersion2MulticlassOrMultiLabelProfileReadsWithoutScores() {
        for (ModelType type : new ModelType[] {ModelType.MULTICLASS, ModelType.MULTI_LABEL}) {
            PerformanceProfile p = PerformanceProfile.create(type);
            if (type == ModelType.MULTICLASS) {
                p.addMulticlass("a", "b");
                p.addMulticlass("b", "b");
            } else {
                p.addMultiLabel(java.util.Set.of("x"), java.util.Set.of("x", "y"));
            }
            byte[] v3 = p.toBytes();
            // version 2 is version 3 without the scored classes (an int 0 at the end here)
            assertThat(Arrays.copyOfRange(v3, v3.length - 4, v3.length)).containsOnly((byte) 0);
            byte[] v2 = Arrays.copyOf(v3, v3.length - 4);
            v2[3] = 2;
            PerformanceProfile read = PerformanceProfile.fromBytes(v2);
            assertThat(read.metrics()).isEqualTo(p.metrics());
            assertThat(read.scoredClasses().orElseThrow().classes()).isEmpty();
            assertThat(PerformanceEstimator.fit(read)).isEmpty();
            assertThat(read.toBytes()).isEqualTo(v3);
        }
    }
}
