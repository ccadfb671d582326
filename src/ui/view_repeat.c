/*
 * view_repeat.c - the members of a repeat group (the travelling group):
 * one line per member with the answers to its first questions; `a` adds a
 * member and opens it, Enter edits one, `d` removes one (the rest are
 * renumbered in one transaction).
 */
#include <stdlib.h>
#include <string.h>

#include "app/session.h"
#include "form/form.h"
#include "ui/ui.h"
#include "util/util.h"

struct repeat_view {
	struct app_session *s;
	size_t repeat;
	int sel, top;
	int confirm;		/* member asked to be removed (+1), 0 none */
};

static bool repeat_open(struct ui *ui, struct view *v, void *arg)
{
	struct repeat_view *r = xcalloc(1, sizeof(*r));
	const struct app_item *it;

	(void)ui;
	r->s = arg;
	it = app_session_current(r->s);
	if (!it || it->kind != APP_ITEM_GROUP) {
		free(r);
		return false;
	}
	r->repeat = it->repeat;
	/* Back on the member last edited (also after a resume inside one). */
	if (r->s->last_member < form_state_repeat_count(r->s->fs, r->repeat))
		r->sel = (int)r->s->last_member;
	v->priv = r;
	return true;
}

static void open_member(struct ui *ui, struct repeat_view *r, size_t inst)
{
	struct view_interview_arg arg = { NULL, r->s, true, r->repeat, inst };

	ui_push(ui, &view_interview_ops, &arg);
}

static void repeat_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct repeat_view *r = v->priv;
	struct app_session *s = r->s;
	const struct form_repeat *rp = &s->form->repeats[r->repeat];
	size_t n = form_state_repeat_count(s->fs, r->repeat), k;
	int rows = scr->rows - 5, i;

	ui_draw_title(ui, scr, app_label(s, &rp->label));
	ui_put(scr, 1, 1, UI_A_DIM, -1, M(MEMBERS_TITLE));
	if (n == 0)
		ui_put(scr, 3, 2, 0, -1, M(MEMBERS_NONE));
	ui_list_move(&r->sel, &r->top, (int)n, rows, UI_ACT_NONE);
	for (i = 0; i < rows && r->top + i < (int)n; i++) {
		size_t inst = (size_t)(r->top + i);
		int row = i + 2, attr = (int)inst == r->sel ? UI_A_REVERSE : 0, col = 14;
		char m[32];

		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		snprintf(m, sizeof(m), M(MEMBER_N), inst + 1);
		ui_put(scr, row, 1, attr | UI_A_BOLD, 12, m);
		/* The first few answers say who this is. */
		for (k = 0; k < rp->n_questions && col < scr->cols - 2; k++) {
			struct form_ref ref = { rp->questions[k], inst };
			const struct form_question *q = &s->form->questions[ref.q];
			char *t;
			if (q->type == FORM_Q_CALCULATE || q->type == FORM_Q_NOTE)
				continue;
			t = app_answer_text(s, ref);
			if (q->choices != FORM_NONE && *t && q->type == FORM_Q_SELECT_ONE) {
				size_t c = form_find_choice(s->form, ref.q, t);
				if (c != FORM_NONE) {
					free(t);
					t = xstrdup(app_label(s, &s->form->choice_lists[q->choices].v[c].label));
				}
			}
			col += ui_put(scr, row, col, attr, 20, *t ? t : "-") + 2;
			free(t);
		}
		if (form_state_repeat_count_error(s->fs, r->repeat) > 0)
			ui_put(scr, scr->rows - 3, 1, UI_A_ERROR, -1, M(REVIEW_MEMBERS));
	}
	if (form_state_repeat_count_error(s->fs, r->repeat) < 0)
		ui_put(scr, scr->rows - 3, 1, UI_A_ERROR, -1, M(REVIEW_MEMBERS));
}

static void repeat_status(struct ui *ui, struct view *v, char *buf, size_t n)
{
	struct repeat_view *r = v->priv;

	(void)ui;
	snprintf(buf, n, M(MEMBERS), form_state_repeat_count(r->s->fs, r->repeat));
}

static enum ui_result repeat_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct repeat_view *r = v->priv;
	size_t n = form_state_repeat_count(r->s->fs, r->repeat), idx;
	status_t st;
	int confirm = r->confirm;

	/* Removing takes the same key twice in a row: answers go with it. */
	r->confirm = 0;
	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_ADD:
		if ((int64_t)n >= r->s->form->repeats[r->repeat].max) {
			ui_message(ui, UI_A_ERROR, "%s", M(MEMBERS_MAX));
			return UI_REDRAW;
		}
		st = app_session_member_add(r->s, r->repeat, &idx);
		if (st != ST_OK) {
			ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
			return UI_REDRAW;
		}
		r->sel = (int)idx;
		open_member(ui, r, idx);
		return UI_REDRAW;
	case UI_ACT_SELECT:
		if (n)
			open_member(ui, r, (size_t)r->sel);
		return UI_REDRAW;
	case UI_ACT_REMOVE:
		if (!n)
			return UI_HANDLED;
		if (confirm != r->sel + 1) {
			r->confirm = r->sel + 1;
			ui_message(ui, UI_A_WARN, M(MEMBERS_CONFIRM), (size_t)r->sel + 1);
			return UI_REDRAW;
		}
		st = app_session_member_remove(r->s, r->repeat, (size_t)r->sel);
		if (st != ST_OK)
			ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		if (r->sel > 0 && r->sel >= (int)n - 1)
			r->sel--;
		return UI_REDRAW;
	default:
		ui_list_move(&r->sel, &r->top, (int)n, ui->scr.rows - 5, a);
		return UI_REDRAW;
	}
}

static void repeat_close(struct ui *ui, struct view *v)
{
	(void)ui;
	free(v->priv);
}

const struct view_ops view_repeat_ops = {
	.name = "members",
	.bit = V_REPEAT,
	.open = repeat_open,
	.draw = repeat_draw,
	.action = repeat_action,
	.status = repeat_status,
	.close = repeat_close,
};
