/*
 * view_tree.c - the section tree: every section with its visible questions
 * (and repeat groups) and whether each is answered; Enter jumps there.
 * Opened from the interview view with its session; it changes only the
 * session's position.
 */
#include <stdlib.h>
#include <string.h>

#include "app/session.h"
#include "form/form.h"
#include "ui/ui.h"
#include "util/util.h"

struct tree_line {
	size_t section;		/* FORM_NONE for a question line */
	size_t item;		/* index into the session's items */
};

struct tree_view {
	struct app_session *s;
	struct tree_line *lines;
	size_t n, alloc;
	int sel, top;
};

static void tree_build(struct tree_view *t)
{
	struct app_session *s = t->s;
	size_t i, sec = FORM_NONE;

	t->n = 0;
	for (i = 0; i < s->n_items; i++) {
		if (s->items[i].section != sec) {
			sec = s->items[i].section;
			ALLOC_GROW(t->lines, t->n + 1, t->alloc);
			t->lines[t->n].section = sec;
			t->lines[t->n++].item = i;
		}
		ALLOC_GROW(t->lines, t->n + 1, t->alloc);
		t->lines[t->n].section = FORM_NONE;
		t->lines[t->n].item = i;
		if (i == s->cur)
			t->sel = (int)t->n;
		t->n++;
	}
}

static bool tree_open(struct ui *ui, struct view *v, void *arg)
{
	struct tree_view *t = xcalloc(1, sizeof(*t));

	(void)ui;
	/* Inside a member, the tree is of that member's questions. */
	t->s = arg;
	tree_build(t);
	v->priv = t;
	return true;
}

static void tree_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct tree_view *t = v->priv;
	struct app_session *s = t->s;
	int rows = scr->rows - 3, r;

	ui_draw_title(ui, scr, M(TREE_TITLE));
	ui_list_move(&t->sel, &t->top, (int)t->n, rows, UI_ACT_NONE);
	for (r = 0; r < rows && t->top + r < (int)t->n; r++) {
		const struct tree_line *l = &t->lines[t->top + r];
		const struct app_item *it = &s->items[l->item];
		int row = r + 1, attr = t->top + r == t->sel ? UI_A_REVERSE : 0;

		if (attr)
			ui_fill(scr, row, 0, scr->cols, attr);
		if (l->section != FORM_NONE) {
			ui_printf(scr, row, 1, attr | UI_A_BOLD, -1, "%zu. %s", l->section + 1,
				  app_label(s, &s->form->sections[l->section].title));
		} else if (it->kind == APP_ITEM_GROUP) {
			ui_printf(scr, row, 5, attr, -1, "%s", app_label(s,
				  &s->form->repeats[it->repeat].label));
			ui_printf(scr, row, 60, attr, -1, M(MEMBERS),
				  form_state_repeat_count(s->fs, it->repeat));
		} else {
			const struct form_value *val = form_state_answer(s->fs, it->ref);
			enum form_error e = form_state_error(s->fs, it->ref);
			const char *mark = e == FORM_ERR_CONSTRAINT || e == FORM_ERR_CHOICE ? "!" :
				val->type != FORM_V_EMPTY ? "x" :
				e == FORM_ERR_REQUIRED ? "*" : " ";
			ui_printf(scr, row, 3, attr | (*mark == '!' ? UI_A_ERROR : 0), -1,
				  "[%s] %s", mark, app_label(s, &s->form->questions[it->ref.q].label));
		}
	}
}

static enum ui_result tree_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct tree_view *t = v->priv;

	switch (a) {
	case UI_ACT_BACK:
		ui_pop(ui);
		return UI_REDRAW;
	case UI_ACT_SELECT:
		if (t->n) {
			t->s->cur = t->lines[t->sel].item;
			app_session_save_position(t->s);
		}
		ui_pop(ui);
		return UI_REDRAW;
	default:
		ui_list_move(&t->sel, &t->top, (int)t->n, ui->scr.rows - 3, a);
		return UI_REDRAW;
	}
}

static void tree_close(struct ui *ui, struct view *v)
{
	struct tree_view *t = v->priv;

	(void)ui;
	free(t->lines);
	free(t);
}

const struct view_ops view_tree_ops = {
	.name = "tree",
	.bit = V_TREE,
	.open = tree_open,
	.draw = tree_draw,
	.action = tree_action,
	.close = tree_close,
};
