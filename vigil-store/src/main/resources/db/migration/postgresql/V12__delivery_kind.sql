-- Keep in step with ../h2/V12__delivery_kind.sql. A delivery opens an alert at its channel, or resolves what it
-- opened (PagerDuty's resolve, Opsgenie's close; decision 0023). Deliveries stored before this are openings.
-- One of each kind per alert group and action: the resolve goes to the alert its group's opening named.
ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'open';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_group_key_action_index_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_one_per_group_action_kind UNIQUE (group_key, action_index, kind);
