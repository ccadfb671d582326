/*
 * screen.h - the screen model.  Views draw into a grid of cells, never into
 * the terminal; the terminal layer (term.c) copies the grid to curses, and
 * the key-script driver dumps it as text.  That split is what makes every
 * screen testable without a terminal (tmux's screen-write/tty split).
 *
 * Invariants: rows x cols cells; a wide character occupies its cell and a
 * continuation cell of width 0 to its right; combining marks are stored in
 * the cell of their base character.
 */
#ifndef SENDA_UI_SCREEN_H
#define SENDA_UI_SCREEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Attributes: a bit set; the terminal layer maps them to curses. */
enum {
	UI_A_NORMAL = 0,
	UI_A_BOLD = 1 << 0,
	UI_A_REVERSE = 1 << 1,
	UI_A_UNDERLINE = 1 << 2,
	UI_A_DIM = 1 << 3,
	UI_A_ERROR = 1 << 4,	/* red where colour exists */
	UI_A_WARN = 1 << 5,	/* yellow */
	UI_A_OK = 1 << 6,	/* green */
};

#define UI_CELL_BYTES 16	/* base + a few combining marks */

struct ui_cell {
	char ch[UI_CELL_BYTES];	/* UTF-8, NUL-terminated; "" for continuation */
	unsigned char width;	/* 1, 2, or 0 for the right half of a wide char */
	unsigned char attr;
};

struct ui_screen {
	int rows, cols;
	struct ui_cell *cells;
	int cur_row, cur_col;	/* where the terminal cursor goes */
	bool cur_visible;
};

void ui_screen_init(struct ui_screen *scr, int rows, int cols);
void ui_screen_release(struct ui_screen *scr);
void ui_screen_resize(struct ui_screen *scr, int rows, int cols);
void ui_screen_clear(struct ui_screen *scr);
struct ui_cell *ui_screen_cell(struct ui_screen *scr, int row, int col);

/*
 * Write s at (row, col) with attr, using at most maxw columns (-1: to the
 * right edge).  A wide character that would straddle the limit becomes a
 * space.  Returns the columns written.
 */
int ui_put(struct ui_screen *scr, int row, int col, int attr, int maxw, const char *s);
int ui_putn(struct ui_screen *scr, int row, int col, int attr, int maxw,
	    const char *s, size_t n);
int ui_printf(struct ui_screen *scr, int row, int col, int attr, int maxw,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fill n columns from (row, col) with spaces in attr. */
void ui_fill(struct ui_screen *scr, int row, int col, int n, int attr);
/* Set attr on a whole row (selection bars) keeping the text. */
void ui_row_attr(struct ui_screen *scr, int row, int attr);
/*
 * Word-wrap s into rows starting at row, width cols from col, at most
 * max_rows rows; returns the rows used.
 */
int ui_wrap(struct ui_screen *scr, int row, int col, int width, int max_rows,
	    int attr, const char *s);
/* Rows that ui_wrap() would use for s at width (for layout). */
int ui_wrap_rows(const char *s, int width);

/* The text of one row (continuations skipped, trailing spaces trimmed). */
char *ui_screen_row_text(const struct ui_screen *scr, int row);
/* Every row as text, one line each. */
void ui_screen_dump(const struct ui_screen *scr, FILE *out);
/* true when the screen contains needle somewhere in one row. */
bool ui_screen_contains(const struct ui_screen *scr, const char *needle);

#endif
