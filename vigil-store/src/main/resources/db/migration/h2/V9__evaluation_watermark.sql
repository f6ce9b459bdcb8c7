-- Keep in step with ../postgresql/V9__evaluation_watermark.sql.
-- The evaluation watermark of a version: the end of the serving windows whose monitor evaluation completed. A run
-- stores a batch and then evaluates it; a crash in between leaves the watermark behind the stored windows, and the
-- server evaluates the gap at startup and on every scheduler tick (docs/decisions/0017-failure-and-limits.md).
CREATE TABLE evaluation_watermarks (
    model_id        VARCHAR(200) NOT NULL,
    version         VARCHAR(200) NOT NULL,
    evaluated_up_to TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
-- An installation upgrading starts at its serving watermark: what it stored before had its evaluation then, and its
-- history must not raise a flood of old alerts. A version without a row has stored nothing since the upgrade.
INSERT INTO evaluation_watermarks (model_id, version, evaluated_up_to)
SELECT model_id, version, watermark FROM watermarks WHERE dataset = 'serving';
