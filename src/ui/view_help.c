/*
 * view_help.c - the `?`/F1 help screen, generated from the action table and
 * the live key map (so a [keys] binding shows up here): the actions of the
 * view it was opened from first, then every other one.
 */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/util.h"

struct help_line {
	const char *text;	/* group heading, or NULL for an action */
	const struct ui_action_info *a;
};

struct help_view {
	struct help_line *lines;
	size_t n, alloc;
	int sel, top;
};

static void add_line(struct help_view *h, const char *text, const struct ui_action_info *a)
{
	ALLOC_GROW(h->lines, h->n + 1, h->alloc);
	h->lines[h->n].text = text;
	h->lines[h->n].a = a;
	h->n++;
}

static bool help_open(struct ui *ui, struct view *v, void *arg)
{
	struct help_view *h = xcalloc(1, sizeof(*h));
	unsigned bit = (unsigned)(uintptr_t)arg;
	const char *group = NULL;
	size_t i;

	(void)ui;
	for (i = 0; i < ui_n_actions; i++) {
		const struct ui_action_info *a = &ui_actions[i];
		if (!a->name) {
			group = a->help;
			continue;
		}
		if (bit && !(a->views & bit))
			continue;
		if (group) {
			add_line(h, group, NULL);
			group = NULL;
		}
		add_line(h, NULL, a);
	}
	v->priv = h;
	return true;
}

static void help_draw(struct ui *ui, struct view *v, struct ui_screen *scr)
{
	struct help_view *h = v->priv;
	int rows = scr->rows - 3, r;

	ui_draw_title(ui, scr, M(HELP_TITLE));
	for (r = 0; r < rows && h->top + r < (int)h->n; r++) {
		const struct help_line *l = &h->lines[h->top + r];
		if (l->text) {
			ui_put(scr, r + 1, 1, UI_A_BOLD | UI_A_UNDERLINE, -1, l->text);
		} else {
			char keys[64];
			ui_keymap_describe(&ui->keymap, l->a->id, keys, sizeof(keys));
			ui_put(scr, r + 1, 3, UI_A_BOLD, 18, keys);
			ui_put(scr, r + 1, 22, 0, 18, l->a->name);
			ui_put(scr, r + 1, 41, 0, -1, l->a->help);
		}
	}
}

static enum ui_result help_action(struct ui *ui, struct view *v, enum ui_action a)
{
	struct help_view *h = v->priv;

	switch (a) {
	case UI_ACT_BACK:
	case UI_ACT_HELP:
		ui_pop(ui);
		return UI_REDRAW;
	default:
		/* Scrolling moves the whole page: the selection is the top line. */
		ui_list_move(&h->top, &h->sel, (int)h->n, 1, a);
		return UI_REDRAW;
	}
}

static void help_close(struct ui *ui, struct view *v)
{
	struct help_view *h = v->priv;

	(void)ui;
	free(h->lines);
	free(h);
}

const struct view_ops view_help_ops = {
	.name = "help",
	.bit = V_HELP,
	.open = help_open,
	.draw = help_draw,
	.action = help_action,
	.close = help_close,
};
