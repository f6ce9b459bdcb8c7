-- Keep in step with ../h2/V13__run_problems.sql. A run says why its rows had problems: the rows per
-- "field: reason" as a JSON object (issue 18), a warning when most rows had one (or a reference read none), and a
-- note on how the run was planned (references read whole, empty windows skipped).
ALTER TABLE runs ADD COLUMN problems TEXT;
ALTER TABLE runs ADD COLUMN warning TEXT;
ALTER TABLE runs ADD COLUMN note TEXT;
