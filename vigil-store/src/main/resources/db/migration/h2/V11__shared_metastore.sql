-- Keep in step with ../postgresql/V11__shared_metastore.sql. Several servers on one metastore (docs/decisions/0022);
-- an H2 file is held by one server, but the schema and the code are the same.
ALTER TABLE runs ADD COLUMN owner VARCHAR(1000);
ALTER TABLE runs ADD COLUMN renewed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN scheduled_for TIMESTAMP WITH TIME ZONE;
-- NULLs are distinct in a unique index, in H2 as in PostgreSQL: runs asked for through the API are not constrained.
CREATE UNIQUE INDEX runs_one_per_due_time ON runs (model_id, version, dataset, scheduled_for);
CREATE INDEX runs_unfinished ON runs (status, lease_until);

CREATE TABLE leases (
    name        VARCHAR(1000) PRIMARY KEY,
    owner       VARCHAR(1000) NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE deliveries ADD COLUMN claimed_by VARCHAR(1000);
ALTER TABLE deliveries ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;

CREATE TABLE dashboard_sessions (
    id_hash    VARCHAR(64) PRIMARY KEY,
    token_id   VARCHAR(64) NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    role       VARCHAR(20) NOT NULL,
    csrf       VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
