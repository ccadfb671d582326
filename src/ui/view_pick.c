/*
 * view_pick.c - starting a new interview: pick the form, then the
 * respondent's language (from the languages the form has), then the
 * interview opens at its first question.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/session.h"
#include "form/form.h"
#include "ui/ui.h"
#include "util/util.h"

struct pick_view {
	size_t *forms;		/* indexes of loadable forms */
	size_t n_forms;
	const struct form *form;	/* chosen; then pick the language */
	int sel, top;
};

static bool pick_open(struct ui *ui, struct view *v, void *arg)
{
	struct pick_view *p = xcalloc(1, sizeof(*p));
	size_t i, n = app_n_forms(ui->app);

	(void)arg;
	p->forms = xcalloc(n + 1, sizeof(*p->forms));
	for (i = 0; i < n; i++)
		if (app_form_at(ui->app, i))
			p->forms[p->n_forms++] = i;
	v->priv = p;
	if (p->n_forms == 1)
		p->form = app_form_at(ui->app, p->forms[0]);
	return true;
}

static int pick_count(const struct pick_view *p)
{
	return (int)(p->form ? p->form->n_languages : p->n_forms);
}

static void pick_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct pick_view *p = v->priv;
	int r, n = pick_count(p);

	ui_draw_title(ui, scr, p->form ? M(PICK_LANG) : M(PICK_FORM));
	if (n == 0)
		ui_put(scr, 2, 2, UI_A_ERROR, -1, M(NO_FORMS));
	for (r = 0; r < n && r < scr->rows - 4; r++) {
		int row = r + 2, attr = r == p->sel ? UI_A_REVERSE : 0;
		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		if (p->form) {
			ui_printf(scr, row, 2, attr, -1, "%d  %s", r + 1, p->form->languages[r]);
		} else {
			const struct form *f = app_form_at(ui->app, p->forms[r]);
			ui_printf(scr, row, 2, attr, -1, "%d  %-12s %s", r + 1, f->id,
				  form_text(f, &f->title, FORM_NONE));
		}
	}
}

static enum ui_result pick_choose(struct ui *ui, struct pick_view *p)
{
	struct app_session *s;
	status_t st;
	const struct form *f;

	if (pick_count(p) == 0)
		return UI_HANDLED;
	if (!p->form) {
		p->form = app_form_at(ui->app, p->forms[p->sel]);
		p->sel = p->top = 0;
		return UI_REDRAW;
	}
	f = p->form;
	st = app_session_new(ui->app, f->id, f->languages[p->sel], NULL, &s);
	if (st != ST_OK) {
		ui_message(ui, UI_A_ERROR, "%s", st_detail(st));
		return UI_REDRAW;
	}
	ui_pop(ui);
	{
		/* The interview view takes over the session it is given. */
		struct view_interview_arg arg = { NULL, s, false, 0, 0 };
		ui_push(ui, &view_interview_ops, &arg);
	}
	return UI_REDRAW;
}

static enum ui_result pick_input(struct ui *ui, struct view *v, int key)
{
	struct pick_view *p = v->priv;

	if (key >= '1' && key <= '9' && key - '1' < pick_count(p)) {
		p->sel = key - '1';
		return pick_choose(ui, p);
	}
	return UI_UNHANDLED;
}

static enum ui_result pick_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct pick_view *p = v->priv;

	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_SELECT:
		return pick_choose(ui, p);
	default:
		ui_list_move(&p->sel, &p->top, pick_count(p), ui->scr.rows - 4, a);
		return UI_REDRAW;
	}
}

static void pick_close(struct ui *ui, struct view *v)
{
	struct pick_view *p = v->priv;

	(void)ui;
	free(p->forms);
	free(p);
}

const struct view_ops view_pick_ops = {
	.name = "pick",
	.bit = V_PICK,
	.open = pick_open,
	.draw = pick_draw,
	.input = pick_input,
	.action = pick_action,
	.close = pick_close,
};
