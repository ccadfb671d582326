/*
 * data_conflict.c - conflicts: a caseworker's amendment and a supervisor's
 * decision crossed on the same question.  Both values are kept until a
 * person picks one; resolving writes the chosen value as an amendment and
 * closes the conflict in the same transaction, so neither side's value is
 * ever silently overwritten.
 */
#include "store/data_int.h"

#include <string.h>

void store_conflict_release(struct store_conflict *c)
{
	free(c->interview_id);
	free(c->path);
	free(c->local_value);
	free(c->remote_value);
	free(c->resolution);
	memset(c, 0, sizeof(*c));
}

void store_conflict_list_release(struct store_conflict_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_conflict_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

status_t store_conflict_add(struct store *st, struct store_conflict *c)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!c->path)
		return st_error(ST_INVALID, "a conflict needs a question path (\"\" for the status)");
	if (*c->path && (ret = data_answer_check_path(c->path)))
		return ret;
	uuid_v4(c->id);
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, c->interview_id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "INSERT INTO conflicts (id, interview_id, path, "
				"local_value, remote_value, created) VALUES (?, ?, ?, ?, ?, ?)")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, c->id);
	data_bind_text(s, 2, c->interview_id);
	data_bind_text(s, 3, c->path);
	data_bind_text(s, 4, c->local_value);
	data_bind_text(s, 5, c->remote_value);
	sqlite3_bind_int64(s, 6, now);
	if (!(ret = data_run(st, s, "recording the conflict"))) {
		c->seq = sqlite3_last_insert_rowid(st->db);
		c->created = now;
		c->resolved = 0;
		ret = audit_append(st, "conflict.add", c->id, "interview %s at %s",
				   c->interview_id, *c->path ? c->path : "(status)");
	}
	return data_tx_end(&tx, ret);
}

status_t store_conflicts_load(struct store *st, const char *interview_id,
			      bool open_only, struct store_conflict_list *out)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT seq, id, interview_id, path, local_value, "
				"remote_value, resolution, created, resolved FROM conflicts "
				"WHERE (?1 IS NULL OR interview_id = ?1) "
				"AND (?2 = 0 OR resolution IS NULL) ORDER BY seq")))
		return ret;
	data_bind_text(s, 1, interview_id);
	sqlite3_bind_int(s, 2, open_only);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_conflict *c;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		c = &out->v[out->n++];
		memset(c, 0, sizeof(*c));
		c->seq = sqlite3_column_int64(s, 0);
		data_col_copy(s, 1, c->id, sizeof(c->id));
		c->interview_id = data_col_dup0(s, 2);
		c->path = data_col_dup0(s, 3);
		c->local_value = data_col_dup(s, 4);
		c->remote_value = data_col_dup(s, 5);
		c->resolution = data_col_dup(s, 6);
		c->created = sqlite3_column_int64(s, 7);
		c->resolved = sqlite3_column_int64(s, 8);
	}
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading conflicts");
	sqlite3_finalize(s);
	return ret;
}

static const char *const conflict_resolutions[] = { "local", "remote", "other" };

/* {"by":actor,"path":path,"resolution":r}, canonical (sorted, compact). */
static char *resolution_payload(const char *path, const char *resolution)
{
	struct strbuf sb = STRBUF_INIT;
	const char *parts[3][2] = {
		{ "by", data_actor() }, { "path", path }, { "resolution", resolution },
	};

	strbuf_addch(&sb, '{');
	for (size_t i = 0; i < 3; i++) {
		strbuf_addf(&sb, "%s\"%s\":\"", i ? "," : "", parts[i][0]);
		/* Paths and actors are ids ("members[2].age"), but quote safely. */
		for (const char *c = parts[i][1]; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(&sb, '\\');
			if ((unsigned char)*c >= 0x20)
				strbuf_addch(&sb, *c);
		}
		strbuf_addch(&sb, '"');
	}
	strbuf_addch(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

status_t store_conflict_resolve(struct store *st, const char *id,
				const char *value, const char *resolution)
{
	char *iv = NULL, *path = NULL;
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	bool readonly = false, open = false, known = false;
	size_t i;
	int rc;
	int64_t now = util_now();

	for (i = 0; resolution && i < ARRAY_SIZE(conflict_resolutions); i++)
		known = known || !strcmp(resolution, conflict_resolutions[i]);
	if (!known)
		return st_error(ST_INVALID, "a resolution is local, remote or other");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "SELECT interview_id, path, resolution IS NULL "
				"FROM conflicts WHERE id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		iv = data_col_dup0(s, 0);
		path = data_col_dup0(s, 1);
		open = sqlite3_column_int(s, 2) != 0;
	} else if (rc == SQLITE_DONE) {
		ret = st_error(ST_NOTFOUND, "no conflict %s", id ? id : "(null)");
	} else {
		ret = data_err(st, rc, "reading the conflict");
	}
	sqlite3_finalize(s);
	if (!ret && !open)
		ret = st_error(ST_STATE, "conflict %s is already resolved", id);
	if (!ret)
		ret = data_iv_state(st, iv, &(enum store_iv_status){ 0 }, &readonly);
	if (!ret && readonly)
		ret = st_error(ST_STATE, "interview %s is read-only", iv);
	if (!ret && *path) {
		ret = data_answer_write(st, iv, path, value, now);
		if (!ret && !(ret = data_prepare(st, &s, "UPDATE interviews SET updated = ?1, "
						 "amendment = amendment + 1 WHERE id = ?2"))) {
			sqlite3_bind_int64(s, 1, now);
			data_bind_text(s, 2, iv);
			ret = data_run(st, s, "resolving the conflict");
		}
	}
	if (!ret && !(ret = data_prepare(st, &s, "UPDATE conflicts SET resolution = ?1, "
					 "resolved = ?2 WHERE id = ?3"))) {
		data_bind_text(s, 1, resolution);
		sqlite3_bind_int64(s, 2, now);
		data_bind_text(s, 3, id);
		ret = data_run(st, s, "resolving the conflict");
	}
	if (!ret)
		ret = audit_append(st, "conflict.resolve", id, "interview %s at %s: %s", iv,
				   *path ? path : "(status)", resolution);
	/*
	 * The other side learns it was resolved, how and by whom, never the
	 * value: the server relays this to the other device, whose own
	 * conflict stays for a person there (nothing is overwritten).
	 */
	if (!ret) {
		char *pl = resolution_payload(path, resolution);
		ret = store_outbox_add(st, "resolution", iv, pl, NULL);
		free(pl);
	}
	free(iv);
	free(path);
	return data_tx_end(&tx, ret);
}
