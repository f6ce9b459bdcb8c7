-- A run of an actuals dataset counts the distinct actual ids that match no prediction: they are
-- reported, never silently dropped (decision 0009).
ALTER TABLE runs ADD COLUMN unmatched_actuals_count BIGINT DEFAULT 0 NOT NULL;
