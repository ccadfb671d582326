/*
 * ini.h - the project's one INI reader, the only code that calls iniparser.
 *
 * iniparser 4.1 keeps no line numbers and has traps (it cuts values at an
 * unquoted '#' or ';', lowercases names, silently keeps the last of two
 * duplicate keys, fails a whole file on a line of 1,023 bytes or more).  So
 * ini_doc_load() first scans the raw lines itself, reporting each of those
 * problems as FILE:LINE, then lets iniparser parse the values and joins the
 * two: the result is every section and key in file order with its line.
 */
#ifndef SENDA_INI_INI_H
#define SENDA_INI_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

struct ini_entry {
	char *section;		/* lowercased, as iniparser gives it */
	char *key;		/* lowercased */
	char *value;		/* as iniparser parsed it (quotes removed) */
	int line;		/* line of the key in the file */
};

struct ini_section {
	char *name;		/* lowercased */
	int line;
	size_t first, count;	/* its entries: entries[first .. first+count) */
};

struct ini_doc {
	char *path;
	struct ini_entry *entries;
	size_t n_entries, alloc_entries;
	struct ini_section *sections;
	size_t n_sections, alloc_sections;
};

/*
 * Load path.  Problems go to dl as FILE:LINE diagnostics (errors for what
 * would be misread, so a caller refuses the file when
 * diag_count(dl, DIAG_ERROR) > 0).  Returns false only when the file could
 * not be read or parsed at all (also reported in dl).
 */
bool ini_doc_load(struct ini_doc *doc, const char *path, struct diag_list *dl);
/* The same from a buffer; name is used in messages. */
bool ini_doc_load_mem(struct ini_doc *doc, const char *name, const char *text,
		      size_t len, struct diag_list *dl);
void ini_doc_release(struct ini_doc *doc);

const struct ini_section *ini_doc_section(const struct ini_doc *doc, const char *name);
/* Entry for section/key (names compared lowercased); NULL when absent. */
const struct ini_entry *ini_doc_find(const struct ini_doc *doc, const char *section,
				     const char *key);
/* Value or def. */
const char *ini_doc_get(const struct ini_doc *doc, const char *section,
			const char *key, const char *def);

#endif
