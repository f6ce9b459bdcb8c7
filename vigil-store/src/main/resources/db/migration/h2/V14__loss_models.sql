-- Keep in step with ../postgresql/V14__loss_models.sql. DLE's loss models of a regression version (ADR 0028): the
-- gradient-boosted trees fitted on a labeled reference, Java-serialized, with the reference dataset and run they came
-- from and the Spark version that fitted them. One row a version; a refit replaces it in one transaction.
CREATE TABLE loss_models (
    model_id      VARCHAR(200) NOT NULL,
    version       VARCHAR(200) NOT NULL,
    reference     CHARACTER VARYING NOT NULL,
    reference_run CHARACTER VARYING NOT NULL,
    spark_version CHARACTER VARYING NOT NULL,
    models        BINARY LARGE OBJECT NOT NULL,
    fitted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
