/*
 * view_review_queue.c - the supervisor's review queue: interviews waiting
 * for a decision, most urgent first and then oldest first, with status
 * filter (`f`), a filter line (`/`: "form=intake flag=gbv by=0b7e"), j/k
 * movement, Enter to open one read-only, and approve, return, escalate and
 * next straight from the list.  Urgency and protection flags are columns;
 * `≠` beside the number marks open conflicts (crossed edits, resolved in
 * the interview view).  Works offline: the queue is the store's copy
 * (app/review.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/conflict.h"
#include "app/review.h"
#include "ui/lineedit.h"
#include "ui/ui.h"
#include "ui/view_review_iv.h"
#include "util/util.h"

struct rqueue_view {
	struct app_review_queue q;
	struct app_review_filter f;
	struct app_conflict_set conflicts;	/* interviews with open conflicts */
	int sel, top;
	bool open_next;		/* the interview view asked for the next one */
	bool typing;		/* editing the filter line */
	struct ui_line line;
	char *form, *flag, *by;	/* parsed from the filter line; owned */
	char cur_id[37];	/* keep the selection on the same interview */
};

const char *view_review_urgency(const struct app_review_item *it)
{
	static const char *const urgency_words[] = { "high", "normal", "low" };

	if (it->escalated)
		return M(URG_escalated);
	return ui_msg_urgency(urgency_words[it->urgency]);
}

/* A list refresh: the queue, and which interviews have open conflicts. */
static void rqueue_load(struct ui *ui, struct rqueue_view *r)
{
	status_t st = app_review_queue_load(ui->app, &r->q);
	size_t i;

	if (st != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	if (app_conflict_set_load(ui->app, &r->conflicts) != ST_OK)
		st_clear();
	app_review_queue_apply(&r->q, &r->f);
	for (i = 0; r->cur_id[0] && i < r->q.n_shown; i++)
		if (!strcmp(r->q.items[r->q.shown[i]].iv.id, r->cur_id))
			r->sel = (int)i;
	if (r->sel >= (int)r->q.n_shown)
		r->sel = r->q.n_shown ? (int)r->q.n_shown - 1 : 0;
}

static bool rqueue_open(struct ui *ui, struct view *v, void *arg)
{
	struct rqueue_view *r = xcalloc(1, sizeof(*r));
	static const struct app_review_filter any = APP_REVIEW_FILTER_INIT;

	(void)arg;
	r->f = any;
	ui_line_init(&r->line);
	r->line.max_bytes = 200;
	v->priv = r;
	rqueue_load(ui, r);
	return true;
}

static const struct app_review_item *rqueue_cur(struct rqueue_view *r)
{
	if (!r->q.n_shown)
		return NULL;
	return &r->q.items[r->q.shown[r->sel]];
}

static void rqueue_open_item(struct ui *ui, struct rqueue_view *r)
{
	const struct app_review_item *it = rqueue_cur(r);
	struct view_review_iv_arg arg;

	if (!it)
		return;
	memcpy(r->cur_id, it->iv.id, sizeof(r->cur_id));
	arg.id = it->iv.id;
	arg.open_next = &r->open_next;
	arg.item = it;
	ui_push(ui, &view_review_iv_ops, &arg);
}

static void rqueue_resume(struct ui *ui, struct view *v)
{
	struct rqueue_view *r = v->priv;

	rqueue_load(ui, r);
	if (r->open_next) {
		r->open_next = false;
		r->sel = (int)app_review_queue_next(&r->q, (size_t)r->sel);
		if (r->q.n_shown && app_review_waiting(rqueue_cur(r)->iv.status))
			rqueue_open_item(ui, r);
	}
}

static void rqueue_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	static const struct ui_hint rqueue_hints[] = {
		{ UI_ACT_SELECT, UI_MSG_HINT_open }, { UI_ACT_APPROVE, UI_MSG_HINT_approve },
		{ UI_ACT_RETURN_IV, UI_MSG_HINT_return }, { UI_ACT_ESCALATE, UI_MSG_HINT_escalate },
		{ UI_ACT_NEXT_ITEM, UI_MSG_HINT_next },
	};
	struct rqueue_view *r = v->priv;
	struct strbuf hint = STRBUF_INIT;
	int rows = scr->rows - 5, i;

	ui_draw_title(ui, scr, M(RQ_TITLE));
	ui_put(scr, 1, 1, UI_A_BOLD, 4, "#");
	ui_put(scr, 1, 6, UI_A_BOLD, 12, M(COL_STATUS));
	ui_put(scr, 1, 18, UI_A_BOLD, 8, M(RQ_COL_URGENCY));
	ui_put(scr, 1, 27, UI_A_BOLD, 10, M(COL_FORM));
	ui_put(scr, 1, 38, UI_A_BOLD, 9, M(RQ_COL_BY));
	ui_put(scr, 1, 48, UI_A_BOLD, -1, M(RQ_COL_FLAGS));
	if (r->q.n_shown == 0)
		ui_put(scr, 3, 2, 0, -1, M(RQ_EMPTY));
	ui_list_move(&r->sel, &r->top, (int)r->q.n_shown, rows, UI_ACT_NONE);
	for (i = 0; i < rows && r->top + i < (int)r->q.n_shown; i++) {
		const struct app_review_item *it = &r->q.items[r->q.shown[r->top + i]];
		int row = i + 2, attr = r->top + i == r->sel ? UI_A_REVERSE : 0;
		struct strbuf fl = STRBUF_INIT;
		size_t k;
		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		ui_printf(scr, row, 1, attr, 4, "%lld", (long long)it->iv.seq);
		if (app_conflict_set_has(&r->conflicts, it->iv.id))
			ui_put(scr, row, 5, attr | UI_A_ERROR, 1, "≠");
		ui_put(scr, row, 6, attr, 12, ui_msg_status(store_iv_status_name(it->iv.status)));
		ui_put(scr, row, 18, attr | (it->urgency == APP_URG_HIGH ? UI_A_WARN : 0), 8,
		       view_review_urgency(it));
		ui_put(scr, row, 27, attr, 10, it->iv.form_id ? it->iv.form_id : "");
		ui_put(scr, row, 38, attr, 8, *it->caseworker ? it->caseworker : "-");
		for (k = 0; k < it->n_flags; k++)
			strbuf_addf(&fl, "%s%s", k ? " " : "", it->flags[k]);
		ui_put(scr, row, 48, attr, -1, fl.len ? fl.buf : "");
		strbuf_release(&fl);
	}
	if (r->typing || ui_line_text(&r->line)[0]) {
		int w = ui_put(scr, scr->rows - 4, 0, UI_A_BOLD, 20, M(RQ_FILTER_LINE));
		ui_line_draw(&r->line, scr, scr->rows - 4, w, scr->cols - w, 0, r->typing);
	}
	strbuf_addf(&hint, M(RQ_HINT), r->f.status < 0 ? (r->f.all ? M(FILTER_ALL) : M(RQ_WAITING)) :
		    ui_msg_status(store_iv_status_name((enum store_iv_status)r->f.status)));
	ui_hint_line(ui, rqueue_hints, ARRAY_SIZE(rqueue_hints), &hint);
	ui_put(scr, scr->rows - 3, 1, UI_A_DIM, -1, hint.buf);
	strbuf_release(&hint);
}

static void rqueue_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct rqueue_view *r = v->priv;

	(void)ui;
	snprintf(buf, n, "%zu/%zu", r->q.n_shown, r->q.n_items);
}

/* Filter cycle: waiting, each status, everything. */
static void rqueue_next_filter(struct app_review_filter *f)
{
	if (f->all) {
		f->all = false;
		f->status = -1;
	} else if (f->status + 1 >= STORE_IV_N_STATUS) {
		f->status = -1;
		f->all = true;
	} else {
		f->status++;
	}
}

static enum ui_result rqueue_decide(struct ui *ui, struct rqueue_view *r, const char *action)
{
	const struct app_review_item *it = rqueue_cur(r);
	status_t st;

	if (!it)
		return UI_HANDLED;
	if (!strcmp(action, "return")) {
		/* A return needs comments: write them in the interview view. */
		rqueue_open_item(ui, r);
		ui_message(ui, UI_A_WARN, "%s", M(RQ_RETURN_HOW));
		return UI_REDRAW;
	}
	st = app_review_decide(ui->app, it->iv.id, action, NULL);
	if (st != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	else
		ui_message(ui, UI_A_OK, !strcmp(action, "approve") ? M(DECIDED_approve) :
			   M(DECIDED_escalate), (long long)it->iv.seq);
	rqueue_load(ui, r);
	return UI_REDRAW;
}

static enum ui_result rqueue_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct rqueue_view *r = v->priv;

	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_SELECT:
		rqueue_open_item(ui, r);
		return UI_REDRAW;
	case UI_ACT_SEARCH:
		r->typing = true;
		return UI_REDRAW;
	case UI_ACT_FILTER:
		rqueue_next_filter(&r->f);
		r->sel = 0;
		r->cur_id[0] = 0;
		rqueue_load(ui, r);
		return UI_REDRAW;
	case UI_ACT_NEXT_ITEM:
		r->sel = (int)app_review_queue_next(&r->q, (size_t)r->sel);
		return UI_REDRAW;
	case UI_ACT_APPROVE:
		return rqueue_decide(ui, r, "approve");
	case UI_ACT_ESCALATE:
		return rqueue_decide(ui, r, "escalate");
	case UI_ACT_RETURN_IV:
		return rqueue_decide(ui, r, "return");
	default:
		ui_list_move(&r->sel, &r->top, (int)r->q.n_shown, ui->scr.rows - 5, a);
		if (rqueue_cur(r))
			memcpy(r->cur_id, rqueue_cur(r)->iv.id, sizeof(r->cur_id));
		return UI_REDRAW;
	}
}

static void rqueue_close(struct ui *ui, struct view *v)
{
	struct rqueue_view *r = v->priv;

	(void)ui;
	app_review_queue_release(&r->q);
	app_conflict_set_release(&r->conflicts);
	ui_line_release(&r->line);
	free(r->form);
	free(r->flag);
	free(r->by);
	free(r);
}

/*
 * "form=intake flag=gbv by=0b7e": each key narrows the queue; an unknown
 * key or a word without '=' is refused with a message, nothing applied.
 */
static bool rqueue_parse_line(struct ui *ui, struct rqueue_view *r)
{
	char *copy = xstrdup(ui_line_text(&r->line)), *save = NULL, *w;
	char *form = NULL, *flag = NULL, *by = NULL;
	bool ok = true;

	for (w = strtok_r(copy, " ", &save); ok && w; w = strtok_r(NULL, " ", &save)) {
		char **dst = !strncmp(w, "form=", 5) ? &form : !strncmp(w, "flag=", 5) ? &flag :
			     !strncmp(w, "by=", 3) ? &by : NULL;
		if (!dst) {
			ui_message(ui, UI_A_ERROR, M(RQ_FILTER_BAD), w);
			ok = false;
			break;
		}
		free(*dst);
		*dst = xstrdup(strchr(w, '=') + 1);
	}
	free(copy);
	if (!ok) {
		free(form);
		free(flag);
		free(by);
		return false;
	}
	free(r->form);
	free(r->flag);
	free(r->by);
	r->form = form;
	r->flag = flag;
	r->by = by;
	r->f.form = form;
	r->f.flag = flag;
	r->f.caseworker = by;
	return true;
}

static enum ui_result rqueue_input(struct ui *ui, struct view *v, int key)
{
	struct rqueue_view *r = v->priv;

	if (!r->typing)
		return UI_UNHANDLED;
	if (key == UI_KEY_ESC) {
		r->typing = false;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ENTER) {
		if (rqueue_parse_line(ui, r)) {
			r->typing = false;
			r->sel = 0;
			r->cur_id[0] = 0;
			app_review_queue_apply(&r->q, &r->f);
		}
		return UI_REDRAW;
	}
	ui_line_key(&r->line, key);
	return UI_REDRAW;
}

const struct view_ops view_review_queue_ops = {
	.name = "review-queue",
	.bit = V_RQUEUE,
	.open = rqueue_open,
	.draw = rqueue_draw,
	.input = rqueue_input,
	.action = rqueue_action,
	.resume = rqueue_resume,
	.status = rqueue_status,
	.close = rqueue_close,
};
