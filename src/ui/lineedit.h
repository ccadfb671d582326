/*
 * lineedit.h - a one-line UTF-8 text editor widget: insert at the cursor,
 * Left/Right/Home/End, Backspace and Del over whole clusters (a wide
 * character, or a base letter with its combining marks), and the readline
 * keys Ctrl-A/E/K/U/W.  The buffer is a strbuf; cursor is a byte offset that
 * always sits on a cluster boundary.
 *
 * The buffer can hold an answer being typed: ui_line_release() wipes it
 * before freeing so no answer lingers in freed heap.
 */
#ifndef SENDA_UI_LINEEDIT_H
#define SENDA_UI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/screen.h"
#include "util/util.h"

struct ui_line {
	struct strbuf text;
	size_t cursor;		/* byte offset */
	int scroll;		/* first column shown when the text is wider */
	size_t max_bytes;	/* 0: no limit */
	bool secret;		/* draw as '*' (passphrase) */
};

void ui_line_init(struct ui_line *le);
void ui_line_release(struct ui_line *le);
void ui_line_set(struct ui_line *le, const char *s);
void ui_line_clear(struct ui_line *le);
const char *ui_line_text(const struct ui_line *le);

/*
 * Apply one key (see keys.h).  Returns true when the key was an editing key
 * (consumed), false for keys the caller should handle (Enter, Up, ...).
 */
bool ui_line_key(struct ui_line *le, int key);

/*
 * Draw into width columns at (row, col), scrolling horizontally to keep the
 * cursor visible; places the screen cursor when focused.
 */
void ui_line_draw(struct ui_line *le, struct ui_screen *scr, int row, int col,
		  int width, int attr, bool focused);

#endif
