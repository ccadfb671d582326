/*
 * options.c - validating INI files against an option table.
 *
 * The table is the single description of every setting: its type and
 * range check each value with a FILE:LINE message, its default and origin
 * answer `config show`, and a test holds the docs to it.  A file with any
 * error applies nothing, so a typo never half-configures a field laptop.
 */
#include "ini/options.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const opt_type_names[] = {
	[OPT_STRING] = "string", [OPT_INT] = "integer", [OPT_BOOL] = "boolean",
	[OPT_DURATION] = "duration", [OPT_ENUM] = "enum", [OPT_PATH] = "path",
};

const char *opt_type_name(enum opt_type t)
{
	return t < ARRAY_SIZE(opt_type_names) ? opt_type_names[t] : "?";
}

static void value_release(struct opt_value *v)
{
	free(v->text);
	free(v->file);
	memset(v, 0, sizeof(*v));
}

/* Index of word in "a|b|c", or -1. */
static int enum_index(const char *choices, const char *word)
{
	const char *p = choices;
	size_t n = strlen(word);

	for (int i = 0; p && *p; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && !strncmp(p, word, n))
			return i;
		p = bar ? bar + 1 : NULL;
	}
	return -1;
}

const char *opt_check(const struct opt_def *def, const char *text, struct opt_value *out)
{
	static char msg[256];
	int64_t num = 0;
	bool b;

	switch (def->type) {
	case OPT_STRING:
		break;
	case OPT_PATH:
		if (!*text)
			return "a path must not be empty";
		break;
	case OPT_INT:
		if (!parse_int64(text, &num)) {
			snprintf(msg, sizeof(msg), "'%s' is not a whole number", text);
			return msg;
		}
		if (num < def->min || num > def->max) {
			snprintf(msg, sizeof(msg), "%s is out of range (%" PRId64 " to %" PRId64 ")",
				 text, def->min, def->max);
			return msg;
		}
		break;
	case OPT_DURATION:
		if (!parse_duration(text, &num)) {
			snprintf(msg, sizeof(msg),
				 "'%s' is not a duration (like 90, 30s, 5m, 2h, 1d)", text);
			return msg;
		}
		if (num < def->min || num > def->max) {
			snprintf(msg, sizeof(msg), "%s is out of range (%" PRId64 "s to %" PRId64 "s)",
				 text, def->min, def->max);
			return msg;
		}
		break;
	case OPT_BOOL:
		if (!parse_bool(text, &b)) {
			snprintf(msg, sizeof(msg), "'%s' is not yes or no", text);
			return msg;
		}
		num = b;
		break;
	case OPT_ENUM:
		num = enum_index(def->choices, text);
		if (num < 0) {
			snprintf(msg, sizeof(msg), "'%s' is not one of %s", text, def->choices);
			return msg;
		}
		break;
	}
	if (out) {
		free(out->text);
		out->text = xstrdup(def->type == OPT_BOOL ? (num ? "yes" : "no") : text);
		out->num = num;
	}
	return NULL;
}

void opt_set_init(struct opt_set *os, const struct opt_def *defs, size_t n_defs,
		  const struct opt_free_section *free_sections, size_t n_free)
{
	memset(os, 0, sizeof(*os));
	os->defs = defs;
	os->n_defs = n_defs;
	os->free_sections = free_sections;
	os->n_free = n_free;
	os->values = xcalloc(n_defs, sizeof(*os->values));
	for (size_t i = 0; i < n_defs; i++) {
		const char *err = opt_check(&defs[i], defs[i].def, &os->values[i]);

		if (err) {	/* a bad default is a programming error */
			fprintf(stderr, "senda: bad default for %s.%s: %s\n",
				defs[i].section, defs[i].name, err);
			abort();
		}
		os->values[i].origin = ORIGIN_DEFAULT;
	}
}

static void free_entries_release(struct opt_set *os)
{
	for (size_t i = 0; i < os->n_free_entries; i++) {
		free(os->free_entries[i].section);
		free(os->free_entries[i].key);
		free(os->free_entries[i].value);
	}
	free(os->free_entries);
	os->free_entries = NULL;
	os->n_free_entries = 0;
}

void opt_set_release(struct opt_set *os)
{
	for (size_t i = 0; i < os->n_defs; i++)
		value_release(&os->values[i]);
	free(os->values);
	free_entries_release(os);
	memset(os, 0, sizeof(*os));
}

static const struct opt_def *find_def(const struct opt_set *os, const char *section,
				      const char *name, size_t *idx)
{
	for (size_t i = 0; i < os->n_defs; i++)
		if (!strcmp(os->defs[i].section, section) && !strcmp(os->defs[i].name, name)) {
			if (idx)
				*idx = i;
			return &os->defs[i];
		}
	return NULL;
}

static const struct opt_free_section *find_free(const struct opt_set *os, const char *section)
{
	for (size_t i = 0; i < os->n_free; i++)
		if (!strcmp(os->free_sections[i].section, section))
			return &os->free_sections[i];
	return NULL;
}

static bool known_section(const struct opt_set *os, const char *section)
{
	for (size_t i = 0; i < os->n_defs; i++)
		if (!strcmp(os->defs[i].section, section))
			return true;
	return false;
}

bool opt_set_apply_doc(struct opt_set *os, const struct ini_doc *doc, struct diag_list *dl)
{
	struct opt_value *staged = xcalloc(os->n_defs ? os->n_defs : 1, sizeof(*staged));
	size_t errors = diag_count(dl, DIAG_ERROR);
	bool ok;

	for (size_t s = 0; s < doc->n_sections; s++) {
		const struct ini_section *sec = &doc->sections[s];

		if (!known_section(os, sec->name) && !find_free(os, sec->name))
			diag_add(dl, DIAG_ERROR, doc->path, sec->line, "unknown section [%s]",
				 sec->name);
	}
	for (size_t i = 0; i < doc->n_entries; i++) {
		const struct ini_entry *e = &doc->entries[i];
		const struct opt_free_section *fs = find_free(os, e->section);
		const struct opt_def *def;
		const char *err;
		size_t idx;

		if (fs) {
			err = fs->check ? fs->check(e->key, e->value) : NULL;
			if (err)
				diag_add(dl, DIAG_ERROR, doc->path, e->line, "%s: %s", e->key, err);
			continue;
		}
		if (!known_section(os, e->section))
			continue;	/* reported once, above */
		def = find_def(os, e->section, e->key, &idx);
		if (!def) {
			diag_add(dl, DIAG_ERROR, doc->path, e->line, "unknown key '%s' in [%s]",
				 e->key, e->section);
			continue;
		}
		err = opt_check(def, e->value, &staged[idx]);
		if (err) {
			diag_add(dl, DIAG_ERROR, doc->path, e->line, "%s: %s", e->key, err);
			continue;
		}
		staged[idx].origin = ORIGIN_FILE;
		free(staged[idx].file);
		staged[idx].file = xstrdup(doc->path);
		staged[idx].line = e->line;
	}
	ok = diag_count(dl, DIAG_ERROR) == errors;
	if (ok) {
		for (size_t i = 0; i < os->n_defs; i++)
			if (staged[i].text) {
				value_release(&os->values[i]);
				os->values[i] = staged[i];
				memset(&staged[i], 0, sizeof(staged[i]));
			}
		for (size_t i = 0; i < doc->n_entries; i++) {
			const struct ini_entry *e = &doc->entries[i];

			if (!find_free(os, e->section))
				continue;
			os->free_entries = xrealloc(os->free_entries,
						    (os->n_free_entries + 1) * sizeof(*e));
			os->free_entries[os->n_free_entries].section = xstrdup(e->section);
			os->free_entries[os->n_free_entries].key = xstrdup(e->key);
			os->free_entries[os->n_free_entries].value = xstrdup(e->value);
			os->free_entries[os->n_free_entries++].line = e->line;
		}
	}
	for (size_t i = 0; i < os->n_defs; i++)
		value_release(&staged[i]);
	free(staged);
	return ok;
}

bool opt_set_apply_file(struct opt_set *os, const char *path, bool optional,
			struct diag_list *dl)
{
	struct ini_doc doc;
	size_t errors = diag_count(dl, DIAG_ERROR);
	bool ok;

	if (optional && !path_exists(path))
		return true;
	ok = ini_doc_load(&doc, path, dl);
	/* Any reader error (long line, stray '#', duplicate) refuses the file. */
	if (ok && diag_count(dl, DIAG_ERROR) == errors)
		ok = opt_set_apply_doc(os, &doc, dl);
	else
		ok = false;
	ini_doc_release(&doc);
	return ok;
}

bool opt_set_apply_arg(struct opt_set *os, const char *arg, struct diag_list *dl)
{
	const char *eq = strchr(arg, '=');
	const char *dot = strchr(arg, '.');
	const struct opt_def *def;
	char *section, *name;
	const char *err;
	size_t idx;

	if (!eq || !dot || dot > eq) {
		diag_add(dl, DIAG_ERROR, "--set", 0, "'%s' is not SECTION.KEY=VALUE", arg);
		return false;
	}
	section = xstrndup(arg, (size_t)(dot - arg));
	name = xstrndup(dot + 1, (size_t)(eq - dot - 1));
	def = find_def(os, section, name, &idx);
	if (!def) {
		diag_add(dl, DIAG_ERROR, "--set", 0, "unknown option '%s.%s'", section, name);
		free(section);
		free(name);
		return false;
	}
	free(section);
	free(name);
	{
		struct opt_value v = { 0 };

		err = opt_check(def, eq + 1, &v);
		if (err) {
			diag_add(dl, DIAG_ERROR, "--set", 0, "%s.%s: %s", def->section, def->name, err);
			value_release(&v);
			return false;
		}
		value_release(&os->values[idx]);
		os->values[idx] = v;
		os->values[idx].origin = ORIGIN_CMDLINE;
	}
	return true;
}

const struct opt_value *opt_get(const struct opt_set *os, const char *section, const char *name)
{
	size_t idx;

	if (!find_def(os, section, name, &idx)) {
		fprintf(stderr, "senda: no option %s.%s\n", section, name);
		abort();	/* a typo in the code, not the user's file */
	}
	return &os->values[idx];
}

const char *opt_str(const struct opt_set *os, const char *section, const char *name)
{
	return opt_get(os, section, name)->text;
}

int64_t opt_num(const struct opt_set *os, const char *section, const char *name)
{
	return opt_get(os, section, name)->num;
}
