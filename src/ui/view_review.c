/*
 * view_review.c - review and finish: the unanswered required questions,
 * errors, member counts and unacknowledged warnings, each a line that jumps
 * to its question; F10 finishes when nothing blocks (the interview is
 * marked completed and queued with its referrals in one transaction) and
 * shows the referral result.
 */
#include <stdlib.h>
#include <string.h>

#include "app/session.h"
#include "ui/ui.h"
#include "util/util.h"

struct review_view {
	struct app_session *s;
	struct app_issue_list issues;
	int sel, top;
};

static void review_load(struct review_view *r)
{
	app_issue_list_release(&r->issues);
	app_session_issues(r->s, &r->issues);
	if (r->sel >= (int)r->issues.n)
		r->sel = r->issues.n ? (int)r->issues.n - 1 : 0;
}

static bool review_open(struct ui *ui, struct view *v, void *arg)
{
	struct review_view *r = xcalloc(1, sizeof(*r));

	(void)ui;
	r->s = arg;
	review_load(r);
	v->priv = r;
	return true;
}

static void review_resume(struct ui *ui, struct view *v)
{
	(void)ui;
	review_load(v->priv);
}

static const char *kind_text(enum app_issue_kind k)
{
	switch (k) {
	case APP_ISSUE_REQUIRED:
		return M(REVIEW_REQUIRED);
	case APP_ISSUE_WARNING:
		return M(REVIEW_UNACKED);
	case APP_ISSUE_MEMBERS:
		return M(REVIEW_MEMBERS);
	default:
		return "";
	}
}

static void review_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct review_view *r = v->priv;
	int rows = scr->rows - 5, i;

	ui_draw_title(ui, scr, M(REVIEW_TITLE));
	if (r->issues.n == 0) {
		ui_put(scr, 2, 2, UI_A_OK | UI_A_BOLD, -1, M(REVIEW_OK));
		return;
	}
	ui_list_move(&r->sel, &r->top, (int)r->issues.n, rows, UI_ACT_NONE);
	for (i = 0; i < rows && r->top + i < (int)r->issues.n; i++) {
		const struct app_issue *is = &r->issues.v[r->top + i];
		int row = i + 1, attr = r->top + i == r->sel ? UI_A_REVERSE : 0;
		int kattr = is->kind == APP_ISSUE_WARNING ? UI_A_WARN : UI_A_ERROR;
		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		ui_put(scr, row, 1, attr, 36, is->label);
		ui_put(scr, row, 38, attr | kattr, -1,
		       *is->message && is->kind != APP_ISSUE_REQUIRED ? is->message :
		       kind_text(is->kind));
	}
	ui_put(scr, scr->rows - 3, 1, UI_A_BOLD, -1, M(REVIEW_BLOCKED));
}

static void review_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct review_view *r = v->priv;

	(void)ui;
	snprintf(buf, n, "%zu  #%lld", r->issues.n, (long long)r->s->iv.seq);
}

static enum ui_result review_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct review_view *r = v->priv;
	status_t st;

	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_SELECT:
		if (r->issues.n) {
			struct app_session *s = r->s;
			app_session_goto(s, r->issues.v[r->sel].path);
			app_session_save_position(s);
			ui_pop(ui);	/* frees r */
			ui_interview_show_member(ui, s);
		}
		return UI_REDRAW;
	case UI_ACT_FINISH:
		review_load(r);
		if (r->issues.n) {
			ui_message(ui, UI_A_ERROR, "%s", M(REVIEW_BLOCKED));
			return UI_REDRAW;
		}
		st = app_session_finish(r->s);
		if (st != ST_OK) {
			ui_message(ui, UI_A_ERROR, "%s: %s", M(NOT_SAVED), st_detail(st));
			return UI_REDRAW;
		}
		ui_message(ui, UI_A_OK, "%s", M(FINISHED));
		{
			struct app_session *s = r->s;
			ui_pop(ui);
			ui_push(ui, &view_result_ops, s);
		}
		return UI_REDRAW;
	default:
		ui_list_move(&r->sel, &r->top, (int)r->issues.n, ui->scr.rows - 5, a);
		return UI_REDRAW;
	}
}

static void review_close(struct ui *ui, struct view *v)
{
	struct review_view *r = v->priv;

	(void)ui;
	app_issue_list_release(&r->issues);
	free(r);
}

const struct view_ops view_review_ops = {
	.name = "review",
	.bit = V_REVIEW,
	.open = review_open,
	.draw = review_draw,
	.action = review_action,
	.resume = review_resume,
	.status = review_status,
	.close = review_close,
};
