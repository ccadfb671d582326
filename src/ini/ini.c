/*
 * ini.c - the INI reader: a raw-line pre-scan for FILE:LINE diagnostics,
 * then iniparser for the values, joined into one ordered document.
 *
 * Why both: iniparser 4.1 is the parser the project standardises on, but
 * its dictionary keeps no line numbers and it misreads several things
 * silently (see ini.h).  The pre-scan mirrors iniparser's line grammar
 * closely enough to say, for each line, what iniparser will do with it,
 * and calls out every case where that differs from what the author meant.
 */
#include "ini/ini.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

/* iniparser 4.1 refuses a whole file with a line of this many bytes. */
#define INI_MAX_LINE 1022

struct scan {
	struct ini_doc *doc;
	struct diag_list *dl;
	const char *name;
	/* original spelling of each section and entry name, for case checks */
	char **sec_orig;
	char **ent_orig;
};

static char *lower_dup(const char *s, size_t n)
{
	char *p = xstrndup(s, n);

	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

static void scan_section(struct scan *sc, const char *name, size_t n, int line)
{
	struct ini_doc *doc = sc->doc;
	char *orig = xstrndup(name, n);
	char *low = lower_dup(name, n);
	struct ini_section *s;

	for (size_t i = 0; i < doc->n_sections; i++) {
		if (strcmp(doc->sections[i].name, low))
			continue;
		if (!strcmp(sc->sec_orig[i], orig))
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "duplicate section [%s] (first at line %d)", orig,
				 doc->sections[i].line);
		else
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "section [%s] differs from [%s] (line %d) only by case",
				 orig, sc->sec_orig[i], doc->sections[i].line);
		break;
	}
	ALLOC_GROW(doc->sections, doc->n_sections + 1, doc->alloc_sections);
	sc->sec_orig = xrealloc(sc->sec_orig, doc->alloc_sections * sizeof(char *));
	s = &doc->sections[doc->n_sections];
	sc->sec_orig[doc->n_sections++] = orig;
	s->name = low;
	s->line = line;
	s->first = doc->n_entries;
	s->count = 0;
}

static void scan_entry(struct scan *sc, const char *key, size_t n, int line)
{
	struct ini_doc *doc = sc->doc;
	struct ini_section *s = &doc->sections[doc->n_sections - 1];
	char *orig = xstrndup(key, n);
	char *low = lower_dup(key, n);
	struct ini_entry *e;

	/* Same section record only: a reopened section is already an error. */
	for (size_t i = s->first; i < s->first + s->count; i++) {
		if (strcmp(doc->entries[i].key, low))
			continue;
		if (!strcmp(sc->ent_orig[i], orig))
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "duplicate key '%s' in [%s] (first at line %d)", orig,
				 sc->sec_orig[doc->n_sections - 1], doc->entries[i].line);
		else
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "key '%s' differs from '%s' (line %d) only by case",
				 orig, sc->ent_orig[i], doc->entries[i].line);
		break;
	}
	ALLOC_GROW(doc->entries, doc->n_entries + 1, doc->alloc_entries);
	sc->ent_orig = xrealloc(sc->ent_orig, doc->alloc_entries * sizeof(char *));
	e = &doc->entries[doc->n_entries];
	sc->ent_orig[doc->n_entries++] = orig;
	e->section = xstrdup(s->name);
	e->key = low;
	e->value = NULL;
	e->line = line;
	s->count++;
}

/* Check a value as written; report what iniparser would do differently. */
static void scan_value(struct scan *sc, const char *v, int line, const char *key)
{
	char q = *v;

	if (q == '"' || q == '\'') {
		const char *end = strchr(v + 1, q);
		const char *rest;

		if (!end) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "value of '%s' has no closing %c", key, q);
			return;
		}
		rest = end + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest && *rest != '#' && *rest != ';')
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "text after the closing %c of '%s' would be dropped "
				 "(no escapes inside quotes)", q, key);
		return;
	}
	for (const char *p = v; *p; p++)
		if (*p == '#' || *p == ';') {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "unquoted '%c' in the value of '%s' would cut it there; "
				 "put the value in double quotes", *p, key);
			return;
		}
}

static void scan_line(struct scan *sc, char *raw, int line)
{
	char *s = str_trim(raw);
	char *eq;

	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		size_t n = strlen(s);
		char *name;

		if (s[n - 1] != ']') {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "syntax error: section header must end with ']'");
			return;
		}
		s[n - 1] = '\0';
		name = str_trim(s + 1);
		if (!*name || strpbrk(name, "[]")) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "syntax error: bad section name");
			return;
		}
		scan_section(sc, name, strlen(name), line);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		diag_add(sc->dl, DIAG_ERROR, sc->name, line,
			 "syntax error: expected 'key = value' or '[section]'");
		return;
	}
	*eq = '\0';
	{
		char *key = str_trim(s);
		char *val = str_trim(eq + 1);

		if (!*key) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line, "syntax error: missing key before '='");
			return;
		}
		if (strpbrk(key, " \t[]\"'#;:")) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "syntax error: bad key name '%s'", key);
			return;
		}
		if (!sc->doc->n_sections) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, line,
				 "key '%s' is outside any [section]", key);
			return;
		}
		scan_value(sc, val, line, key);
		scan_entry(sc, key, strlen(key), line);
	}
}

/* Walk raw lines, joining '\' continuations as iniparser does. */
static void scan_text(struct scan *sc, const char *text, size_t len)
{
	struct strbuf logical = STRBUF_INIT;
	size_t pos = 0;
	int lineno = 0, start = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t m = n;

		lineno++;
		if (!logical.len)
			start = lineno;
		if (m && text[pos + m - 1] == '\r')
			m--;
		if (memchr(text + pos, '\0', m))
			diag_add(sc->dl, DIAG_ERROR, sc->name, lineno, "NUL byte in line");
		strbuf_add(&logical, text + pos, m);
		pos += n + (nl ? 1 : 0);
		/* iniparser strips trailing blanks before looking for '\' */
		while (logical.len && (logical.buf[logical.len - 1] == ' ' ||
				       logical.buf[logical.len - 1] == '\t'))
			logical.len--;
		logical.buf[logical.len] = '\0';
		if (logical.len && logical.buf[logical.len - 1] == '\\' && pos < len) {
			logical.buf[--logical.len] = '\0';
			continue;
		}
		if (logical.len > INI_MAX_LINE) {
			diag_add(sc->dl, DIAG_ERROR, sc->name, start,
				 "line is %zu bytes long; the limit is %d", logical.len,
				 INI_MAX_LINE);
		} else {
			scan_line(sc, logical.buf, start);
		}
		strbuf_reset(&logical);
	}
	strbuf_release(&logical);
}

/* iniparser reports through a printf-like callback; keep its first line. */
static char ini_parser_msg[256];

static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;

	if (ini_parser_msg[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_parser_msg, sizeof(ini_parser_msg), fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * Let iniparser parse the text.  It only takes a path, and a temporary file
 * is not acceptable here, so the bytes go through an anonymous memfd.
 */
static dictionary *ini_parse(const char *text, size_t len, const char *path)
{
	dictionary *d;
	char fdpath[64];
	int fd;

	ini_parser_msg[0] = '\0';
	iniparser_set_error_callback(ini_error_cb);
	if (path)
		return iniparser_load(path);
	fd = memfd_create("senda-ini", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return NULL;
		}
		off += (size_t)w;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	d = iniparser_load(fdpath);
	close(fd);
	return d;
}

static bool ini_doc_build(struct ini_doc *doc, const char *name, const char *text,
			  size_t len, const char *path, struct diag_list *dl)
{
	struct scan sc = { doc, dl, name, NULL, NULL };
	size_t errors_before = diag_count(dl, DIAG_ERROR);
	dictionary *d;
	bool ok = true;

	memset(doc, 0, sizeof(*doc));
	doc->path = xstrdup(name);
	scan_text(&sc, text, len);

	d = ini_parse(text, len, path);
	if (!d) {
		/* The pre-scan normally explains why; say so only if it did not. */
		if (diag_count(dl, DIAG_ERROR) == errors_before)
			diag_add(dl, DIAG_ERROR, name, 0, "cannot be parsed%s%s",
				 ini_parser_msg[0] ? ": " : "", str_trim(ini_parser_msg));
		ok = false;
	} else {
		for (size_t i = 0; i < doc->n_entries; i++) {
			struct ini_entry *e = &doc->entries[i];
			char *k = xasprintf("%s:%s", e->section, e->key);
			const char *v = iniparser_getstring(d, k, NULL);

			e->value = xstrdup(v ? v : "");
			free(k);
		}
		iniparser_freedict(d);
	}
	for (size_t i = 0; i < doc->n_entries; i++) {
		if (!doc->entries[i].value)
			doc->entries[i].value = xstrdup("");
		free(sc.ent_orig[i]);
	}
	for (size_t i = 0; i < doc->n_sections; i++)
		free(sc.sec_orig[i]);
	free(sc.ent_orig);
	free(sc.sec_orig);
	return ok;
}

bool ini_doc_load(struct ini_doc *doc, const char *path, struct diag_list *dl)
{
	size_t len;
	char *text = file_read_all(path, &len);
	bool ok;

	if (!text) {
		memset(doc, 0, sizeof(*doc));
		doc->path = xstrdup(path);
		diag_add(dl, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	ok = ini_doc_build(doc, path, text, len, path, dl);
	free(text);
	return ok;
}

bool ini_doc_load_mem(struct ini_doc *doc, const char *name, const char *text,
		      size_t len, struct diag_list *dl)
{
	return ini_doc_build(doc, name, text, len, NULL, dl);
}

void ini_doc_release(struct ini_doc *doc)
{
	for (size_t i = 0; i < doc->n_entries; i++) {
		free(doc->entries[i].section);
		free(doc->entries[i].key);
		free(doc->entries[i].value);
	}
	for (size_t i = 0; i < doc->n_sections; i++)
		free(doc->sections[i].name);
	free(doc->entries);
	free(doc->sections);
	free(doc->path);
	memset(doc, 0, sizeof(*doc));
}

const struct ini_section *ini_doc_section(const struct ini_doc *doc, const char *name)
{
	for (size_t i = 0; i < doc->n_sections; i++)
		if (!strcasecmp(doc->sections[i].name, name))
			return &doc->sections[i];
	return NULL;
}

const struct ini_entry *ini_doc_find(const struct ini_doc *doc, const char *section,
				     const char *key)
{
	for (size_t i = 0; i < doc->n_entries; i++)
		if (!strcasecmp(doc->entries[i].section, section) &&
		    !strcasecmp(doc->entries[i].key, key))
			return &doc->entries[i];
	return NULL;
}

const char *ini_doc_get(const struct ini_doc *doc, const char *section,
			const char *key, const char *def)
{
	const struct ini_entry *e = ini_doc_find(doc, section, key);

	return e ? e->value : def;
}
