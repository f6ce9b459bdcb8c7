package dev.vigil.server.monitor;

import static dev.vigil.server.monitor.Monitors.monitor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.monitor.MonitorType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which fields a monitor evaluates, for a schema with one field of each group and kind that matters. */
class MonitorTargetsTest {
    private static final ModelVersion VERSION = new ModelVersion(
            "shop",
            "v1",
            ModelType.REGRESSION,
            AggregationPeriod.HOURLY,
            Schema.builder()
                    .rawInput("country", FieldType.categorical())
                    .feature("amount", FieldType.numeric())
                    .feature("owner", FieldType.string())
                    .feature("note", FieldType.text())
                    .prediction("score", FieldType.numeric())
                    .actual("paid", FieldType.numeric())
                    .build());

    private static List<String> fields(MonitorType type, String... named) {
        return MonitorTargets.fields(VERSION, monitor(type, List.of(named), Duration.ofHours(1)));
    }

    @Test
    void theFieldsAMonitorNamesAreTheOnesItEvaluates() {
        assertThat(fields(MonitorType.METRIC_CHANGE, "amount")).containsExactly("amount");
        assertThat(fields(MonitorType.MISSING_VALUES, "owner", "country")).containsExactly("owner", "country");
    }

    @Test
    void otherwiseTheTypeSaysWhichFieldsOfTheSchema() {
        assertThat(fields(MonitorType.MISSING_VALUES))
                .as("raw inputs and features, not predictions or actuals")
                .containsExactly("country", "amount", "owner", "note");
        assertThat(fields(MonitorType.VALUES_RANGE)).as("numeric inputs").containsExactly("amount");
        assertThat(fields(MonitorType.NEW_VALUES))
                .as("categorical, string and boolean inputs: not text")
                .containsExactly("country", "owner");
        assertThat(fields(MonitorType.DATA_DRIFT)).containsExactly("amount", "owner", "note");
        assertThat(fields(MonitorType.PREDICTION_DRIFT)).containsExactly("score");
    }

    @Test
    void monitorsOfRowsEvaluateTheDatasetLevel() {
        assertThat(fields(MonitorType.MODEL_ACTIVITY)).isEqualTo(Arrays.asList((String) null));
        assertThat(fields(MonitorType.METRIC_CHANGE)).isEqualTo(Arrays.asList((String) null));
    }
}
