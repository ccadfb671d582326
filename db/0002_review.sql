-- 0002_review.sql - supervisor review: decisions (approve, return,
-- escalate) and comments, overall or on one question; and the two
-- interview columns review needs: the amendment count (edits after an
-- interview was completed) and a read-only note (set when the server
-- reassigns an interview to another device).

ALTER TABLE interviews ADD COLUMN amendment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interviews ADD COLUMN readonly_note TEXT;

CREATE TABLE decisions (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	kind         TEXT NOT NULL,
	author       TEXT NOT NULL,
	text         TEXT NOT NULL DEFAULT '',
	created      INTEGER NOT NULL
);
CREATE INDEX decisions_interview ON decisions(interview_id);

-- path is '' for an overall comment; decision_id ties comments sent with a
-- return to that decision ('' for a loose comment).
CREATE TABLE comments (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	decision_id  TEXT NOT NULL DEFAULT '',
	path         TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL,
	text         TEXT NOT NULL,
	created      INTEGER NOT NULL
);
CREATE INDEX comments_interview ON comments(interview_id, path);
