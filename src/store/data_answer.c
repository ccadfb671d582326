/*
 * data_answer.c - answers: the autosave of one answer (one transaction,
 * committed before the console moves on), amendments after completion,
 * replacing a repeat group when a member is removed, and loading.
 */
#include "store/data_int.h"

#include <string.h>

void store_answer_list_release(struct store_answer_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void store_answer_list_add(struct store_answer_list *l, const char *path,
			   const char *value, int64_t changed)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n].path = xstrdup(path);
	l->v[l->n].value = xstrdup(value ? value : "");
	l->v[l->n].changed = changed;
	l->n++;
}

/* Paths come from the form engine; refuse what cannot be one, before writing. */
status_t data_answer_check_path(const char *path)
{
	const char *p;

	if (!path || !*path || strlen(path) > 512)
		return st_error(ST_INVALID, "invalid question path");
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return st_error(ST_INVALID, "invalid question path");
	return ST_OK;
}

/* Upsert or delete one answer row; the caller holds the transaction. */
status_t data_answer_write(struct store *st, const char *iv, const char *path,
			     const char *value, int64_t changed)
{
	sqlite3_stmt *s;
	status_t ret;

	if (value)
		ret = data_prepare(st, &s, "INSERT INTO answers (interview_id, path, value, changed) "
				   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (interview_id, path) "
				   "DO UPDATE SET value = excluded.value, changed = excluded.changed");
	else
		ret = data_prepare(st, &s, "DELETE FROM answers WHERE interview_id = ?1 AND path = ?2");
	if (ret)
		return ret;
	data_bind_text(s, 1, iv);
	data_bind_text(s, 2, path);
	data_bind_text(s, 3, value);
	sqlite3_bind_int64(s, 4, changed);
	return data_run(st, s, "saving the answer");
}

/*
 * Write a whole answer set with one prepared statement: importing a
 * supervisor's queue writes thousands of answers, and preparing the same
 * upsert for each would cost more than the writes themselves.
 */
status_t data_answers_write(struct store *st, const char *iv,
			    const struct store_answer_list *set, int64_t now)
{
	sqlite3_stmt *s;
	status_t ret;
	size_t i;
	int rc;

	if (!set || !set->n)
		return ST_OK;
	if ((ret = data_prepare(st, &s, "INSERT INTO answers (interview_id, path, value, changed) "
				"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (interview_id, path) "
				"DO UPDATE SET value = excluded.value, changed = excluded.changed")))
		return ret;
	data_bind_text(s, 1, iv);
	for (i = 0; !ret && i < set->n; i++) {
		data_bind_text(s, 2, set->v[i].path);
		data_bind_text(s, 3, set->v[i].value ? set->v[i].value : "");
		sqlite3_bind_int64(s, 4, set->v[i].changed ? set->v[i].changed : now);
		rc = sqlite3_step(s);
		if (rc != SQLITE_DONE)
			ret = data_err(st, rc, "saving answers");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return ret;
}

/* Touch the interview: updated time, resume position, amendment count. */
static status_t answer_touch(struct store *st, const char *iv, const char *resume_at,
			     bool amend, int64_t now)
{
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = data_prepare(st, &s, "UPDATE interviews SET updated = ?1, "
				"position = coalesce(?2, position), amendment = amendment + ?3 "
				"WHERE id = ?4")))
		return ret;
	sqlite3_bind_int64(s, 1, now);
	data_bind_text(s, 2, resume_at);
	sqlite3_bind_int(s, 3, amend ? 1 : 0);
	data_bind_text(s, 4, iv);
	return data_run(st, s, "saving the answer");
}

/*
 * The shared body of save and amend: which statuses may be edited is the
 * only difference.
 */
static status_t answer_store(struct store *st, const char *iv, const char *path,
			     const char *value, const char *resume_at, bool amend_any)
{
	enum store_iv_status status;
	bool readonly, amend;
	struct data_tx tx;
	status_t ret;
	int64_t now = util_now();

	if ((ret = data_answer_check_path(path)))
		return ret;
	if (resume_at && (ret = data_answer_check_path(resume_at)))
		return ret;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, iv, &status, &readonly)))
		return data_tx_end(&tx, ret);
	if (readonly)
		return data_tx_end(&tx, st_error(ST_STATE, "interview %s is read-only", iv));
	if (!amend_any && status != STORE_IV_DRAFT && status != STORE_IV_RETURNED)
		return data_tx_end(&tx, st_error(ST_STATE, "interview %s is %s; amend it to edit",
						 iv, store_iv_status_name(status)));
	amend = status != STORE_IV_DRAFT;
	if (!(ret = data_answer_write(st, iv, path, value, now)) &&
	    !(ret = answer_touch(st, iv, resume_at, amend, now)))
		ret = audit_append(st, amend ? "answer.amend" : "answer.save", iv, "%s %s",
				   path, value ? "set" : "cleared");
	return data_tx_end(&tx, ret);
}

status_t store_answer_save(struct store *st, const char *interview_id,
			   const char *path, const char *value,
			   const char *resume_at)
{
	return answer_store(st, interview_id, path, value, resume_at, false);
}

status_t store_answer_amend(struct store *st, const char *interview_id,
			    const char *path, const char *value)
{
	return answer_store(st, interview_id, path, value, NULL, true);
}

status_t store_answers_replace(struct store *st, const char *interview_id,
			       const char *prefix,
			       const struct store_answer_list *set)
{
	enum store_iv_status status;
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	bool readonly;
	size_t i;
	int64_t now = util_now();

	if (!prefix || !*prefix)
		return st_error(ST_INVALID, "answers replace needs a path prefix");
	for (i = 0; set && i < set->n; i++)
		if ((ret = data_answer_check_path(set->v[i].path)))
			return ret;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, interview_id, &status, &readonly)))
		return data_tx_end(&tx, ret);
	if (readonly)
		return data_tx_end(&tx, st_error(ST_STATE, "interview %s is read-only",
						 interview_id));
	/* substr() rather than LIKE: paths hold '[' and '_' literally. */
	if ((ret = data_prepare(st, &s, "DELETE FROM answers WHERE interview_id = ?1 "
				"AND substr(path, 1, length(?2)) = ?2")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, interview_id);
	data_bind_text(s, 2, prefix);
	ret = data_run(st, s, "replacing answers");
	if (!ret)
		ret = data_answers_write(st, interview_id, set, now);
	if (!ret)
		ret = answer_touch(st, interview_id, NULL, status != STORE_IV_DRAFT, now);
	if (!ret)
		ret = audit_append(st, "answer.replace", interview_id, "%s* (%zu answers)",
				   prefix, set ? set->n : 0);
	return data_tx_end(&tx, ret);
}

status_t store_answer_get(struct store *st, const char *interview_id,
			  const char *path, char **value)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	*value = NULL;
	if ((ret = data_prepare(st, &s, "SELECT value FROM answers "
				"WHERE interview_id = ? AND path = ?")))
		return ret;
	data_bind_text(s, 1, interview_id);
	data_bind_text(s, 2, path);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = data_col_dup0(s, 0);
	else if (rc == SQLITE_DONE)
		ret = st_error(ST_NOTFOUND, "no answer at %s", path ? path : "(null)");
	else
		ret = data_err(st, rc, "reading the answer");
	sqlite3_finalize(s);
	return ret;
}

status_t store_answers_load(struct store *st, const char *interview_id,
			    struct store_answer_list *out)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT path, value, changed FROM answers "
				"WHERE interview_id = ? ORDER BY path")))
		return ret;
	data_bind_text(s, 1, interview_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		out->v[out->n].path = data_col_dup0(s, 0);
		out->v[out->n].value = data_col_dup0(s, 1);
		out->v[out->n].changed = sqlite3_column_int64(s, 2);
		out->n++;
	}
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading answers");
	sqlite3_finalize(s);
	return ret;
}
