-- Keep in step with ../postgresql/V12__delivery_kind.sql. A delivery opens an alert at its channel, or resolves what
-- it opened (decision 0023). Deliveries stored before this are openings. H2 named V6's unique constraint itself (a
-- name no migration can count on), so the table is copied into one with the new uniqueness rather than altered.
CREATE TABLE deliveries_v12 (
    id              VARCHAR(1000) PRIMARY KEY,
    alert_id        VARCHAR(1000) NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    group_key       VARCHAR(1000) NOT NULL,
    action_index    INTEGER NOT NULL,
    channel         CHARACTER VARYING NOT NULL,
    status          CHARACTER VARYING NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    last_error      CHARACTER VARYING,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE,
    claimed_by      VARCHAR(1000),
    claimed_until   TIMESTAMP WITH TIME ZONE,
    kind            VARCHAR(20) DEFAULT 'open' NOT NULL,
    CONSTRAINT deliveries_one_per_group_action_kind UNIQUE (group_key, action_index, kind)
);
INSERT INTO deliveries_v12 (id, alert_id, group_key, action_index, channel, status, attempts, next_attempt_at,
        last_error, created_at, delivered_at, claimed_by, claimed_until, kind)
    SELECT id, alert_id, group_key, action_index, channel, status, attempts, next_attempt_at, last_error, created_at,
        delivered_at, claimed_by, claimed_until, 'open' FROM deliveries;
-- CASCADE drops delivery_attempts' foreign key (added back below) and the index.
DROP TABLE deliveries CASCADE;
ALTER TABLE deliveries_v12 RENAME TO deliveries;
ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_of_delivery FOREIGN KEY (delivery_id)
    REFERENCES deliveries (id) ON DELETE CASCADE;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
