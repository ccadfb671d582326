/*
 * term.c - the only place that talks to the terminal: start and stop
 * curses, read keys (wide characters, function keys, resize) and copy the
 * screen model to the terminal.  curses keeps its own copy of the screen
 * and sends only what changed, so a full model redraw never flickers.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

static bool have_colors;

static SCREEN *file_screen;

/* The terminal is set up; the same for a real one and a file. */
static bool term_setup(struct ui *ui)
{
	int rows, cols;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_GREEN, -1);
		have_colors = true;
	}
	getmaxyx(stdscr, rows, cols);
	ui_screen_resize(&ui->scr, rows, cols);
	return true;
}

bool ui_term_start(struct ui *ui)
{
	/* Keep Esc snappy: the default 1 s delay makes Esc feel broken. */
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	/* The terminal's real size, even when LINES/COLUMNS are exported
	 * (they size the key-script mode only): curses would believe them over
	 * the terminal and ignore every resize. */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	if (!initscr())
		return false;
	return term_setup(ui);
}

bool ui_term_start_file(struct ui *ui, FILE *out, FILE *in, const char *term)
{
	file_screen = newterm(term, out, in);
	if (!file_screen)
		return false;
	set_term(file_screen);
	return term_setup(ui);
}

void ui_term_stop(struct ui *ui)
{
	(void)ui;
	/* Leave no answer on the terminal's screen after we go. */
	clear();
	refresh();
	endwin();
	if (file_screen) {
		delscreen(file_screen);
		file_screen = NULL;
	}
}

void ui_term_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

static const struct {
	int curses, ui;
} key_table[] = {
	{ KEY_UP, UI_KEY_UP }, { KEY_DOWN, UI_KEY_DOWN },
	{ KEY_LEFT, UI_KEY_LEFT }, { KEY_RIGHT, UI_KEY_RIGHT },
	{ KEY_HOME, UI_KEY_HOME }, { KEY_END, UI_KEY_END },
	{ KEY_PPAGE, UI_KEY_PGUP }, { KEY_NPAGE, UI_KEY_PGDN },
	{ KEY_IC, UI_KEY_INSERT }, { KEY_DC, UI_KEY_DELETE },
	{ KEY_BACKSPACE, UI_KEY_BACKSPACE }, { KEY_BTAB, UI_KEY_BTAB },
	{ KEY_ENTER, UI_KEY_ENTER }, { KEY_RESIZE, UI_KEY_RESIZE },
};

int ui_term_key(struct ui *ui, int timeout_ms)
{
	wint_t ch;
	int rc;
	size_t i;

	(void)ui;
	timeout(timeout_ms);
	rc = get_wch(&ch);
	if (rc == ERR)
		return UI_KEY_TIMEOUT;
	if (rc == KEY_CODE_YES) {
		for (i = 0; i < sizeof(key_table) / sizeof(key_table[0]); i++)
			if (key_table[i].curses == (int)ch)
				return key_table[i].ui;
		if ((int)ch >= KEY_F(1) && (int)ch <= KEY_F(12))
			return UI_KEY_F1 + (int)ch - KEY_F(1);
		return UI_KEY_TIMEOUT;	/* a key we do not use */
	}
	switch (ch) {
	case '\r':
	case '\n':
		return UI_KEY_ENTER;
	case '\t':
		return UI_KEY_TAB;
	case 27:
		return UI_KEY_ESC;
	case 127:
	case 8:
		return UI_KEY_BACKSPACE;
	default:
		return (int)ch;
	}
}

static attr_t map_attr(int a)
{
	attr_t r = A_NORMAL;

	if (a & UI_A_BOLD)
		r |= A_BOLD;
	if (a & UI_A_REVERSE)
		r |= A_REVERSE;
	if (a & UI_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & UI_A_DIM)
		r |= A_DIM;
	if (have_colors) {
		if (a & UI_A_ERROR)
			r |= COLOR_PAIR(1) | A_BOLD;
		else if (a & UI_A_WARN)
			r |= COLOR_PAIR(2) | A_BOLD;
		else if (a & UI_A_OK)
			r |= COLOR_PAIR(3);
	} else if (a & (UI_A_ERROR | UI_A_WARN)) {
		r |= A_BOLD;
	}
	return r;
}

void ui_term_flush(struct ui *ui)
{
	struct ui_screen *scr = &ui->scr;
	int r, c, rows, cols;

	getmaxyx(stdscr, rows, cols);
	for (r = 0; r < scr->rows && r < rows; r++) {
		move(r, 0);
		for (c = 0; c < scr->cols && c < cols; c++) {
			const struct ui_cell *cell = &scr->cells[r * scr->cols + c];
			if (cell->width == 0)
				continue;
			attrset(map_attr(cell->attr));
			if (c == cols - 1 && r == rows - 1) {
				/* Writing the bottom-right cell would scroll; insert it. */
				mvinsnstr(r, c, cell->ch, -1);
			} else {
				mvaddstr(r, c, cell->ch);
			}
		}
	}
	attrset(A_NORMAL);
	if (scr->cur_visible) {
		curs_set(1);
		move(scr->cur_row, scr->cur_col);
	} else {
		curs_set(0);
	}
	refresh();
}
