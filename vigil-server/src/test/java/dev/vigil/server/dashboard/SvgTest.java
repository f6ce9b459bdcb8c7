package dev.vigil.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgTest {
    /** The decile labels of the demo's proba, which overlapped as "<0.1580.158+0.225+…". */
    private static final List<String> DECILES = List.of(
            "<0.158", "0.158+", "0.225+", "0.281+", "0.333+", "0.388+", "0.442+", "0.505+", "0.571+", "0.650+",
            "0.748+");

    @Test
    void widthsAreOverestimatedForDejaVuSans() {
        // DejaVu Sans advances (units per em 2048): '0'..'9' 1303, '.' 651, '<' and '+' 1716
        double actual = (4 * 1303 + 651 + 1716) / 2048.0 * 10;
        assertThat(Svg.textWidth("0.158+", 10, false))
                .isGreaterThanOrEqualTo(actual)
                .isLessThan(actual * 1.25);
        assertThat(Svg.textWidth("a", 12, true)).isGreaterThan(Svg.textWidth("a", 12, false));
    }

    @Test
    void labelsThatFitTheirSlotStayLevel() {
        assertThat(Svg.labelLayout(List.of("web", "shop", "app"), 100)).isEqualTo(new Svg.LabelLayout(1, false, 17));
    }

    @Test
    void decileLabelsInThirtyPixelsAreTurnedAndAllKept() {
        Svg.LabelLayout layout = Svg.labelLayout(DECILES, 330 / 11.0);
        assertThat(layout.turned()).isTrue();
        assertThat(layout.step()).isEqualTo(1);
        // turned 45°: the far end of the widest label is its width·sin 45° below the anchor
        assertThat(layout.depth())
                .isGreaterThan(10 + Svg.textWidth("0.158+", 10, false) * Math.sqrt(0.5))
                .isLessThan(60);
    }

    @Test
    void slotsTooNarrowEvenForTurnedLabelsShowEveryOtherOrFewer() {
        // 13 px across the lines are needed: a slot of 12 px is 8.5 px across, so every second label
        assertThat(Svg.labelLayout(DECILES, 12).step()).isEqualTo(2);
        assertThat(Svg.labelLayout(DECILES, 6).step())
                .as("4.2 px across: every fourth")
                .isEqualTo(4);
    }

    @Test
    void aLongFirstLabelTurnedDownLeftStaysInsideTheChart() {
        String chart = Svg.bars(
                "share of owner",
                List.of("a_rather_long_channel", "web", "app", "shop", "phone", "mail", "fax", "post", "desk", "kiosk"),
                java.util.Collections.nCopies(10, 0.1),
                java.util.Collections.nCopies(10, 0.1),
                380,
                130);
        java.util.regex.Matcher first = java.util.regex.Pattern.compile(
                        "<text class=\"axis bar-label\" x=\"([0-9.]+)\"[^>]*rotate\\(-45[^>]*>a_rather_lo…<")
                .matcher(chart);
        assertThat(first.find()).as(chart).isTrue();
        double reach = Svg.textWidth("a_rather_lo…", 10, false) * Math.sqrt(0.5);
        assertThat(Double.parseDouble(first.group(1)) - reach)
                .as("the label's far end, x of its anchor less its width·cos 45°")
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void aLegendThatWouldRunIntoTheTitleGetsARowOfItsOwn() {
        assertThat(Svg.legendBaseline("share of amount", 120, 40, 370)).isEqualTo(14);
        assertThat(Svg.legendBaseline("share of will_buy_insurance", 120, 40, 370))
                .as("the demo's title and legend, which overlapped")
                .isEqualTo(28);
    }
}
