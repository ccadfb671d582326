-- 0001_init.sql - the first schema of a senda store: interviews and their
-- answers, referrals, the outbox that sync drains, a key-value table for
-- sync state, and the hash-chained audit trail.
--
-- Every table lives inside the encrypted database, so names and answers are
-- plain columns here.  Times are seconds since the epoch (util_now()).
-- Status and state columns hold lower-case names; the C code checks them
-- against its tables, so a new status needs no table rebuild.

-- One interview.  seq is the local sequence number a caseworker sees
-- (AUTOINCREMENT: never reused, even after a deletion); id is the UUID the
-- server knows.  position is the question path to resume at.
CREATE TABLE interviews (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT NOT NULL UNIQUE,
	form_id        TEXT NOT NULL,
	form_version   TEXT NOT NULL,
	language       TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT 'draft',
	respondent     TEXT,
	position       TEXT,
	progress_done  INTEGER NOT NULL DEFAULT 0,
	progress_total INTEGER NOT NULL DEFAULT 0,
	created        INTEGER NOT NULL,
	updated        INTEGER NOT NULL
);
CREATE INDEX interviews_status ON interviews(status, updated);

-- One answer per question path ("members[2].age"); value is text or JSON.
CREATE TABLE answers (
	interview_id TEXT NOT NULL,
	path         TEXT NOT NULL,
	value        TEXT NOT NULL,
	changed      INTEGER NOT NULL,
	PRIMARY KEY (interview_id, path)
) WITHOUT ROWID;

-- Referrals the rules produced for an interview.  shared_fields is a JSON
-- array of the question paths the receiving service may see.
CREATE TABLE referrals (
	id            TEXT PRIMARY KEY,
	interview_id  TEXT NOT NULL,
	rule_id       TEXT NOT NULL,
	service       TEXT NOT NULL,
	partner       TEXT NOT NULL DEFAULT '',
	urgency       TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL DEFAULT '',
	consent_ok    INTEGER NOT NULL DEFAULT 0,
	shared_fields TEXT NOT NULL DEFAULT '[]',
	state         TEXT NOT NULL DEFAULT 'pending',
	created       INTEGER NOT NULL,
	updated       INTEGER NOT NULL
);
CREATE INDEX referrals_interview ON referrals(interview_id);

-- What sync must deliver.  id is created in the same transaction as the
-- thing queued, so a resend after a crash carries the same id and hash and
-- the server can answer "duplicate".
CREATE TABLE outbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL,
	object_id  TEXT NOT NULL DEFAULT '',
	payload    TEXT NOT NULL,
	hash       TEXT NOT NULL,
	state      TEXT NOT NULL DEFAULT 'queued',
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_try   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	created    INTEGER NOT NULL,
	delivered  INTEGER,
	receipt    TEXT
);
CREATE INDEX outbox_state ON outbox(state, next_try);
CREATE INDEX outbox_object ON outbox(object_id);

-- Sync cursors and other small state.
CREATE TABLE kv (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- The audit trail: entry seq holds the SHA-256 of entry seq-1 (prev) and
-- its own hash over all its fields.  audit_head repeats the last entry so
-- that cutting entries off the end is noticed too.  Never personal data.
CREATE TABLE audit (
	seq    INTEGER PRIMARY KEY,
	time   INTEGER NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	prev   TEXT NOT NULL,
	hash   TEXT NOT NULL
);
CREATE TABLE audit_head (
	one  INTEGER PRIMARY KEY CHECK (one = 1),
	seq  INTEGER NOT NULL,
	hash TEXT NOT NULL
);
