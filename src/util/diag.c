/*
 * diag.c - collecting and printing FILE:LINE diagnostics.
 */
#include "util/diag.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      int line, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct diag *d;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		strbuf_grow(&sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb.len = (size_t)n;
	}
	ALLOC_GROW(dl->v, dl->n + 1, dl->alloc);
	d = &dl->v[dl->n++];
	d->file = xstrdup(file ? file : "");
	d->line = line;
	d->level = level;
	d->msg = strbuf_detach(&sb, NULL);
}

size_t diag_count(const struct diag_list *dl, enum diag_level level)
{
	size_t n = 0;

	for (size_t i = 0; i < dl->n; i++)
		n += dl->v[i].level == level;
	return n;
}

void diag_sort(struct diag_list *dl)
{
	/* Insertion sort: lists are short and it is stable. */
	for (size_t i = 1; i < dl->n; i++) {
		struct diag t = dl->v[i];
		size_t j = i;

		while (j > 0) {
			int c = strcmp(dl->v[j - 1].file, t.file);

			if (c < 0 || (c == 0 && dl->v[j - 1].line <= t.line))
				break;
			dl->v[j] = dl->v[j - 1];
			j--;
		}
		dl->v[j] = t;
	}
}

char *diag_format(const struct diag *d, bool with_level)
{
	const char *lvl = !with_level ? "" : d->level == DIAG_ERROR ? "error: " : "warning: ";

	if (d->line > 0)
		return xasprintf("%s:%d: %s%s", d->file, d->line, lvl, d->msg);
	return xasprintf("%s: %s%s", d->file, lvl, d->msg);
}

void diag_print(const struct diag_list *dl, FILE *out, bool with_level)
{
	for (size_t i = 0; i < dl->n; i++) {
		char *s = diag_format(&dl->v[i], with_level);

		fprintf(out, "%s\n", s);
		free(s);
	}
}

void diag_list_release(struct diag_list *dl)
{
	for (size_t i = 0; i < dl->n; i++) {
		free(dl->v[i].file);
		free(dl->v[i].msg);
	}
	free(dl->v);
	dl->v = NULL;
	dl->n = dl->alloc = 0;
}
