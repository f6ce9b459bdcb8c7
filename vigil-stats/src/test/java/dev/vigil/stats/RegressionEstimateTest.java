package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.model.ModelType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DLE's sums in a regression performance profile (ADR 0028): the estimates and their std from the per-row estimates,
 * computed here by hand, exact merges, format 3 round trips, and version 2 bytes read with no estimate.
 */
class RegressionEstimateTest {
    // three rows: estimated |e|, e², and e²'s variance (κ = 2: 2 ŝ²)
    private static final double[][] ROWS = {{1.0, 2.0, 8.0}, {0.5, 0.5, 0.5}, {2.0, 3.0, 18.0}};

    private static PerformanceProfile profile(int from, int to) {
        PerformanceProfile p = PerformanceProfile.create(ModelType.REGRESSION);
        for (int i = from; i < to; i++) {
            // the first row's actual has arrived; estimates are made for every row
            p.addRegression(10.0, i == 0 ? 9.0 : null);
            p.addRegressionEstimate(ROWS[i][0], ROWS[i][1], ROWS[i][2]);
        }
        return p;
    }

    @Test
    void theEstimatesAndTheirStdAreTheAdrsFormulas() {
        Map<String, Calibration.Estimate> e = profile(0, 3).lossEstimates();
        // mae = (1 + 0.5 + 2) / 3; Var|e| per row = max(0, ŝ − â²): 1, 0.25, 0 (3 − 4 < 0)
        assertThat(e.get("estimated_mae").value()).isCloseTo(3.5 / 3, within(1e-15));
        assertThat(e.get("estimated_mae").std()).isCloseTo(Math.sqrt(1.25) / 3, within(1e-15));
        // mse = (2 + 0.5 + 3) / 3; its std √(8 + 0.5 + 18) / 3
        assertThat(e.get("estimated_mse").value()).isCloseTo(5.5 / 3, within(1e-15));
        assertThat(e.get("estimated_mse").std()).isCloseTo(Math.sqrt(26.5) / 3, within(1e-15));
        // rmse by the delta method
        double rmse = Math.sqrt(5.5 / 3);
        assertThat(e.get("estimated_rmse").value()).isCloseTo(rmse, within(1e-15));
        assertThat(e.get("estimated_rmse").std()).isCloseTo(Math.sqrt(26.5) / 3 / (2 * rmse), within(1e-15));
        // the realized metrics are those of the one row with an actual
        assertThat(profile(0, 3).metrics().get("mae")).isEqualTo(1.0);
    }

    @Test
    void windowsMergeToTheWholeAndRoundTrip() {
        PerformanceProfile merged = PerformanceProfile.fromBytes(profile(0, 1).toBytes());
        merged.merge(PerformanceProfile.fromBytes(profile(1, 3).toBytes()));
        Map<String, Calibration.Estimate> whole = profile(0, 3).lossEstimates();
        merged.lossEstimates().forEach((name, estimate) -> {
            assertThat(estimate.value()).as(name).isCloseTo(whole.get(name).value(), within(1e-15));
            assertThat(estimate.std()).as(name).isCloseTo(whole.get(name).std(), within(1e-15));
        });
        assertThat(merged.lossEstimates()).containsOnlyKeys("estimated_mae", "estimated_mse", "estimated_rmse");
    }

    @Test
    void noEstimatedRowNoEstimateAndOtherTypesHaveNone() {
        PerformanceProfile p = PerformanceProfile.create(ModelType.REGRESSION);
        p.addRegression(1.0, 2.0);
        assertThat(p.lossEstimates()).isEmpty();
        assertThat(PerformanceProfile.create(ModelType.BINARY).lossEstimates()).isEmpty();
    }

    @Test
    void version2BytesReadWithoutEstimates() {
        PerformanceProfile p = PerformanceProfile.create(ModelType.REGRESSION);
        p.addRegression(1.0, 2.0);
        p.addRegression(3.0, 2.5);
        byte[] v3 = p.toBytes();
        assertThat(v3[3]).isEqualTo((byte) 3);
        // version 2 is version 3 without the trailing estimated rows (8 bytes) and four compensated sums (64)
        byte[] v2 = Arrays.copyOf(v3, v3.length - 72);
        v2[3] = 2;
        PerformanceProfile read = PerformanceProfile.fromBytes(v2);
        assertThat(read.metrics()).isEqualTo(p.metrics());
        assertThat(read.lossEstimates()).isEmpty();
    }
}
