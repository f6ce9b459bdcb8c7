package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.store.Alert;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The payloads a notification sends, pinned to the character: receivers parse them. */
class AlertPayloadsTest {
    private static final String LINK = "http://vigil.test/alerts?model=shop";

    private static Alert alert(String field, String segment, Double value, Alert.Status status, Instant resolvedAt) {
        return new Alert(
                "alert_0123abcd",
                "shop",
                "v1",
                "drift-watch",
                field,
                segment,
                Instant.parse("2026-03-12T00:00:00Z"),
                Instant.parse("2026-03-13T00:00:00Z"),
                "drift_score",
                value,
                0.2,
                null,
                "high",
                status,
                "drift_score 0.42 is above 0.2",
                Instant.parse("2026-03-13T00:05:00Z"),
                Instant.parse("2026-03-13T00:06:00Z"),
                resolvedAt);
    }

    private static Alert open() {
        return alert("amount", "", 0.42, Alert.Status.OPEN, null);
    }

    @Test
    void aWebhookReceivesTheFlatRowAndTheDashboardLink() {
        assertThat(AlertPayloads.webhookPayload(open(), LINK, "dlv_0123456789ab")
                        .toString())
                .isEqualTo(
                        "{\"id\":\"alert_0123abcd\",\"monitor\":\"drift-watch\",\"model\":\"shop\",\"version\":\"v1\","
                                + "\"field\":\"amount\",\"segment\":null,\"window_start\":\"2026-03-12T00:00:00Z\","
                                + "\"window_end\":\"2026-03-13T00:00:00Z\",\"metric\":\"drift_score\",\"value\":0.42,"
                                + "\"threshold\":0.2,\"severity\":\"high\",\"status\":\"open\",\"baseline\":null,"
                                + "\"reason\":\"drift_score 0.42 is above 0.2\",\"created_at\":\"2026-03-13T00:05:00Z\","
                                + "\"updated_at\":\"2026-03-13T00:06:00Z\",\"resolved_at\":null,"
                                + "\"dashboard_url\":\"http://vigil.test/alerts?model=shop\","
                                + "\"delivery_id\":\"dlv_0123456789ab\"}");
    }

    @Test
    void theRowOfADatasetLevelResolvedAlertWithoutAValueHasNulls() {
        Alert a = alert("", "country=DE", null, Alert.Status.RESOLVED, Instant.parse("2026-03-14T01:00:00Z"));
        assertThat(AlertPayloads.describe(a).toString())
                .isEqualTo(
                        "{\"id\":\"alert_0123abcd\",\"monitor\":\"drift-watch\",\"model\":\"shop\",\"version\":\"v1\","
                                + "\"field\":null,\"segment\":\"country=DE\",\"window_start\":\"2026-03-12T00:00:00Z\","
                                + "\"window_end\":\"2026-03-13T00:00:00Z\",\"metric\":\"drift_score\",\"value\":null,"
                                + "\"threshold\":0.2,\"severity\":\"high\",\"status\":\"resolved\",\"baseline\":null,"
                                + "\"reason\":\"drift_score 0.42 is above 0.2\",\"created_at\":\"2026-03-13T00:05:00Z\","
                                + "\"updated_at\":\"2026-03-13T00:06:00Z\",\"resolved_at\":\"2026-03-14T01:00:00Z\"}");
    }

    @Test
    void slackReceivesOneEscapedMessage() {
        Alert a = alert("amount", "owner=<!here>&co", 0.42, Alert.Status.OPEN, null);
        assertThat(AlertPayloads.slackPayload(a, LINK).toString())
                .isEqualTo("{\"text\":\"*[HIGH] drift-watch on shop/v1 amount (owner=&lt;!here&gt;&amp;co)*\\n"
                        + "drift_score 0.42 is above 0.2\\n"
                        + "Window 2026-03-12T00:00:00Z to 2026-03-13T00:00:00Z (open)\\n"
                        + "<http://vigil.test/alerts?model=shop|Open in Vigil>\"}");
    }

    @Test
    void anEmailHasATitleAndAPlainTextBody() {
        assertThat(AlertPayloads.title(open())).isEqualTo("[HIGH] drift-watch on shop/v1 amount");
        assertThat(AlertPayloads.text(open(), LINK))
                .isEqualTo(
                        """
                        [HIGH] drift-watch on shop/v1 amount

                        drift_score 0.42 is above 0.2

                        Model:    shop version v1
                        Monitor:  drift-watch
                        Field:    amount
                        Segment:  all rows
                        Window:   2026-03-12T00:00:00Z to 2026-03-13T00:00:00Z
                        Metric:   drift_score = 0.42
                        Severity: high
                        Status:   open

                        http://vigil.test/alerts?model=shop
                        """);
        Alert rows = alert("", "country=DE", 7.0, Alert.Status.OPEN, null);
        assertThat(AlertPayloads.title(rows)).isEqualTo("[HIGH] drift-watch on shop/v1 (country=DE)");
        assertThat(AlertPayloads.text(rows, LINK))
                .contains("\nField:    (rows)\nSegment:  country=DE\n")
                .contains("\nMetric:   drift_score = 7.0\n");
    }

    @Test
    void theLinkOpensTheAlertsPageOfTheModelARouteTheDashboardHas() {
        // F18: "/#/alerts/<id>" was a route of no page; the dashboard lists a model's alerts at /alerts?model=
        assertThat(Notifier.dashboardLink("https://vigil.example.com//", open()))
                .isEqualTo("https://vigil.example.com/alerts?model=shop");
        Alert spaced = new Alert(
                "alert_1",
                "fraud & co",
                "v1",
                "m",
                "",
                "",
                Instant.EPOCH,
                Instant.EPOCH,
                "row_count",
                1.0,
                2.0,
                null,
                "low",
                Alert.Status.OPEN,
                "r",
                Instant.EPOCH,
                Instant.EPOCH,
                null);
        assertThat(Notifier.dashboardLink("http://127.0.0.1:7070", spaced))
                .isEqualTo("http://127.0.0.1:7070/alerts?model=fraud%20%26%20co");
    }
}
