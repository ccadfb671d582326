-- 0004_list_counts.sql - keep each interview's answer count and sync state
-- on the interview row, maintained by triggers, so that listing thousands
-- of interviews (the case list, the supervisor's queue) reads only the
-- interview pages instead of counting every answer: on an encrypted store
-- each page read is a decryption.

ALTER TABLE interviews ADD COLUMN n_answers INTEGER NOT NULL DEFAULT 0;
-- The state of the newest outbox item about the interview, NULL if none.
ALTER TABLE interviews ADD COLUMN sync_state TEXT;

UPDATE interviews SET
	n_answers = (SELECT count(*) FROM answers a WHERE a.interview_id = interviews.id),
	sync_state = (SELECT o.state FROM outbox o WHERE o.object_id = interviews.id
		      ORDER BY o.seq DESC LIMIT 1);

-- An upsert of an existing answer fires UPDATE, which changes no count.
CREATE TRIGGER answers_count_insert AFTER INSERT ON answers BEGIN
	UPDATE interviews SET n_answers = n_answers + 1 WHERE id = NEW.interview_id;
END;
CREATE TRIGGER answers_count_delete AFTER DELETE ON answers BEGIN
	UPDATE interviews SET n_answers = n_answers - 1 WHERE id = OLD.interview_id;
END;

CREATE TRIGGER outbox_sync_insert AFTER INSERT ON outbox BEGIN
	UPDATE interviews SET sync_state = NEW.state WHERE id = NEW.object_id;
END;
CREATE TRIGGER outbox_sync_update AFTER UPDATE OF state ON outbox BEGIN
	UPDATE interviews SET sync_state = (SELECT o.state FROM outbox o
		WHERE o.object_id = NEW.object_id ORDER BY o.seq DESC LIMIT 1)
	WHERE id = NEW.object_id;
END;
CREATE TRIGGER outbox_sync_delete AFTER DELETE ON outbox BEGIN
	UPDATE interviews SET sync_state = (SELECT o.state FROM outbox o
		WHERE o.object_id = OLD.object_id ORDER BY o.seq DESC LIMIT 1)
	WHERE id = OLD.object_id;
END;
