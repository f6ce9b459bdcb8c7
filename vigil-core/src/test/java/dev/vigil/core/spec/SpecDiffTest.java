package dev.vigil.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SpecDiffTest {
    private static JsonNode yaml(String text) {
        return SpecCodec.parseYaml(text, "test");
    }

    @Test
    void aLongAndTheSameIntAreNoDifference() {
        ObjectNode written = JsonNodeFactory.instance.objectNode();
        written.putObject("preconditions").put("min_focal_rows", 100L);
        assertThat(SpecDiff.diff(written, yaml("preconditions: {min_focal_rows: 100}")))
                .isEmpty();
    }

    @Test
    void namedListsAreMatchedByNameAndOtherListsByPosition() {
        JsonNode before = yaml(
                """
                segments: [{name: owner, field: owner}, {name: big, where: amount > 100}]
                detection: {method: absolute, threshold: 0.1}
                actions: [{type: slack}, {type: email}, {type: webhook}]
                fields: [amount, owner]
                """);
        JsonNode after = yaml(
                """
                segments: [{name: big, where: amount > 500}, {name: new, field: is_new}]
                detection: {method: absolute, threshold: 0.15}
                actions: [{type: slack}]
                severity: high
                """);
        assertThat(SpecDiff.diff(before, after))
                .containsExactly(
                        "segments: −owner, +new",
                        "segments[big].where: amount > 100 → amount > 500",
                        "detection.threshold: 0.1 → 0.15",
                        "actions: 3 → 1",
                        "fields: −[\"amount\",\"owner\"]",
                        "severity: +high");
    }

    @Test
    void aListLeftOutDropsEachOfItsNamedObjects() {
        assertThat(SpecDiff.diff(yaml("segments: [{field: owner}, {name: big, where: amount > 1}]"), yaml("{}")))
                .containsExactly("segments: −owner, −big");
    }

    @Test
    void aMonitorsTestAndSeasonKeysShowAsAnyOther() {
        JsonNode before = yaml("detection: {method: test, alpha: 0.01, min_effect: 0.0, baseline_windows: 1}");
        JsonNode after = yaml("detection: {method: test, alpha: 0.001, min_effect: 0.1}");
        assertThat(SpecDiff.diff(before, after))
                .containsExactly(
                        "detection.alpha: 0.01 → 0.001",
                        "detection.min_effect: 0.0 → 0.1",
                        "detection.baseline_windows: −1");
    }
}
