package dev.vigil.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The demo's data, generated inside PostgreSQL (deterministic: {@code setseed}). Serving data covers
 * {@code days} whole UTC days ending at the start of today; on day 3 the amount distribution shifts
 * (mean 100 → 160), a new owner value appears and the share of new customers doubles, and only a quarter
 * of the customers buy, whatever the model says (its accuracy drops). Actuals ({@code bought}) are a
 * separate table, recorded 1 to 5 hours after each prediction, and still missing for the last 6 hours. The training set is the week before, without drift, with its actuals.
 */
final class DemoData {
    private DemoData() {}

    static List<String> statements(int days, int rowsPerHour) {
        int rows = days * 24 * rowsPerHour;
        String start = "date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '" + days + " days'";
        return List.of(
                "CREATE SCHEMA shop",
                """
                CREATE TABLE shop.predictions (
                  prediction_id bigint PRIMARY KEY,
                  prediction_timestamp timestamptz NOT NULL,
                  raw_text text,
                  amount double precision,
                  owner text,
                  is_new boolean,
                  embeddings real[],
                  will_buy_insurance boolean,
                  proba double precision)""",
                """
                CREATE TABLE shop.outcomes (
                  prediction_id bigint NOT NULL,
                  labeled_at timestamptz NOT NULL,
                  bought boolean NOT NULL)""",
                """
                CREATE TABLE shop.training (
                  id bigint PRIMARY KEY,
                  ts timestamptz NOT NULL,
                  raw_text text,
                  amount double precision,
                  owner text,
                  is_new boolean,
                  embeddings real[],
                  will_buy_insurance boolean,
                  proba double precision,
                  bought boolean)""",
                "SELECT setseed(0.42)",
                insert(
                        "shop.predictions",
                        "prediction_id",
                        "prediction_timestamp",
                        rows,
                        rowsPerHour,
                        start,
                        "(g / " + (24 * rowsPerHour) + ") = 2",
                        false),
                """
                INSERT INTO shop.outcomes (prediction_id, labeled_at, bought)
                SELECT prediction_id, prediction_timestamp + (1 + 4 * random()) * interval '1 hour',
                       random() < CASE WHEN prediction_timestamp >= %1$s + interval '2 days'
                                        AND prediction_timestamp < %1$s + interval '3 days' THEN 0.25 ELSE proba END
                FROM shop.predictions
                WHERE prediction_timestamp < %1$s + interval '%2$d days' - interval '6 hours'
                ORDER BY prediction_id"""
                        .formatted(start, days),
                insert(
                        "shop.training",
                        "id",
                        "ts",
                        7 * 24 * rowsPerHour / 2,
                        rowsPerHour / 2,
                        start + " - interval '7 days'",
                        "false",
                        true));
    }

    /**
     * An INSERT of {@code rows} rows, {@code perHour} an hour from {@code start}; {@code drift} is a SQL condition on
     * g; {@code withActuals} also fills the {@code bought} column.
     */
    private static String insert(
            String table,
            String id,
            String ts,
            int rows,
            int perHour,
            String start,
            String drift,
            boolean withActuals) {
        return """
                INSERT INTO %1$s (%2$s, %3$s, raw_text, amount, owner, is_new, embeddings, will_buy_insurance, proba%4$s)
                SELECT g, t, raw_text, amount, owner, is_new, embeddings, proba >= 0.5, proba%9$s
                FROM (
                  SELECT g, t, raw_text, amount, owner, is_new, embeddings,
                         1 / (1 + exp(-(0.03 * (amount - 110) + CASE WHEN is_new THEN 0.8 ELSE -0.4 END
                                        + 0.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))) AS proba
                  FROM (
                    SELECT g, t, drifted,
                           'customer asks about ' || (ARRAY['car', 'home', 'travel', 'life'])[1 + floor(random() * 4)::int]
                             || ' insurance' AS raw_text,
                           CASE WHEN drifted THEN 160 + 40 * z ELSE 100 + 25 * z END AS amount,
                           CASE WHEN drifted AND random() < 0.3 THEN 'partner'
                                ELSE (ARRAY['direct', 'agent', 'broker', 'web'])[1 + floor(random() * 4)::int] END AS owner,
                           random() < CASE WHEN drifted THEN 0.6 ELSE 0.3 END AS is_new,
                           (SELECT array_agg((random() + 0 * i + 0 * g + CASE WHEN drifted THEN 0.5 ELSE 0 END)::real)
                              FROM generate_series(1, 8) AS i) AS embeddings
                    FROM (
                      SELECT g, %5$s + (g / %6$d) * interval '1 hour' + ((g %% %6$d) * (3600 / %6$d)) * interval '1 second' AS t,
                             %7$s AS drifted,
                             sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z
                      FROM generate_series(0, %8$d) AS g
                    ) base
                  ) features
                ) scored"""
                .formatted(
                        table,
                        id,
                        ts,
                        withActuals ? ", bought" : "",
                        start,
                        perHour,
                        drift,
                        rows - 1,
                        withActuals ? ", random() < proba" : "");
    }

    /** The demo spec, as a user would write it; the password is read from a file. */
    static String spec(String url, String reader, Path passwordFile) {
        return """
                # The Vigil demo model (written by `vigil demo`).
                model: {id: insurance-demo, name: Insurance upsell (demo)}
                version:
                  model_version: v1
                  model_type: binary
                  aggregation_period: hourly
                  raw_inputs: {raw_text: text}
                  features: {amount: numeric, owner: string, is_new: boolean,
                             embeddings: {type: embedding, dimensions: [8]}}
                  predictions: {will_buy_insurance: boolean, proba: numeric}
                serving:
                  data_source:
                    type: postgres-jdbc
                    url: %1$s
                    query: SELECT * FROM shop.predictions
                    user: %2$s
                    password: ${file:%3$s}
                    read_options: {fetchsize: "10000"}
                  id_column: prediction_id
                  timestamp_column: prediction_timestamp
                training:
                  data_source:
                    type: postgres-jdbc
                    url: %1$s
                    query: SELECT * FROM shop.training
                    user: %2$s
                    password: ${file:%3$s}
                  id_column: id
                  timestamp_column: ts
                  labels: {will_buy_insurance: bought, proba: bought}
                actuals:
                  data_source:
                    type: postgres-jdbc
                    url: %1$s
                    query: SELECT * FROM shop.outcomes
                    user: %2$s
                    password: ${file:%3$s}
                  id_column: prediction_id
                  timestamp_column: labeled_at
                  labels: {will_buy_insurance: bought, proba: bought}
                monitors:
                  - name: drift-watch
                    type: data_drift
                    fields: [amount, owner]
                    focal: {window: 1d}
                    detection: {method: training, threshold: 0.2}
                    severity: high
                  - name: accuracy-watch
                    type: performance_degradation
                    fields: [will_buy_insurance]
                    metric: accuracy
                    focal: {window: 1d}
                    detection: {method: training, threshold: 0.15}
                    preconditions: {min_focal_rows: 100}
                    severity: high
                """
                .formatted(url, reader, passwordFile.toAbsolutePath());
    }
}
