package dev.vigil.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LayoutTest {
    @Test
    void theStyleSheetIsReadFromTheClasspathAsOneLine() {
        assertThat(Layout.CSS)
                .startsWith("body{font:14px/1.4 system-ui,")
                .endsWith(".error{color:#991b1b}")
                .doesNotContain("\n")
                .doesNotContain("</");
    }

    @Test
    void aPageInlinesTheStyleSheetUnderTheContentSecurityPolicy() {
        String page = Layout.page("a <b> title", "<p>body</p>", "c5rf", false);
        assertThat(page)
                .startsWith("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta"
                        + " http-equiv=\"Content-Security-Policy\" content=\"" + Layout.CSP + "\">")
                .contains("<title>a &lt;b&gt; title</title><style>" + Layout.CSS + "</style>")
                .contains("<a class=\"brand\" href=\"/\">Vigil</a>")
                .contains("<input type=\"hidden\" name=\"csrf\" value=\"c5rf\">")
                .endsWith("<main><p>body</p></main></body></html>");
    }

    @Test
    void aReportHasNoNavigationAndNoForm() {
        String report = Layout.page("report", "<p>body</p>", "", true);
        assertThat(report)
                .contains("<a class=\"brand\" href=\"#\">Vigil</a></header>")
                .doesNotContain("<nav>")
                .doesNotContain("<form");
    }

    @Test
    void badgesColourByThresholdAndCellsShowADashForNothing() {
        assertThat(Layout.badge(0.05, 0.1, 0.2)).startsWith("<span class=\"badge ok\">");
        assertThat(Layout.badge(0.1, 0.1, 0.2)).startsWith("<span class=\"badge warn\">");
        assertThat(Layout.badge(0.2, 0.1, 0.2)).startsWith("<span class=\"badge bad\">");
        assertThat(Layout.cell(null)).isEqualTo("<span class=\"muted\">–</span>");
    }
}
