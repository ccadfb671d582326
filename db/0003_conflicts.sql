-- 0003_conflicts.sql - what the supervisor's review queue and crossed
-- edits need: a JSON metadata column on interviews (urgency, protection
-- flags, the caseworker device: what a queue sorts and filters by, without
-- reading every answer), and conflicts, one row per question where a
-- caseworker's amendment and a supervisor's decision crossed, kept with
-- both values until a person resolves it.  Nothing is overwritten silently.

ALTER TABLE interviews ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

CREATE TABLE conflicts (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	path         TEXT NOT NULL,		-- question path; '' for the status
	local_value  TEXT,			-- NULL: no answer on this side
	remote_value TEXT,
	resolution   TEXT,			-- NULL while open; local|remote|other
	created      INTEGER NOT NULL,
	resolved     INTEGER
);
CREATE INDEX conflicts_interview ON conflicts(interview_id, resolution);
