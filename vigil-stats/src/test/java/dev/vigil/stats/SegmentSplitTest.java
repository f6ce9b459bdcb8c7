package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Segment contributions against numpy ({@code vigil-cli/src/test/python/make_explain_expected.py}, which writes
 * {@code segment_split/expected.json} with the rows): a synthetic window of four regions where only {@code east}'s
 * amounts moved and only {@code west}'s predictions got worse. Fewer than 350 values a side: the sketches keep every
 * value, so the numbers are exact.
 */
class SegmentSplitTest {
    private static final double EXACT = 1e-9;
    private final JsonNode expected = read();

    private static JsonNode read() {
        try (InputStream in = SegmentSplitTest.class.getResourceAsStream("/segment_split/expected.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private FieldProfile profile(String side, String field, Predicate<JsonNode> in) {
        FieldProfile p = FieldProfile.create(field.equals("amount") ? FieldType.numeric() : FieldType.string());
        for (JsonNode row : expected.path(side)) {
            if (!in.test(row)) {
                continue;
            }
            JsonNode v = row.path(field);
            if (v.isNull()) {
                p.addMissing();
            } else if (v.isNumber()) {
                p.addNumber(v.asDouble());
            } else {
                p.addValue(v.asText());
            }
        }
        return p;
    }

    private static boolean big(JsonNode row) {
        return !row.path("amount").isNull() && row.path("amount").asDouble() > 120;
    }

    /** The declared segments' profiles of {@code field} in the window, by key, as the engine stores them. */
    private Map<String, FieldProfile> segments(String key, String field) {
        Map<String, FieldProfile> out = new LinkedHashMap<>();
        if (key.equals("region")) {
            for (String region : List.of("east", "north", "south", "west")) {
                out.put(
                        "region=" + region,
                        profile("serving", field, r -> r.path("region").asText().equals(region)));
            }
        } else {
            out.put("big=true", profile("serving", field, SegmentSplitTest::big));
        }
        return out;
    }

    @Test
    void declaredSegmentsSplitPsiExactlyAsNumpyAndTheShiftedRegionRanksFirst() {
        int checked = 0;
        for (JsonNode fe : expected.path("fields")) {
            String field = fe.path("field").asText();
            FieldProfile baseline = profile("training", field, r -> true);
            FieldProfile window = profile("serving", field, r -> true);
            SegmentSplit.Bins bins = SegmentSplit.bins(baseline, window).orElseThrow();
            double[] p = bins.baseline();
            for (int i = 0; i < p.length; i++) {
                assertThat(p[i])
                        .as(field + " p" + i)
                        .isCloseTo(fe.path("baseline").get(i).asDouble(), within(EXACT));
            }
            for (var e : (Iterable<Map.Entry<String, JsonNode>>)
                    () -> fe.path("keys").fields()) {
                String key = e.getKey();
                SegmentSplit.Split split =
                        SegmentSplit.drift(bins, SegmentSplit.partition(bins, key, window, segments(key, field)));
                assertThat(split.total())
                        .as(field + " " + key + " psi")
                        .isCloseTo(e.getValue().path("psi").asDouble(), within(EXACT));
                // the whole window's psi, as drift reports it, is the total the parts add up to
                assertThat(split.total())
                        .isCloseTo(Drift.compare(baseline, window).get("psi"), within(EXACT));
                assertThat(split.parts().stream()
                                .mapToDouble(SegmentSplit.Contribution::contribution)
                                .sum())
                        .isCloseTo(split.total(), within(1e-12));
                Map<String, SegmentSplit.Contribution> bySegment = new LinkedHashMap<>();
                split.parts().forEach(c -> bySegment.put(c.segment(), c));
                assertThat(bySegment).hasSize(e.getValue().path("rows").size());
                for (JsonNode want : e.getValue().path("rows")) {
                    SegmentSplit.Contribution got =
                            bySegment.get(want.path("segment").asText());
                    String where = field + " " + want.path("segment").asText();
                    assertThat(got).as(where).isNotNull();
                    assertThat(got.share())
                            .as(where + " share")
                            .isCloseTo(want.path("share").asDouble(), within(EXACT));
                    assertThat(got.own())
                            .as(where + " own")
                            .isCloseTo(want.path("own").asDouble(), within(EXACT));
                    assertThat(got.ownPsi())
                            .as(where + " own psi")
                            .isCloseTo(want.path("own_psi").asDouble(), within(EXACT));
                    assertThat(got.contribution())
                            .as(where)
                            .isCloseTo(want.path("contribution").asDouble(), within(EXACT));
                    assertThat(got.contributionShare())
                            .as(where + " share of total")
                            .isCloseTo(want.path("contribution_share").asDouble(), within(EXACT));
                    checked++;
                }
                if (field.equals("amount")) {
                    assertThat(split.ranked().get(0).segment()).isEqualTo("region=east");
                }
            }
        }
        assertThat(checked).isEqualTo(5 + 5 + 2);
    }

    @Test
    void aProfiledSegmentsOwnDriftIsItsDriftScore() {
        FieldProfile baseline = profile("training", "amount", r -> true);
        FieldProfile window = profile("serving", "amount", r -> true);
        FieldProfile east =
                profile("serving", "amount", r -> r.path("region").asText().equals("east"));
        SegmentSplit.Bins bins = SegmentSplit.bins(baseline, window).orElseThrow();
        SegmentSplit.Split split =
                SegmentSplit.drift(bins, SegmentSplit.partition(bins, "region", window, Map.of("region=east", east)));
        assertThat(split.parts().get(0).own())
                .isCloseTo(Drift.compare(baseline, east).get("drift_score"), within(EXACT));
        assertThat(split.parts().get(0).ownPsi())
                .isCloseTo(Drift.compare(baseline, east).get("psi"), within(EXACT));
    }

    /** The sample's rows as plain arrays, for segments nobody declared. */
    private record ArrayRows(Object[] values, Map<String, String[]> categories) implements SegmentSplit.Rows {
        @Override
        public int size() {
            return values.length;
        }

        @Override
        public Object value(int row) {
            return values[row];
        }

        @Override
        public List<String> columns() {
            return List.copyOf(categories.keySet());
        }

        @Override
        public String category(String column, int row) {
            return categories.get(column)[row];
        }
    }

    @Test
    void discoveredSegmentsFromRowsMatchNumpyAndFindTheShiftedRegionWithoutADeclaration() {
        for (JsonNode fe : expected.path("fields")) {
            String field = fe.path("field").asText();
            JsonNode rows = expected.path("serving");
            Object[] values = new Object[rows.size()];
            Map<String, String[]> categories = new LinkedHashMap<>();
            categories.put("channel", new String[rows.size()]);
            categories.put("region", new String[rows.size()]);
            for (int r = 0; r < rows.size(); r++) {
                JsonNode v = rows.get(r).path(field);
                values[r] = v.isNull() ? null : v.isNumber() ? (Object) v.asDouble() : v.asText();
                for (String column : categories.keySet()) {
                    JsonNode c = rows.get(r).path(column);
                    categories.get(column)[r] = c.isNull() ? null : c.asText();
                }
            }
            SegmentSplit.Bins bins = SegmentSplit.bins(
                            profile("training", field, r -> true), profile("serving", field, r -> true))
                    .orElseThrow();
            List<SegmentSplit.Discovered> found =
                    SegmentSplit.discover(bins, new ArrayRows(values, categories), SegmentSplit.DISCOVERED_VALUES);
            assertThat(found).hasSize(fe.path("discovered").size());
            List<String> checked = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                JsonNode want = fe.path("discovered").get(i);
                SegmentSplit.Discovered got = found.get(i);
                assertThat(got.column() + "=" + got.value())
                        .isEqualTo(want.path("column").asText() + "="
                                + want.path("value").asText());
                assertThat(got.split().total()).isCloseTo(want.path("psi").asDouble(), within(EXACT));
                for (int j = 0; j < 2; j++) {
                    assertThat(got.split().parts().get(j).contribution())
                            .as(got.value())
                            .isCloseTo(
                                    want.path("rows")
                                            .get(j)
                                            .path("contribution")
                                            .asDouble(),
                                    within(EXACT));
                }
                checked.add(got.column());
            }
            if (field.equals("amount")) {
                SegmentSplit.Discovered first = found.stream()
                        .max((a, b) -> Double.compare(
                                a.split().parts().get(0).contribution(),
                                b.split().parts().get(0).contribution()))
                        .orElseThrow();
                assertThat(first.column() + "=" + first.value()).isEqualTo("region=east");
            }
        }
    }

    @Test
    void accuracyDropSplitsExactlyAndTheWorseRegionRanksFirst() {
        JsonNode perf = expected.path("performance");
        PerformanceProfile reference = performance("training", r -> true);
        PerformanceProfile window = performance("serving", r -> true);
        double ref = reference.metrics().get("accuracy");
        double all = window.metrics().get("accuracy");
        assertThat(ref).isCloseTo(perf.path("reference").asDouble(), within(EXACT));
        List<SegmentSplit.Group> groups = new ArrayList<>();
        for (String region : List.of("east", "north", "south", "west")) {
            PerformanceProfile p =
                    performance("serving", r -> r.path("region").asText().equals(region));
            groups.add(new SegmentSplit.Group(
                    "region=" + region, p.actualsCount(), p.metrics().get("accuracy")));
        }
        PerformanceProfile rest = performance("serving", r -> r.path("region").isNull());
        groups.add(new SegmentSplit.Group(
                "region=__rest__", rest.actualsCount(), rest.metrics().get("accuracy")));
        SegmentSplit.Split split = SegmentSplit.performance(ref, all, true, groups);
        // by hand: the contributions add up to the drop, exactly
        assertThat(split.total())
                .isCloseTo(perf.path("keys").path("region").path("drop").asDouble(), within(EXACT));
        assertThat(split.parts().stream()
                        .mapToDouble(SegmentSplit.Contribution::contribution)
                        .sum())
                .isCloseTo(ref - all, within(1e-12));
        assertThat(split.ranked().get(0).segment()).isEqualTo("region=west");
        for (JsonNode want : perf.path("keys").path("region").path("rows")) {
            SegmentSplit.Contribution got = split.parts().stream()
                    .filter(c -> c.segment().equals(want.path("segment").asText()))
                    .findFirst()
                    .orElseThrow();
            assertThat(got.contribution()).isCloseTo(want.path("contribution").asDouble(), within(EXACT));
            assertThat(got.own()).isCloseTo(want.path("own").asDouble(), within(EXACT));
            assertThat(got.share()).isCloseTo(want.path("share").asDouble(), within(EXACT));
        }
        // an error metric: a rise is the worsening, and is positive
        SegmentSplit.Split errors = SegmentSplit.performance(
                0.1, 0.2, false, List.of(new SegmentSplit.Group("a=1", 1, 0.1), new SegmentSplit.Group("a=2", 1, 0.3)));
        assertThat(errors.total()).isCloseTo(0.1, within(1e-12));
        assertThat(errors.ranked().get(0).segment()).isEqualTo("a=2");
        assertThat(errors.ranked().get(0).contribution()).isCloseTo(0.1, within(1e-12));
    }

    private PerformanceProfile performance(String side, Predicate<JsonNode> in) {
        PerformanceProfile p = PerformanceProfile.create(ModelType.BINARY);
        for (JsonNode row : expected.path(side)) {
            if (in.test(row)) {
                p.addBinary(
                        row.path("pred").asBoolean(), null, row.path("label").asBoolean());
            }
        }
        return p;
    }

    @Test
    void aRestThatOnlyTheSketchesMadeIsDroppedAndEmptyPartsAreLeftOut() {
        FieldProfile baseline = profile("training", "amount", r -> true);
        FieldProfile all = profile("serving", "amount", r -> true);
        SegmentSplit.Bins bins = SegmentSplit.bins(baseline, all).orElseThrow();
        // the window is its own only segment: nothing is left for the rest
        List<SegmentSplit.Part> parts = SegmentSplit.partition(bins, "all", all, Map.of("all=true", all));
        assertThat(parts).extracting(SegmentSplit.Part::segment).containsExactly("all=true");
        assertThat(SegmentSplit.drift(bins, List.of()).parts()).isEmpty();
    }

    @Test
    void aSampledValueCutTo64CharactersFindsItsBaselineBin() {
        String longValue = "v".repeat(100);
        SegmentSplit.Bins bins =
                SegmentSplit.Bins.categories(java.util.List.of("short", longValue), new double[] {0.5, 0.4, 0.1});
        assertThat(bins.binOf(longValue)).isEqualTo(1);
        assertThat(bins.binOf("v".repeat(64))).as("the sample's cut of it").isEqualTo(1);
        assertThat(bins.binOf("short")).isZero();
        assertThat(bins.binOf("other")).as("__other__").isEqualTo(2);
    }
}
