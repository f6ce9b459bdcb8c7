package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.embeddedpg.EmbeddedPostgresServer;
import dev.vigil.server.AbstractServerIT;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code vigil} command against a real server and PostgreSQL, as a user types it. */
class CliIT extends AbstractServerIT {
    @TempDir
    static Path dir;

    private TestDatabase.Credentials reader;

    record Result(int code, String out, String err) {}

    @Override
    protected void createSource(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.model_predictions (prediction_id bigint, prediction_timestamp timestamptz, raw_text text, "
                        + "amount numeric, owner text, is_new boolean, embeddings double precision[], "
                        + "will_buy_insurance boolean, proba double precision, bought boolean)",
                "CREATE TABLE ml.training AS SELECT prediction_id AS id, prediction_timestamp AS ts, raw_text, amount, owner, "
                        + "is_new, embeddings, will_buy_insurance, proba FROM ml.model_predictions");
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training"));
    }

    private Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGIL_SERVER", server().url());
        env.put("VIGIL_TOKEN", TOKEN);
        env.put("VIGIL_PG_PASSWORD", reader.password());
        env.putAll(extraEnv);
        env.values().removeIf(v -> v == null);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCli.createCommandLine(
                        new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true)))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private Path spec(String modelId, String name, String user, String passwordRef) throws Exception {
        Path file = dir.resolve(modelId + "-" + Math.abs(name.hashCode()) + "-" + user + ".yaml");
        Files.writeString(
                file,
                """
                model: {id: %1$s, name: %2$s}
                version:
                  model_version: v1
                  model_type: binary
                  raw_inputs: {raw_text: text}
                  features: {amount: numeric, owner: string, is_new: boolean,
                             embeddings: {type: tensor, dimensions: [768]}}
                  predictions: {will_buy_insurance: boolean, proba: numeric}
                serving:
                  data_source:
                    type: postgres-jdbc
                    url: %3$s
                    query: SELECT * FROM ml.model_predictions
                    user: %4$s
                    password: %5$s
                  id_column: prediction_id
                  timestamp_column: prediction_timestamp
                  labels: {will_buy_insurance: bought}
                training:
                  data_source: {url: "%3$s", query: "SELECT * FROM ml.training", user: %4$s, password: "%5$s"}
                  id_column: id
                  timestamp_column: ts
                """
                        .formatted(modelId, name, db().url(), user, passwordRef));
        return file;
    }

    /** {@code spec} plus the README's {@code accuracy-watch}, whose {@code preconditions} once made every apply an update. */
    private static Path withMonitors(Path spec) throws Exception {
        Path file = dir.resolve("monitors-" + spec.getFileName());
        Files.writeString(
                file,
                Files.readString(spec)
                        + """
                        monitors:
                          - name: accuracy-watch
                            type: performance_degradation
                            metric: accuracy
                            focal: {window: 1d}
                            detection: {method: training, threshold: 0.1}
                            preconditions: {min_focal_rows: 100}
                        """);
        return file;
    }

    @Test
    void applyPrunesTheMonitorsASpecDroppedOnlyWhenAsked() throws Exception {
        Path base = spec("cli-prune", "Prune", reader.user(), "${env:VIGIL_PG_PASSWORD}");
        String monitor = "  - {name: %s, type: model_activity, detection: {method: absolute, min: 1}}\n";
        Path two = dir.resolve("prune-two.yaml");
        Files.writeString(
                two, Files.readString(base) + "monitors:\n" + monitor.formatted("keep") + monitor.formatted("drop"));
        Path one = dir.resolve("prune-one.yaml");
        Files.writeString(one, Files.readString(base) + "monitors:\n" + monitor.formatted("keep"));
        assertThat(run("apply", "-f", two.toString()).code()).isZero();

        Result noKey = run("apply", "-f", base.toString(), "--prune");
        assertThat(noKey.code()).isNotZero();
        assertThat(noKey.err())
                .contains("--prune: the spec has no monitors: key")
                .hasLineCount(1);
        Result kept = run("apply", "-f", one.toString(), "--format", "json");
        assertThat(SpecCodec.json().readTree(kept.out()).toString()).doesNotContain("deleted");
        Result pruned = run("apply", "-f", one.toString(), "--prune", "--format", "json");
        assertThat(pruned.code()).as(pruned.err()).isZero();
        assertThat(SpecCodec.json().readTree(pruned.out()))
                .extracting(
                        r -> r.path("name").asText() + "=" + r.path("change").asText())
                .contains("cli-prune/v1/keep=unchanged", "cli-prune/v1/drop=deleted");
        assertThat(vigil().monitors("cli-prune", "v1"))
                .extracting(m -> m.path("name").asText())
                .containsExactly("keep");
    }

    @Test
    void applyIsIdempotentAndAppliesChanges() throws Exception {
        Path spec = withMonitors(spec("cli-model", "CLI model", reader.user(), "${env:VIGIL_PG_PASSWORD}"));
        Result first = run("apply", "-f", spec.toString(), "--format", "json");
        assertThat(first.code()).as(first.err()).isZero();
        JsonNode rows = SpecCodec.json().readTree(first.out());
        assertThat(rows)
                .extracting(r -> r.path("change").asText())
                .containsExactly("created", "created", "created", "created", "created");

        Result second = run("apply", "-f", spec.toString(), "--format", "json");
        assertThat(SpecCodec.json().readTree(second.out()))
                .extracting(r -> r.path("change").asText())
                .containsOnly("unchanged");

        Path renamed = withMonitors(spec("cli-model", "Renamed model", reader.user(), "${env:VIGIL_PG_PASSWORD}"));
        Result third = run("apply", "-f", renamed.toString(), "--format", "json");
        assertThat(SpecCodec.json().readTree(third.out()))
                .extracting(
                        r -> r.path("kind").asText() + "=" + r.path("change").asText())
                .containsExactly(
                        "model=updated",
                        "version=unchanged",
                        "dataset=unchanged",
                        "dataset=unchanged",
                        "monitor=unchanged");

        Result models = run("models", "--format", "json");
        JsonNode list = SpecCodec.json().readTree(models.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list.toString())
                .contains("\"id\":\"cli-model\"")
                .contains("\"name\":\"Renamed model\"")
                .contains("v1");
        assertThat(run("models").out()).startsWith("ID").contains("cli-model");
    }

    @Test
    void checkSourcePassesAReadOnlyUserAndPrintsTheGrants() throws Exception {
        Result r = run(
                "check-source",
                "-f",
                spec("check-ro", "x", reader.user(), "${env:VIGIL_PG_PASSWORD}").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("serving: ok (")
                .contains("training: ok (")
                .doesNotContain("warning:")
                .contains("GRANT CONNECT ON DATABASE " + db().name() + " TO " + reader.user() + ";")
                .contains("GRANT USAGE ON SCHEMA ml TO " + reader.user() + ";")
                .contains("GRANT SELECT ON ml.model_predictions TO " + reader.user() + ";");
    }

    @Test
    void checkSourceRefusesAWriterUnlessTheSpecNamesIt() throws Exception {
        TestDatabase.Credentials writer = db().createReadOnlyUser("ml", List.of("model_predictions", "training"));
        db().execute("GRANT INSERT, UPDATE ON ml.model_predictions TO " + writer.user());
        Path refused = spec("check-writer", "x", writer.user(), "${env:VIGIL_WRITER_PW}");
        Result r = run(
                Map.of("VIGIL_WRITER_PW", writer.password()),
                "check-source",
                "--format",
                "json",
                "-f",
                refused.toString());
        assertThat(r.code())
                .as("the server would refuse it too (decision 0003)")
                .isNotZero();
        JsonNode rows = SpecCodec.json().readTree(r.out());
        assertThat(rows.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(rows.get(0).path("error").asText())
                .isEqualTo("serving.data_source.user: role \"" + writer.user()
                        + "\" can write (INSERT, UPDATE on ml.model_predictions); connect Vigil with a read-only role"
                        + " (vigil grant-sql prints one) or set serving.data_source.allow_writable_role: "
                        + writer.user());
        assertThat(rows.get(1).path("status").asText())
                .as("training reads ml.training, in the schema the role may write")
                .isEqualTo("failed");

        Path allowed = dir.resolve("check-writer-allowed.yaml");
        Files.writeString(
                allowed,
                Files.readString(refused)
                        .replace(
                                "    user: " + writer.user() + "\n",
                                "    user: " + writer.user() + "\n    allow_writable_role: " + writer.user() + "\n")
                        .replace(
                                "user: " + writer.user() + ", password",
                                "user: " + writer.user() + ", allow_writable_role: " + writer.user() + ", password"));
        r = run(
                Map.of("VIGIL_WRITER_PW", writer.password()),
                "check-source",
                "--format",
                "json",
                "-f",
                allowed.toString());
        rows = SpecCodec.json().readTree(r.out());
        assertThat(rows.get(0).path("status").asText()).as(r.out()).isEqualTo("ok, but not read-only");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(rows.get(0).path("warnings").toString())
                .contains("role \\\"" + writer.user() + "\\\" can write (INSERT, UPDATE on ml.model_predictions)");
        assertThat(rows.get(1).path("status").asText()).isEqualTo("ok, but not read-only");
        assertThat(r.out()).doesNotContain(writer.password());
    }

    @Test
    void grantSqlPrintsExactlyTheDesignStatements() {
        Result r = run(
                "grant-sql",
                "--user",
                "vigil",
                "--database",
                "shop",
                "--schema",
                "ml",
                "--table",
                "model_predictions",
                "training");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList())
                .containsExactly(
                        "CREATE USER vigil WITH PASSWORD '<strong password>';",
                        "GRANT CONNECT ON DATABASE shop TO vigil;",
                        "GRANT USAGE ON SCHEMA ml TO vigil;",
                        "GRANT SELECT ON ml.model_predictions, ml.training TO vigil;");
    }

    @Test
    void tokensAreCreatedWithARoleAndExpiryAndAViewerIsRefusedChanges() throws Exception {
        Result created =
                run("tokens", "create", "cli-viewer", "--role", "viewer", "--expires", "90d", "--format", "json");
        assertThat(created.code()).as(created.err()).isZero();
        JsonNode row = SpecCodec.json().readTree(created.out()).get(0);
        assertThat(row.path("name").asText()).isEqualTo("cli-viewer");
        assertThat(row.path("role").asText()).isEqualTo("viewer");
        assertThat(java.time.Duration.between(
                        java.time.Instant.parse(row.path("created_at").asText()),
                        java.time.Instant.parse(row.path("expires_at").asText())))
                .isEqualTo(java.time.Duration.ofDays(90));
        String viewer = row.path("token").asText();

        Result apply = run(
                Map.of("VIGIL_TOKEN", viewer),
                "apply",
                "-f",
                spec("viewer-model", "V", reader.user(), "${env:VIGIL_PG_PASSWORD}")
                        .toString());
        assertThat(apply.code()).isEqualTo(1);
        assertThat(apply.err())
                .isEqualTo("vigil: the token 'cli-viewer' has the role viewer, and PUT /api/v1/models/{model} needs"
                        + " editor (an admin can create a token with that role)\n");
        assertThat(run("models", "--format", "json").out()).doesNotContain("viewer-model");

        Result badRole = run("tokens", "create", "x", "--role", "owner");
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).isEqualTo("vigil: role: 'owner' is not a role (expected viewer, editor, admin)\n");

        Result revoked = run("tokens", "revoke", row.path("id").asText());
        assertThat(revoked.code()).isZero();
        assertThat(run(Map.of("VIGIL_TOKEN", viewer), "models").err()).contains("refused the token");
    }

    @Test
    void failuresAreOneLineOnStderrWithoutStackTraces() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad, "model: {id: m}\nversion: {model_version: v1, model_type: binary, predictions: {p: decimal}}\n");
        Result invalid = run("apply", "-f", bad.toString());
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err().lines().toList())
                .containsExactly(
                        "vigil: version.predictions.p: unknown field type 'decimal' (expected one of numeric, categorical, string, "
                                + "boolean, datetime, text, tensor, embedding, array, dict)");

        Result noToken = run(Map.of("VIGIL_TOKEN", ""), "models");
        assertThat(noToken.code()).isNotZero();
        assertThat(noToken.err()).startsWith("vigil: VIGIL_TOKEN is not set").hasLineCount(1);

        Result wrongToken = run(Map.of("VIGIL_TOKEN", "vgl_wrong"), "models");
        assertThat(wrongToken.code()).isEqualTo(1);
        assertThat(wrongToken.err()).contains("refused the token").hasLineCount(1);

        Result down = run("models", "--server", "http://127.0.0.1:1");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err())
                .startsWith("vigil: cannot reach the Vigil server at http://127.0.0.1:1")
                .hasLineCount(1);

        Result wrongPassword = run(
                Map.of("VIGIL_PG_PASSWORD", "wrong-password-xyz"),
                "apply",
                "-f",
                spec("wrong-pw", "x", reader.user(), "${env:VIGIL_PG_PASSWORD}").toString());
        assertThat(wrongPassword.code()).isEqualTo(1);
        assertThat(wrongPassword.err())
                .contains(db().url())
                .contains("password authentication failed")
                .doesNotContain("wrong-password-xyz")
                .hasLineCount(1);

        Result verbose = run("apply", "-f", bad.toString(), "--verbose");
        assertThat(verbose.err()).contains("VigilArgumentException").contains("\tat ");
        Result missingFile = run("apply", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missingFile.err()).isEqualTo("vigil: -f: file " + dir.resolve("nope.yaml") + " does not exist\n");
    }

    @Test
    void runWaitsWithProgressAndMetricsAnswerFromProfiles() throws Exception {
        db().execute(
                        """
                INSERT INTO ml.model_predictions (prediction_id, prediction_timestamp, amount, owner, is_new,
                                                  will_buy_insurance, proba, bought)
                SELECT 1000 + g, timestamptz '2026-02-01 00:00:00+00' + g * interval '7 minutes', (g * 37) % 101,
                       'o' || (g % 3), g % 2 = 0, g % 3 = 0, ((g * 13) % 100) / 100.0,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END
                FROM generate_series(0, 29) g""");
        Path spec = spec("cli-run", "CLI run", reader.user(), "${env:VIGIL_PG_PASSWORD}");
        assertThat(run("apply", "-f", spec.toString()).code()).isZero();
        Result r = run(
                "run",
                "--model",
                "cli-run",
                "--version",
                "v1",
                "--dataset",
                "serving",
                "--from",
                "2026-02-01T00:00:00Z",
                "--to",
                "2026-02-01T04:00:00Z",
                "--wait",
                "--format",
                "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("4/4 windows").contains("succeeded");
        JsonNode runs = SpecCodec.json().readTree(r.out());
        assertThat(runs.get(0).path("rows_read").asLong()).isEqualTo(30);

        Result m = run(
                "metrics",
                "--model",
                "cli-run",
                "--version",
                "v1",
                "--field",
                "amount",
                "--metric",
                "mean",
                "--granularity",
                "all",
                "--from",
                "2026-02-01T00:00:00Z",
                "--to",
                "2026-02-01T04:00:00Z",
                "--format",
                "json");
        assertThat(m.code()).as(m.err()).isZero();
        JsonNode rows = SpecCodec.json().readTree(m.out());
        assertThat(rows).hasSize(1);
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT avg(amount) FROM ml.model_predictions WHERE prediction_id >= 1000")) {
            rs.next();
            assertThat(rows.get(0).path("value").asDouble())
                    .as("PostgreSQL's own avg")
                    .isCloseTo(rs.getDouble(1), org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(rows.get(0).path("window_start").asText()).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(rows.get(0).path("segment").isNull()).isTrue();

        Result d = run(
                "drift",
                "--model",
                "cli-run",
                "--version",
                "v1",
                "--field",
                "amount",
                "--metric",
                "ks",
                "--granularity",
                "hour",
                "--baseline",
                "previous",
                "--min-baseline-rows",
                "1",
                "--from",
                "2026-02-01T00:00:00Z",
                "--to",
                "2026-02-01T02:00:00Z",
                "--format",
                "json");
        assertThat(d.code()).as(d.err()).isZero();
        JsonNode drift = SpecCodec.json().readTree(d.out());
        assertThat(drift).hasSize(2);
        assertThat(drift.get(0).path("value").isNull()).isTrue();
        assertThat(drift.get(0).path("reason").asText()).contains("the previous window has no rows of amount");
        assertThat(drift.get(1).path("baseline").asText()).isEqualTo("previous");
        assertThat(drift.get(1).path("value").asDouble())
                .as("KS of hour 1 against hour 0, from the rows themselves")
                .isCloseTo(
                        ks(amounts("2026-02-01 00:00:00+00"), amounts("2026-02-01 01:00:00+00")),
                        org.assertj.core.api.Assertions.within(1e-12));
        // the row sample's drift (decision 0030): field * against hour 0 as a serving-period baseline
        Result joint = run(
                "drift",
                "--model",
                "cli-run",
                "--version",
                "v1",
                "--field",
                "*",
                "--baseline",
                "2026-02-01T00:00:00Z/2026-02-01T01:00:00Z",
                "--from",
                "2026-02-01T01:00:00Z",
                "--to",
                "2026-02-01T02:00:00Z");
        assertThat(joint.code()).as(joint.err()).isZero();
        assertThat(joint.out())
                .contains("pca_reconstruction_error", "pca_reconstruction_error_upper", "domain_classifier_auc");
        assertThat(joint.out()).doesNotContain("drift_score");
        Result p = run(
                "performance",
                "--model",
                "cli-run",
                "--version",
                "v1",
                "--field",
                "will_buy_insurance",
                "--granularity",
                "all",
                "--from",
                "2026-02-01T00:00:00Z",
                "--to",
                "2026-02-01T04:00:00Z",
                "--format",
                "json");
        assertThat(p.code()).as(p.err()).isZero();
        Map<String, Double> performance = new HashMap<>();
        SpecCodec.json().readTree(p.out()).forEach(row -> {
            assertThat(row.path("field").asText()).isEqualTo("will_buy_insurance");
            performance.put(row.path("metric").asText(), row.path("value").asDouble());
        });
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT count(*), count(bought),"
                                + " avg(CASE WHEN will_buy_insurance = bought THEN 1.0 ELSE 0.0 END)"
                                + " FILTER (WHERE bought IS NOT NULL)"
                                + " FROM ml.model_predictions WHERE prediction_id >= 1000")) {
            rs.next();
            assertThat(performance.get("count")).isEqualTo(rs.getDouble(1));
            assertThat(performance.get("actuals_count")).isEqualTo(rs.getDouble(2));
            assertThat(performance.get("accuracy"))
                    .as("PostgreSQL's own share of right predictions")
                    .isCloseTo(rs.getDouble(3), org.assertj.core.api.Assertions.within(1e-12));
        }

        // A monitor that every hour of the run fails (it wants 100 rows an hour): `vigil alerts` lists them.
        dev.vigil.core.model.ModelVersion version =
                vigil().listVersions("cli-run").get(0);
        vigil().putMonitor(
                        "cli-run",
                        "v1",
                        dev.vigil.core.monitor.MonitorCodec.read(
                                SpecCodec.parseYaml(
                                        "{name: busy, type: model_activity, detection: {method: absolute, min: 100}}",
                                        "m"),
                                "monitor",
                                version));
        vigil().evaluateMonitors(
                        "cli-run",
                        "v1",
                        java.time.Instant.parse("2026-02-01T00:00:00Z"),
                        java.time.Instant.parse("2026-02-01T04:00:00Z"));
        Result alerts = run("alerts", "--model", "cli-run", "--status", "open", "--format", "json");
        assertThat(alerts.code()).as(alerts.err()).isZero();
        JsonNode alertRows = SpecCodec.json().readTree(alerts.out());
        assertThat(alertRows).hasSize(4);
        List<String> columns = new ArrayList<>();
        alertRows.get(0).fieldNames().forEachRemaining(columns::add);
        assertThat(columns)
                .containsExactly(
                        "id",
                        "monitor",
                        "model",
                        "version",
                        "field",
                        "segment",
                        "window_start",
                        "window_end",
                        "metric",
                        "value",
                        "threshold",
                        "severity",
                        "status");
        assertThat(alertRows.get(0).path("window_start").asText())
                .as("newest first")
                .isEqualTo("2026-02-01T03:00:00Z");
        assertThat(alertRows.get(0).path("value").asDouble())
                .as("rows of hour 3: minutes 180 to 239 hold g = 26 to 29 of the rows every 7 minutes")
                .isEqualTo(4.0);
        Result ack = run("alerts", "--acknowledge", alertRows.get(0).path("id").asText(), "--format", "json");
        assertThat(SpecCodec.json().readTree(ack.out()).get(0).path("status").asText())
                .isEqualTo("acknowledged");
        assertThat(run("alerts", "--model", "cli-run", "--status", "open").out())
                .contains("busy");

        Result table =
                run("drift", "--model", "cli-run", "--version", "v1", "--baseline", "previous", "--granularity", "all");
        assertThat(table.code()).isNotZero();
        assertThat(table.err()).contains("baseline: previous with granularity all needs from and to");
    }

    private double[] amounts(String hourStart) throws Exception {
        try (Connection c = db().connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT amount FROM ml.model_predictions WHERE prediction_id >= 1000"
                                + " AND prediction_timestamp >= timestamptz '" + hourStart + "'"
                                + " AND prediction_timestamp < timestamptz '" + hourStart + "' + interval '1 hour'")) {
            List<Double> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getDouble(1));
            }
            return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
    }

    /** The two-sample Kolmogorov–Smirnov statistic by its definition: sup |F_a(x) - F_b(x)| over every value. */
    private static double ks(double[] a, double[] b) {
        double sup = 0;
        for (double[] side : List.of(a, b)) {
            for (double x : side) {
                long inA = java.util.Arrays.stream(a).filter(v -> v <= x).count();
                long inB = java.util.Arrays.stream(b).filter(v -> v <= x).count();
                sup = Math.max(sup, Math.abs((double) inA / a.length - (double) inB / b.length));
            }
        }
        return sup;
    }

    /** Review F17: a spec's references reach only VIGIL_ variables and the secrets directory; nothing is applied. */
    @Test
    void applyRefusesSecretReferencesOutsideTheRulesAndAppliesNothing() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("pg"), reader.password() + "\n");
        Path outside = Files.writeString(dir.resolve("not-a-secret"), reader.password());
        Map<String, String> env = Map.of("PG_PW", reader.password());

        Result foreignEnv = run(
                env,
                "apply",
                "-f",
                spec("secret-env", "x", reader.user(), "${env:PG_PW}").toString());
        assertThat(foreignEnv.code()).isNotZero();
        assertThat(foreignEnv.err())
                .contains("${env:PG_PW} is not allowed: a spec may only read environment variables whose name starts"
                        + " with VIGIL_");
        Result ownToken = run(
                "apply",
                "-f",
                spec("secret-tok", "x", reader.user(), "${env:VIGIL_TOKEN}").toString());
        assertThat(ownToken.err()).contains("VIGIL_TOKEN is one of Vigil's own secrets");
        Result noDir = run(
                "apply",
                "-f",
                spec("secret-file", "x", reader.user(), "${file:" + outside + "}")
                        .toString());
        assertThat(noDir.err()).contains("a spec may only read files under a secrets directory, and none is set");
        Result outsideDir = run(
                "apply",
                "--secrets-dir",
                secrets.toString(),
                "-f",
                spec("secret-out", "x", reader.user(), "${file:" + outside + "}")
                        .toString());
        assertThat(outsideDir.err()).contains("a spec may only read files under the secrets directory " + secrets);
        assertThat(run("models").out())
                .as("nothing applied")
                .doesNotContain("secret-env", "secret-tok", "secret-file", "secret-out");

        Result allowed = run(
                Map.of("PG_PW", reader.password(), "VIGIL_SECRETS_DIR", secrets.toString()),
                "apply",
                "--secret-env-prefix",
                "PG_",
                "-f",
                spec("secret-ok", "x", reader.user(), "${env:PG_PW}").toString());
        assertThat(allowed.code()).as(allowed.err()).isZero();
        Result fromDir = run(
                Map.of("VIGIL_SECRETS_DIR", secrets.toString()),
                "apply",
                "-f",
                spec("secret-dir", "x", reader.user(), "${file:pg}").toString());
        assertThat(fromDir.code()).as(fromDir.err()).isZero();
    }

    /** Review F20: the demo drops and wipes only what looks like the demo's, unless --force. */
    @Test
    void demoRefusesTargetsThatAreNotTheDemosAndTouchesNothing() throws Exception {
        Result database = run(
                "demo",
                "--no-serve",
                "--database",
                db().name(),
                "--data-dir",
                dir.resolve("d1").toString());
        assertThat(database.code()).isNotZero();
        assertThat(database.err())
                .contains("--database: " + db().name() + " would be dropped and recreated, and its name does not start"
                        + " with vigil_demo; name a demo database or add --force")
                .hasLineCount(1);
        Result role = run(
                "demo",
                "--no-serve",
                "--reader",
                reader.user(),
                "--data-dir",
                dir.resolve("d2").toString());
        assertThat(role.err()).contains("--reader: role " + reader.user() + " would be dropped");
        Path precious = Files.createDirectories(dir.resolve("precious"));
        Files.writeString(precious.resolve("notes.txt"), "keep me");
        Result dataDir = run("demo", "--no-serve", "--data-dir", precious.toString());
        assertThat(dataDir.err())
                .contains("--data-dir: " + precious.toAbsolutePath() + " would be wiped, and it holds files the demo"
                        + " did not make (no .vigil-demo file); name another directory or add --force");
        assertThat(Files.readString(precious.resolve("notes.txt"))).isEqualTo("keep me");
        assertThat(dir.resolve("d1")).doesNotExist();
        try (Connection c = PostgresTestServer.connect(db().url(), reader.user(), reader.password());
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM ml.model_predictions")) {
            assertThat(rs.next())
                    .as("the database and the role are still there")
                    .isTrue();
        }
    }

    @Test
    void demoCreatesAReadOnlyUserLoadsDataAndAppliesTheModel() throws Exception {
        PostgresTestServer pg = db().server();
        String database = "vigil_demo_it_" + System.nanoTime() % 100000;
        String demoReader = database + "_reader";
        Result r = run(
                Map.of(
                        "PGUSER",
                        pg.adminUser(),
                        "PGPASSWORD",
                        pg.adminPassword(),
                        "VIGIL_DEMO_PG_URL",
                        pg.serverUrl().replace("jdbc:postgresql://", "").replaceAll("/$", "")),
                "demo",
                "--no-serve",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("demo").toString(),
                "--database",
                database,
                "--reader",
                demoReader);
        try {
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out())
                    .contains("Vigil demo is ready")
                    .contains("dataset")
                    .contains("created")
                    .contains("windows")
                    .contains("succeeded")
                    .contains("What the serving data looked like")
                    .containsPattern("amount +mean")
                    .contains("Drift against the training set")
                    .as("day 3 of the demo moves amount by more than two standard deviations")
                    .containsPattern("Top drifting fields on \\S+: .*amount \\(")
                    .as("the drift and accuracy monitors fire on the drifted day")
                    .containsPattern("accuracy-watch +will_buy_insurance +\\S+T00:00:00Z +accuracy")
                    .containsPattern("drift-watch +amount +\\S+T00:00:00Z +drift_score")
                    .contains("Performance of will_buy_insurance")
                    .as("an hour with actuals shows its realized accuracy beside the estimate")
                    .containsPattern("\\d\\d:00 +50 +50 +0\\.\\d{3} +\\S+ +0\\.\\d{3} ± 0\\.\\d{3}")
                    .as("an hour of the last 6 has no actuals: only the estimate")
                    .containsPattern("\\d\\d:00 +50 +0 +- +- +0\\.\\d{3} ± 0\\.\\d{3}");
            try (Connection c =
                            PostgresTestServer.connect(pg.serverUrl() + database, pg.adminUser(), pg.adminPassword());
                    ResultSet rs = c.createStatement()
                            .executeQuery(
                                    """
                        SELECT (SELECT count(*) FROM shop.predictions),
                               (SELECT count(*) FROM shop.training),
                               (SELECT count(*) FROM shop.predictions p
                                 WHERE NOT EXISTS (SELECT 1 FROM shop.outcomes o WHERE o.prediction_id = p.prediction_id)),
                               has_table_privilege('%1$s', 'shop.predictions', 'SELECT'),
                               has_table_privilege('%1$s', 'shop.predictions', 'INSERT,UPDATE,DELETE,TRUNCATE'),
                               (SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = '%1$s')
                        """
                                            .formatted(demoReader))) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(DemoCommand.DAYS * 24L * DemoCommand.ROWS_PER_HOUR);
                assertThat(rs.getLong(2)).isPositive();
                assertThat(rs.getLong(3))
                        .as("the last 6 hours have no actuals yet")
                        .isEqualTo(6L * DemoCommand.ROWS_PER_HOUR);
                assertThat(rs.getBoolean(4)).isTrue();
                assertThat(rs.getBoolean(5)).isFalse();
                assertThat(rs.getBoolean(6)).isFalse();
            }
        } finally {
            pg.dropDatabase(database);
            pg.dropRole(demoReader);
        }
    }

    @Test
    void demoWithoutPostgresSettingsStartsAnEmbeddedPostgresAndStopsItWithTheDemo() throws Exception {
        assumeTrue(
                EmbeddedPostgresServer.refusalHere().isEmpty(),
                "root without a user namespace: .ci/run checks this as an ordinary user");
        Path pgDir = dir.resolve("embedded-pg");
        String database = "vigil_demo_embedded_" + System.nanoTime() % 100000;
        Result r = run(
                Map.of(),
                "demo",
                "--no-serve",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("demo-embedded").toString(),
                "--postgres-dir",
                pgDir.toString(),
                "--database",
                database,
                "--reader",
                database + "_reader");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("==> Starting an embedded PostgreSQL in " + pgDir.toAbsolutePath()
                        + " (neither PGUSER nor VIGIL_DEMO_PG_URL is set)")
                .containsPattern("postgres: embedded PostgreSQL at jdbc:postgresql://127\\.0\\.0\\.1:\\d+/ \\(data in "
                        + Pattern.quote(pgDir.toAbsolutePath().toString()) + "; it stops with the demo\\)")
                .contains("Vigil demo is ready")
                .containsPattern("drift-watch +amount +\\S+T00:00:00Z +drift_score");
        Matcher port = Pattern.compile("127\\.0\\.0\\.1:(\\d+)/").matcher(r.out());
        assertThat(port.find()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", Integer.parseInt(port.group(1))).close())
                .as("the demo stopped its PostgreSQL when it stopped")
                .isInstanceOf(ConnectException.class);
        // the cluster stays for the next demo: started again, it holds the demo's database and read-only user
        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(pgDir);
                Connection c =
                        PostgresTestServer.connect(again.url(database), again.superuser(), again.superuserPassword());
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT (SELECT count(*) FROM shop.predictions),"
                                + " has_table_privilege('" + database + "_reader', 'shop.predictions', 'SELECT'),"
                                + " has_table_privilege('" + database + "_reader', 'shop.predictions', 'INSERT')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(DemoCommand.DAYS * 24L * DemoCommand.ROWS_PER_HOUR);
            assertThat(rs.getBoolean(2)).isTrue();
            assertThat(rs.getBoolean(3)).isFalse();
        }
    }

    @Test
    void demoSaysWhatToSetWhenItHasNoAdminLogin() {
        PostgresTestServer pg = db().server();
        Result r = run(
                Map.of(
                        "PGUSER",
                        "no_such_login",
                        "PGPASSWORD",
                        "x",
                        "VIGIL_DEMO_PG_URL",
                        pg.serverUrl().replace("jdbc:postgresql://", "").replaceAll("/$", "")),
                "demo",
                "--no-serve",
                "--port",
                "0",
                "--data-dir",
                dir.resolve("demo-fail").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("vigil: vigil demo needs a PostgreSQL login that may create databases and roles: "
                        + "set PGUSER and PGPASSWORD")
                .hasLineCount(1);
    }
}
