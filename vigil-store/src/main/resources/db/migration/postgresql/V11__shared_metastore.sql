-- Keep in step with ../h2/V11__shared_metastore.sql. Several servers on one metastore (docs/decisions/0022).
-- A run is held by the server that queued it (owner: its id, host and pid) until lease_until; the holder renews the
-- lease on progress. Any server fails a queued or running run whose lease expired, naming the holder. Runs stored
-- before this migration have no lease: they count as expired.
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN renewed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE runs ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
-- The due time a scheduled run was claimed for (NULL for a run asked for through the API): one run per dataset and
-- due time, whichever server claims it first.
ALTER TABLE runs ADD COLUMN scheduled_for TIMESTAMP WITH TIME ZONE;
CREATE UNIQUE INDEX runs_one_per_due_time ON runs (model_id, version, dataset, scheduled_for);
-- At most one running run per dataset, whichever server runs it (H2 has no partial index; one server holds an H2
-- file, and it runs one run at a time).
CREATE UNIQUE INDEX runs_one_running ON runs (model_id, version, dataset) WHERE status = 'RUNNING';
CREATE INDEX runs_unfinished ON runs (status, lease_until);

-- Work that one server at a time does, by name ("evaluate m/v1", "clock-driven monitors"): held by owner until
-- lease_until, then free for any server.
CREATE TABLE leases (
    name        TEXT COLLATE "C" PRIMARY KEY,
    owner       TEXT NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A delivery being attempted is claimed by one server until claimed_until: no other server sends it meanwhile.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;

-- Signed-in dashboard browsers, so that any server answers them: the SHA-256 of the session id (the cookie's value is
-- never stored), its token, the role it had when signing in, its CSRF token and when it ends. Revoking the token
-- deletes its sessions.
CREATE TABLE dashboard_sessions (
    id_hash    TEXT PRIMARY KEY,
    token_id   TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
