/*
 * view_cases.c - the case list: every interview on this device with who it
 * is about, form, language, status, progress and last change.  `/` searches
 * (live, as you type), `f` cycles the status filter, `s` the sort order,
 * Enter resumes an interview exactly where it was left, `n` starts one.
 * Returned and approved interviews, and any with open conflicts (marked
 * `≠`), open read-only with comments, referrals and conflicts
 * (view_review_iv.c); `v` opens any interview that way.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "app/conflict.h"
#include "ui/lineedit.h"
#include "ui/ui.h"
#include "ui/view_review_iv.h"
#include "util/util.h"

enum { SORT_CHANGED, SORT_NAME, SORT_STATUS, SORT_COUNT_ };

struct cases_view {
	struct store_interview_list all;
	struct app_conflict_set conflicts;	/* interviews with open conflicts */
	size_t *shown;		/* indexes into all.v after filter and sort */
	size_t n_shown;
	int sel, top;
	int filter;		/* -1 all, else enum store_iv_status */
	int sort;
	bool searching;
	struct ui_line search;
};

static struct cases_view *sort_ctx;

static int cmp_cases(const void *a, const void *b)
{
	const struct store_interview *x = &sort_ctx->all.v[*(const size_t *)a];
	const struct store_interview *y = &sort_ctx->all.v[*(const size_t *)b];
	int c = 0;

	/* Returned interviews first: they wait for the caseworker (issue 8). */
	if ((x->status == STORE_IV_RETURNED) != (y->status == STORE_IV_RETURNED))
		return x->status == STORE_IV_RETURNED ? -1 : 1;
	switch (sort_ctx->sort) {
	case SORT_NAME:
		c = strcasecmp(x->respondent ? x->respondent : "",
			       y->respondent ? y->respondent : "");
		break;
	case SORT_STATUS:
		c = (int)x->status - (int)y->status;
		break;
	default:
		break;
	}
	if (c == 0)
		c = x->updated > y->updated ? -1 : x->updated < y->updated ? 1 : 0;
	if (c == 0)
		c = x->seq > y->seq ? -1 : 1;
	return c;
}

static bool matches(const struct store_interview *iv, const char *q)
{
	char seq[24];

	if (!*q)
		return true;
	snprintf(seq, sizeof(seq), "%lld", (long long)iv->seq);
	return (iv->respondent && strcasestr(iv->respondent, q)) ||
	       (iv->form_id && strcasestr(iv->form_id, q)) ||
	       strcasestr(iv->id, q) || !strcmp(seq, q);
}

static void cases_apply(struct cases_view *c)
{
	size_t i;

	free(c->shown);
	c->shown = xcalloc(c->all.n + 1, sizeof(*c->shown));
	c->n_shown = 0;
	for (i = 0; i < c->all.n; i++) {
		if (c->filter >= 0 && (int)c->all.v[i].status != c->filter)
			continue;
		if (!matches(&c->all.v[i], ui_line_text(&c->search)))
			continue;
		c->shown[c->n_shown++] = i;
	}
	sort_ctx = c;
	qsort(c->shown, c->n_shown, sizeof(*c->shown), cmp_cases);
	if (c->sel >= (int)c->n_shown)
		c->sel = c->n_shown ? (int)c->n_shown - 1 : 0;
}

static void cases_load(struct ui *ui, struct cases_view *c)
{
	status_t st;

	store_interview_list_release(&c->all);
	st = app_cases(ui->app, &c->all);
	if (st != ST_OK)
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
	if (app_conflict_set_load(ui->app, &c->conflicts) != ST_OK)
		st_clear();
	cases_apply(c);
}

static bool cases_open(struct ui *ui, struct view *v, void *arg)
{
	struct cases_view *c = xcalloc(1, sizeof(*c));

	(void)arg;
	c->filter = -1;
	ui_line_init(&c->search);
	c->search.max_bytes = 200;
	v->priv = c;
	cases_load(ui, c);
	/* After a start or an unlock: offer the draft last worked on. */
	if (c->n_shown) {
		const struct store_interview *iv = &c->all.v[c->shown[0]];
		if (iv->status == STORE_IV_DRAFT && iv->position && *iv->position)
			ui_message(ui, UI_A_BOLD, M(RESUME_OFFER), (long long)iv->seq,
				   iv->position);
	}
	return true;
}

static void cases_resume(struct ui *ui, struct view *v)
{
	cases_load(ui, v->priv);
}

static void format_changed(int64_t t, char out[20])
{
	char d[11];

	format_date(t / 86400, d);
	snprintf(out, 20, "%s %02d:%02d", d, (int)(t % 86400 / 3600), (int)(t % 3600 / 60));
}

/*
 * One mark beside the status says what sync has done with the interview's
 * outbox items (see docs/console.md): waiting, on its way, delivered, or
 * held back for a person to look at.
 */
static const char *const sync_marks[STORE_OUTBOX_N_STATES] = {
	[STORE_OUTBOX_QUEUED] = "…",	/* … */
	[STORE_OUTBOX_SENDING] = "↑",	/* ↑ */
	[STORE_OUTBOX_DELIVERED] = "✓",	/* ✓ */
	[STORE_OUTBOX_QUARANTINED] = "!",
};

static const char *sync_mark(int state)
{
	if (state < 0 || state >= STORE_OUTBOX_N_STATES || !sync_marks[state])
		return "";
	return sync_marks[state];
}

static void cases_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct cases_view *c = v->priv;
	int rows = scr->rows - 5, r;
	static const int col_no = 1, col_name = 6, col_form = 30, col_lang = 41,
		col_status = 48, col_prog = 60, col_changed = 69;
	const char *sorts[SORT_COUNT_] = { M(SORT_CHANGED), M(SORT_NAME), M(SORT_STATUS) };

	ui_draw_title(ui, scr, M(CASES_TITLE));
	ui_put(scr, 1, col_no, UI_A_BOLD, 4, "#");
	ui_put(scr, 1, col_name, UI_A_BOLD, 23, M(COL_NAME));
	ui_put(scr, 1, col_form, UI_A_BOLD, 10, M(COL_FORM));
	ui_put(scr, 1, col_lang, UI_A_BOLD, 6, M(COL_LANG));
	ui_put(scr, 1, col_status, UI_A_BOLD, 11, M(COL_STATUS));
	ui_put(scr, 1, col_prog, UI_A_BOLD, 8, M(COL_PROGRESS));
	ui_put(scr, 1, col_changed, UI_A_BOLD, -1, M(COL_CHANGED));
	if (c->n_shown == 0)
		ui_put(scr, 3, 2, 0, -1, M(CASES_EMPTY));
	if (c->sel < c->top)
		c->top = c->sel;
	if (c->sel >= c->top + rows)
		c->top = c->sel - rows + 1;
	for (r = 0; r < rows && c->top + r < (int)c->n_shown; r++) {
		const struct store_interview *iv = &c->all.v[c->shown[c->top + r]];
		int row = r + 2, attr = c->top + r == c->sel ? UI_A_REVERSE : 0;
		char buf[24];
		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		ui_printf(scr, row, col_no, attr, 4, "%lld", (long long)iv->seq);
		ui_put(scr, row, col_name, attr, 23, iv->respondent ? iv->respondent : "-");
		ui_put(scr, row, col_form, attr, 10, iv->form_id ? iv->form_id : "");
		ui_put(scr, row, col_lang, attr, 6, iv->language ? iv->language : "");
		if (app_conflict_set_has(&c->conflicts, iv->id))	/* crossed edits wait */
			ui_put(scr, row, col_status - 1, attr | UI_A_ERROR, 1, "≠");
		ui_put(scr, row, col_status, attr, 11,
		       ui_msg_status(store_iv_status_name(iv->status)));
		ui_put(scr, row, col_prog - 1, attr, 1, sync_mark(iv->sync_state));
		ui_printf(scr, row, col_prog, attr, 8, "%d/%d", iv->progress_done,
			  iv->progress_total);
		format_changed(iv->updated, buf);
		ui_put(scr, row, col_changed, attr, -1, buf + 5);	/* MM-DD HH:MM */
	}
	if (c->searching || c->search.text.len) {
		int w = ui_put(scr, scr->rows - 3, 0, UI_A_BOLD, 20, M(SEARCH_PROMPT));
		ui_line_draw(&c->search, scr, scr->rows - 3, w, scr->cols - w, 0, c->searching);
	}
	ui_printf(scr, scr->rows - 3, scr->cols - 40, UI_A_DIM, 40, "%s: %s  %s: %s",
		  M(FILTER_LABEL),
		  c->filter < 0 ? M(FILTER_ALL) :
		  ui_msg_status(store_iv_status_name((enum store_iv_status)c->filter)),
		  M(SORT_LABEL), sorts[c->sort]);
}

static void cases_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct cases_view *c = v->priv;

	snprintf(buf, n, "%zu/%zu  ", c->n_shown, c->all.n);
	snprintf(buf + strlen(buf), n - strlen(buf), M(SYNC_OFFLINE), app_queued(ui->app));
}

static enum ui_result cases_input(struct ui *ui, struct view *v, int key)
{
	struct cases_view *c = v->priv;

	(void)ui;
	if (!c->searching)
		return UI_UNHANDLED;
	if (key == UI_KEY_ENTER || key == UI_KEY_DOWN) {
		c->searching = false;
		return UI_REDRAW;
	}
	if (key == UI_KEY_ESC) {
		c->searching = false;
		ui_line_clear(&c->search);
		cases_apply(c);
		return UI_REDRAW;
	}
	if (ui_line_key(&c->search, key)) {
		c->sel = 0;
		cases_apply(c);
		return UI_REDRAW;
	}
	return UI_HANDLED;
}

/*
 * Whether Enter shows an interview read-only first: returned (the
 * supervisor's comments), approved (final: its referrals and their state),
 * with open conflicts (a value to pick), or read-only here (reassigned to
 * another device: the note says so).  Others open for editing.
 */
static bool cases_read_first(const struct cases_view *c, const struct store_interview *iv)
{
	return iv->status == STORE_IV_RETURNED || iv->status == STORE_IV_APPROVED ||
	       iv->readonly_note || app_conflict_set_has(&c->conflicts, iv->id);
}

static enum ui_result cases_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct cases_view *c = v->priv;
	int rows = ui->scr.rows - 5;

	switch (a) {
	case UI_ACT_QUIT:
		ui->quit = true;
		return UI_HANDLED;
	case UI_ACT_NEW:
		ui_push(ui, &view_pick_ops, NULL);
		return UI_REDRAW;
	case UI_ACT_SEARCH:
		c->searching = true;
		return UI_REDRAW;
	case UI_ACT_FILTER:
		c->filter++;
		if (c->filter >= STORE_IV_N_STATUS)
			c->filter = -1;
		cases_apply(c);
		return UI_REDRAW;
	case UI_ACT_SORT:
		c->sort = (c->sort + 1) % SORT_COUNT_;
		cases_apply(c);
		return UI_REDRAW;
	case UI_ACT_SELECT:
	case UI_ACT_DETAILS:
		if (c->n_shown == 0)
			return UI_HANDLED;
		if (a == UI_ACT_DETAILS || cases_read_first(c, &c->all.v[c->shown[c->sel]])) {
			/* Comments, conflicts, referrals first (view_review_iv.c). */
			struct view_review_iv_arg rarg = { c->all.v[c->shown[c->sel]].id, NULL,
								NULL };
			ui_push(ui, &view_review_iv_ops, &rarg);
		} else {
			struct view_interview_arg arg = { c->all.v[c->shown[c->sel]].id,
							  NULL, false, 0, 0 };
			ui_push(ui, &view_interview_ops, &arg);
		}
		return UI_REDRAW;
	default:
		ui_list_move(&c->sel, &c->top, (int)c->n_shown, rows, a);
		return UI_REDRAW;
	}
}

static void cases_close(struct ui *ui, struct view *v)
{
	struct cases_view *c = v->priv;

	(void)ui;
	store_interview_list_release(&c->all);
	app_conflict_set_release(&c->conflicts);
	ui_line_release(&c->search);
	free(c->shown);
	free(c);
}

const struct view_ops view_cases_ops = {
	.name = "cases",
	.bit = V_CASES,
	.open = cases_open,
	.draw = cases_draw,
	.input = cases_input,
	.action = cases_action,
	.resume = cases_resume,
	.status = cases_status,
	.close = cases_close,
};
