package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorCodecTest {
    private static final ModelVersion VERSION = new ModelVersion(
            "insurance",
            "v1",
            ModelType.BINARY,
            AggregationPeriod.HOURLY,
            Schema.builder()
                    .feature("amount", FieldType.numeric())
                    .feature("owner", FieldType.string())
                    .prediction("will_buy", FieldType.bool())
                    .build());

    private static Monitor read(String yaml) {
        return MonitorCodec.read(SpecCodec.parseYaml(yaml, "monitor.yaml"), "monitors[0]", VERSION);
    }

    private static String problem(String yaml) {
        try {
            read(yaml);
        } catch (VigilArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void theIssuesExampleReadsAndWritesBack() {
        Monitor m = read(
                """
                name: drift-watch
                type: data_drift
                fields: [amount, owner]
                focal: {window: 1d}
                detection: {method: training, threshold: 0.1}
                severity: high
                actions: [{type: webhook, url: "https://example.test/hook"}]
                """);
        assertThat(m.name()).isEqualTo("drift-watch");
        assertThat(m.type()).isEqualTo(MonitorType.DATA_DRIFT);
        assertThat(m.fields()).containsExactly("amount", "owner");
        assertThat(m.watchedMetric()).isEqualTo("drift_score");
        assertThat(m.focal()).isEqualTo(Duration.ofDays(1));
        assertThat(m.detection().method()).isEqualTo(Detection.Method.TRAINING);
        assertThat(m.detection().threshold()).isEqualTo(0.1);
        assertThat(m.severity()).isEqualTo(Severity.HIGH);
        assertThat(m.actions())
                .containsExactly(new Action(Action.Type.WEBHOOK, "https://example.test/hook", List.of()));
        assertThat(MonitorCodec.read(MonitorCodec.write(m), "m", VERSION)).isEqualTo(m);
    }

    @Test
    void defaultsFillWhatAMonitorLeavesOut() {
        Monitor m = read("{name: activity, type: model_activity, detection: {method: anomaly}}");
        assertThat(m.focal()).as("the version's aggregation period").isEqualTo(Duration.ofHours(1));
        assertThat(m.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(m.detection().k()).isEqualTo(3.0);
        assertThat(m.detection().baselineWindows()).isEqualTo(24);
        assertThat(m.detection().minHistory()).isEqualTo(5);
        assertThat(m.watchedMetric()).isEqualTo("count");
        Monitor custom = read(
                "{name: c, type: custom_metric, expression: 'missing_ratio(amount) + new_value_ratio(owner)',"
                        + " detection: {method: absolute, max: 0.3}, actions: [{type: email, to: oncall@example.com}]}");
        assertThat(custom.actions().get(0).to()).containsExactly("oncall@example.com");
        assertThat(MonitorCodec.read(MonitorCodec.write(custom), "m", VERSION)).isEqualTo(custom);
    }

    @Test
    void aMalformedMonitorIsRejectedWithAMessageNamingIt() {
        assertThat(problem("{name: m, type: drift, detection: {method: training, threshold: 0.1}}"))
                .isEqualTo("monitors[0].type: unknown monitor type 'drift' (expected one of model_activity,"
                        + " missing_values, data_drift, prediction_drift, multivariate_drift, values_range, new_values,"
                        + " performance_degradation, metric_change, custom_metric, model_staleness)");
        assertThat(problem("{name: m, type: data_drift, detection: {method: training}}"))
                .isEqualTo("monitors[0].detection.threshold: is required for training detection");
        assertThat(problem("{name: m, type: custom_metric, expression: 'missing_ratio(amount', detection: {method:"
                        + " absolute, max: 1}}"))
                .isEqualTo("monitors[0].expression: expected ')' at the end of 'missing_ratio(amount'");
        assertThat(problem("{name: m, type: custom_metric, expression: 'mean(amout)', detection: {method: absolute,"
                        + " max: 1}}"))
                .isEqualTo("monitors[0].expression: version v1 has no field named 'amout' (in mean(amout))");
        assertThat(problem("{name: m, type: custom_metric, expression: '" + "1 + ".repeat(500) + "1',"
                        + " detection: {method: absolute, max: 1}}"))
                .isEqualTo("monitors[0].expression: is 2001 characters, more than the 2000 an expression may have");
        assertThat(problem("{name: m, type: custom_metric, expression: '" + "mean(amount) + ".repeat(32) + "count()',"
                        + " detection: {method: absolute, max: 1}}"))
                .isEqualTo("monitors[0].expression: has 33 metric references, more than the 32 an expression may"
                        + " have");
        assertThat(problem("{name: m, type: data_drift, detection: {method: absolute, max: 1}}"))
                .isEqualTo("monitors[0].detection.method: a data_drift monitor cannot use absolute (it can use"
                        + " training, test)");
        assertThat(problem("{name: m, type: missing_values, detection: {method: absolute}}"))
                .isEqualTo("monitors[0].detection: absolute detection needs min, max or both (the bounds of an"
                        + " acceptable value)");
        assertThat(problem("{name: m, type: metric_change, detection: {method: anomaly}}"))
                .isEqualTo("monitors[0].metric: is required for a metric_change monitor (a metric of docs/metrics.md,"
                        + " e.g. mean)");
        assertThat(problem("{name: m, type: missing_values, fields: [amout], detection: {method: absolute, max:"
                        + " 0.1}, actions: [{type: email}, {type: pager, url: x}]}"))
                .contains("monitors[0].fields: version v1 has no field named 'amout'")
                .contains("monitors[0].actions[0].to: is required for an email action (one address or a list)")
                .contains("monitors[0].actions[1].type: unknown action type 'pager' (expected webhook, slack, email,"
                        + " pagerduty, opsgenie or teams)");
        assertThat(problem("{name: m, type: model_activity, detection: {method: absolute, min: 1}, actions: [{type:"
                        + " slack, url: hooks.slack.test/T0/B0/s3cr3t}]}"))
                .as("a webhook URL is a credential: a malformed one is not echoed")
                .isEqualTo("monitors[0].actions[0].url: expected an http:// or https:// URL (the value is not shown:"
                        + " it may be a secret)");
        assertThat(problem("{type: missing_values, focal: {window: 5m}, detection: {method: absolute, max: 0.1}}"))
                .contains("monitors[0].name: is required")
                .contains("monitors[0].focal.window: expected 1h, 1d or 1w, got '5m'");
    }

    private static final String ACTIVITY =
            "{name: m, type: model_activity, detection: {method: absolute, min: 1}," + " actions: [";

    @Test
    void onCallActionsTakeTheirKeyAndDefaultToTheServicesEndpoint() {
        Monitor m = read(ACTIVITY + "{type: pagerduty, key: 0123456789abcdefABCDEF0123456789},"
                + " {type: opsgenie, key: 2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d, url: 'https://api.eu.opsgenie.com'},"
                + " {type: teams, url: 'https://prod.westeurope.logic.azure.com/workflows/x'}]}");
        assertThat(m.actions())
                .containsExactly(
                        new Action(
                                Action.Type.PAGERDUTY,
                                "https://events.pagerduty.com/v2/enqueue",
                                List.of(),
                                "0123456789abcdefABCDEF0123456789"),
                        new Action(
                                Action.Type.OPSGENIE,
                                "https://api.eu.opsgenie.com",
                                List.of(),
                                "2f0c9c3e-1d1b-4c52-9a47-8f3f0b6a1c2d"),
                        new Action(
                                Action.Type.TEAMS, "https://prod.westeurope.logic.azure.com/workflows/x", List.of()));
        assertThat(MonitorCodec.read(MonitorCodec.write(m), "m", VERSION)).isEqualTo(m);
        assertThat(m.actions().get(0).toString())
                .as("the key is a credential")
                .isEqualTo("Action[pagerduty, url=******, key=******]");
    }

    @Test
    void aBadOrMissingKeyIsRefusedWithoutShowingIt() {
        assertThat(problem(ACTIVITY + "{type: pagerduty}]}"))
                .isEqualTo("monitors[0].actions[0].key: is required for a pagerduty action (the integration key of an"
                        + " Events API v2 integration)");
        assertThat(problem(ACTIVITY + "{type: pagerduty, key: s3cr3t-but-short}]}"))
                .isEqualTo("monitors[0].actions[0].key: expected a PagerDuty integration key of 32 letters and digits,"
                        + " got 16 characters (the value is not shown: it is a secret)");
        assertThat(problem(ACTIVITY + "{type: opsgenie, key: not-a-uuid-s3cr3t}]}"))
                .isEqualTo("monitors[0].actions[0].key: expected an Opsgenie API key, a UUID such as"
                        + " 00000000-0000-0000-0000-000000000000 (the value is not shown: it is a secret)");
        assertThat(problem(ACTIVITY + "{type: opsgenie}]}"))
                .isEqualTo("monitors[0].actions[0].key: is required for an opsgenie action (the API key of an Opsgenie"
                        + " API integration)");
        assertThat(problem(ACTIVITY + "{type: teams}]}"))
                .isEqualTo("monitors[0].actions[0].url: is required for a teams action");
        assertThat(problem(ACTIVITY + "{type: webhook, url: 'https://x.test/h', key: abc}]}"))
                .isEqualTo("monitors[0].actions[0].key: only a pagerduty or opsgenie action takes a key");
        assertThat(problem(ACTIVITY + "{type: pagerduty, key: 0123456789abcdefABCDEF0123456789, url: events}]}"))
                .isEqualTo("monitors[0].actions[0].url: expected an http:// or https:// URL (the value is not shown:"
                        + " it may be a secret)");
    }

    @Test
    void aSpecCarriesItsMonitors() {
        String spec =
                """
                model: {id: insurance}
                version:
                  model_version: v1
                  model_type: binary
                  features: {amount: numeric}
                  predictions: {will_buy: boolean}
                monitors:
                  - {name: a, type: missing_values, detection: {method: absolute, max: 0.1}}
                  - {name: a, type: model_activity, detection: {method: absolute, min: 1}}
                """;
        assertThatThrownBy(() -> SpecCodec.readSpec(spec, "spec.yaml", null))
                .hasMessage("monitors[1].name: 'a' is declared twice; monitor names are unique");
        assertThat(SpecCodec.readSpec(spec.replace("{name: a, type: model", "{name: b, type: model"), "spec.yaml", null)
                        .monitors())
                .extracting(Monitor::name)
                .containsExactly("a", "b");
    }

    @Test
    void testDetectionReadsWithItsDefaultsAndWritesBack() {
        Monitor m = read("{name: drift-test, type: data_drift, detection: {method: test}}");
        assertThat(m.detection().method()).isEqualTo(Detection.Method.TEST);
        assertThat(m.detection().alpha()).isEqualTo(Detection.DEFAULT_ALPHA);
        assertThat(m.detection().minEffect()).isEqualTo(0.0);
        assertThat(MonitorCodec.read(MonitorCodec.write(m), "m", VERSION)).isEqualTo(m);
        Monitor strict = read(
                "{name: drift-test, type: prediction_drift, detection: {method: test, alpha: 0.001, min_effect: 0.1}}");
        assertThat(strict.detection().alpha()).isEqualTo(0.001);
        assertThat(strict.detection().minEffect()).isEqualTo(0.1);
        assertThat(MonitorCodec.write(strict).get("detection").toString())
                .isEqualTo("{\"method\":\"test\",\"alpha\":0.001,\"min_effect\":0.1,\"baseline_windows\":1}");
        assertThat(MonitorCodec.read(MonitorCodec.write(strict), "m", VERSION)).isEqualTo(strict);
    }

    @Test
    void seasonalAnomalyReadsWithItsDefaultsAndWritesBack() {
        Monitor m = read("{name: activity, type: model_activity, detection: {method: anomaly, seasonal: week}}");
        assertThat(m.detection().seasonal()).isEqualTo(Detection.Seasonality.WEEK);
        assertThat(m.detection().baselineWeeks()).isEqualTo(8);
        assertThat(m.detection().alpha()).isEqualTo(Detection.DEFAULT_ANOMALY_ALPHA);
        assertThat(MonitorCodec.read(MonitorCodec.write(m), "m", VERSION)).isEqualTo(m);
        Monitor k = read("{name: activity, type: model_activity, focal: {window: 1d}, detection: {method: anomaly,"
                + " seasonal: week, baseline_weeks: 12, k: 4}}");
        assertThat(k.detection().alpha())
                .as("k given: mean ± k·σ of the seasonal history")
                .isNull();
        assertThat(k.detection().baselineWeeks()).isEqualTo(12);
        assertThat(MonitorCodec.read(MonitorCodec.write(k), "m", VERSION)).isEqualTo(k);
        Monitor plain = read("{name: activity, type: model_activity, detection: {method: anomaly, alpha: 0.01}}");
        assertThat(plain.detection().seasonal()).isEqualTo(Detection.Seasonality.NONE);
        assertThat(plain.detection().alpha()).isEqualTo(0.01);
        assertThat(MonitorCodec.read(MonitorCodec.write(plain), "m", VERSION)).isEqualTo(plain);
        Monitor old = read("{name: activity, type: model_activity, detection: {method: anomaly}}");
        assertThat(old.detection().alpha())
                .as("without alpha or a season: k·σ, as before")
                .isNull();
        assertThat(MonitorCodec.write(old).get("detection").has("seasonal")).isFalse();
    }

    @Test
    void badTestAndSeasonalKeysAreRefusedInOneSentenceNamingTheKey() {
        String drift = "{name: m, type: data_drift, detection: {method: test, ";
        assertThat(problem(drift + "alpha: 1}}"))
                .isEqualTo("monitors[0].detection.alpha: expected a number above 0 and below 1, got 1.0");
        assertThat(problem(drift + "alpha: 0}}"))
                .isEqualTo("monitors[0].detection.alpha: expected a number above 0 and below 1, got 0.0");
        assertThat(problem(drift + "min_effect: -0.1}}"))
                .isEqualTo("monitors[0].detection.min_effect: expected 0 or more, got -0.1");
        assertThat(problem(drift + "threshold: 0.1}}"))
                .isEqualTo("monitors[0].detection.threshold: test detection has no threshold (alpha and min_effect"
                        + " decide)");
        assertThat(problem(drift + "seasonal: week}}"))
                .isEqualTo("monitors[0].detection.seasonal: only anomaly detection can be seasonal, not test");
        assertThat(problem("{name: m, type: missing_values, detection: {method: test}}"))
                .isEqualTo("monitors[0].detection.method: a missing_values monitor cannot use test (it can use"
                        + " absolute, percentage, anomaly, training, segment)");
        assertThat(problem(
                        "{name: m, type: data_drift, detection: {method: training, threshold: 0.1, alpha:" + " 0.01}}"))
                .isEqualTo("monitors[0].detection.alpha: only test and anomaly detection have an alpha, not training");
        assertThat(problem("{name: m, type: data_drift, detection: {method: training, threshold: 0.1, min_effect:"
                        + " 0.1}}"))
                .isEqualTo("monitors[0].detection.min_effect: only test detection has a min_effect, not training");
        String anomaly = "{name: m, type: model_activity, detection: {method: anomaly, ";
        assertThat(problem(anomaly + "seasonal: month}}"))
                .isEqualTo("monitors[0].detection.seasonal: expected week (the same hour of the week, or weekday), got"
                        + " 'month'");
        assertThat(problem(anomaly + "baseline_weeks: 4}}"))
                .isEqualTo("monitors[0].detection.baseline_weeks: only seasonal anomaly detection (seasonal: week) has"
                        + " baseline_weeks");
        assertThat(problem(anomaly + "seasonal: week, baseline_weeks: 3}}"))
                .isEqualTo("monitors[0].detection.baseline_weeks: 3 weeks can never give the 5 values of history it"
                        + " needs (min_history)");
        assertThat(problem(anomaly + "k: 3, alpha: 0.01}}"))
                .isEqualTo("monitors[0].detection.alpha: anomaly detection takes k (mean ± k·σ) or alpha (a"
                        + " prediction interval), not both");
        assertThat(problem("{name: m, type: model_activity, focal: {window: 1w}, detection: {method: anomaly,"
                        + " seasonal: week}}"))
                .isEqualTo("monitors[0].detection.seasonal: seasonal: week needs an hourly or daily focal window, not"
                        + " 1w");
    }
}
