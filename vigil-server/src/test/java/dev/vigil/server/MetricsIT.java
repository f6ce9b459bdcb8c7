package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.model.Segment;
import dev.vigil.store.Alert;
import dev.vigil.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after real runs on real PostgreSQL rows: each exported number checked against one computed
 * here from the rows inserted, or against the REST route that answers the same question; who may read it; and that
 * no segment label appears unless asked for ({@link MetricsSegmentsIT} asks).
 */
class MetricsIT extends AbstractServerIT {
    static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    static final int HOURS = 3;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        MetricsIT.createTables(db);
    }

    /**
     * ml.training: 300 rows; ml.serving: hour h of [T0, T0 + 3 h) has {@link #rows(int)} rows, the amount NULL in
     * every fifth ({@code i % 5 = 0}), owner a, b or c.
     */
    static void createTables(TestDatabase db) {
        String columns = "(id bigint, ts timestamptz, amount double precision, owner text, proba double precision,"
                + " bought boolean)";
        db.execute(
                "CREATE SCHEMA IF NOT EXISTS ml",
                "CREATE TABLE ml.training " + columns,
                "CREATE TABLE ml.serving " + columns,
                "CREATE TABLE ml.gone " + columns,
                "INSERT INTO ml.training SELECT i, TIMESTAMPTZ '2026-01-01T00:00:00Z' + i * INTERVAL '1 second',"
                        + " i % 50, CASE i % 2 WHEN 0 THEN 'a' ELSE 'b' END, (i % 10) / 10.0, i % 3 = 0"
                        + " FROM generate_series(0, 299) AS i");
        for (int h = 0; h < HOURS; h++) {
            db.execute("INSERT INTO ml.serving SELECT " + h + " * 1000 + i, TIMESTAMPTZ '" + T0 + "' + INTERVAL '"
                    + h + " hours' + i * INTERVAL '1 second', CASE WHEN i % 5 = 0 THEN NULL ELSE i % 70 + "
                    + (10 * h) + " END, CASE i % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' ELSE 'c' END, (i % 10) / 10.0,"
                    + " i % 4 = 0 FROM generate_series(0, " + (rows(h) - 1) + ") AS i");
        }
    }

    /** Rows of serving hour {@code h}. */
    static int rows(int h) {
        return 100 + 20 * h;
    }

    /** Creates model "shop" v1, connects both datasets and runs them; returns the reader of the ml tables. */
    static TestDatabase.Credentials profile(AbstractServerIT it) throws Exception {
        TestDatabase.Credentials reader = it.db().createReadOnlyUser("ml", List.of("training", "serving", "gone"));
        it.vigil().createModel("shop", "Shop");
        it.vigil()
                .apply(new ModelVersion(
                        "shop",
                        "v1",
                        ModelType.BINARY,
                        AggregationPeriod.HOURLY,
                        Schema.builder()
                                .feature("amount", FieldType.numeric())
                                .feature("owner", FieldType.string())
                                .prediction("proba", FieldType.numeric())
                                .build(),
                        List.of(Segment.byValue("owner"))));
        dev.vigil.client.ColumnMapping labels = dev.vigil.client.ColumnMapping.builder()
                .label("proba", "bought")
                .build();
        for (DatasetKind kind : List.of(DatasetKind.TRAINING, DatasetKind.SERVING)) {
            it.vigil()
                    .version("shop", "v1")
                    .connect(
                            kind,
                            ItSupport.source(it.db(), reader, "SELECT * FROM ml." + kind.specName()),
                            "id",
                            "ts",
                            labels);
        }
        it.runToSuccess("shop", "v1", "training", null, null);
        it.runToSuccess("shop", "v1", "serving", T0, T0.plus(Duration.ofHours(HOURS)));
        return reader;
    }

    /** {@code GET /metrics} with {@code token} (none when null). */
    static HttpResponse<String> scrape(VigilServer server, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private String viewer;
    private String editor;
    private Exposition scraped;
    private long scrapeMillis;

    @BeforeAll
    void profileAndScrape() throws Exception {
        TestDatabase.Credentials reader = profile(this);
        // a run that fails: its table is dropped once connected
        vigil().createModel("broken", "Broken");
        vigil().apply(new ModelVersion(
                "broken",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("proba", FieldType.numeric())
                        .build()));
        vigil().version("broken", "v1")
                .connectServing(
                        ItSupport.source(db(), reader, "SELECT id, ts, amount, proba FROM ml.gone"), "id", "ts");
        db().execute("DROP TABLE ml.gone");
        JsonNode failed = await(vigil().startRun("broken", "v1", "serving", T0, T0.plus(Duration.ofHours(1)))
                .get(0)
                .path("id")
                .asText());
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        // an alert of each status, straight into the store: the metric counts the unresolved ones
        var alerts = server().metastore().alerts();
        Instant w = T0.plus(Duration.ofHours(2));
        alerts.raise(alert("amount", w, "high"));
        alerts.raise(alert("owner", w, "high"));
        alerts.raise(alert("proba", w, "low"));
        String acknowledged = alerts.raise(alert("amount", w.minus(Duration.ofHours(1)), "low"))
                .alert()
                .id();
        alerts.setStatus(acknowledged, Alert.Status.ACKNOWLEDGED);
        String resolved = alerts.raise(alert("owner", w.minus(Duration.ofHours(1)), "low"))
                .alert()
                .id();
        alerts.setStatus(resolved, Alert.Status.RESOLVED);
        // a webhook notification that failed for good
        Alert notified = alerts.raise(alert("amount", w.minus(Duration.ofHours(2)), "low"))
                .alert();
        alerts.setStatus(notified.id(), Alert.Status.RESOLVED);
        var deliveries = server().metastore().deliveries();
        assertThat(deliveries.enqueue(notified, 0, "webhook")).isTrue();
        deliveries.attempted(
                deliveries.list(notified.id()).get(0).id(), false, "HTTP 500 from the receiver", Optional.empty());
        viewer = vigil().createToken("prometheus", "viewer", null).path("token").asText();
        editor = vigil().createToken("ci", "editor", null).path("token").asText();
        long started = System.nanoTime();
        HttpResponse<String> answer = scrape(server(), viewer);
        scrapeMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        scraped = Exposition.parse(answer.body());
    }

    private static Alert alert(String field, Instant start, String severity) {
        return new Alert(
                null,
                "shop",
                "v1",
                "by-hand",
                field,
                "",
                start,
                start.plusSeconds(3600),
                "drift_score",
                0.5,
                0.1,
                null,
                severity,
                null,
                "drift_score 0.5 above 0.1",
                null,
                null,
                null);
    }

    private static final Map<String, String> SHOP = Map.of("model", "shop", "version", "v1");

    private static Map<String, String> shop(String... more) {
        Map<String, String> out = new java.util.HashMap<>(SHOP);
        for (int i = 0; i < more.length; i += 2) {
            out.put(more[i], more[i + 1]);
        }
        return out;
    }

    @Test
    void rowsAndMissingRatioAreThoseOfTheLastHourInserted() {
        int last = HOURS - 1;
        assertThat(scraped.one("vigil_window_rows", shop("dataset", "serving")).value())
                .isEqualTo(rows(last));
        long nulls = java.util.stream.IntStream.range(0, rows(last))
                .filter(i -> i % 5 == 0)
                .count();
        assertThat(scraped.one("vigil_missing_ratio", shop("field", "amount")).value())
                .isCloseTo((double) nulls / rows(last), within(1e-12));
        assertThat(scraped.one("vigil_missing_ratio", shop("field", "owner")).value())
                .isZero();
        assertThat(scraped.one("vigil_window_end_timestamp_seconds", SHOP).value())
                .isEqualTo(T0.plus(Duration.ofHours(HOURS)).getEpochSecond());
    }

    @Test
    void driftIsWhatTheDriftRouteSaysOfTheSameWindow() {
        Instant from = T0.plus(Duration.ofHours(HOURS - 1));
        JsonNode rows = vigil().drift(
                        "shop",
                        "v1",
                        Map.of(
                                "from",
                                from.toString(),
                                "to",
                                from.plus(Duration.ofHours(1)).toString(),
                                "metric",
                                "drift_score"));
        int checked = 0;
        for (JsonNode row : rows) {
            if (!row.path("segment").isNull() && !row.path("segment").isMissingNode()) {
                continue;
            }
            String field = row.path("field").asText();
            String method = field.equals("owner") ? "hellinger" : "js_distance";
            assertThat(scraped.one("vigil_drift_score", shop("field", field, "method", method))
                            .value())
                    .as(field)
                    .isEqualTo(row.path("value").asDouble());
            checked++;
        }
        assertThat(checked).isEqualTo(3); // amount, owner, proba
    }

    @Test
    void performanceIsWhatThePerformanceRouteSays() {
        Instant from = T0.plus(Duration.ofHours(HOURS - 1));
        JsonNode rows = vigil().performance(
                        "shop",
                        "v1",
                        Map.of(
                                "from",
                                from.toString(),
                                "to",
                                from.plus(Duration.ofHours(1)).toString()));
        int realized = 0;
        int estimated = 0;
        for (JsonNode row : rows) {
            if (!row.path("segment").isNull() && !row.path("segment").isMissingNode()
                    || row.path("value").isNull()) {
                continue;
            }
            String metric = row.path("metric").asText();
            boolean isEstimate = row.has("std");
            String name = isEstimate ? "vigil_performance_estimated" : "vigil_performance_realized";
            String label = isEstimate && metric.startsWith("estimated_") ? metric.substring(10) : metric;
            assertThat(scraped.one(name, shop("field", "proba", "metric", label))
                            .value())
                    .as(metric)
                    .isEqualTo(row.path("value").asDouble());
            if (isEstimate) {
                estimated++;
            } else {
                realized++;
            }
        }
        assertThat(realized).isPositive();
        assertThat(estimated).isPositive();
    }

    @Test
    void openAlertsAreTheUnresolvedOnesInTheStore() {
        long high = server().metastore().alerts().list(Optional.of("shop"), Optional.empty(), 1000).stream()
                .filter(a -> a.status() != Alert.Status.RESOLVED && a.severity().equals("high"))
                .count();
        assertThat(high).isEqualTo(2);
        assertThat(scraped.one("vigil_alerts_open", shop("severity", "high")).value())
                .isEqualTo(high);
        assertThat(scraped.one("vigil_alerts_open", shop("severity", "low")).value())
                .isEqualTo(2); // proba open, amount acknowledged; owner resolved
    }

    @Test
    void runsLagAndNotifications() {
        // shop: two runs succeeded (training, serving); broken: one failed
        assertThat(scraped.one("vigil_run_duration_seconds_count", shop("dataset", "serving", "status", "succeeded"))
                        .value())
                .isEqualTo(1);
        assertThat(scraped.one(
                                "vigil_run_duration_seconds_bucket",
                                shop("dataset", "training", "status", "succeeded", "le", "+Inf"))
                        .value())
                .isEqualTo(1);
        assertThat(scraped.one("vigil_runs_failed_total", Map.of("model", "broken", "dataset", "serving"))
                        .value())
                .isEqualTo(1);
        assertThat(scraped.one(
                                "vigil_run_duration_seconds_count",
                                Map.of("model", "broken", "dataset", "serving", "status", "failed"))
                        .value())
                .isEqualTo(1);
        double lag = scraped.one("vigil_scheduler_lag_seconds", shop("dataset", "serving"))
                .value();
        double expected = Duration.between(T0.plus(Duration.ofHours(HOURS)), Instant.now())
                .toSeconds();
        assertThat(lag).isBetween(expected - 120, expected + 1);
        long failedWebhooks = server().metastore().alerts().list(Optional.empty(), Optional.empty(), 1000).stream()
                .flatMap(a -> server().metastore().deliveries().list(a.id()).stream())
                .filter(d -> d.status().equals("FAILED") && d.channel().equals("webhook"))
                .count();
        assertThat(failedWebhooks).isEqualTo(1);
        assertThat(scraped.one("vigil_notification_failures_total", Map.of("channel", "webhook"))
                        .value())
                .isEqualTo(failedWebhooks);
        // counters read from the metastore say so: they do not restart with the server
        assertThat(scraped.help().get("vigil_runs_failed_total")).contains("every run in the metastore");
        assertThat(scraped.help().get("vigil_notification_failures_total")).contains("every delivery in the metastore");
    }

    @Test
    void noSegmentLabelByDefault() {
        assertThat(scraped.samples()).isNotEmpty();
        assertThat(scraped.samples()).allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("segment"));
        System.out.println("scrape of " + scraped.samples().size() + " samples took " + scrapeMillis + " ms");
    }

    @Test
    void aViewerTokenIsNeededAndHealthStaysOpen() throws Exception {
        HttpResponse<String> none = scrape(server(), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.body()).doesNotContain("vigil_");
        HttpResponse<String> wrong = scrape(server(), "vgl_not_a_token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("vigil_");
        assertThat(scrape(server(), editor).statusCode()).isEqualTo(200);
        assertThat(scrape(server(), TOKEN).statusCode()).isEqualTo(200);
        assertThat(ItSupport.get(server(), "nobody", "/healthz").statusCode()).isEqualTo(200);
        assertThat(server().routes()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/metrics");
            assertThat(r.role()).isEqualTo("viewer");
        });
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsScraped() throws Exception {
        List<String> names = GrafanaDashboard.metricNames(java.nio.file.Path.of("../docs/grafana/vigil.json"));
        assertThat(names).isNotEmpty();
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "vigil_drift_score",
                        "vigil_missing_ratio",
                        "vigil_window_rows",
                        "vigil_performance_realized",
                        "vigil_performance_estimated",
                        "vigil_alerts_open",
                        "vigil_run_duration_seconds_bucket",
                        "vigil_runs_failed_total",
                        "vigil_scheduler_lag_seconds",
                        "vigil_notification_failures_total");
        assertThat(names).allSatisfy(n -> assertThat(scraped.has(n)).as(n).isTrue());
    }
}
