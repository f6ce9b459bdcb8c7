package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounds on a version's shape: fields and segments, exactly at the limit and one past it. */
class SpecValidatorLimitsTest {
    private static ModelVersion version(int fields, int segments) {
        Schema.Builder schema = Schema.builder().prediction("proba", FieldType.numeric());
        for (int i = 1; i < fields; i++) {
            schema.feature("f" + i, FieldType.numeric());
        }
        List<Segment> list = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            list.add(Segment.where("s" + i, "f1 > " + i));
        }
        return new ModelVersion("m", "v1", ModelType.BINARY, AggregationPeriod.HOURLY, schema.build(), list);
    }

    @Test
    void twoThousandFieldsAreTakenAndOneMoreIsRefused() {
        assertThat(version(2_000, 0).schema().fields()).hasSize(SpecValidator.MAX_FIELDS);
        assertThat(SpecValidator.versionProblems(version(2_000, 0), "version.")).isEmpty();
        assertThat(SpecValidator.versionProblems(version(2_001, 0), "version."))
                .containsExactly("version.model_version: declares 2001 fields, more than the 2000 a version may have");
    }

    @Test
    void twentySegmentsAreTakenAndOneMoreIsRefused() {
        assertThat(SpecValidator.versionProblems(version(2, 20), "")).isEmpty();
        assertThat(SpecValidator.versionProblems(version(2, 21), ""))
                .containsExactly("segments: has 21 segments, more than the 20 a version may have");
    }
}
