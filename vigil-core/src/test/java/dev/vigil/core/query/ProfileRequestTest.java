package dev.vigil.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.core.query.ProfileRequest.Question;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileRequestTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-08T00:00:00Z");

    @Test
    void noParametersAskForEverythingWithTheDefaults() {
        ProfileRequest r = ProfileRequest.fromParams(Map.<String, String>of()::get, Question.DRIFT);
        assertThat(r.dataset()).isEqualTo(DatasetKind.SERVING);
        assertThat(r.from()).isEmpty();
        assertThat(r.granularity()).isEmpty();
        assertThat(r.segment()).isEmpty();
        assertThat(r.baseline()).contains(Baseline.TRAINING);
        assertThat(r.minBaselineRows()).isEqualTo(100);
        assertThat(r.top()).isZero();
        assertThat(ProfileRequest.fromParams(Map.<String, String>of()::get, Question.PERFORMANCE)
                        .baseline())
                .isEmpty();
    }

    @Test
    void everyParameterIsRead() {
        Map<String, String> params = Map.of(
                "dataset", "training",
                "from", "2026-01-01T00:00:00Z",
                "to", "2026-01-08T00:00:00Z",
                "granularity", "Week",
                "segment", "owner=direct",
                "field", "body.length",
                "metric", "drift_score",
                "baseline", "2025-12-01T00:00:00Z/2025-12-08T00:00:00Z",
                "min_baseline_rows", "5",
                "top", "3");
        ProfileRequest r = ProfileRequest.fromParams(params::get, Question.DRIFT);
        assertThat(r.dataset()).isEqualTo(DatasetKind.TRAINING);
        assertThat(r.from()).contains(FROM);
        assertThat(r.to()).contains(TO);
        assertThat(r.granularity()).contains(Granularity.WEEK);
        assertThat(r.segment()).contains("owner=direct");
        assertThat(r.field()).contains("body.length");
        assertThat(r.metric()).contains("drift_score");
        assertThat(r.baseline().orElseThrow().from()).contains(Instant.parse("2025-12-01T00:00:00Z"));
        assertThat(r.minBaselineRows()).isEqualTo(5);
        assertThat(r.top()).isEqualTo(3);
        // written back, the parameters ask the same question
        assertThat(ProfileRequest.fromParams(r.toParams()::get, Question.DRIFT)).isEqualTo(r);
    }

    @Test
    void driftParametersApplyToDriftOnly() {
        Map<String, String> params = Map.of("top", "many", "min_baseline_rows", "-1", "baseline", "previous");
        assertThat(ProfileRequest.fromParams(params::get, Question.METRICS).top())
                .isZero();
        assertThatThrownBy(() -> ProfileRequest.fromParams(params::get, Question.PERFORMANCE))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("baseline: expected training or testing (the labeled reference CBPE calibrates on), got"
                        + " 'previous'");
    }

    @Test
    void eachBadValueIsRefusedNamingItsParameter() {
        assertRefused(Map.of("dataset", "nope"), "dataset");
        assertRefused(Map.of("from", "yesterday"), "from: 'yesterday' is not an ISO-8601 instant");
        assertRefused(Map.of("to", "2026-13-01"), "to: '2026-13-01' is not an ISO-8601 instant");
        assertRefused(Map.of("granularity", "fortnight"), "granularity: unknown value 'fortnight'");
        assertRefused(Map.of("baseline", "last week"), "baseline: expected training, testing, previous");
        assertRefused(Map.of("min_baseline_rows", "-1"), "min_baseline_rows: expected a whole number of 0 or more");
        assertRefused(Map.of("top", "x"), "top: expected a whole number of 0 or more, got 'x'");
    }

    @Test
    void blankValuesCountAsAbsent() {
        Map<String, String> params = new HashMap<>();
        params.put("from", " ");
        params.put("field", "");
        params.put("segment", "");
        params.put("top", "");
        ProfileRequest r = ProfileRequest.fromParams(params::get, Question.DRIFT);
        assertThat(r.from()).isEmpty();
        assertThat(r.field()).isEmpty();
        assertThat(r.segment()).isEmpty();
        assertThat(r.top()).isZero();
    }

    @Test
    void withersChangeOneThing() {
        ProfileRequest r = ProfileRequest.of(DatasetKind.SERVING)
                .withRange(Optional.of(FROM), Optional.of(TO))
                .withGranularity(Granularity.ALL)
                .withSegment(Optional.of("owner=direct"))
                .withField("amount")
                .withMetric("mean");
        assertThat(r.toParams())
                .containsExactly(
                        Map.entry("dataset", "serving"),
                        Map.entry("from", "2026-01-01T00:00:00Z"),
                        Map.entry("to", "2026-01-08T00:00:00Z"),
                        Map.entry("granularity", "all"),
                        Map.entry("segment", "owner=direct"),
                        Map.entry("field", "amount"),
                        Map.entry("metric", "mean"));
    }

    /** A version with the three shapes of segment: a field's values, buckets and a named condition. */
    private static final ModelVersion SEGMENTED = new ModelVersion(
            "insurance",
            "v1",
            ModelType.BINARY,
            AggregationPeriod.HOURLY,
            Schema.builder()
                    .feature("amount", FieldType.numeric())
                    .feature("owner", FieldType.string())
                    .prediction("will_buy", FieldType.bool())
                    .build(),
            List.of(
                    Segment.byValue("owner"),
                    Segment.byBuckets("amount", List.of(100.0, 500.0)),
                    Segment.where("big", "amount > 500")));

    @Test
    void aSegmentIsCheckedAgainstTheVersionsDeclaredSegmentsNamingTheirKeys() {
        // the request itself parses a bare name: only the version knows what it means
        assertThat(ProfileRequest.fromParams(Map.of("segment", "big")::get, Question.METRICS)
                        .segment())
                .contains("big");
        assertThatThrownBy(() -> ProfileRequest.checkSegment("big", SEGMENTED))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("segment: expected NAME=VALUE, got 'big' (did you mean big=true?)");
        assertThatThrownBy(() -> ProfileRequest.checkSegment("amount", SEGMENTED))
                .hasMessage("segment: expected NAME=VALUE, got 'amount' (did you mean amount=(-inf,100) or"
                        + " amount=[100,500) or amount=[500,+inf)?)");
        assertThatThrownBy(() -> ProfileRequest.checkSegment("ownr=direct", SEGMENTED))
                .hasMessage("segment: 'ownr' is not a segment of insurance/v1 (did you mean 'owner'? segments:"
                        + " owner=<a value of owner>, amount=(-inf,100), amount=[100,500), amount=[500,+inf),"
                        + " big=true)");
        assertThatThrownBy(() -> ProfileRequest.checkSegment("owner=direct", SEGMENTED.withSegments(List.of())))
                .hasMessage("segment: 'owner=direct' is not a segment of insurance/v1 (it declares no segments)");
        // declared names with any value pass: the stored values are checked when the answer is empty
        ProfileRequest.checkSegment("owner=direct", SEGMENTED);
        ProfileRequest.checkSegment("amount=[100,500)", SEGMENTED);
        ProfileRequest.checkSegment("big=true", SEGMENTED);
    }

    @Test
    void onlyARequestAUserAskedThroughTheParametersIsChecked() {
        assertThat(ProfileRequest.fromParams(Map.<String, String>of()::get, Question.PERFORMANCE)
                        .asked())
                .contains(Question.PERFORMANCE);
        assertThat(ProfileRequest.of(DatasetKind.SERVING).withField("amount").asked())
                .isEmpty();
        assertThat(ProfileRequest.fromParams(Map.<String, String>of()::get, Question.DRIFT)
                        .withField("amount")
                        .asked())
                .contains(Question.DRIFT);
    }

    private static void assertRefused(Map<String, String> params, String message) {
        assertThatThrownBy(() -> ProfileRequest.fromParams(params::get, Question.DRIFT))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
