-- Keep in step with ../h2/V14__loss_models.sql. DLE's loss models of a regression version (ADR 0028): the
-- gradient-boosted trees fitted on a labeled reference, Java-serialized, with the reference dataset and run they came
-- from and the Spark version that fitted them. One row a version; a refit replaces it in one transaction.
CREATE TABLE loss_models (
    model_id      TEXT COLLATE "C" NOT NULL,
    version       TEXT COLLATE "C" NOT NULL,
    reference     TEXT NOT NULL,
    reference_run TEXT NOT NULL,
    spark_version TEXT NOT NULL,
    models        BYTEA NOT NULL,
    fitted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
