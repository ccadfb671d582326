/*
 * data_review.c - supervisor review: decisions (approve, return, escalate)
 * and comments, on the whole interview or on one question.  Recording a
 * decision does not move the interview's status; the app does both in one
 * transaction so the state machine stays in one place (data_interview.c).
 */
#include "store/data_int.h"

#include <string.h>

void store_decision_release(struct store_decision *d)
{
	free(d->interview_id);
	free(d->kind);
	free(d->author);
	free(d->text);
	memset(d, 0, sizeof(*d));
}

void store_decision_list_release(struct store_decision_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_decision_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

void store_comment_release(struct store_comment *c)
{
	free(c->interview_id);
	free(c->decision_id);
	free(c->path);
	free(c->author);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

void store_comment_list_release(struct store_comment_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		store_comment_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* Checks shared by decisions and comments: an id given must be a UUID
 * (records from the server keep theirs), and text has a documented limit. */
static status_t review_check(const char *id, const char *text)
{
	if (id[0] && !data_is_uuid(id))
		return st_error(ST_INVALID, "review record id is not a UUID");
	if (text && strlen(text) > STORE_COMMENT_MAX)
		return st_error(ST_INVALID, "comment is longer than %d bytes", STORE_COMMENT_MAX);
	return ST_OK;
}

status_t store_decision_add(struct store *st, struct store_decision *d)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!d->kind || !*d->kind || !d->author || !*d->author)
		return st_error(ST_INVALID, "a decision needs a kind and an author");
	if ((ret = review_check(d->id, d->text)))
		return ret;
	if (!d->id[0])
		uuid_v4(d->id);
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, d->interview_id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "INSERT INTO decisions (id, interview_id, kind, author, "
				"text, created) VALUES (?, ?, ?, ?, ?, ?)")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, d->id);
	data_bind_text(s, 2, d->interview_id);
	data_bind_text(s, 3, d->kind);
	data_bind_text(s, 4, d->author);
	data_bind_text(s, 5, d->text ? d->text : "");
	sqlite3_bind_int64(s, 6, now);
	if (!(ret = data_run(st, s, "recording the decision"))) {
		d->seq = sqlite3_last_insert_rowid(st->db);
		d->created = now;
		ret = audit_append(st, "decision.add", d->id, "%s on interview %s",
				   d->kind, d->interview_id);
	}
	return data_tx_end(&tx, ret);
}

status_t store_decisions_load(struct store *st, const char *interview_id,
			      struct store_decision_list *out)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT seq, id, interview_id, kind, author, text, "
				"created FROM decisions WHERE interview_id = ? ORDER BY seq")))
		return ret;
	data_bind_text(s, 1, interview_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_decision *d;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		d = &out->v[out->n++];
		memset(d, 0, sizeof(*d));
		d->seq = sqlite3_column_int64(s, 0);
		data_col_copy(s, 1, d->id, sizeof(d->id));
		d->interview_id = data_col_dup0(s, 2);
		d->kind = data_col_dup0(s, 3);
		d->author = data_col_dup0(s, 4);
		d->text = data_col_dup0(s, 5);
		d->created = sqlite3_column_int64(s, 6);
	}
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading decisions");
	sqlite3_finalize(s);
	return ret;
}

status_t store_comment_add(struct store *st, struct store_comment *c)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;
	int64_t now = util_now();

	if (!c->author || !*c->author || !c->text || !*c->text)
		return st_error(ST_INVALID, "a comment needs an author and text");
	if ((ret = review_check(c->id, c->text)))
		return ret;
	if (!c->id[0])
		uuid_v4(c->id);
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if ((ret = data_iv_state(st, c->interview_id, &(enum store_iv_status){ 0 }, NULL)))
		return data_tx_end(&tx, ret);
	if ((ret = data_prepare(st, &s, "INSERT INTO comments (id, interview_id, decision_id, "
				"path, author, text, created) VALUES (?, ?, ?, ?, ?, ?, ?)")))
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, c->id);
	data_bind_text(s, 2, c->interview_id);
	data_bind_text(s, 3, c->decision_id ? c->decision_id : "");
	data_bind_text(s, 4, c->path ? c->path : "");
	data_bind_text(s, 5, c->author);
	data_bind_text(s, 6, c->text);
	sqlite3_bind_int64(s, 7, now);
	if (!(ret = data_run(st, s, "recording the comment"))) {
		c->seq = sqlite3_last_insert_rowid(st->db);
		c->created = now;
		ret = audit_append(st, "comment.add", c->id, "interview %s at %s",
				   c->interview_id, c->path && *c->path ? c->path : "(overall)");
	}
	return data_tx_end(&tx, ret);
}

status_t store_comments_load(struct store *st, const char *interview_id,
			     struct store_comment_list *out)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT seq, id, interview_id, decision_id, path, "
				"author, text, created FROM comments WHERE interview_id = ? "
				"ORDER BY seq")))
		return ret;
	data_bind_text(s, 1, interview_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_comment *c;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		c = &out->v[out->n++];
		memset(c, 0, sizeof(*c));
		c->seq = sqlite3_column_int64(s, 0);
		data_col_copy(s, 1, c->id, sizeof(c->id));
		c->interview_id = data_col_dup0(s, 2);
		c->decision_id = data_col_dup0(s, 3);
		c->path = data_col_dup0(s, 4);
		c->author = data_col_dup0(s, 5);
		c->text = data_col_dup0(s, 6);
		c->created = sqlite3_column_int64(s, 7);
	}
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading comments");
	sqlite3_finalize(s);
	return ret;
}
