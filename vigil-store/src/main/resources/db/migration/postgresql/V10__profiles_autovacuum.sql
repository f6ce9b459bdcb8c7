-- PostgreSQL only (decision 0019); H2 has no such setting and gets no V10: Flyway reads each database's own folder.
-- A re-run replaces whole windows: every profile it rewrites leaves a dead row and, for a profile over about 2 kB,
-- dead chunks in the table's TOAST table. With the defaults (autovacuum at 20% of the table dead, plus 50 rows) a
-- re-run of a week of a year's profiles never triggers a vacuum, and the next run appends to the end of the files
-- instead of reusing that space. Vacuum after about 2% of the rows (plus 1,000) are dead, in the table and in its TOAST
-- table.
ALTER TABLE profiles SET (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.05,
    toast.autovacuum_vacuum_scale_factor = 0.02,
    toast.autovacuum_vacuum_threshold = 1000,
    toast.autovacuum_vacuum_insert_scale_factor = 0.02
);
