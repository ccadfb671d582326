/*
 * screen.c - the screen model the views draw into (see screen.h).  Nothing
 * here knows about curses; the same grid is dumped as text by tests.
 */
#include <stdlib.h>
#include <string.h>

#include "ui/screen.h"
#include "ui/utf8.h"
#include "util/util.h"

void ui_screen_init(struct ui_screen *scr, int rows, int cols)
{
	memset(scr, 0, sizeof(*scr));
	ui_screen_resize(scr, rows, cols);
}

void ui_screen_release(struct ui_screen *scr)
{
	free(scr->cells);
	scr->cells = NULL;
	scr->rows = scr->cols = 0;
}

void ui_screen_resize(struct ui_screen *scr, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	free(scr->cells);
	scr->rows = rows;
	scr->cols = cols;
	scr->cells = xcalloc((size_t)rows * (size_t)cols, sizeof(*scr->cells));
	ui_screen_clear(scr);
}

void ui_screen_clear(struct ui_screen *scr)
{
	int i, n = scr->rows * scr->cols;

	for (i = 0; i < n; i++) {
		scr->cells[i].ch[0] = ' ';
		scr->cells[i].ch[1] = '\0';
		scr->cells[i].width = 1;
		scr->cells[i].attr = 0;
	}
	scr->cur_row = scr->cur_col = 0;
	scr->cur_visible = false;
}

struct ui_cell *ui_screen_cell(struct ui_screen *scr, int row, int col)
{
	if (row < 0 || row >= scr->rows || col < 0 || col >= scr->cols)
		return NULL;
	return &scr->cells[row * scr->cols + col];
}

static void cell_set(struct ui_cell *c, const char *s, size_t n, int width, int attr)
{
	if (n >= UI_CELL_BYTES)
		n = UI_CELL_BYTES - 1;
	memcpy(c->ch, s, n);
	c->ch[n] = '\0';
	c->width = (unsigned char)width;
	c->attr = (unsigned char)attr;
}

/* Overwriting half of a wide character leaves a space in the other half. */
static void cell_unsplit(struct ui_screen *scr, int row, int col)
{
	struct ui_cell *c = ui_screen_cell(scr, row, col);

	if (!c)
		return;
	if (c->width == 0) {
		struct ui_cell *l = ui_screen_cell(scr, row, col - 1);
		if (l)
			cell_set(l, " ", 1, 1, l->attr);
	} else if (c->width == 2) {
		struct ui_cell *r = ui_screen_cell(scr, row, col + 1);
		if (r)
			cell_set(r, " ", 1, 1, r->attr);
	}
}

int ui_putn(struct ui_screen *scr, int row, int col, int attr, int maxw,
	    const char *s, size_t n)
{
	int limit, c = col;
	size_t i = 0;

	if (row < 0 || row >= scr->rows || col < 0 || col >= scr->cols)
		return 0;
	limit = scr->cols;
	if (maxw >= 0 && col + maxw < limit)
		limit = col + maxw;
	while (i < n && s[i]) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		int w = utf8_cp_width(cp);

		if (w == 0) {
			/* Combining mark: join the previous cell written. */
			struct ui_cell *p = ui_screen_cell(scr, row, c - 1);
			if (p && p->width == 0)
				p = ui_screen_cell(scr, row, c - 2);
			if (c > col && p) {
				size_t have = strlen(p->ch);
				if (have + k < UI_CELL_BYTES) {
					memcpy(p->ch + have, s + i, k);
					p->ch[have + k] = '\0';
				}
			}
			i += k;
			continue;
		}
		if (c + w > limit) {
			if (w == 2 && c < limit) {
				cell_unsplit(scr, row, c);
				cell_set(ui_screen_cell(scr, row, c), " ", 1, 1, attr);
				c++;
			}
			break;
		}
		cell_unsplit(scr, row, c);
		if (w == 2)
			cell_unsplit(scr, row, c + 1);
		if (cp < 0x20 || cp == 0x7f || cp == 0xfffd)
			cell_set(ui_screen_cell(scr, row, c), "?", 1, 1, attr);
		else
			cell_set(ui_screen_cell(scr, row, c), s + i, k, w, attr);
		if (w == 2)
			cell_set(ui_screen_cell(scr, row, c + 1), "", 0, 0, attr);
		c += w;
		i += k;
	}
	return c - col;
}

int ui_put(struct ui_screen *scr, int row, int col, int attr, int maxw, const char *s)
{
	return ui_putn(scr, row, col, attr, maxw, s, strlen(s));
}

int ui_printf(struct ui_screen *scr, int row, int col, int attr, int maxw,
	      const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_put(scr, row, col, attr, maxw, buf);
}

void ui_fill(struct ui_screen *scr, int row, int col, int n, int attr)
{
	int i;

	for (i = 0; i < n; i++) {
		struct ui_cell *c = ui_screen_cell(scr, row, col + i);
		if (!c)
			break;
		cell_unsplit(scr, row, col + i);
		cell_set(c, " ", 1, 1, attr);
	}
}

void ui_row_attr(struct ui_screen *scr, int row, int attr)
{
	int i;

	if (row < 0 || row >= scr->rows)
		return;
	for (i = 0; i < scr->cols; i++)
		scr->cells[row * scr->cols + i].attr = (unsigned char)attr;
}

/*
 * Greedy word wrap.  Returns the byte length of the next line of s that fits
 * width columns, breaking after a space when possible, and sets *skip to the
 * bytes to skip after it (the space).
 */
static size_t wrap_line(const char *s, size_t n, int width, size_t *skip)
{
	size_t fit, i, brk = 0;

	*skip = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			size_t f = utf8_fit(s, i, width);
			if (f == i) {
				*skip = 1;
				return i;
			}
			break;
		}
	}
	fit = utf8_fit(s, n, width);
	if (fit >= n)
		return n;
	for (i = fit; i > 0; i--) {
		if (s[i] == ' ') {
			brk = i;
			break;
		}
	}
	if (brk > 0) {
		*skip = 1;
		return brk;
	}
	if (fit == 0)	/* a character wider than the whole width */
		fit = utf8_next_cluster(s, n, 0);
	return fit;
}

int ui_wrap(struct ui_screen *scr, int row, int col, int width, int max_rows,
	    int attr, const char *s)
{
	size_t n = strlen(s), i = 0;
	int used = 0;

	if (width < 1)
		return 0;
	while (i < n && used < max_rows) {
		size_t skip, len = wrap_line(s + i, n - i, width, &skip);
		if (scr)
			ui_putn(scr, row + used, col, attr, width, s + i, len);
		used++;
		i += len + skip;
	}
	if (n == 0)
		return 0;
	return used;
}

int ui_wrap_rows(const char *s, int width)
{
	return ui_wrap(NULL, 0, 0, width, 1 << 20, 0, s);
}

char *ui_screen_row_text(const struct ui_screen *scr, int row)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	if (row < 0 || row >= scr->rows)
		return xstrdup("");
	for (i = 0; i < scr->cols; i++) {
		const struct ui_cell *c = &scr->cells[row * scr->cols + i];
		if (c->width == 0)
			continue;
		strbuf_addstr(&sb, c->ch);
	}
	while (sb.len > 0 && sb.buf[sb.len - 1] == ' ')
		sb.buf[--sb.len] = '\0';
	return strbuf_detach(&sb, NULL);
}

void ui_screen_dump(const struct ui_screen *scr, FILE *out)
{
	int r;

	for (r = 0; r < scr->rows; r++) {
		char *t = ui_screen_row_text(scr, r);
		fprintf(out, "%s\n", t);
		free(t);
	}
}

bool ui_screen_contains(const struct ui_screen *scr, const char *needle)
{
	int r;
	bool found = false;

	for (r = 0; r < scr->rows && !found; r++) {
		char *t = ui_screen_row_text(scr, r);
		found = strstr(t, needle) != NULL;
		free(t);
	}
	return found;
}
