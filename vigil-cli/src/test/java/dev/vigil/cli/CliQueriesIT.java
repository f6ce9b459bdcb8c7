package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil metrics}, {@code drift}, {@code performance} and {@code alerts} say what is wrong instead of answering
 * nothing: a misspelt field, metric, segment or model is one line naming the closest match and a non-zero exit, and
 * "no open alerts" says how many resolved. Four hours of predictions, the second one thin, so that a volume monitor
 * fires on it and resolves itself on the third.
 */
class CliQueriesIT extends AbstractServerIT {
    private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T04:00:00Z");

    @TempDir
    static Path dir;

    private TestDatabase.Credentials reader;

    record Result(int code, String out, String err) {}

    @Override
    protected void createSource(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.preds (prediction_id bigint, ts timestamptz, amount double precision, owner text,"
                        + " will_buy boolean, proba double precision, bought boolean)",
                // 12 rows an hour, every 5 minutes, except hour 1, which keeps 2
                "INSERT INTO ml.preds SELECT g, timestamptz '2026-02-01 00:00:00+00' + g * interval '5 minutes',"
                        + " (g * 37) % 701, (ARRAY['direct', 'online'])[g % 2 + 1], g % 2 = 0, (g % 10) / 10.0,"
                        + " g % 3 = 0 FROM generate_series(0, 47) g WHERE g < 12 OR g > 21",
                "CREATE TABLE ml.training AS SELECT * FROM ml.preds");
        reader = db.createReadOnlyUser("ml", List.of("preds", "training"));
    }

    @BeforeAll
    void applyAndRun() throws Exception {
        Path file = dir.resolve("insurance.yaml");
        Files.writeString(
                file,
                """
                model: {id: insurance, name: Insurance}
                version:
                  model_version: v1
                  model_type: binary
                  features: {amount: numeric, owner: string}
                  predictions: {will_buy: boolean, proba: numeric}
                  segments:
                    - {field: owner}
                    - {field: amount, buckets: [100, 500]}
                    - {name: big, where: "amount > 500"}
                serving:
                  data_source: {type: postgres-jdbc, url: "%1$s", query: "SELECT * FROM ml.preds", user: %2$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: prediction_id
                  timestamp_column: ts
                  labels: {will_buy: bought}
                training:
                  data_source: {url: "%1$s", query: "SELECT * FROM ml.training", user: %2$s,
                                password: "${env:VIGIL_PG_PASSWORD}"}
                  id_column: prediction_id
                  timestamp_column: ts
                monitors:
                  - {name: busy, type: model_activity, detection: {method: absolute, min: 5}, severity: low}
                """
                        .formatted(db().url(), reader.user()));
        Result applied = run("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.err()).isZero();
        runToSuccess("insurance", "v1", "training", null, null);
        runToSuccess("insurance", "v1", "serving", FROM, TO);
    }

    private Result run(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.put("VIGIL_PG_PASSWORD", reader.password());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result query(String command, String... more) {
        String[] args = new String[6 + more.length];
        System.arraycopy(
                new String[] {command, "--model", "insurance", "--version", "v1", "--format=json"}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        return run(args);
    }

    /** A refusal: exit {@code code}, nothing on stdout, exactly one line on stderr. */
    private static void refused(Result r, int code, String line) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("vigil: " + line + System.lineSeparator());
    }

    @Test
    void aMisspeltFieldMetricOrSegmentIsOneLineWithTheClosestMatchAndExit2() {
        refused(
                query("metrics", "--field", "amuont"),
                2,
                "field: 'amuont' is not a field of insurance/v1 (did you mean 'amount'? fields: amount, owner,"
                        + " will_buy, proba)");
        refused(
                query("drift", "--field", "amuont"),
                2,
                "field: 'amuont' is not a field of insurance/v1 (did you mean 'amount'? fields: amount, owner,"
                        + " will_buy, proba)");
        refused(
                query("metrics", "--field", "amount", "--metric", "meen"),
                2,
                "metric: 'meen' is not a metric of amount (did you mean 'mean'? metrics: count, missing_count,"
                        + " missing_ratio, invalid_count, type_mismatch_count, mean, sum, min, max, stddev, variance,"
                        + " p01, p05, p10, p25, p50, p75, p90, p95, p99, median, distinct_count)");
        refused(
                query("performance", "--field", "amount"),
                2,
                "field: 'amount' is a feature; performance is computed for the predictions will_buy, proba");
        refused(
                query("metrics", "--segment", "owner=Direct"),
                2,
                "segment: 'owner=Direct' has no profiles in this range (owner's values: direct, online)");
        // the two keys a user could not guess: a bucket and a named condition
        refused(
                query("metrics", "--segment", "big"),
                2,
                "segment: expected NAME=VALUE, got 'big' (did you mean big=true?)");
        refused(
                query("metrics", "--segment", "amount"),
                2,
                "segment: expected NAME=VALUE, got 'amount' (did you mean amount=(-inf,100) or amount=[100,500)"
                        + " or amount=[500,+inf)?)");
        // and those keys answer
        for (String key : List.of("big=true", "amount=[100,500)", "owner=direct")) {
            Result r = query("metrics", "--segment", key, "--metric", "count");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"segment\" : \"" + key + "\"");
        }
    }

    @Test
    void alertsOfAMisspeltModelIsRefusedWithTheClosestId() {
        refused(
                run("alerts", "--model", "insurence", "--status", "open"),
                1,
                "model 'insurence' does not exist (did you mean 'insurance'? vigil models lists them)");
    }

    @Test
    void noOpenAlertsSaysHowManyResolvedAndSinceListsThem() {
        // hour 1 had 2 rows (the monitor wants 5), hour 2 had 12 again: its alert resolved itself
        Result open = run("alerts", "--model", "insurance", "--status", "open", "--since", FROM.toString());
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(open.out())
                .isEqualTo("no open alerts (1 resolved since 2026-02-01T00:00:00Z: vigil alerts --model insurance"
                        + " --status resolved --since 2026-02-01T00:00:00Z)" + System.lineSeparator());
        Result since = run("alerts", "--model", "insurance", "--since", FROM.toString(), "--format", "csv");
        assertThat(since.code()).as(since.err()).isZero();
        assertThat(since.out().lines().skip(1).toList()).singleElement().satisfies(line -> assertThat(line)
                .contains(",busy,insurance,v1,,,2026-02-01T01:00:00Z,2026-02-01T02:00:00Z,count,2")
                .endsWith(",resolved"));
        Result later = run("alerts", "--model", "insurance", "--since", "2026-02-01T02:00:00Z");
        assertThat(later.out()).isEqualTo("no alerts" + System.lineSeparator());
        refused(
                run("alerts", "--since", "2026-02-01"),
                2,
                "since: '2026-02-01' is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)");
    }
}
