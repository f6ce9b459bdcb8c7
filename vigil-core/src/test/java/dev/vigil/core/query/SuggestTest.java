package dev.vigil.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestTest {
    private static final List<String> FIELDS = List.of("amount", "owner", "is_new", "will_buy_insurance", "proba");

    @Test
    void aTypoWithinTwoEditsGetsTheClosestName() {
        assertThat(Suggest.closest("amuont", FIELDS)).contains("amount"); // two substitutions
        assertThat(Suggest.closest("ownr", FIELDS)).contains("owner"); // one deletion
        assertThat(Suggest.closest("meen", List.of("min", "mean", "max"))).contains("mean");
        assertThat(Suggest.didYouMean("amuont", FIELDS)).isEqualTo("did you mean 'amount'? ");
    }

    @Test
    void caseAloneAlwaysMatchesAndFarNamesGetNothing() {
        assertThat(Suggest.closest("WILL_BUY_INSURANCE", FIELDS)).contains("will_buy_insurance");
        assertThat(Suggest.closest("insurance", FIELDS)).isEmpty();
        assertThat(Suggest.didYouMean("zzz", FIELDS)).isEmpty();
        assertThat(Suggest.closest("x", List.of())).isEmpty();
        // short names allow fewer edits: "ks" is two from "psi", which it does not mean
        assertThat(Suggest.closest("ks", List.of("js_distance", "hellinger", "psi")))
                .isEmpty();
        assertThat(Suggest.closest("pis", List.of("js_distance", "hellinger", "psi")))
                .isEmpty();
        assertThat(Suggest.closest("pssi", List.of("js_distance", "hellinger", "psi")))
                .contains("psi");
    }

    @Test
    void theDistanceIsLevenshtein() {
        assertThat(Suggest.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggest.distance("", "abc")).isEqualTo(3);
        assertThat(Suggest.distance("flaw", "lawn")).isEqualTo(2);
        assertThat(Suggest.distance("same", "same")).isZero();
    }
}
