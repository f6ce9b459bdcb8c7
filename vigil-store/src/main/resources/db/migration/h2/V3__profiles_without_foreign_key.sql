-- H2 only. H2 checks the foreign key of profiles on every DELETE, and that check grew with the
-- table: replacing a day of windows took 200 ms once a month of hourly profiles was stored, and the
-- cost kept growing (docs/benchmarks.md). The table is rebuilt without the foreign key; deleting a
-- model or a version deletes its profiles explicitly in the same transaction (ModelRepository,
-- VersionRepository). PostgreSQL keeps its foreign key: its check is an index probe.
CREATE TABLE profiles_v3 (
    model_id     VARCHAR(200) NOT NULL,
    version      VARCHAR(200) NOT NULL,
    dataset      VARCHAR(1000) NOT NULL,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    window_end   TIMESTAMP WITH TIME ZONE NOT NULL,
    segment      VARCHAR(1000) NOT NULL,
    field        VARCHAR(1000) NOT NULL,
    profile      VARBINARY NOT NULL,
    PRIMARY KEY (model_id, version, dataset, window_start, segment, field)
);
INSERT INTO profiles_v3 SELECT model_id, version, dataset, window_start, window_end, segment, field, profile
FROM profiles;
DROP TABLE profiles;
ALTER TABLE profiles_v3 RENAME TO profiles;
