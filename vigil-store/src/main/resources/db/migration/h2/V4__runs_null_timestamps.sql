-- Rows whose timestamp is NULL belong to no window, so they cannot be counted in a window's
-- profile; each run counts them over its dataset's whole query (decision 0007).
ALTER TABLE runs ADD COLUMN null_timestamp_count BIGINT DEFAULT 0 NOT NULL;
