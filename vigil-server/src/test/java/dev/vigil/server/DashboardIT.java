package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard and the HTML report in a real browser: Debian's chromium driven headless by Selenium through
 * chromedriver (both installed by {@code .ci/run}). Data: the four days of MonitorIT (drift on day 3), a row whose
 * segment value is an HTML tag, a model whose name is a script, and the two labeled days of PerformanceIT (model
 * "insurance", with an accuracy monitor and a prediction drift monitor on its prediction will_buy_insurance).
 * Screenshots go to {@code docs/screenshots/} for the README.
 */
class DashboardIT extends AbstractServerIT {
    private static final String EVIL_SEGMENT = "<img src=x onerror=window.__xss=3>";
    private static final String EVIL_MODEL = "<script>window.__xss=1</script>";
    private static final String EVIL_FIELD = "<svg onload=window.__xss=4>";
    private static final Path SCREENSHOTS = Path.of("..", "docs", "screenshots");

    private final JsonNode expected = ItSupport.json("monitors/expected.json");
    private final JsonNode insurance = ItSupport.json("performance/expected.json");
    private final Instant insuranceStart = Instant.parse(insurance.path("start").asText());
    private final Instant insuranceEnd =
            insuranceStart.plus(Duration.ofHours(insurance.path("hours").asInt()));
    private final Instant start = Instant.parse(expected.path("start").asText());
    private final Instant end = start.plus(Duration.ofDays(expected.path("days").asInt()));
    private TestDatabase.Credentials reader;
    private WebDriver browser;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        reader = ItSupport.loadShop(db);
        db.execute("INSERT INTO ml.serving VALUES (999999, '" + start.plusSeconds(600) + "', 100, '"
                + EVIL_SEGMENT.replace("'", "''") + "', 0.5)");
        // PerformanceIT's insurance data beside the shop's, readable by the same reader; its prediction is named
        // will_buy_insurance as in the demo, where that long name ran into the bar chart's legend
        for (String table : List.of("ins_training", "ins_serving")) {
            db.execute("CREATE TABLE ml." + table + " (id bigint, ts timestamptz, proba double precision,"
                    + " will_buy_insurance boolean, bought boolean)");
            ItSupport.copyCsv(db, "ml." + table, "performance/" + table.substring(4) + ".csv");
            db.execute("GRANT SELECT ON ml." + table + " TO " + reader.user());
        }
    }

    /**
     * Model "insurance": predictions will_buy_insurance and proba labeled by bought; an accuracy monitor that fires
     * on every labeled hour (no hour reaches 0.99) and a prediction drift monitor of will_buy_insurance by day.
     */
    private void createInsurance() throws InterruptedException {
        vigil().createModel("insurance", "Insurance");
        vigil().apply(new ModelVersion(
                "insurance",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .prediction("will_buy_insurance", FieldType.bool())
                        .prediction("proba", FieldType.numeric())
                        .build()));
        dev.vigil.client.ColumnMapping labels = dev.vigil.client.ColumnMapping.builder()
                .label("will_buy_insurance", "bought")
                .label("proba", "bought")
                .build();
        for (DatasetKind kind : List.of(DatasetKind.TRAINING, DatasetKind.SERVING)) {
            vigil().version("insurance", "v1")
                    .connect(
                            kind,
                            ItSupport.source(db(), reader, "SELECT * FROM ml.ins_" + kind.specName()),
                            "id",
                            "ts",
                            labels);
        }
        vigil().version("insurance", "v1")
                .createMonitor(
                        "{name: accuracy-low, type: performance_degradation, fields: [will_buy_insurance], metric:"
                                + " accuracy, detection: {method: absolute, min: 0.99}}");
        vigil().version("insurance", "v1")
                .createMonitor(
                        "{name: will-drift, type: prediction_drift, fields: [will_buy_insurance], focal: {window: 1d},"
                                + " detection: {method: training, threshold: 0.001}}");
        runTrainingAndServing("insurance", "v1", insuranceStart, insuranceEnd);
    }

    @BeforeAll
    void start() throws Exception {
        ItSupport.createShop(vigil(), db(), reader);
        vigil().createModel("evil", EVIL_MODEL);
        vigil().apply(new ModelVersion(
                "evil",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature(EVIL_FIELD, FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build()));
        vigil().version("shop", "v1")
                .createMonitor("{name: drift-watch, type: data_drift, focal: {window: 1d}, detection: {method:"
                        + " training, threshold: 0.2}, severity: high}");
        vigil().version("shop", "v1")
                .createMonitor("{name: rows-low, type: model_activity, detection: {method: absolute, min: 25}}");
        runTrainingAndServing("shop", "v1", start, end);
        createInsurance();
        assertThat(Path.of("/usr/bin/chromium"))
                .as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run does)")
                .exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // no network beyond this machine: an unreachable proxy for everything but loopback
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=127.0.0.1;localhost");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .build();
        browser = new ChromeDriver(service, options);
        closeAfterClass(browser::quit);
        Files.createDirectories(SCREENSHOTS);
    }

    private void signIn(String token) {
        browser.manage().deleteAllCookies();
        browser.get(server().url() + "/signin");
        browser.findElement(By.id("token")).sendKeys(token);
        WebElement button = browser.findElement(By.id("signin"));
        button.click();
        waitUntilGone(button);
    }

    /**
     * Waits for the page that held {@code element} to be replaced (a form was submitted). Chrome reports a detached
     * element either as stale or, while the new document loads, as a node outside the document.
     */
    private void waitUntilGone(WebElement element) {
        waitFor().until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                return e.getMessage() != null && e.getMessage().contains("does not belong to the document");
            }
        });
        waitFor().until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    private void screenshot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
    }

    private Object xss() {
        return ((JavascriptExecutor) browser).executeScript("return window.__xss === undefined ? null : window.__xss");
    }

    @Test
    void aWrongTokenIsRefusedAndPagesNeedASession() throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(server().url() + "/");
        assertThat(browser.getCurrentUrl())
                .as("no session: to the sign-in page")
                .endsWith("/signin");
        signIn("vgl_not_a_token");
        assertThat(waitFor()
                        .until(ExpectedConditions.presenceOfElementLocated(By.id("signin-error")))
                        .getText())
                .isEqualTo("That token is not valid.");
        assertThat(browser.manage().getCookieNamed("vigil_session")).isNull();
        browser.get(server().url() + "/models/shop/versions/v1");
        assertThat(browser.getCurrentUrl()).endsWith("/signin");
        // another site cannot sign a browser in with its own token
        java.net.http.HttpResponse<String> crossSite = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server().url() + "/signin"))
                                .header("Origin", "http://evil.example")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + TOKEN))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void revokingTheTokenEndsItsSessions() {
        dev.vigil.store.NewToken second =
                server().metastore().tokens().create("dashboard-it-second", dev.vigil.store.Role.VIEWER, null);
        signIn(second.token());
        browser.get(server().url() + "/");
        assertThat(browser.getCurrentUrl()).isEqualTo(server().url() + "/");
        server().metastore().tokens().revoke(second.info().id());
        browser.get(server().url() + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/signin");
    }

    @Test
    void badRangesGetOneSentenceNotAStackTrace() {
        signIn(TOKEN);
        browser.get(server().url() + "/models/shop/versions/v1?to=-1000000000-01-01T00:00:00Z");
        assertThat(browser.findElement(By.className("error")).getText())
                .isEqualTo("to: expected an instant between 1970 and 9999, got -1000000000-01-01T00:00:00Z");
        browser.get(
                server().url() + "/models/shop/versions/v1?from=2020-01-01T00:00:00Z&to=" + end + "&granularity=hour");
        assertThat(browser.findElement(By.className("error")).getText())
                .startsWith("granularity: hour from 2020-01-01T00:00:00Z to " + end + " makes ")
                .endsWith("points, more than 2000; pick a coarser granularity or a shorter range");
    }

    @Test
    void signingInKeepsTheTokenOutOfUrlsAndInAnHttpOnlyCookie() throws Exception {
        signIn(TOKEN);
        assertThat(browser.getCurrentUrl()).isEqualTo(server().url() + "/").doesNotContain(TOKEN);
        var cookie = browser.manage().getCookieNamed("vigil_session");
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getValue()).doesNotContain(TOKEN);
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie"))
                .as("scripts cannot read the session")
                .isEqualTo("");
        List<WebElement> models = browser.findElements(By.className("model-link"));
        assertThat(models).extracting(WebElement::getText).contains("Shop", EVIL_MODEL);
        assertThat(xss())
                .as("a model named with a script tag is shown as text, not run")
                .isNull();
        assertThat(browser.getPageSource())
                .as("escaped, not only blocked by the Content-Security-Policy")
                .contains("&lt;script&gt;window.__xss=1&lt;/script&gt;");
        screenshot("models.png");
        browser.get(server().url() + "/models/evil/versions/v1/fields/"
                + java.net.URLEncoder.encode(EVIL_FIELD, StandardCharsets.UTF_8).replace("+", "%20"));
        assertThat(browser.findElement(By.tagName("h1")).getText())
                .as("a field named with an svg tag is shown as text")
                .isEqualTo(EVIL_FIELD);
        assertThat(browser.getPageSource()).contains("&lt;svg onload=window.__xss=4&gt;");
        assertThat(xss()).isNull();
    }

    @Test
    void theModelsPageShowsThePerformanceOfTheLabelPredictionNotOfTheScore() {
        signIn(TOKEN);
        browser.get(server().url() + "/");
        WebElement row = browser.findElement(
                By.xpath("//table[@class='models']//tr[td/a[@href='/models/insurance/versions/v1']]"));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(cells.get(4).getText())
                .as(
                        "will_buy_insurance is the label the model decides; proba, labeled by the same column, is its score")
                .startsWith("will_buy_insurance accuracy ");
    }

    @Test
    void theDriftedFieldIsRankedFirstWithItsChartRendered() throws Exception {
        signIn(TOKEN);
        Instant dayThree = start.plus(Duration.ofDays(2));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", dayThree.toString());
        query.put("to", dayThree.plus(Duration.ofDays(1)).toString());
        query.put("granularity", "all");
        query.put("metric", "drift_score");
        String top = null;
        double best = -1;
        for (JsonNode r : vigil().drift("shop", "v1", query)) {
            if (r.path("segment").isNull() && r.path("value").asDouble(-1) > best) {
                best = r.path("value").asDouble();
                top = r.path("field").asText();
            }
        }
        browser.get(server().url() + "/models/shop/versions/v1?from=" + dayThree + "&to="
                + dayThree.plus(Duration.ofDays(1)) + "&granularity=hour");
        List<WebElement> rows = browser.findElements(By.className("field-row"));
        assertThat(rows).isNotEmpty();
        assertThat(rows.get(0).getAttribute("data-field"))
                .as("ranked first by drift_score")
                .isEqualTo(top);
        WebElement chart = rows.get(0).findElement(By.cssSelector("svg.chart"));
        assertThat(chart.getSize().getWidth()).isGreaterThan(300);
        assertThat(chart.findElements(By.cssSelector("path.series"))).isNotEmpty();
        assertThat(rows.get(0).findElements(By.cssSelector("svg.bars rect.bar")))
                .hasSizeGreaterThan(10);
        assertThat(xss()).isNull();
        // the row sample's drift (decision 0030): the reconstruction error with its band, and the classifier's AUC
        Map<String, WebElement> charts = new LinkedHashMap<>();
        for (WebElement svg : browser.findElements(By.cssSelector("div.multivariate svg.chart"))) {
            charts.put(svg.findElement(By.cssSelector("text.chart-title")).getText(), svg);
        }
        assertThat(charts)
                .containsOnlyKeys("pca_reconstruction_error and its band", "domain_classifier_auc (0.5: no drift)");
        assertThat(charts.get("pca_reconstruction_error and its band").findElements(By.cssSelector("path.series")))
                .as("the error, its upper and its lower band")
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(charts.get("domain_classifier_auc (0.5: no drift)").findElements(By.cssSelector("path.series")))
                .isNotEmpty();
        browser.get(server().url() + "/models/shop/versions/v1?from=" + start + "&to=" + end + "&granularity=hour");
        assertThat(browser.findElement(By.tagName("body")).getText())
                .as("a segment value that is an HTML tag (its row is on day 1) is shown as text")
                .contains(EVIL_SEGMENT.substring(0, 11));
        assertThat(browser.getPageSource()).contains("&lt;img src=x onerror=window.__xss=3");
        assertThat(xss()).isNull();
        screenshot("version.png");
        browser.get(server().url() + "/models/shop/versions/v1/fields/owner?from=" + start + "&to=" + end);
        assertThat(browser.findElement(By.className("segments")).getText()).contains("owner=" + EVIL_SEGMENT);
        assertThat(xss()).isNull();
        screenshot("field.png");
        // which segment is worst: amount's drift on day 3 split over owner's values, the largest first as the REST
        // route ranks them
        Map<String, String> day = new LinkedHashMap<>();
        day.put("field", "amount");
        day.put("from", dayThree.toString());
        day.put("to", dayThree.plus(Duration.ofDays(1)).toString());
        JsonNode explained = vigil().explainDrift("shop", "v1", day);
        assertThat(explained).isNotEmpty();
        browser.get(server().url() + "/models/shop/versions/v1/fields/amount?from=" + dayThree + "&to="
                + dayThree.plus(Duration.ofDays(1)));
        WebElement panel = browser.findElement(By.className("root-cause"));
        List<WebElement> bars = panel.findElements(By.cssSelector("svg.hbars rect.bar"));
        assertThat(bars).hasSize(Math.min(12, explained.size()));
        // owner, shop's one categorical column, is a declared segment: nothing is discovered
        assertThat(panel.findElements(By.cssSelector("svg.hbars rect.bar-light")))
                .isEmpty();
        assertThat(panel.findElements(By.cssSelector("svg.hbars text.bar-label"))
                        .get(0)
                        .getText())
                .isEqualTo(explained.get(0).path("segment").asText());
        assertThat(xss()).isNull();
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", panel);
        screenshot("field-root-cause.png");
    }

    @Test
    void theRootCausePanelShadesSegmentsDiscoveredInTheRowSample() throws Exception {
        // insurance declares no segment: proba's panel has only will_buy_insurance's values, discovered in the sample
        signIn(TOKEN);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("field", "proba");
        query.put("from", insuranceStart.toString());
        query.put("to", insuranceEnd.toString());
        JsonNode explained = vigil().explainDrift("insurance", "v1", query);
        assertThat(explained).isNotEmpty();
        explained.forEach(r -> assertThat(r.path("source").asText()).isEqualTo("discovered"));
        browser.get(server().url() + "/models/insurance/versions/v1/fields/proba?from=" + insuranceStart + "&to="
                + insuranceEnd);
        WebElement panel = browser.findElement(By.className("root-cause"));
        assertThat(panel.findElements(By.cssSelector("svg.hbars rect.bar-light")))
                .hasSize(Math.min(12, explained.size()));
        assertThat(panel.findElements(By.cssSelector("svg.hbars text.bar-label"))
                        .get(0)
                        .getText())
                .isEqualTo(explained.get(0).path("segment").asText());
        assertThat(panel.findElement(By.className("root-cause-legend")).getText())
                .contains("discovered in the row sample ("
                        + explained.get(0).path("sample_rows").asInt() + " rows");
        assertThat(layoutProblems()).isEmpty();
    }

    @Test
    void anAlertIsAcknowledgedFromTheAlertsPage() throws Exception {
        signIn(TOKEN);
        browser.get(server().url() + "/alerts?status=open");
        List<WebElement> open = browser.findElements(By.className("alert-row"));
        assertThat(open).isNotEmpty();
        String id = open.get(0).getAttribute("data-alert");
        WebElement button = open.get(0).findElement(By.cssSelector("button.acknowledge"));
        button.click();
        waitUntilGone(button);
        assertThat(browser.findElements(By.cssSelector("tr.alert-row[data-alert='" + id + "']")))
                .as("no longer open")
                .isEmpty();
        browser.get(server().url() + "/alerts?status=acknowledged");
        WebElement row = browser.findElement(By.cssSelector("tr.alert-row[data-alert='" + id + "']"));
        assertThat(row.findElement(By.className("status")).getText()).isEqualTo("acknowledged");
        assertThat(vigil().alert(id).path("status").asText()).isEqualTo("acknowledged");
        browser.get(server().url() + "/alerts");
        screenshot("alerts.png");
    }

    @Test
    void aViewerSeesAlertsWithoutButtonsAndCannotChangeThem() {
        dev.vigil.store.NewToken viewer =
                server().metastore().tokens().create("dashboard-it-viewer", dev.vigil.store.Role.VIEWER, null);
        signIn(viewer.token());
        browser.get(server().url() + "/alerts?status=open");
        List<WebElement> open = browser.findElements(By.className("alert-row"));
        assertThat(open).isNotEmpty();
        String id = open.get(0).getAttribute("data-alert");
        assertThat(browser.findElements(By.cssSelector("button.acknowledge, button.resolve")))
                .as("no buttons for a viewer")
                .isEmpty();

        // The form a viewer's page does not offer, posted anyway with the session's own CSRF token.
        ((JavascriptExecutor) browser)
                .executeScript(
                        "var f = document.createElement('form'); f.method = 'post';"
                                + " f.action = '/alerts/' + arguments[0] + '/acknowledge';"
                                + " var c = document.createElement('input'); c.type = 'hidden'; c.name = 'csrf';"
                                + " c.value = document.querySelector('input[name=csrf]').value; f.appendChild(c);"
                                + " document.body.appendChild(f); f.submit();",
                        id);
        waitFor().until(d -> !d.findElements(By.className("error")).isEmpty());
        assertThat(browser.findElement(By.className("error")).getText())
                .isEqualTo("the token 'dashboard-it-viewer' has the role viewer, and changing an alert needs editor"
                        + " (an admin can create a token with that role)");
        assertThat(vigil().alert(id).path("status").asText()).as("unchanged").isEqualTo("open");
        assertThat(server().metastore().audit().list(1, null, null))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.tokenName()).isEqualTo("dashboard-it-viewer");
                    assertThat(e.path()).isEqualTo("/alerts/" + id + "/acknowledge");
                    assertThat(e.status()).isEqualTo(403);
                });
    }

    @Test
    void theReportIsOneSmallFileThatOpensOfflineWithItsCharts() throws Exception {
        Path file = Path.of("target", "dashboard-it-report.html"); // kept: its size is quoted in the README
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", start.toString());
        query.put("to", end.toString());
        String html = vigil().report("shop", "v1", query);
        Files.writeString(file, html, StandardCharsets.UTF_8);
        assertThat(Files.size(file)).as("built from aggregates: small").isLessThan(2_000_000);
        assertThat(html).doesNotContain("<script").doesNotContain("src=\"http").doesNotContain("href=\"http");
        browser.get(file.toUri().toString());
        assertThat(browser.findElements(By.cssSelector("svg.chart"))).hasSizeGreaterThan(5);
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("shop");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("drift-watch");
        assertThat(xss()).isNull();
        screenshot("report.png");
    }

    /**
     * Problems of the charts on the page: two labels of a bar chart that overlap (their boxes as the browser lays
     * them out, turned ones included: a separating-axis test of the two rectangles), a label cut off by its chart,
     * a legend entry over its chart's title. Empty when there are none.
     */
    @SuppressWarnings("unchecked")
    private List<String> layoutProblems() {
        return (List<String>)
                ((JavascriptExecutor) browser)
                        .executeScript(
                                """
                        function corners(el) {
                          var b = el.getBBox(), m = el.getCTM();
                          return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
                                  [b.x, b.y + b.height]].map(function (p) {
                            return [m.a * p[0] + m.c * p[1] + m.e, m.b * p[0] + m.d * p[1] + m.f];
                          });
                        }
                        function overlap(p, q) {
                          var polys = [p, q];
                          for (var k = 0; k < 2; k++) {
                            for (var i = 0; i < 4; i++) {
                              var a = polys[k][i], b = polys[k][(i + 1) % 4];
                              var nx = b[1] - a[1], ny = a[0] - b[0];
                              var pr = function (poly) {
                                return poly.map(function (c) { return c[0] * nx + c[1] * ny; });
                              };
                              var s = pr(p), t = pr(q);
                              if (Math.max.apply(null, s) <= Math.min.apply(null, t) + 1e-6
                                  || Math.max.apply(null, t) <= Math.min.apply(null, s) + 1e-6) return false;
                            }
                          }
                          return true;
                        }
                        var problems = [];
                        document.querySelectorAll('svg.chart').forEach(function (svg) {
                          var name = svg.querySelector('text.chart-title').textContent;
                          var w = svg.width.baseVal.value, h = svg.height.baseVal.value;
                          var labels = Array.from(svg.querySelectorAll('text.bar-label'));
                          for (var i = 0; i < labels.length; i++) {
                            var ci = corners(labels[i]);
                            ci.forEach(function (c) {
                              if (c[0] < -0.5 || c[0] > w + 0.5 || c[1] < -0.5 || c[1] > h + 0.5)
                                problems.push(name + ': label ' + labels[i].firstChild.textContent + ' is cut off at '
                                    + c.map(Math.round));
                            });
                            for (var j = i + 1; j < labels.length; j++) {
                              if (overlap(ci, corners(labels[j])))
                                problems.push(name + ': labels ' + labels[i].firstChild.textContent + ' and '
                                    + labels[j].firstChild.textContent + ' overlap');
                            }
                          }
                          var title = corners(svg.querySelector('text.chart-title'));
                          svg.querySelectorAll('text.legend, rect.legend-swatch').forEach(function (l) {
                            if (overlap(title, corners(l)))
                              problems.push(name + ': the legend ' + (l.textContent || 'swatch')
                                  + ' is over the title');
                          });
                        });
                        return problems;
                        """);
    }

    /** The tooltips of the alert markers shaded on the chart titled {@code title}. */
    @SuppressWarnings("unchecked")
    private List<String> markersOf(String title) {
        return (List<String>) ((JavascriptExecutor) browser)
                .executeScript(
                        "var title = arguments[0];"
                                + " var svg = Array.from(document.querySelectorAll('svg.chart')).find(function (s) {"
                                + " return s.querySelector('text.chart-title').textContent === title; });"
                                + " if (!svg) return null;"
                                + " return Array.from(svg.querySelectorAll('rect.alert-marker title'))"
                                + ".map(function (t) { return t.textContent; });",
                        title);
    }

    @Test
    void barLabelsAndLegendsDoNotOverlapAnything() throws Exception {
        signIn(TOKEN);
        browser.get(server().url() + "/models/insurance/versions/v1");
        assertThat(browser.findElements(By.cssSelector("svg.bars text.bar-label")))
                .as("the decile labels of proba and will_buy_insurance's values are drawn")
                .hasSizeGreaterThan(10);
        assertThat(browser.findElements(By.cssSelector("text.legend")))
                .as("the bar charts' and the performance chart's legends")
                .hasSizeGreaterThan(4);
        assertThat(layoutProblems()).isEmpty();
        browser.get(server().url() + "/models/shop/versions/v1?from=" + start + "&to=" + end + "&granularity=hour");
        assertThat(browser.findElements(By.cssSelector("svg.bars text.bar-label")))
                .hasSizeGreaterThan(10);
        assertThat(layoutProblems()).isEmpty();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", insuranceStart.toString());
        query.put("to", insuranceEnd.toString());
        Path file = Path.of("target", "dashboard-it-layout-report.html");
        Files.writeString(file, vigil().report("insurance", "v1", query), StandardCharsets.UTF_8);
        browser.get(file.toUri().toString());
        assertThat(browser.findElements(By.cssSelector("svg.bars"))).isNotEmpty();
        assertThat(layoutProblems()).as("the same charts in the report").isEmpty();
    }

    @Test
    void eachChartShadesOnlyTheAlertsOfItsKind() throws Exception {
        signIn(TOKEN);
        Map<String, Set<String>> windows = new LinkedHashMap<>();
        for (JsonNode a : vigil().alerts(Map.of("model", "insurance"))) {
            if (a.path("field").asText().equals("will_buy_insurance")) {
                windows.computeIfAbsent(a.path("monitor").asText(), k -> new java.util.TreeSet<>())
                        .add(a.path("window_start").asText());
            }
        }
        assertThat(windows.keySet())
                .as("both monitors fired on will_buy_insurance (accuracy below 0.99 in every labeled hour)")
                .containsExactlyInAnyOrder("accuracy-low", "will-drift");
        browser.get(server().url() + "/models/insurance/versions/v1?from=" + insuranceStart + "&to=" + insuranceEnd
                + "&granularity=hour");
        List<String> drift = markersOf("drift_score of will_buy_insurance");
        List<String> performance = markersOf("performance of will_buy_insurance");
        assertThat(drift)
                .as("the drift chart: the drift monitor's windows only")
                .hasSize(windows.get("will-drift").size());
        assertThat(drift).allSatisfy(t -> assertThat(t).startsWith("will-drift: "));
        assertThat(performance)
                .as("the performance chart: the accuracy monitor's windows only")
                .hasSize(windows.get("accuracy-low").size())
                .allSatisfy(t -> assertThat(t).startsWith("accuracy-low: "));
    }

    @Test
    void withoutARangeAPageStartsAtTheFirstStoredWindow() {
        signIn(TOKEN);
        browser.get(server().url() + "/models/insurance/versions/v1");
        assertThat(browser.findElement(By.name("from")).getAttribute("value"))
                .as("two days of data: the page starts at the data, not five empty days before it")
                .isEqualTo(insuranceStart.toString());
        assertThat(browser.findElement(By.name("to")).getAttribute("value")).isEqualTo(insuranceEnd.toString());
        browser.get(server().url() + "/models/shop/versions/v1");
        assertThat(browser.findElement(By.name("from")).getAttribute("value")).isEqualTo(start.toString());
        assertThat(browser.findElement(By.name("to")).getAttribute("value")).isEqualTo(end.toString());
    }
}
