/*
 * options.h - option tables: name, type, default, allowed range and a
 * one-line help per option.  The same table validates a file (every problem
 * as FILE:LINE: message), answers `config show` with where each value came
 * from, and is checked against the docs by a test.
 */
#ifndef SENDA_INI_OPTIONS_H
#define SENDA_INI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "ini/ini.h"
#include "util/diag.h"

enum opt_type { OPT_STRING, OPT_INT, OPT_BOOL, OPT_DURATION, OPT_ENUM, OPT_PATH };

struct opt_def {
	const char *section;
	const char *name;
	enum opt_type type;
	const char *def;	/* default, as text */
	int64_t min, max;	/* OPT_INT and OPT_DURATION (seconds) */
	const char *choices;	/* OPT_ENUM: "a|b|c" */
	const char *help;
};

/* Where a value came from. */
enum opt_origin { ORIGIN_DEFAULT, ORIGIN_FILE, ORIGIN_CMDLINE };

struct opt_value {
	char *text;		/* normalised text of the value */
	int64_t num;		/* OPT_INT, OPT_DURATION (seconds), OPT_BOOL (0/1), OPT_ENUM index */
	enum opt_origin origin;
	char *file;		/* ORIGIN_FILE */
	int line;
};

/*
 * A section whose keys are not in the table but checked by a callback
 * (e.g. [keys], whose names come from the console's action table).
 * check returns NULL when the key and value are fine, else a message.
 */
struct opt_free_section {
	const char *section;
	const char *(*check)(const char *key, const char *value);
};

struct opt_set {
	const struct opt_def *defs;
	size_t n_defs;
	struct opt_value *values;	/* parallel to defs */
	const struct opt_free_section *free_sections;
	size_t n_free;
	struct ini_entry *free_entries;	/* entries of free sections, in order */
	size_t n_free_entries;
};

void opt_set_init(struct opt_set *os, const struct opt_def *defs, size_t n_defs,
		  const struct opt_free_section *free_sections, size_t n_free);
void opt_set_release(struct opt_set *os);

/* Check one value against its definition; NULL when fine, else a message. */
const char *opt_check(const struct opt_def *def, const char *text, struct opt_value *out);

/*
 * Validate a loaded file against the table.  Every problem goes to dl as
 * FILE:LINE: message.  Values are applied only when the whole file is
 * clean: a file with any error changes nothing.
 */
bool opt_set_apply_doc(struct opt_set *os, const struct ini_doc *doc, struct diag_list *dl);
/* Load and apply a file (missing file: error unless optional). */
bool opt_set_apply_file(struct opt_set *os, const char *path, bool optional,
			struct diag_list *dl);
/* "section.name=value" from the command line. */
bool opt_set_apply_arg(struct opt_set *os, const char *arg, struct diag_list *dl);

const struct opt_value *opt_get(const struct opt_set *os, const char *section, const char *name);
const char *opt_str(const struct opt_set *os, const char *section, const char *name);
int64_t opt_num(const struct opt_set *os, const char *section, const char *name);

const char *opt_type_name(enum opt_type t);

#endif
