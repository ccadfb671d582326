/*
 * data_interview.c - interviews: create, load, list with progress and sync
 * state, the status machine of issue 8, resume position, read-only note,
 * and deletion at the respondent's request.
 */
#include "store/data_int.h"

#include <string.h>

static const char *const iv_status_names[] = {
#define STORE_IV_NAME_(name, str) str,
	STORE_IV_STATUS_LIST(STORE_IV_NAME_)
#undef STORE_IV_NAME_
};

/*
 * Allowed transitions, row = from, column = to (see data.h).  A decision
 * may arrive before this device marked the interview submitted, so
 * completed and resubmitted may go straight to approved or returned.
 */
static const bool iv_transitions[STORE_IV_N_STATUS][STORE_IV_N_STATUS] = {
	/*                  draft  compl  subm   appr   retd   resub */
	[STORE_IV_DRAFT]       = { 0, 1, 0, 0, 0, 0 },
	[STORE_IV_COMPLETED]   = { 0, 0, 1, 1, 1, 0 },
	[STORE_IV_SUBMITTED]   = { 0, 0, 0, 1, 1, 0 },
	[STORE_IV_APPROVED]    = { 0, 0, 0, 0, 0, 0 },
	[STORE_IV_RETURNED]    = { 0, 0, 0, 0, 0, 1 },
	[STORE_IV_RESUBMITTED] = { 0, 0, 1, 1, 1, 0 },
};

const char *store_iv_status_name(enum store_iv_status s)
{
	if ((unsigned)s >= STORE_IV_N_STATUS)
		return "unknown";
	return iv_status_names[s];
}

bool store_iv_status_parse(const char *name, enum store_iv_status *out)
{
	unsigned i;

	for (i = 0; name && i < STORE_IV_N_STATUS; i++)
		if (!strcmp(name, iv_status_names[i])) {
			*out = (enum store_iv_status)i;
			return true;
		}
	return false;
}

bool store_iv_transition_ok(enum store_iv_status from, enum store_iv_status to)
{
	if ((unsigned)from >= STORE_IV_N_STATUS || (unsigned)to >= STORE_IV_N_STATUS)
		return false;
	return iv_transitions[from][to];
}

void store_interview_init(struct store_interview *iv)
{
	static const struct store_interview blank = STORE_INTERVIEW_INIT;

	*iv = blank;
}

void store_interview_release(struct store_interview *iv)
{
	free(iv->form_id);
	free(iv->form_version);
	free(iv->language);
	free(iv->respondent);
	free(iv->position);
	free(iv->readonly_note);
	free(iv->meta);
	store_interview_init(iv);
}

void store_interview_list_release(struct store_interview_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_interview_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

#define IV_COLS "i.id, i.seq, i.form_id, i.form_version, i.language, i.status, " \
	"i.respondent, i.position, i.progress_done, i.progress_total, i.amendment, " \
	"i.readonly_note, i.created, i.updated, " \
	"i.n_answers, i.sync_state, i.meta"

static status_t iv_from_row(sqlite3_stmt *s, struct store_interview *iv)
{
	const char *status = (const char *)sqlite3_column_text(s, 5);
	const char *sync = (const char *)sqlite3_column_text(s, 15);
	enum store_outbox_state os;

	store_interview_init(iv);
	data_col_copy(s, 0, iv->id, sizeof(iv->id));
	iv->seq = sqlite3_column_int64(s, 1);
	iv->form_id = data_col_dup0(s, 2);
	iv->form_version = data_col_dup0(s, 3);
	iv->language = data_col_dup0(s, 4);
	iv->respondent = data_col_dup(s, 6);
	iv->position = data_col_dup(s, 7);
	iv->progress_done = sqlite3_column_int(s, 8);
	iv->progress_total = sqlite3_column_int(s, 9);
	iv->amendment = sqlite3_column_int(s, 10);
	iv->readonly_note = data_col_dup(s, 11);
	iv->created = sqlite3_column_int64(s, 12);
	iv->updated = sqlite3_column_int64(s, 13);
	iv->n_answers = sqlite3_column_int(s, 14);
	iv->meta = data_col_dup0(s, 16);
	if (sync && store_outbox_state_parse(sync, &os))
		iv->sync_state = (int)os;
	if (!store_iv_status_parse(status, &iv->status))
		return st_error(ST_DAMAGED, "interview %lld has an unknown status",
				(long long)iv->seq);
	return ST_OK;
}

/* Run a query of IV_COLS rows, appending to out (or filling one). */
static status_t iv_query(struct store *st, sqlite3_stmt *s,
			 struct store_interview_list *out, struct store_interview *one)
{
	status_t ret = ST_OK;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (one) {
			if ((ret = iv_from_row(s, one)))
				store_interview_release(one);
			rc = SQLITE_DONE;
			break;
		}
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		ret = iv_from_row(s, &out->v[out->n++]);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading interviews");
	sqlite3_finalize(s);
	return ret;
}

/* One interview by a prepared query with its key bound; what names it in the error. */
static status_t iv_get_one(struct store *st, sqlite3_stmt *s, struct store_interview *out,
			   const char *what)
{
	status_t ret;

	out->seq = -1;
	if ((ret = iv_query(st, s, NULL, out)))
		return ret;
	if (out->seq == -1) {
		out->seq = 0;
		return st_error(ST_NOTFOUND, "no interview %s", what);
	}
	return ST_OK;
}

status_t store_interview_get(struct store *st, const char *id,
			     struct store_interview *out)
{
	sqlite3_stmt *s;
	status_t ret;

	store_interview_init(out);
	if ((ret = data_prepare(st, &s, "SELECT " IV_COLS " FROM interviews i WHERE i.id = ?")))
		return ret;
	data_bind_text(s, 1, id);
	return iv_get_one(st, s, out, id);
}

status_t store_interview_get_seq(struct store *st, int64_t seq,
				 struct store_interview *out)
{
	sqlite3_stmt *s;
	status_t ret;
	char what[24];

	store_interview_init(out);
	if ((ret = data_prepare(st, &s, "SELECT " IV_COLS " FROM interviews i WHERE i.seq = ?")))
		return ret;
	sqlite3_bind_int64(s, 1, seq);
	snprintf(what, sizeof(what), "%lld", (long long)seq);
	return iv_get_one(st, s, out, what);
}

status_t store_interviews_list(struct store *st, unsigned status_mask,
			       struct store_interview_list *out)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *s;
	status_t ret;
	unsigned i;
	int n = 0;

	strbuf_addstr(&sql, "SELECT " IV_COLS " FROM interviews i");
	if (status_mask) {
		strbuf_addstr(&sql, " WHERE i.status IN (");
		for (i = 0; i < STORE_IV_N_STATUS; i++)
			if (status_mask & STORE_IV_BIT(i))
				strbuf_addf(&sql, "%s'%s'", n++ ? ", " : "", iv_status_names[i]);
		strbuf_addstr(&sql, n ? ")" : "'')");
	}
	strbuf_addstr(&sql, " ORDER BY i.updated DESC, i.seq DESC");
	ret = data_prepare(st, &s, sql.buf);
	strbuf_release(&sql);
	if (ret)
		return ret;
	return iv_query(st, s, out, NULL);
}

/*
 * The twelve columns of an interview row, numbered as both the INSERT of a
 * new interview and the import's INSERT or UPDATE number them (?1..?12).
 */
static void iv_bind_row(sqlite3_stmt *s, const struct store_interview *iv, int64_t now)
{
	data_bind_text(s, 1, iv->id);
	data_bind_text(s, 2, iv->form_id);
	data_bind_text(s, 3, iv->form_version);
	data_bind_text(s, 4, iv->language);
	data_bind_text(s, 5, iv_status_names[iv->status]);
	data_bind_text(s, 6, iv->respondent);
	data_bind_text(s, 7, iv->position);
	sqlite3_bind_int(s, 8, iv->progress_done);
	sqlite3_bind_int(s, 9, iv->progress_total);
	sqlite3_bind_int64(s, 10, now);
	sqlite3_bind_int64(s, 11, now);
	data_bind_text(s, 12, iv->meta ? iv->meta : "{}");
}

status_t store_interview_create(struct store *st, struct store_interview *iv)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!iv->form_id || !*iv->form_id || !iv->form_version || !*iv->form_version ||
	    !iv->language || !*iv->language)
		return st_error(ST_INVALID, "an interview needs a form id, form version and language");
	if ((unsigned)iv->status >= STORE_IV_N_STATUS)
		return st_error(ST_INVALID, "unknown interview status");
	if (!iv->id[0])
		uuid_v4(iv->id);
	else if (!data_is_uuid(iv->id))
		return st_error(ST_INVALID, "interview id is not a UUID");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_prepare(st, &s, "INSERT INTO interviews (id, form_id, form_version, "
				"language, status, respondent, position, progress_done, "
				"progress_total, created, updated, meta) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
		return data_tx_end(&tx, ret);
	iv_bind_row(s, iv, now);
	if ((ret = data_run(st, s, "creating the interview"))) {
		if (ret == ST_EXISTS)
			ret = st_error(ST_EXISTS, "interview %s already exists", iv->id);
		return data_tx_end(&tx, ret);
	}
	iv->seq = sqlite3_last_insert_rowid(st->db);
	iv->created = iv->updated = now;
	ret = audit_append(st, "interview.create", iv->id, "form %s %s, %s, %s",
			   iv->form_id, iv->form_version, iv->language,
			   iv_status_names[iv->status]);
	return data_tx_end(&tx, ret);
}

status_t data_iv_state(struct store *st, const char *id, enum store_iv_status *status,
		       bool *readonly)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT status, readonly_note IS NOT NULL "
				"FROM interviews WHERE id = ?")))
		return ret;
	data_bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (!store_iv_status_parse((const char *)sqlite3_column_text(s, 0), status))
			ret = st_error(ST_DAMAGED, "interview %s has an unknown status", id);
		if (readonly)
			*readonly = sqlite3_column_int(s, 1) != 0;
	} else if (rc == SQLITE_DONE) {
		ret = st_error(ST_NOTFOUND, "no interview %s", id ? id : "(null)");
	} else {
		ret = data_err(st, rc, "reading the interview");
	}
	sqlite3_finalize(s);
	return ret;
}

status_t store_interview_set_status(struct store *st, const char *id,
				    enum store_iv_status to)
{
	enum store_iv_status from;
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;

	if ((unsigned)to >= STORE_IV_N_STATUS)
		return st_error(ST_INVALID, "unknown interview status");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, id, &from, NULL)) || from == to)
		return data_tx_end(&tx, ret);
	if (!iv_transitions[from][to])
		return data_tx_end(&tx, st_error(ST_STATE, "interview %s: cannot go from %s to %s",
						 id, iv_status_names[from], iv_status_names[to]));
	if ((ret = data_prepare(st, &s, "UPDATE interviews SET status = ?, updated = ? WHERE id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, iv_status_names[to]);
	sqlite3_bind_int64(s, 2, util_now());
	data_bind_text(s, 3, id);
	if (!(ret = data_run(st, s, "changing the interview status")))
		ret = audit_append(st, "interview.status", id, "%s -> %s",
				   iv_status_names[from], iv_status_names[to]);
	return data_tx_end(&tx, ret);
}

/*
 * One UPDATE of an interview plus its audit entry.  sql has the new values
 * as ?1 (text or NULL) and ?2 .. ?3 (ints), the time as ?4 and the id as ?5.
 */
static status_t iv_update(struct store *st, const char *id, const char *sql,
			  const char *text, int a, int b, const char *action,
			  const char *detail)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, sql)))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, text);
	sqlite3_bind_int(s, 2, a);
	sqlite3_bind_int(s, 3, b);
	sqlite3_bind_int64(s, 4, util_now());
	data_bind_text(s, 5, id);
	if (!(ret = data_run(st, s, "updating the interview")))
		ret = audit_append(st, action, id, "%s", detail);
	return data_tx_end(&tx, ret);
}

status_t store_interview_set_position(struct store *st, const char *id,
				      const char *position, int progress_done,
				      int progress_total)
{
	char detail[64];

	snprintf(detail, sizeof(detail), "progress %d/%d", progress_done, progress_total);
	return iv_update(st, id, "UPDATE interviews SET position = ?1, progress_done = ?2, "
			 "progress_total = ?3, updated = ?4 WHERE id = ?5",
			 position, progress_done, progress_total, "interview.position", detail);
}

status_t store_interview_set_respondent(struct store *st, const char *id,
					const char *respondent)
{
	/* The name itself never goes into the audit trail. */
	return iv_update(st, id, "UPDATE interviews SET respondent = ?1, updated = ?4 "
			 "WHERE id = ?5", respondent, 0, 0,
			 "interview.respondent", respondent ? "name changed" : "name cleared");
}

status_t store_interview_set_language(struct store *st, const char *id,
				      const char *language)
{
	if (!language || !*language || strlen(language) > 16)
		return st_error(ST_INVALID, "invalid language code");
	return iv_update(st, id, "UPDATE interviews SET language = ?1, updated = ?4 "
			 "WHERE id = ?5", language, 0, 0,
			 "interview.language", language);
}

status_t store_interview_set_meta(struct store *st, const char *id, const char *meta)
{
	return iv_update(st, id, "UPDATE interviews SET meta = coalesce(?1, '{}'), updated = ?4 "
			 "WHERE id = ?5", meta, 0, 0, "interview.meta", "metadata changed");
}

/*
 * Import: replace an existing interview's fields and answers, or create
 * it.  The seq of an existing interview is kept, so the caseworker's
 * number for it never changes.
 */
status_t store_interview_import(struct store *st, struct store_interview *iv,
				const struct store_answer_list *answers)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	size_t i;
	bool exists;
	int64_t now = util_now();

	if (!data_is_uuid(iv->id))
		return st_error(ST_INVALID, "an imported interview needs its UUID");
	if (!iv->form_id || !*iv->form_id || !iv->form_version || !*iv->form_version ||
	    !iv->language || !*iv->language || (unsigned)iv->status >= STORE_IV_N_STATUS)
		return st_error(ST_INVALID, "an interview needs a form id, form version and language");
	for (i = 0; answers && i < answers->n; i++)
		if ((ret = data_answer_check_path(answers->v[i].path)))
			return ret;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	ret = data_iv_state(st, iv->id, &(enum store_iv_status){ 0 }, NULL);
	exists = ret == ST_OK;
	if (ret == ST_NOTFOUND)
		ret = ST_OK;
	if (ret)
		return data_tx_end(&tx, ret);
	if (exists)
		ret = data_prepare(st, &s, "UPDATE interviews SET form_id = ?2, form_version = ?3, "
				   "language = ?4, status = ?5, respondent = ?6, position = ?7, "
				   "progress_done = ?8, progress_total = ?9, updated = ?11, "
				   "meta = ?12 WHERE id = ?1");
	else
		ret = data_prepare(st, &s, "INSERT INTO interviews (id, form_id, form_version, "
				   "language, status, respondent, position, progress_done, "
				   "progress_total, created, updated, meta) "
				   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
	if (ret)
		return data_tx_end(&tx, ret);
	iv_bind_row(s, iv, now);
	if ((ret = data_run(st, s, "importing the interview")))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "DELETE FROM answers WHERE interview_id = ?")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, iv->id);
	ret = data_run(st, s, "importing the interview");
	if (!ret)
		ret = data_answers_write(st, iv->id, answers, now);
	if (!ret && (ret = data_prepare(st, &s, "SELECT seq, created FROM interviews WHERE id = ?")) == ST_OK) {
		data_bind_text(s, 1, iv->id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			iv->seq = sqlite3_column_int64(s, 0);
			iv->created = sqlite3_column_int64(s, 1);
			iv->updated = now;
		}
		sqlite3_finalize(s);
	}
	if (!ret)
		ret = audit_append(st, "interview.import", iv->id, "%s, %s, %zu answers",
				   exists ? "replaced" : "new", iv_status_names[iv->status],
				   answers ? answers->n : 0);
	return data_tx_end(&tx, ret);
}

status_t store_interview_set_readonly(struct store *st, const char *id,
				      const char *note)
{
	return iv_update(st, id, "UPDATE interviews SET readonly_note = ?1, updated = ?4 "
			 "WHERE id = ?5", note, 0, 0,
			 "interview.readonly", note ? "read-only" : "editable");
}

/* DELETE ... WHERE <column> = id for each table holding interview data. */
static const char *const iv_delete_sql[] = {
	"DELETE FROM outbox WHERE object_id = ?1 OR object_id IN "
	"(SELECT id FROM referrals WHERE interview_id = ?1) OR object_id IN "
	"(SELECT id FROM decisions WHERE interview_id = ?1)",
	"DELETE FROM answers WHERE interview_id = ?1",
	/* Referral payloads held until approval, and conflict notes (review.c). */
	"DELETE FROM kv WHERE key IN (SELECT 'referral.held.' || id FROM referrals "
	"WHERE interview_id = ?1) OR key LIKE 'conflict.other.' || ?1 || '.%'",
	"DELETE FROM referrals WHERE interview_id = ?1",
	"DELETE FROM decisions WHERE interview_id = ?1",
	"DELETE FROM comments WHERE interview_id = ?1",
	"DELETE FROM conflicts WHERE interview_id = ?1",
	"DELETE FROM interviews WHERE id = ?1",
};

status_t store_interview_delete(struct store *st, const char *id)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	size_t i;

	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	for (i = 0; !ret && i < ARRAY_SIZE(iv_delete_sql); i++) {
		if ((ret = data_prepare(st, &s, iv_delete_sql[i])))
			break;
		data_bind_text(s, 1, id);
		ret = data_run(st, s, "deleting the interview");
	}
	if (!ret)
		ret = audit_append(st, "interview.delete", id, "deleted with its answers");
	return data_tx_end(&tx, ret);
}
