package dev.vigil.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which segments explain a field's drift, and which metrics' drops can be split at all. */
class ExplainQueryTest {
    @Test
    void aSegmentCutOnTheFieldItselfIsLeftOutOfItsDrift() {
        assertThat(ExplainQuery.cutOn(Segment.byValue("owner"), "owner")).isTrue();
        assertThat(ExplainQuery.cutOn(Segment.byBuckets("amount", List.of(100.0, 500.0)), "amount"))
                .isTrue();
        assertThat(ExplainQuery.cutOn(Segment.where("big", "amount > 500"), "amount"))
                .isTrue();
        assertThat(ExplainQuery.cutOn(Segment.where("big", "(amount*2)>500 AND owner = 'x'"), "owner"))
                .isTrue();
        // a word, not a part of another name or of a qualified one's tail
        assertThat(ExplainQuery.cutOn(Segment.where("big", "amount_usd > 500"), "amount"))
                .isFalse();
        assertThat(ExplainQuery.cutOn(Segment.where("big", "net_amount > 500"), "amount"))
                .isFalse();
        assertThat(ExplainQuery.cutOn(Segment.byValue("owner"), "amount")).isFalse();
        assertThat(ExplainQuery.cutOn(Segment.where("big", "amount > 500"), "owner"))
                .isFalse();
    }

    @Test
    void countsEstimatesAndTwoWayMetricsAreRefusedInOneSentence() {
        assertThatThrownBy(() -> ExplainQuery.checkSplittable("tp_count"))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("metric: 'tp_count' is a count of rows");
        assertThatThrownBy(() -> ExplainQuery.checkSplittable("mean_error"))
                .hasMessageStartingWith("metric: 'mean_error' can worsen either way");
        assertThatThrownBy(() -> ExplainQuery.checkSplittable("estimated_accuracy"))
                .hasMessageStartingWith("metric: 'estimated_accuracy' is estimated without actuals");
        ExplainQuery.checkSplittable("accuracy");
        ExplainQuery.checkSplittable("mae");
        ExplainQuery.checkSplittable("f1");
    }
}
