package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL reading of {@link GrafanaDashboard}: metric names only, never functions, labels or keywords. */
class GrafanaDashboardTest {
    @Test
    void aBareSelectorIsItsName() {
        assertThat(GrafanaDashboard.names("vigil_window_rows")).containsExactly("vigil_window_rows");
    }

    @Test
    void labelsStringsAndRangesAreNotNames() {
        assertThat(GrafanaDashboard.names(
                        "rate(vigil_runs_failed_total{model=\"$model\",field=~\"a|b}\"}[$__rate_interval] offset 5m)"))
                .containsExactly("vigil_runs_failed_total");
    }

    @Test
    void functionsGroupingClausesKeywordsAndNumbersAreNotNames() {
        assertThat(GrafanaDashboard.names("histogram_quantile(0.9, sum by (le, dataset) (increase("
                        + "vigil_run_duration_seconds_bucket{model=\"m\"}[1h]))) > bool 2e3"
                        + " or on (model) group_left (severity) vigil_alerts_open unless vigil_x offset 1d"))
                .containsExactly("vigil_run_duration_seconds_bucket", "vigil_alerts_open", "vigil_x");
    }

    @Test
    void aFunctionCalledWithSpaceBeforeItsParenthesisIsStillAFunction() {
        assertThat(GrafanaDashboard.names("sum (vigil_missing_ratio) / count (vigil_missing_ratio)"))
                .containsExactly("vigil_missing_ratio", "vigil_missing_ratio");
    }
}
