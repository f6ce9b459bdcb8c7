-- Keep in step with ../postgresql/V13__run_problems.sql. A run says why its rows had problems: the rows per
-- "field: reason" as a JSON object (issue 18), a warning when most rows had one (or a reference read none), and a
-- note on how the run was planned (references read whole, empty windows skipped).
ALTER TABLE runs ADD COLUMN problems CHARACTER VARYING;
ALTER TABLE runs ADD COLUMN warning CHARACTER VARYING;
ALTER TABLE runs ADD COLUMN note CHARACTER VARYING;
