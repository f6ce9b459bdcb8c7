package dev.vigil.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextLengthTest {
    @Test
    void aTextFieldsLengthIsItsNameWithDotLength() {
        assertThat(TextLength.of("review")).isEqualTo("review.length");
        assertThat(TextLength.isLength("review.length")).isTrue();
        assertThat(TextLength.isLength("review")).isFalse();
        assertThat(TextLength.isLength("review.lengths")).isFalse();
    }

    @Test
    void theFieldOfALengthIsTheNameWithoutTheSuffix() {
        assertThat(TextLength.fieldOf("review.length")).isEqualTo("review");
        assertThat(TextLength.fieldOf(TextLength.of("a.b"))).isEqualTo("a.b");
        assertThat(TextLength.fieldOf("review"))
                .as("any other name stays as it is")
                .isEqualTo("review");
        assertThat(TextLength.fieldOf("review.length.length")).isEqualTo("review.length");
    }

    @Test
    void aNameRefersToAFieldOrToItsLength() {
        assertThat(TextLength.refersTo("review", "review")).isTrue();
        assertThat(TextLength.refersTo("review.length", "review")).isTrue();
        assertThat(TextLength.refersTo("review.length", "review.length")).isTrue();
        assertThat(TextLength.refersTo("review", "review.length")).isFalse();
        assertThat(TextLength.refersTo("reviews.length", "review")).isFalse();
        assertThat(TextLength.refersTo("age", "review")).isFalse();
    }
}
