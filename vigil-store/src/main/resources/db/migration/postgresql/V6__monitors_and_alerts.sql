-- Monitors of a version (their spec as JSON, as the REST API writes it), the alerts they raise and the
-- notifications of those alerts with every delivery attempt. Keep in step with ../h2/V6__monitors_and_alerts.sql.
CREATE TABLE monitors (
    model_id   TEXT COLLATE "C" NOT NULL,
    version    TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    spec       TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, version, name),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);

-- One alert per monitor, field, segment and focal window ('' = no field / all rows): re-evaluating a
-- window updates it, never raises it twice.
CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    model_id     TEXT COLLATE "C" NOT NULL,
    version      TEXT COLLATE "C" NOT NULL,
    monitor      TEXT COLLATE "C" NOT NULL,
    field        TEXT COLLATE "C" NOT NULL,
    segment      TEXT COLLATE "C" NOT NULL,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    window_end   TIMESTAMP WITH TIME ZONE NOT NULL,
    metric       TEXT NOT NULL,
    metric_value DOUBLE PRECISION,
    threshold    DOUBLE PRECISION,
    baseline     DOUBLE PRECISION,
    severity     TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    resolved_at  TIMESTAMP WITH TIME ZONE,
    UNIQUE (model_id, version, monitor, field, segment, window_start),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version) ON DELETE CASCADE
);
CREATE INDEX alerts_by_status ON alerts (status, window_start);

-- A notification of an alert group (monitor, field, segment, UTC day) to one action of its monitor,
-- retried with backoff until delivered or out of attempts.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    group_key       TEXT COLLATE "C" NOT NULL,
    action_index    INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    last_error      TEXT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE,
    UNIQUE (group_key, action_index)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    attempted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome     TEXT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
