package dev.vigil.server;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Schema;
import dev.vigil.testing.TestDatabase;

/** The example tables of DESIGN.md ("The user's words") in a test database, with a few rows. */
final class ExampleSource {
    private ExampleSource() {}

    static void create(TestDatabase db) {
        db.execute(
                "CREATE SCHEMA ml",
                """
                CREATE TABLE ml.model_predictions (
                  prediction_id bigint PRIMARY KEY,
                  prediction_timestamp timestamptz NOT NULL,
                  raw_text text,
                  amount double precision,
                  owner_name text,
                  is_new boolean,
                  embeddings real[],
                  will_buy_insurance boolean,
                  proba double precision,
                  bought boolean)""",
                """
                INSERT INTO ml.model_predictions
                SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', 'text ' || g, g * 1.5,
                       'owner' || (g % 3), g % 2 = 0,
                       (SELECT array_agg((i + g)::real) FROM generate_series(1, 768) i),
                       g % 3 = 0, (g % 10) / 10.0, NULL
                FROM generate_series(1, 20) g""",
                "CREATE TABLE ml.training AS SELECT prediction_id AS id, prediction_timestamp AS ts, raw_text, amount, "
                        + "owner_name AS owner, is_new, embeddings, will_buy_insurance, proba, bought FROM ml.model_predictions",
                "CREATE SEQUENCE ml.seq");
    }

    /** The example version's schema: raw_text; amount, owner, is_new, a 768-dimension tensor; two predictions. */
    static Schema schema() {
        return Schema.builder()
                .rawInput("raw_text", FieldType.text())
                .feature("amount", FieldType.numeric())
                .feature("owner", FieldType.string())
                .feature("is_new", FieldType.bool())
                .feature("embeddings", FieldType.tensor(768))
                .prediction("will_buy_insurance", FieldType.bool())
                .prediction("proba", FieldType.numeric())
                .build();
    }
}
