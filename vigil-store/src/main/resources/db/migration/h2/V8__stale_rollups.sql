-- Keep in step with ../postgresql/V8__stale_rollups.sql.
-- Days whose roll-ups (<dataset>@day and its month) are older than their hours: marked in the transaction that
-- replaces the hours, cleared once the roll-ups are refreshed. A crash between the two leaves the mark, and the
-- server refreshes the marked days at startup and on every scheduler tick. generation grows with each mark, so a
-- refresh clears only the marks it has seen.
CREATE TABLE stale_rollups (
    model_id   VARCHAR(200) NOT NULL,
    version    VARCHAR(200) NOT NULL,
    dataset    VARCHAR(1000) NOT NULL,
    day_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    generation BIGINT NOT NULL,
    PRIMARY KEY (model_id, version, dataset, day_start),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
