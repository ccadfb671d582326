/*
 * lineedit.c - the one-line UTF-8 editor (see lineedit.h).  Every edit
 * moves by clusters so that backspace over "é" (e + U+0301) or "日" removes
 * the whole visible character, never half of it.
 */
#include <string.h>

#include "ui/keys.h"
#include "ui/lineedit.h"
#include "ui/utf8.h"

void ui_line_init(struct ui_line *le)
{
	memset(le, 0, sizeof(*le));
	strbuf_init(&le->text, 0);
}

static void wipe(struct ui_line *le)
{
	if (le->text.alloc)
		memset(le->text.buf, 0, le->text.alloc);
}

void ui_line_release(struct ui_line *le)
{
	wipe(le);
	strbuf_release(&le->text);
	le->cursor = 0;
}

void ui_line_clear(struct ui_line *le)
{
	wipe(le);
	strbuf_reset(&le->text);
	le->cursor = 0;
	le->scroll = 0;
}

void ui_line_set(struct ui_line *le, const char *s)
{
	ui_line_clear(le);
	strbuf_addstr(&le->text, s ? s : "");
	le->cursor = le->text.len;
}

const char *ui_line_text(const struct ui_line *le)
{
	return le->text.buf;
}

/* Remove bytes [from, to) and put the cursor at from. */
static void cut(struct ui_line *le, size_t from, size_t to)
{
	struct strbuf *t = &le->text;

	if (to <= from)
		return;
	memmove(t->buf + from, t->buf + to, t->len - to + 1);
	t->len -= to - from;
	memset(t->buf + t->len + 1, 0, to - from);	/* no stale copy of the tail */
	le->cursor = from;
}

static void insert(struct ui_line *le, int key)
{
	struct strbuf *t = &le->text;
	char enc[4];
	size_t k = utf8_encode((uint32_t)key, enc);

	if (le->max_bytes && t->len + k > le->max_bytes)
		return;
	/* Grow via strbuf; a realloc could leave a copy, so wipe the old one. */
	if (t->len + k + 1 > t->alloc) {
		struct strbuf nb;
		strbuf_init(&nb, (t->len + k + 1) * 2);
		strbuf_add(&nb, t->buf, t->len);
		wipe(le);
		strbuf_release(t);
		*t = nb;
	}
	memmove(t->buf + le->cursor + k, t->buf + le->cursor, t->len - le->cursor + 1);
	memcpy(t->buf + le->cursor, enc, k);
	t->len += k;
	/* A combining mark joins the cluster before it; keep the cursor after. */
	le->cursor += k;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool ui_line_key(struct ui_line *le, int key)
{
	struct strbuf *t = &le->text;
	size_t c = le->cursor;

	switch (key) {
	case UI_KEY_LEFT:
		le->cursor = utf8_prev_cluster(t->buf, c);
		return true;
	case UI_KEY_RIGHT:
		le->cursor = c + utf8_next_cluster(t->buf, t->len, c);
		return true;
	case UI_KEY_HOME:
	case UI_CTRL('a'):
		le->cursor = 0;
		return true;
	case UI_KEY_END:
	case UI_CTRL('e'):
		le->cursor = t->len;
		return true;
	case UI_KEY_BACKSPACE:
		cut(le, utf8_prev_cluster(t->buf, c), c);
		return true;
	case UI_KEY_DELETE:
	case UI_CTRL('d'):
		cut(le, c, c + utf8_next_cluster(t->buf, t->len, c));
		return true;
	case UI_CTRL('k'):
		cut(le, c, t->len);
		return true;
	case UI_CTRL('u'):
		cut(le, 0, c);
		return true;
	case UI_CTRL('w'): {
		size_t s = c;
		while (s > 0 && is_space(t->buf[s - 1]))
			s--;
		while (s > 0 && !is_space(t->buf[s - 1]))
			s--;
		cut(le, s, c);
		return true;
	}
	default:
		if (key >= ' ' && key < 0x110000 && key != 0x7f) {
			insert(le, key);
			return true;
		}
		return false;
	}
}

void ui_line_draw(struct ui_line *le, struct ui_screen *scr, int row, int col,
		  int width, int attr, bool focused)
{
	const char *s = le->text.buf;
	int cur_w, i;
	size_t skip = 0;

	if (width < 2)
		return;
	ui_fill(scr, row, col, width, attr);
	if (le->secret) {
		/* Show one '*' per cluster, never the text itself. */
		size_t p = 0;
		int n = 0;
		while (p < le->text.len) {
			p += utf8_next_cluster(s, le->text.len, p);
			n++;
		}
		for (i = 0; i < n && i < width - 1; i++)
			ui_put(scr, row, col + i, attr, 1, "*");
		if (focused) {
			scr->cur_row = row;
			scr->cur_col = col + (n < width - 1 ? n : width - 1);
			scr->cur_visible = true;
		}
		return;
	}
	cur_w = utf8_width(s, le->cursor);
	/* Keep the cursor within the field, leaving one column for it at the end. */
	if (cur_w < le->scroll)
		le->scroll = cur_w;
	if (cur_w - le->scroll > width - 1)
		le->scroll = cur_w - (width - 1);
	/* Skip whole clusters worth scroll columns. */
	{
		int w = 0;
		while (skip < le->text.len && w < le->scroll) {
			size_t k = utf8_next_cluster(s, le->text.len, skip);
			w += utf8_width(s + skip, k);
			skip += k;
		}
		le->scroll = w;
	}
	ui_putn(scr, row, col, attr, width, s + skip, le->text.len - skip);
	if (focused) {
		scr->cur_row = row;
		scr->cur_col = col + cur_w - le->scroll;
		scr->cur_visible = true;
	}
}
