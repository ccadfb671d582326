/*
 * diag.h - diagnostics collected while reading a file: each one names the
 * file and line it is about, so that every problem prints as
 * "FILE:LINE: message" (config) or "FILE:LINE: error: message" (form lint).
 */
#ifndef SENDA_UTIL_DIAG_H
#define SENDA_UTIL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag {
	char *file;
	int line;		/* 0 when the problem is about the whole file */
	enum diag_level level;
	char *msg;
};

struct diag_list {
	struct diag *v;
	size_t n, alloc;
};
#define DIAG_LIST_INIT { NULL, 0, 0 }

void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      int line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t diag_count(const struct diag_list *dl, enum diag_level level);
/* Sort by file then line, stable: messages read top to bottom. */
void diag_sort(struct diag_list *dl);
/* One line per diagnostic; with_level adds "error: " / "warning: ". */
void diag_print(const struct diag_list *dl, FILE *out, bool with_level);
/* Format one diagnostic into a malloc'd string. */
char *diag_format(const struct diag *d, bool with_level);
void diag_list_release(struct diag_list *dl);

#endif
