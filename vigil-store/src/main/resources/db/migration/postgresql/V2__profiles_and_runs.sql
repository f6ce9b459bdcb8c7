-- Profiles: one mergeable summary (vigil-stats' binary format) per dataset, window, segment and
-- field. segment '' = all rows; field '' = the dataset-level counts (ids, timestamps). A window is
-- replaced as a whole in one transaction, so a re-run never double-counts.
CREATE TABLE profiles (
    model_id     TEXT COLLATE "C" NOT NULL,
    version      TEXT COLLATE "C" NOT NULL,
    dataset      TEXT NOT NULL,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    window_end   TIMESTAMP WITH TIME ZONE NOT NULL,
    segment      TEXT COLLATE "C" NOT NULL,
    field        TEXT COLLATE "C" NOT NULL,
    profile      BYTEA NOT NULL,
    PRIMARY KEY (model_id, version, dataset, window_start, segment, field),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

-- Runs: one pull of a dataset over a time range, with its progress and outcome.
CREATE TABLE runs (
    id                 TEXT PRIMARY KEY,
    model_id           TEXT COLLATE "C" NOT NULL,
    version            TEXT COLLATE "C" NOT NULL,
    dataset            TEXT NOT NULL,
    range_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    range_end          TIMESTAMP WITH TIME ZONE NOT NULL,
    status             TEXT NOT NULL,
    windows_total      INTEGER NOT NULL,
    windows_done       INTEGER NOT NULL,
    rows_read          BIGINT NOT NULL,
    rows_with_problems BIGINT NOT NULL,
    error              TEXT,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at         TIMESTAMP WITH TIME ZONE,
    finished_at        TIMESTAMP WITH TIME ZONE,
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX runs_by_version ON runs (model_id, version, created_at);

-- Watermarks: the end of the last window a dataset was completely profiled up to.
CREATE TABLE watermarks (
    model_id  TEXT COLLATE "C" NOT NULL,
    version   TEXT COLLATE "C" NOT NULL,
    dataset   TEXT NOT NULL,
    watermark TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version, dataset),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
