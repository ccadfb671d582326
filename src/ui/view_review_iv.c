/*
 * view_review_iv.c - one interview, read-only, for review: every answer
 * with the comment on its question beside it (the supervisor's notes being
 * written, or the comments of the latest return for the caseworker), the
 * overall comment on top, the form's errors and warnings where no comment
 * is (when the form is installed here), referrals with their state at
 * the end, and open conflicts (crossed edits) at the top, each with both
 * values (and, under one the other side has resolved, what they did:
 * the conflict stays open here until a person picks).  `c` comments on the
 * focused line (the top line is the overall comment), `a` approves, `r`
 * returns with the comments, `e` escalates, `n` goes to the next waiting
 * interview.  On a conflict line `m` keeps this device's value and `t`
 * the other side's (app/conflict.h); on a referral line `x` withdraws the
 * respondent's consent after a confirmation (app_review_revoke), since
 * that cannot be undone.  Nothing else here edits an answer.
 *
 * A caseworker opens a returned interview here from the case list: the
 * comments are the supervisor's, Enter on a question opens the interview
 * at that question to fix it, and F10 resubmits (app_review_resubmit).
 * Approved interviews and those with open conflicts open here too, and
 * `v` in the case list opens any interview here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/conflict.h"
#include "app/review.h"
#include "app/session.h"
#include "ui/lineedit.h"
#include "ui/ui.h"
#include "ui/view_review_iv.h"
#include "util/util.h"

struct riv_line {
	char *path;		/* NULL: the overall comment line */
	char *value;
	bool conflict;		/* an open conflict, value says both sides */
	bool info;		/* a referral or flag line: not a question */
	bool note;		/* under a conflict: what the other side did (info too) */
	char *issue;		/* the form's error or warning here, or NULL */
	bool issue_error;	/* error (else warning) */
	char *ref;		/* the conflict's or the referral's id, or NULL */
};

struct riv_view {
	struct store_interview iv;
	struct riv_line *lines;
	size_t n, alloc;
	struct store_comment_list comments;	/* the latest return's */
	struct app_review_draft draft;		/* the decision being written */
	bool *open_next;
	bool caseworker;	/* a returned interview on the caseworker's device */
	bool cw_device;		/* enrolled as a caseworker: no decisions here */
	bool supervisor;	/* enrolled as a supervisor */
	size_t n_conflicts;
	bool confirming;	/* asked whether to revoke lines[sel]'s referral */
	char *flags;		/* "urgency high, flags gbv uasc" from the queue, or NULL */
	int sel, top;
	bool editing;
	struct ui_line edit;
};

static void riv_lines_release(struct riv_view *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->lines[i].path);
		free(r->lines[i].value);
		free(r->lines[i].issue);
		free(r->lines[i].ref);
	}
	free(r->lines);
	r->lines = NULL;
	r->n = r->alloc = 0;
}

static void riv_add(struct riv_view *r, const char *path, const char *value, bool conflict)
{
	ALLOC_GROW(r->lines, r->n + 1, r->alloc);
	r->lines[r->n].path = path ? xstrdup(path) : NULL;
	r->lines[r->n].value = xstrdup(value ? value : "");
	r->lines[r->n].conflict = conflict;
	r->lines[r->n].info = false;
	r->lines[r->n].note = false;
	r->lines[r->n].issue = NULL;
	r->lines[r->n].issue_error = false;
	r->lines[r->n].ref = NULL;
	r->n++;
}

/*
 * The form's errors and warnings on each answer, when the form is
 * installed here (the supervisor sees what the caseworker saw).
 */
static void riv_issues(struct ui *ui, struct riv_view *r)
{
	struct app_session *s = NULL;
	struct app_issue_list il = { NULL, 0, 0 };
	size_t i, k;

	if (app_session_resume(ui->app, r->iv.id, &s) != ST_OK) {
		st_clear();
		return;
	}
	app_session_issues(s, &il);
	for (i = 0; i < il.n; i++)
		for (k = 0; k < r->n; k++) {
			struct riv_line *l = &r->lines[k];
			if (!l->path || l->conflict || l->info || l->issue || strcmp(l->path, il.v[i].path))
				continue;
			l->issue = xstrdup(*il.v[i].message ? il.v[i].message :
					   il.v[i].kind == APP_ISSUE_REQUIRED ? M(REQUIRED_MARK) :
					   M(REVIEW_UNACKED));
			l->issue_error = il.v[i].kind != APP_ISSUE_WARNING;
		}
	app_issue_list_release(&il);
	app_session_free(s);
}

/*
 * The other side resolved this conflict (its "resolved" feed entry came):
 * say what they did on a line under it.  The conflict stays open here
 * until a person picks; nothing was overwritten.
 */
static void riv_add_other(struct ui *ui, struct riv_view *r, const struct store_conflict *x)
{
	struct app_conflict_other o;
	char *text;

	if (!app_review_conflict_other(ui->app->store, x, &o))
		return;
	text = xasprintf(M(CONFLICT_THERE), ui_msg_who(o.role), o.device, ui_msg_how(o.how));
	riv_add(r, "", text, false);
	r->lines[r->n - 1].info = true;
	r->lines[r->n - 1].note = true;
	free(text);
}

/* Referrals and protection flags, as info lines after the answers. */
static void riv_info(struct ui *ui, struct riv_view *r)
{
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	size_t i;

	if (store_referrals_load(ui->app->store, r->iv.id, &rl) != ST_OK) {
		st_clear();
		return;
	}
	for (i = 0; i < rl.n; i++) {
		char *v = xasprintf(M(RIV_REFERRAL),
				    ui_msg_ref_state(store_ref_state_name(rl.v[i].state)),
				    ui_msg_urgency(rl.v[i].urgency ? rl.v[i].urgency : "normal"),
				    rl.v[i].consent_ok ? "" : M(RIV_NO_CONSENT));
		riv_add(r, rl.v[i].service ? rl.v[i].service : "?", v, false);
		r->lines[r->n - 1].info = true;
		r->lines[r->n - 1].ref = xstrdup(rl.v[i].id);
		free(v);
	}
	store_referral_list_release(&rl);
}

static status_t riv_load(struct ui *ui, struct riv_view *r, const char *id)
{
	struct store *st = ui->app->store;
	struct store_answer_list al = STORE_ANSWER_LIST_INIT;
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	status_t ret;
	size_t i;

	if (!st)
		return st_error(ST_STATE, "the store is locked");
	/* Approved since the last look: its consented referrals are out. */
	if (app_review_settle_referrals(ui->app, NULL) != ST_OK)
		st_clear();
	riv_lines_release(r);
	store_comment_list_release(&r->comments);
	store_interview_release(&r->iv);
	ret = store_interview_get(st, id, &r->iv);
	if (ret == ST_OK)
		ret = store_answers_load(st, id, &al);
	if (ret == ST_OK)
		ret = app_review_comments(ui->app, id, &r->comments);
	if (ret == ST_OK)
		ret = app_conflicts_open(ui->app, id, &xl);
	if (ret == ST_OK) {
		char *role = NULL;
		if (store_kv_get(st, "sync.role", &role) != ST_OK)
			st_clear();
		r->supervisor = role && !strcmp(role, "supervisor");
		r->cw_device = role && !strcmp(role, "caseworker");
		/* Returned to this caseworker, to fix; not once reassigned away. */
		r->caseworker = r->iv.status == STORE_IV_RETURNED && !r->supervisor &&
				!r->iv.readonly_note;
		free(role);
		riv_add(r, NULL, NULL, false);
		/* Crossed edits first: they wait for a person to pick a value. */
		for (i = 0; i < xl.n; i++) {
			char *both = xasprintf(r->supervisor ? M(CONFLICT_SUP) : M(CONFLICT_CW),
					       xl.v[i].local_value ? xl.v[i].local_value :
					       M(CONFLICT_NONE),
					       xl.v[i].remote_value ? xl.v[i].remote_value :
					       M(CONFLICT_NONE));
			riv_add(r, *xl.v[i].path ? xl.v[i].path : M(CONFLICT_STATUS), both, true);
			r->lines[r->n - 1].ref = xstrdup(xl.v[i].id);
			free(both);
			riv_add_other(ui, r, &xl.v[i]);
		}
		r->n_conflicts = xl.n;
		for (i = 0; i < al.n; i++)
			if (!str_ends_with(al.v[i].path, ":ack"))
				riv_add(r, al.v[i].path, al.v[i].value, false);
		riv_info(ui, r);
		if (r->flags) {
			riv_add(r, M(RIV_FLAGS), r->flags, false);
			r->lines[r->n - 1].info = true;
		}
	}
	store_conflict_list_release(&xl);
	store_answer_list_release(&al);
	if (ret == ST_OK)
		riv_issues(ui, r);
	/* A reload may have fewer lines (a conflict resolved): stay inside. */
	if (r->sel >= (int)r->n)
		r->sel = r->n ? (int)r->n - 1 : 0;
	return ret;
}

static void riv_close(struct ui *ui, struct view *v);

/* What the queue knows beyond the answers: urgency and protection flags. */
static char *riv_flags_text(const struct app_review_item *it)
{
	struct strbuf sb = STRBUF_INIT;
	size_t k;

	for (k = 0; k < it->n_flags; k++)
		strbuf_addf(&sb, "%s%s", k ? " " : "", it->flags[k]);
	strbuf_addf(&sb, "%s(%s %s)", sb.len ? "  " : "-  ", M(RQ_COL_URGENCY),
		    view_review_urgency(it));
	return strbuf_detach(&sb, NULL);
}

static bool riv_open(struct ui *ui, struct view *v, void *arg)
{
	const struct view_review_iv_arg *a = arg;
	struct riv_view *r = xcalloc(1, sizeof(*r));
	static const struct app_review_draft blank = APP_REVIEW_DRAFT_INIT;
	status_t st;

	store_interview_init(&r->iv);
	r->draft = blank;
	r->open_next = a->open_next;
	ui_line_init(&r->edit);
	r->edit.max_bytes = 1000;
	if (a->item)
		r->flags = riv_flags_text(a->item);
	st = riv_load(ui, r, a->id);
	if (r->n_conflicts)
		r->sel = 1;	/* on the first conflict */
	v->priv = r;
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		riv_close(ui, v);	/* ui_push does not close a view that failed to open */
		v->priv = NULL;
		return false;
	}
	/* Opening an interview to read it is an access worth recording. */
	if (store_audit_add(ui->app->store, "interview.view", r->iv.id, "review") != ST_OK)
		st_clear();
	return true;
}

/* The comment shown beside a line: the note being written, else the return's. */
static const char *riv_comment(const struct riv_view *r, const struct riv_line *l)
{
	const char *c;

	if (!l->path)
		return r->draft.comment ? r->draft.comment :
		       app_review_comment_at(&r->comments, "");
	c = app_review_draft_get(&r->draft, l->path);
	return c ? c : app_review_comment_at(&r->comments, l->path);
}

/* The hint line's keys, by what the focused line is (from the key map). */
static const struct ui_hint riv_hints_sup[] = {
	{ UI_ACT_COMMENT, UI_MSG_HINT_comment }, { UI_ACT_APPROVE, UI_MSG_HINT_approve },
	{ UI_ACT_RETURN_IV, UI_MSG_HINT_return }, { UI_ACT_ESCALATE, UI_MSG_HINT_escalate },
	{ UI_ACT_NEXT_ITEM, UI_MSG_HINT_next }, { UI_ACT_BACK, UI_MSG_HINT_back },
};
static const struct ui_hint riv_hints_fix[] = {
	{ UI_ACT_SELECT, UI_MSG_HINT_fix }, { UI_ACT_RESUBMIT, UI_MSG_HINT_resubmit },
	{ UI_ACT_BACK, UI_MSG_HINT_back },
};
static const struct ui_hint riv_hints_read[] = {
	{ UI_ACT_REVOKE, UI_MSG_HINT_revoke }, { UI_ACT_BACK, UI_MSG_HINT_back },
};
static const struct ui_hint riv_hints_conflict[] = {
	{ UI_ACT_KEEP_MINE, UI_MSG_HINT_keep_mine }, { UI_ACT_KEEP_THEIRS, UI_MSG_HINT_keep_theirs },
	{ UI_ACT_BACK, UI_MSG_HINT_back },
};

static void riv_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct riv_view *r = v->priv;
	int rows = scr->rows - 5, i;
	struct strbuf t = STRBUF_INIT;
	const struct riv_line *cur;

	strbuf_addf(&t, M(RIV_TITLE), (long long)r->iv.seq, r->iv.form_id ? r->iv.form_id : "",
		    ui_msg_status(store_iv_status_name(r->iv.status)));
	if (r->iv.readonly_note)
		strbuf_addstr(&t, M(RIV_READONLY));
	if (r->iv.meta && strstr(r->iv.meta, "\"escalated\":true"))
		strbuf_addstr(&t, M(RIV_ESCALATED));
	if (r->n_conflicts)
		strbuf_addf(&t, M(RIV_CONFLICTS), r->n_conflicts);
	ui_draw_title(ui, scr, t.buf);
	strbuf_release(&t);
	ui_list_move(&r->sel, &r->top, (int)r->n, rows, UI_ACT_NONE);
	cur = r->n ? &r->lines[r->sel] : NULL;
	for (i = 0; i < rows && r->top + i < (int)r->n; i++) {
		const struct riv_line *l = &r->lines[r->top + i];
		const char *c = riv_comment(r, l);
		int row = i + 1, attr = r->top + i == r->sel ? UI_A_REVERSE : 0;
		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		if (!l->path) {
			ui_put(scr, row, 1, attr | UI_A_BOLD, 20, M(RIV_OVERALL));
			ui_put(scr, row, 22, attr | UI_A_WARN, -1, c ? c : "-");
			continue;
		}
		if (l->note) {	/* a sentence under its conflict, across the line */
			ui_put(scr, row, 3, attr | UI_A_WARN, -1, l->value);
			continue;
		}
		ui_put(scr, row, 1, attr | (l->info ? UI_A_DIM : 0), 24, l->path);
		if (l->conflict) {	/* both values, nothing beside them */
			ui_put(scr, row, 26, attr | UI_A_ERROR, -1, l->value);
			continue;
		}
		ui_put(scr, row, 26, attr, c || l->issue ? 24 : -1, l->value);
		if (c) {
			ui_put(scr, row, 51, attr | UI_A_WARN, 3, "<-");
			ui_put(scr, row, 54, attr | UI_A_WARN, -1, c);
		} else if (l->issue) {
			ui_put(scr, row, 51, attr | (l->issue_error ? UI_A_ERROR : UI_A_WARN), 2, "!");
			ui_put(scr, row, 53, attr | (l->issue_error ? UI_A_ERROR : UI_A_WARN), -1,
			       l->issue);
		}
	}
	if (r->editing) {
		int w = ui_put(scr, scr->rows - 3, 0, UI_A_BOLD, 20, M(RIV_COMMENT));
		ui_line_draw(&r->edit, scr, scr->rows - 3, w, scr->cols - w, 0, true);
	} else if (r->iv.readonly_note) {
		/* The pull's note (sync/pull.c), said in the console's language. */
		char dev[9], *note = NULL;
		if (sscanf(r->iv.readonly_note, "reassigned to device %8[0-9a-f]", dev) == 1)
			note = xasprintf(M(RIV_REASSIGNED), dev);
		ui_put(scr, scr->rows - 3, 1, UI_A_WARN, -1, note ? note : r->iv.readonly_note);
		free(note);
	} else {
		/* What the keys do on the focused line. */
		struct strbuf hint = STRBUF_INIT;
		if (cur && (cur->conflict || cur->note))
			ui_hint_line(ui, riv_hints_conflict, ARRAY_SIZE(riv_hints_conflict), &hint);
		else if ((cur && cur->info) || (r->cw_device && !r->caseworker))
			ui_hint_line(ui, riv_hints_read, ARRAY_SIZE(riv_hints_read), &hint);
		else if (r->caseworker)
			ui_hint_line(ui, riv_hints_fix, ARRAY_SIZE(riv_hints_fix), &hint);
		else
			ui_hint_line(ui, riv_hints_sup, ARRAY_SIZE(riv_hints_sup), &hint);
		ui_put(scr, scr->rows - 3, 1, UI_A_DIM, -1, hint.buf);
		strbuf_release(&hint);
	}
}

static void riv_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct riv_view *r = v->priv;

	(void)ui;
	snprintf(buf, n, M(RIV_NOTES), r->draft.n + (r->draft.comment ? 1 : 0),
		 (long long)r->iv.seq);
}

/* Reload after a change, keeping the selection where it was. */
static void riv_reload(struct ui *ui, struct riv_view *r)
{
	char id[37];
	status_t st;

	memcpy(id, r->iv.id, sizeof(id));
	if ((st = riv_load(ui, r, id)) != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
}

/* The answer to "withdraw consent?": y (or s, sí) revokes, anything else not. */
static enum ui_result riv_confirm(struct ui *ui, struct riv_view *r, int key)
{
	const struct riv_line *l = r->n ? &r->lines[r->sel] : NULL;
	char *service;
	status_t st;

	r->confirming = false;
	if (!l || !l->ref)
		return UI_REDRAW;
	if (key != 'y' && key != 'Y' && key != 's' && key != 'S') {
		ui_message(ui, UI_A_BOLD, "%s", M(REVOKE_CANCEL));
		return UI_REDRAW;
	}
	service = xstrdup(l->path);
	st = app_review_revoke(ui->app, l->ref);
	if (st != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	else
		ui_message(ui, UI_A_OK, M(REVOKE_DONE), service);
	free(service);
	riv_reload(ui, r);
	return UI_REDRAW;
}

/*
 * m / t on a conflict line (or the note under it): keep this device's
 * value or the other side's.
 */
static enum ui_result riv_keep(struct ui *ui, struct riv_view *r, enum app_conflict_keep keep)
{
	const struct riv_line *l = r->n ? &r->lines[r->sel] : NULL;
	char *path;
	status_t st;

	if (l && l->note && r->sel > 0)
		l--;
	if (!l || !l->conflict) {
		ui_message(ui, UI_A_WARN, "%s", M(CONFLICT_PICK));
		return UI_REDRAW;
	}
	path = xstrdup(l->path);
	st = app_conflict_resolve(ui->app, l->ref, keep);
	if (st != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	else
		ui_message(ui, UI_A_OK, keep == APP_KEEP_MINE ? M(CONFLICT_MINE) :
			   M(CONFLICT_THEIRS), path);
	free(path);
	riv_reload(ui, r);
	return UI_REDRAW;
}

/*
 * x on a referral line: ask first, since a withdrawal cannot be undone;
 * but one the table cannot revoke (declined, closed, revoked) is refused
 * at once, with its state: there is nothing to confirm.
 */
static enum ui_result riv_revoke(struct ui *ui, struct riv_view *r)
{
	const struct riv_line *l = r->n ? &r->lines[r->sel] : NULL;

	if (!l || !l->info || !l->ref) {
		ui_message(ui, UI_A_WARN, "%s", M(REVOKE_PICK));
		return UI_REDRAW;
	}
	if (!ui_revoke_allowed(ui, l->ref, l->path))
		return UI_REDRAW;
	r->confirming = true;
	ui_message(ui, UI_A_WARN | UI_A_BOLD, M(REVOKE_CONFIRM), l->path);
	return UI_REDRAW;
}

static enum ui_result riv_input(struct ui *ui, struct view *v, int key)
{
	struct riv_view *r = v->priv;
	const struct riv_line *l;
	status_t st;

	if (r->confirming)
		return riv_confirm(ui, r, key);
	if (!r->editing)
		return UI_UNHANDLED;
	if (key == UI_KEY_ESC) {
		r->editing = false;
		return UI_REDRAW;
	}
	if (key != UI_KEY_ENTER) {
		ui_line_key(&r->edit, key);
		return UI_REDRAW;
	}
	l = &r->lines[r->sel];
	if (!l->path)
		st = app_review_draft_comment(&r->draft, ui_line_text(&r->edit));
	else
		st = app_review_draft_note(&r->draft, l->path, ui_line_text(&r->edit));
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		return UI_REDRAW;
	}
	r->editing = false;
	return UI_REDRAW;
}

static enum ui_result riv_decide(struct ui *ui, struct riv_view *r, const char *action)
{
	status_t st = app_review_decide(ui->app, r->iv.id, action, &r->draft);
	long long seq = (long long)r->iv.seq;

	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		return UI_REDRAW;
	}
	ui_pop(ui);	/* frees r */
	ui_message(ui, UI_A_OK, !strcmp(action, "approve") ? M(DECIDED_approve) :
		   !strcmp(action, "return") ? M(DECIDED_return) : M(DECIDED_escalate), seq);
	return UI_REDRAW;
}

/* Caseworker: open the interview at the question to fix it. */
static enum ui_result riv_fix(struct ui *ui, struct riv_view *r)
{
	const struct riv_line *l = r->n ? &r->lines[r->sel] : NULL;
	struct view_interview_arg arg = { r->iv.id, NULL, false, 0, 0 };

	if (l && l->path && !l->conflict && !l->info &&
	    store_interview_set_position(ui->app->store, r->iv.id, l->path,
					 r->iv.progress_done, r->iv.progress_total) != ST_OK)
		st_clear();
	ui_push(ui, &view_interview_ops, &arg);
	return UI_REDRAW;
}

static enum ui_result riv_resubmit(struct ui *ui, struct riv_view *r)
{
	struct app_session *s = NULL;
	status_t st = app_session_resume(ui->app, r->iv.id, &s);
	char id[37];

	if (st == ST_OK)
		st = app_review_resubmit(s);
	app_session_free(s);
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		return UI_REDRAW;
	}
	ui_message(ui, UI_A_OK, M(RIV_RESUBMITTED), (long long)r->iv.seq);
	memcpy(id, r->iv.id, sizeof(id));
	if (riv_load(ui, r, id) != ST_OK)
		st_clear();
	return UI_REDRAW;
}

static void riv_resume(struct ui *ui, struct view *v)
{
	riv_reload(ui, v->priv);
}

static enum ui_result riv_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct riv_view *r = v->priv;

	switch (a) {
	case UI_ACT_KEEP_MINE:
		return riv_keep(ui, r, APP_KEEP_MINE);
	case UI_ACT_KEEP_THEIRS:
		return riv_keep(ui, r, APP_KEEP_THEIRS);
	case UI_ACT_REVOKE:
		return riv_revoke(ui, r);
	default:
		break;
	}
	if (!r->caseworker && r->cw_device) {
		/* A caseworker reading an interview: nothing to decide here. */
		switch (a) {
		case UI_ACT_SELECT:
			return UI_HANDLED;
		case UI_ACT_COMMENT:
		case UI_ACT_APPROVE:
		case UI_ACT_RETURN_IV:
		case UI_ACT_ESCALATE:
			ui_message(ui, UI_A_WARN, "%s", M(RIV_NOT_YOURS));
			return UI_REDRAW;
		default:
			break;
		}
	}
	if (r->caseworker) {
		switch (a) {
		case UI_ACT_SELECT:
			return riv_fix(ui, r);
		case UI_ACT_RESUBMIT:
			return riv_resubmit(ui, r);
		case UI_ACT_COMMENT:
		case UI_ACT_APPROVE:
		case UI_ACT_RETURN_IV:
		case UI_ACT_ESCALATE:
			ui_message(ui, UI_A_WARN, "%s", M(RIV_FIX_ONLY));
			return UI_REDRAW;
		default:
			break;
		}
	}
	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_RESUBMIT:
		ui_message(ui, UI_A_WARN, "%s", M(RIV_RESUBMIT_ONLY));
		return UI_REDRAW;
	case UI_ACT_COMMENT:
	case UI_ACT_SELECT:
		if (!r->n || r->lines[r->sel].conflict || r->lines[r->sel].info)
			return UI_HANDLED;
		r->editing = true;
		ui_line_set(&r->edit, riv_comment(r, &r->lines[r->sel]) ?
			    riv_comment(r, &r->lines[r->sel]) : "");
		return UI_REDRAW;
	case UI_ACT_APPROVE:
		return riv_decide(ui, r, "approve");
	case UI_ACT_RETURN_IV:
		return riv_decide(ui, r, "return");
	case UI_ACT_ESCALATE:
		return riv_decide(ui, r, "escalate");
	case UI_ACT_NEXT_ITEM:
		if (r->open_next)
			*r->open_next = true;
		ui_pop(ui);
		return UI_REDRAW;
	default:
		ui_list_move(&r->sel, &r->top, (int)r->n, ui->scr.rows - 5, a);
		return UI_REDRAW;
	}
}

static void riv_close(struct ui *ui, struct view *v)
{
	struct riv_view *r = v->priv;

	(void)ui;
	if (!r)
		return;
	/* Approved since the last look: its consented referrals are out. */
	if (app_review_settle_referrals(ui->app, NULL) != ST_OK)
		st_clear();
	riv_lines_release(r);
	store_comment_list_release(&r->comments);
	store_interview_release(&r->iv);
	app_review_draft_release(&r->draft);
	ui_line_release(&r->edit);
	free(r->flags);
	free(r);
}

const struct view_ops view_review_iv_ops = {
	.name = "review-interview",
	.bit = V_RIV,
	.open = riv_open,
	.draw = riv_draw,
	.input = riv_input,
	.action = riv_action,
	.resume = riv_resume,
	.status = riv_status,
	.close = riv_close,
};
