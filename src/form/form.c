/*
 * form.c - loading a form file into a struct form, which is also the
 * linter: every problem is reported as FILE:LINE and loading goes on, so
 * that one run of `senda form check` lists every mistake.
 *
 * Two passes.  Pass one walks the INI sections in file order and fills
 * sections, questions, repeats, choice lists and rules, parsing each key
 * (expressions to trees).  Pass two resolves what may be named before it
 * is defined (choice lists, consent and share fields), type checks every
 * expression in its scope, and builds the dependency graph (graph.c).
 * Keys are described by tables per kind of section, not by switches.
 */
#include "form/internal.h"
#include "util/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const qtype_names[FORM_Q_COUNT_] = {
	"text", "integer", "decimal", "date", "yes_no",
	"select_one", "select_multiple", "note", "calculate"
};

const char *form_qtype_name(enum form_qtype t)
{
	return (unsigned)t < FORM_Q_COUNT_ ? qtype_names[t] : NULL;
}

static const char *const urgency_names[] = { "low", "normal", "high", "urgent" };

const char *form_urgency_name(enum form_urgency u)
{
	return (unsigned)u < ARRAY_SIZE(urgency_names) ? urgency_names[u] : "normal";
}

/* ---- loader state ---------------------------------------------------- */

enum calc_mark { CALC_TODO, CALC_BUSY, CALC_DONE };

struct loader {
	struct form *f;
	const struct ini_doc *doc;
	struct diag_list *dl;
	const char *file;
	size_t section;			/* current [section.*], FORM_NONE before one */
	/* INI section index of each object, to find the line of a key later */
	size_t *q_sec, *rep_sec, *rule_sec, *cl_sec;
	enum expr_type *qtypes;
	enum calc_mark *calc;
	bool *cl_used;
	int *q_lines;
};

static void lerr(struct loader *L, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lwarn(struct loader *L, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void lvdiag(struct loader *L, enum diag_level lv, int line, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	diag_add(L->dl, lv, L->file, line, "%s", msg);
	free(msg);
}

static void lerr(struct loader *L, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lvdiag(L, DIAG_ERROR, line, fmt, ap);
	va_end(ap);
}

static void lwarn(struct loader *L, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lvdiag(L, DIAG_WARNING, line, fmt, ap);
	va_end(ap);
}

/* Line of key in INI section sec, or the section's line. */
static int key_line(const struct loader *L, size_t sec, const char *key)
{
	const struct ini_section *s = &L->doc->sections[sec];

	for (size_t i = s->first; i < s->first + s->count; i++)
		if (!strcmp(L->doc->entries[i].key, key))
			return L->doc->entries[i].line;
	return s->line;
}

static bool valid_id(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool check_id(struct loader *L, int line, const char *what, const char *id)
{
	if (!valid_id(id)) {
		lerr(L, line, "bad %s id '%s': use a-z, 0-9 and _, starting with a letter", what, id);
		return false;
	}
	if (expr_is_keyword(id)) {
		lerr(L, line, "%s id '%s' is a keyword of the expression language", what, id);
		return false;
	}
	return true;
}

/* ---- lookups --------------------------------------------------------- */

size_t form_find_question(const struct form *f, const char *id)
{
	for (size_t i = 0; i < f->n_questions; i++)
		if (!strcmp(f->questions[i].id, id))
			return i;
	return FORM_NONE;
}

size_t form_find_repeat(const struct form *f, const char *id)
{
	for (size_t i = 0; i < f->n_repeats; i++)
		if (!strcmp(f->repeats[i].id, id))
			return i;
	return FORM_NONE;
}

size_t form_find_language(const struct form *f, const char *lang)
{
	for (size_t i = 0; i < f->n_languages; i++)
		if (!strcmp(f->languages[i], lang))
			return i;
	return FORM_NONE;
}

static size_t find_choice_list(const struct form *f, const char *id)
{
	for (size_t i = 0; i < f->n_choice_lists; i++)
		if (!strcmp(f->choice_lists[i].id, id))
			return i;
	return FORM_NONE;
}

size_t form_find_choice(const struct form *f, size_t q, const char *value)
{
	const struct form_choice_list *cl;

	if (q >= f->n_questions || f->questions[q].choices >= f->n_choice_lists)
		return FORM_NONE;
	cl = &f->choice_lists[f->questions[q].choices];
	for (size_t i = 0; i < cl->n; i++)
		if (!strcmp(cl->v[i].value, value))
			return i;
	return FORM_NONE;
}

const char *form_text(const struct form *f, const struct form_text *t, size_t lang)
{
	if (!t->by_lang)
		return "";
	if (lang < f->n_languages && t->by_lang[lang])
		return t->by_lang[lang];
	if (f->default_language < f->n_languages && t->by_lang[f->default_language])
		return t->by_lang[f->default_language];
	for (size_t i = 0; i < f->n_languages; i++)
		if (t->by_lang[i])
			return t->by_lang[i];
	return "";
}

/* ---- texts ----------------------------------------------------------- */

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		p += n + 1;
	}
	return true;
}

/* A text key being collected for one object: name, where, which languages. */
struct text_slot {
	const char *name;
	struct form_text *t;
	int line;		/* first key seen, 0 when none */
	bool required;
};

static void text_release(struct form_text *t, size_t n)
{
	if (!t->by_lang)
		return;
	for (size_t i = 0; i < n; i++)
		free(t->by_lang[i]);
	free(t->by_lang);
	t->by_lang = NULL;
}

/*
 * key is "name.lang": store it in the matching slot.  Returns false when
 * the key is not a text of this object.
 */
static bool text_key(struct loader *L, struct text_slot *slots, size_t n_slots,
		     const struct ini_entry *e)
{
	const char *dot = strrchr(e->key, '.');
	struct form *f = L->f;
	size_t lang;

	if (!dot)
		return false;
	for (size_t i = 0; i < n_slots; i++) {
		if (strlen(slots[i].name) != (size_t)(dot - e->key) ||
		    strncmp(slots[i].name, e->key, (size_t)(dot - e->key)))
			continue;
		lang = form_find_language(f, dot + 1);
		if (lang == FORM_NONE) {
			lerr(L, e->line, "'%s': language '%s' is not in [form] languages", e->key, dot + 1);
			return true;
		}
		if (!slots[i].t->by_lang)
			slots[i].t->by_lang = xcalloc(f->n_languages, sizeof(char *));
		if (!*e->value)
			lwarn(L, e->line, "'%s' is empty", e->key);
		if (!utf8_valid(e->value))
			lerr(L, e->line, "'%s' is not valid UTF-8", e->key);
		free(slots[i].t->by_lang[lang]);
		slots[i].t->by_lang[lang] = xstrdup(e->value);
		if (!slots[i].line)
			slots[i].line = e->line;
		return true;
	}
	return false;
}

/* After an object: required texts present, translations complete. */
static void text_finish(struct loader *L, struct text_slot *slots, size_t n_slots,
			const char *owner, int owner_line)
{
	struct form *f = L->f;

	for (size_t i = 0; i < n_slots; i++) {
		struct form_text *t = slots[i].t;
		bool have_def;

		if (!t->by_lang) {
			if (slots[i].required)
				lerr(L, owner_line, "[%s] has no %s.%s", owner, slots[i].name,
				     f->languages[f->default_language]);
			continue;
		}
		have_def = t->by_lang[f->default_language] != NULL;
		if (!have_def && slots[i].required) {
			lerr(L, slots[i].line, "[%s] has no %s.%s (the default language)", owner,
			     slots[i].name, f->languages[f->default_language]);
			continue;
		}
		for (size_t k = 0; k < f->n_languages; k++) {
			if (t->by_lang[k])
				continue;
			lwarn(L, slots[i].line, "[%s] has no %s.%s; falls back to %s", owner,
			      slots[i].name, f->languages[k],
			      have_def ? f->languages[f->default_language] : "another language");
		}
	}
}

/* ---- simple values --------------------------------------------------- */

static bool get_bool(struct loader *L, const struct ini_entry *e, bool *out)
{
	if (!parse_bool(e->value, out)) {
		lerr(L, e->line, "%s: expected yes or no, not '%s'", e->key, e->value);
		return false;
	}
	return true;
}

static struct expr *get_expr(struct loader *L, const struct ini_entry *e)
{
	char *err = NULL;
	struct expr *x = expr_parse(e->value, &err);

	if (!x) {
		lerr(L, e->line, "%s: %s", e->key, err);
		free(err);
	}
	return x;
}

/* A key given twice (an INI error already reported) must not leak the first. */
static void replace_expr(struct expr **slot, struct expr *x)
{
	expr_free(*slot);
	*slot = x;
}

static bool get_date(struct loader *L, const struct ini_entry *e, int64_t *out)
{
	if (!parse_date(e->value, out)) {
		lerr(L, e->line, "%s: expected a date YYYY-MM-DD, not '%s'", e->key, e->value);
		return false;
	}
	return true;
}

/* ---- [form] ---------------------------------------------------------- */

static void load_form_section(struct loader *L, const struct ini_section *s)
{
	struct form *f = L->f;
	const struct ini_entry *langs = NULL, *def = NULL;

	/* languages first: every text key needs them */
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];
		if (!strcmp(e->key, "languages"))
			langs = e;
		else if (!strcmp(e->key, "default_language"))
			def = e;
	}
	if (!langs) {
		lerr(L, s->line, "[form] has no languages");
	} else {
		char *copy = xstrdup(langs->value), *save = NULL;

		for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			if (!valid_id(w)) {
				lerr(L, langs->line, "languages: bad language code '%s'", w);
				continue;
			}
			if (form_find_language(f, w) != FORM_NONE) {
				lerr(L, langs->line, "languages: '%s' is listed twice", w);
				continue;
			}
			f->languages = xrealloc(f->languages, (f->n_languages + 1) * sizeof(char *));
			f->languages[f->n_languages++] = xstrdup(w);
		}
		free(copy);
		if (!f->n_languages)
			lerr(L, langs->line, "languages: no language listed");
	}
	if (!def) {
		lerr(L, s->line, "[form] has no default_language");
	} else if ((f->default_language = form_find_language(f, def->value)) == FORM_NONE) {
		if (f->n_languages)
			lerr(L, def->line, "default_language '%s' is not in languages", def->value);
		f->default_language = 0;
	}
	if (!f->n_languages) {
		/* keep going with one placeholder language so texts can be read */
		f->languages = xrealloc(f->languages, sizeof(char *));
		f->languages[0] = xstrdup(def ? def->value : "en");
		f->n_languages = 1;
		f->default_language = 0;
	}

	struct text_slot texts[2 + FORM_MSG_COUNT_] = {
		{ "title", &f->title, 0, true },
		{ "note", &f->note, 0, false },
	};
	for (int m = 0; m < FORM_MSG_COUNT_; m++)
		texts[2 + m] = (struct text_slot){ form_msg_key((enum form_msg)m), &f->messages[m], 0, false };
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];

		if (e == langs || e == def || text_key(L, texts, ARRAY_SIZE(texts), e))
			continue;
		if (!strcmp(e->key, "id")) {
			if (check_id(L, e->line, "form", e->value)) {
				free(f->id);
				f->id = xstrdup(e->value);
			}
		} else if (!strcmp(e->key, "version")) {
			if (!utf8_valid(e->value))
				lerr(L, e->line, "version is not valid UTF-8");
			free(f->version);
			f->version = xstrdup(e->value);
		} else {
			lerr(L, e->line, "unknown key '%s' in [form]", e->key);
		}
	}
	if (!f->id)
		lerr(L, s->line, "[form] has no id");
	if (!f->version)
		lerr(L, s->line, "[form] has no version");
	text_finish(L, texts, ARRAY_SIZE(texts), "form", s->line);
}

/* ---- [section.*] ----------------------------------------------------- */

static void load_section(struct loader *L, const struct ini_section *s, const char *id)
{
	struct form *f = L->f;
	struct form_section *sec;

	check_id(L, s->line, "section", id);
	f->sections = xrealloc(f->sections, (f->n_sections + 1) * sizeof(*sec));
	sec = &f->sections[f->n_sections];
	memset(sec, 0, sizeof(*sec));
	sec->id = xstrdup(id);
	sec->line = s->line;
	sec->first_q = f->n_questions;
	L->section = f->n_sections++;

	struct text_slot texts[] = { { "title", &sec->title, 0, true } };
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];
		if (!text_key(L, texts, ARRAY_SIZE(texts), e))
			lerr(L, e->line, "unknown key '%s' in [%s]", e->key, s->name);
	}
	text_finish(L, texts, ARRAY_SIZE(texts), s->name, s->line);
}

/* ---- [repeat.*] ------------------------------------------------------ */

static void load_repeat(struct loader *L, const struct ini_section *s, size_t sec_idx,
			const char *id)
{
	struct form *f = L->f;
	struct form_repeat *r;

	check_id(L, s->line, "repeat", id);
	if (L->section == FORM_NONE)
		lerr(L, s->line, "[%s] comes before any [section.*]", s->name);
	f->repeats = xrealloc(f->repeats, (f->n_repeats + 1) * sizeof(*r));
	L->rep_sec = xrealloc(L->rep_sec, (f->n_repeats + 1) * sizeof(size_t));
	L->rep_sec[f->n_repeats] = sec_idx;
	r = &f->repeats[f->n_repeats++];
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id);
	r->section = L->section;
	r->line = s->line;
	r->min = 0;
	r->max = INT64_MAX;

	struct text_slot texts[] = { { "label", &r->label, 0, true } };
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];
		int64_t *bound = !strcmp(e->key, "min") ? &r->min :
			!strcmp(e->key, "max") ? &r->max : NULL;

		if (text_key(L, texts, ARRAY_SIZE(texts), e))
			continue;
		if (!bound) {
			lerr(L, e->line, "unknown key '%s' in [%s]", e->key, s->name);
		} else if (!parse_int64(e->value, bound) || *bound < 0 || *bound > 100000) {
			lerr(L, e->line, "%s: expected a whole number from 0 to 100000, not '%s'",
			     e->key, e->value);
			*bound = bound == &r->min ? 0 : INT64_MAX;
		}
	}
	if (r->min > r->max)
		lerr(L, key_line(L, sec_idx, "min"), "min (%lld) is greater than max (%lld)",
		     (long long)r->min, (long long)r->max);
	text_finish(L, texts, ARRAY_SIZE(texts), s->name, s->line);
}

/* ---- [choices.*] ----------------------------------------------------- */

static void load_choices(struct loader *L, const struct ini_section *s, size_t sec_idx,
			 const char *id)
{
	struct form *f = L->f;
	struct form_choice_list *cl;

	check_id(L, s->line, "choice list", id);
	f->choice_lists = xrealloc(f->choice_lists, (f->n_choice_lists + 1) * sizeof(*cl));
	L->cl_sec = xrealloc(L->cl_sec, (f->n_choice_lists + 1) * sizeof(size_t));
	L->cl_sec[f->n_choice_lists] = sec_idx;
	cl = &f->choice_lists[f->n_choice_lists++];
	memset(cl, 0, sizeof(*cl));
	cl->id = xstrdup(id);
	cl->line = s->line;

	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];
		const char *dot = strrchr(e->key, '.');
		char *value;
		size_t c;

		if (!dot) {
			lerr(L, e->line, "choice '%s' needs a language: %s.%s = \"...\"", e->key,
			     e->key, f->languages[f->default_language]);
			continue;
		}
		value = xstrndup(e->key, (size_t)(dot - e->key));
		if (!valid_id(value)) {
			lerr(L, e->line, "bad choice value '%s': use a-z, 0-9 and _, starting with a letter",
			     value);
			free(value);
			continue;
		}
		for (c = 0; c < cl->n && strcmp(cl->v[c].value, value); c++)
			;
		if (c == cl->n) {
			cl->v = xrealloc(cl->v, (cl->n + 1) * sizeof(*cl->v));
			memset(&cl->v[c], 0, sizeof(cl->v[c]));
			cl->v[c].value = value;
			cl->v[c].line = e->line;
			cl->n++;
		} else {
			free(value);
		}
		struct text_slot t = { "", &cl->v[c].label, cl->v[c].line, true };
		t.name = cl->v[c].value;
		text_key(L, &t, 1, e);
	}
	if (!cl->n)
		lerr(L, s->line, "[%s] has no choices", s->name);
	for (size_t c = 0; c < cl->n; c++) {
		struct text_slot t = { cl->v[c].value, &cl->v[c].label, cl->v[c].line, true };

		text_finish(L, &t, 1, s->name, cl->v[c].line);
	}
}

/* ---- [q.*] ----------------------------------------------------------- */

/* Which keys a question type accepts (texts are always accepted). */
enum qkey_flag {
	QK_ANSWER = 1,		/* required, constraint, warning, default */
	QK_SELECT = 2,		/* choices, choice_filter */
	QK_CALC = 4,		/* calculation */
};

static const unsigned qtype_keys[FORM_Q_COUNT_] = {
	[FORM_Q_TEXT] = QK_ANSWER,
	[FORM_Q_INTEGER] = QK_ANSWER,
	[FORM_Q_DECIMAL] = QK_ANSWER,
	[FORM_Q_DATE] = QK_ANSWER,
	[FORM_Q_YES_NO] = QK_ANSWER,
	[FORM_Q_SELECT_ONE] = QK_ANSWER | QK_SELECT,
	[FORM_Q_SELECT_MULTIPLE] = QK_ANSWER | QK_SELECT,
	[FORM_Q_NOTE] = 0,
	[FORM_Q_CALCULATE] = QK_CALC,
};

struct qkey {
	const char *name;
	unsigned need;		/* enum qkey_flag, 0 = any type */
};

static const struct qkey qkeys[] = {
	{ "type", 0 }, { "relevant", 0 }, { "sensitive", 0 }, { "repeat", 0 },
	{ "required", QK_ANSWER }, { "constraint", QK_ANSWER }, { "warning", QK_ANSWER },
	{ "default", QK_ANSWER }, { "choices", QK_SELECT }, { "choice_filter", QK_SELECT },
	{ "calculation", QK_CALC },
};

static void load_question(struct loader *L, const struct ini_section *s, size_t sec_idx,
			  const char *id)
{
	struct form *f = L->f;
	struct form_question *q;
	const struct ini_entry *te = ini_doc_find(L->doc, s->name, "type");
	size_t qi = f->n_questions;

	check_id(L, s->line, "question", id);
	if (L->section == FORM_NONE)
		lerr(L, s->line, "question [%s] comes before any [section.*]", s->name);
	f->questions = xrealloc(f->questions, (qi + 1) * sizeof(*q));
	L->q_sec = xrealloc(L->q_sec, (qi + 1) * sizeof(size_t));
	L->q_sec[qi] = sec_idx;
	q = &f->questions[qi];
	memset(q, 0, sizeof(*q));
	f->n_questions++;
	q->id = xstrdup(id);
	q->section = L->section;
	q->repeat = FORM_NONE;
	q->repeat_pos = FORM_NONE;
	q->choices = FORM_NONE;
	q->line = s->line;
	q->type = FORM_Q_TEXT;
	if (L->section != FORM_NONE)
		f->sections[L->section].n_q++;

	bool typed = false;
	if (!te) {
		lerr(L, s->line, "[%s] has no type", s->name);
	} else {
		for (int t = 0; t < FORM_Q_COUNT_; t++)
			if (!strcmp(te->value, qtype_names[t])) {
				q->type = (enum form_qtype)t;
				typed = true;
			}
		if (!typed)
			lerr(L, te->line, "unknown question type '%s' (text integer decimal date yes_no select_one select_multiple note calculate)",
			     te->value);
	}

	struct text_slot texts[] = {
		{ "label", &q->label, 0, q->type != FORM_Q_CALCULATE },
		{ "hint", &q->hint, 0, false },
		{ "constraint_message", &q->constraint_message, 0, false },
		{ "warning_message", &q->warning_message, 0, false },
	};
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];
		const struct qkey *k = NULL;

		if (text_key(L, texts, ARRAY_SIZE(texts), e))
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(qkeys); j++)
			if (!strcmp(qkeys[j].name, e->key))
				k = &qkeys[j];
		if (!k) {
			lerr(L, e->line, "unknown key '%s' in [%s]", e->key, s->name);
			continue;
		}
		if (typed && k->need && !(qtype_keys[q->type] & k->need)) {
			lerr(L, e->line, "'%s' does not apply to type %s", e->key,
			     qtype_names[q->type]);
			continue;
		}
		if (!strcmp(e->key, "type")) {
			continue;
		} else if (!strcmp(e->key, "required")) {
			get_bool(L, e, &q->required);
		} else if (!strcmp(e->key, "sensitive")) {
			get_bool(L, e, &q->sensitive);
		} else if (!strcmp(e->key, "relevant")) {
			replace_expr(&q->relevant, get_expr(L, e));
		} else if (!strcmp(e->key, "constraint")) {
			replace_expr(&q->constraint, get_expr(L, e));
		} else if (!strcmp(e->key, "warning")) {
			replace_expr(&q->warning, get_expr(L, e));
		} else if (!strcmp(e->key, "calculation")) {
			replace_expr(&q->calculation, get_expr(L, e));
		} else if (!strcmp(e->key, "choice_filter")) {
			replace_expr(&q->choice_filter, get_expr(L, e));
		} else if (!strcmp(e->key, "default")) {
			free(q->default_text);
			q->default_text = xstrdup(e->value);
		} else if (!strcmp(e->key, "choices")) {
			/* resolved in pass two: lists usually come after questions */
		} else if (!strcmp(e->key, "repeat")) {
			size_t r = form_find_repeat(f, e->value);
			if (q->repeat != FORM_NONE) {
				continue;	/* a duplicate key, reported by the INI reader */
			} else if (r == FORM_NONE) {
				lerr(L, e->line, "repeat: no [repeat.%s] above this question", e->value);
			} else if (f->repeats[r].section != q->section) {
				lerr(L, e->line, "repeat: [repeat.%s] is in another section", e->value);
			} else {
				struct form_repeat *rp = &f->repeats[r];
				q->repeat = r;
				q->repeat_pos = rp->n_questions;
				rp->questions = xrealloc(rp->questions, (rp->n_questions + 1) * sizeof(size_t));
				rp->questions[rp->n_questions++] = qi;
			}
		}
	}
	if (typed && (qtype_keys[q->type] & QK_SELECT) && !ini_doc_find(L->doc, s->name, "choices"))
		lerr(L, s->line, "[%s] is %s and needs choices", s->name, qtype_names[q->type]);
	if (typed && q->type == FORM_Q_CALCULATE && !ini_doc_find(L->doc, s->name, "calculation"))
		lerr(L, s->line, "[%s] is calculate and needs a calculation", s->name);
	text_finish(L, texts, ARRAY_SIZE(texts), s->name, s->line);
}

/* ---- [rule.*] -------------------------------------------------------- */

static void load_rule(struct loader *L, const struct ini_section *s, size_t sec_idx,
		      const char *id)
{
	struct form *f = L->f;
	struct form_rule *r;

	check_id(L, s->line, "rule", id);
	f->rules = xrealloc(f->rules, (f->n_rules + 1) * sizeof(*r));
	L->rule_sec = xrealloc(L->rule_sec, (f->n_rules + 1) * sizeof(size_t));
	L->rule_sec[f->n_rules] = sec_idx;
	r = &f->rules[f->n_rules++];
	memset(r, 0, sizeof(*r));
	r->id = xstrdup(id);
	r->line = s->line;
	r->consent = FORM_NONE;
	r->effective_from = INT64_MIN;
	r->effective_until = INT64_MAX;

	struct text_slot texts[] = { { "reason", &r->reason, 0, true } };
	for (size_t i = s->first; i < s->first + s->count; i++) {
		const struct ini_entry *e = &L->doc->entries[i];

		if (text_key(L, texts, ARRAY_SIZE(texts), e))
			continue;
		if (!strcmp(e->key, "service")) {
			if (check_id(L, e->line, "service", e->value)) {
				free(r->service);
				r->service = xstrdup(e->value);
			}
		} else if (!strcmp(e->key, "partner")) {
			if (!*e->value || !utf8_valid(e->value))
				lerr(L, e->line, "partner is empty or not valid UTF-8");
			else {
				free(r->partner);
				r->partner = xstrdup(e->value);
			}
		} else if (!strcmp(e->key, "when")) {
			replace_expr(&r->when, get_expr(L, e));
		} else if (!strcmp(e->key, "urgency")) {
			replace_expr(&r->urgency, get_expr(L, e));
		} else if (!strcmp(e->key, "flag")) {
			/* A word the supervisor's queue filters on (gbv, trafficking). */
			if (check_id(L, e->line, "flag", e->value)) {
				free(r->flag);
				r->flag = xstrdup(e->value);
			}
		} else if (!strcmp(e->key, "effective_from")) {
			get_date(L, e, &r->effective_from);
		} else if (!strcmp(e->key, "effective_until")) {
			get_date(L, e, &r->effective_until);
		} else if (!strcmp(e->key, "consent") || !strcmp(e->key, "share")) {
			/* pass two: may name questions further down */
		} else {
			lerr(L, e->line, "unknown key '%s' in [%s]", e->key, s->name);
		}
	}
	static const char *const required[] = { "service", "partner", "when", "consent" };
	for (size_t k = 0; k < ARRAY_SIZE(required); k++)
		if (!ini_doc_find(L->doc, s->name, required[k]))
			lerr(L, s->line, "[%s] has no %s", s->name, required[k]);
	if (r->effective_from != INT64_MIN && r->effective_until != INT64_MAX &&
	    r->effective_from > r->effective_until)
		lerr(L, key_line(L, sec_idx, "effective_until"),
		     "effective_until is before effective_from");
	text_finish(L, texts, ARRAY_SIZE(texts), s->name, s->line);
}

/* ---- pass one -------------------------------------------------------- */

struct section_kind {
	const char *prefix;
	void (*load)(struct loader *L, const struct ini_section *s, size_t sec_idx, const char *id);
};

static void load_section_k(struct loader *L, const struct ini_section *s, size_t sec_idx,
			   const char *id)
{
	(void)sec_idx;
	load_section(L, s, id);
}

static const struct section_kind section_kinds[] = {
	{ "section.", load_section_k },
	{ "q.", load_question },
	{ "repeat.", load_repeat },
	{ "choices.", load_choices },
	{ "rule.", load_rule },
};

static void pass_one(struct loader *L)
{
	const struct ini_doc *doc = L->doc;
	const struct ini_section *fs = NULL;

	for (size_t i = 0; i < doc->n_sections; i++)
		if (!strcmp(doc->sections[i].name, "form") && !fs)
			fs = &doc->sections[i];
	if (!fs) {
		lerr(L, 1, "no [form] section");
		L->f->languages = xmalloc(sizeof(char *));
		L->f->languages[0] = xstrdup("en");
		L->f->n_languages = 1;
	} else {
		load_form_section(L, fs);
	}
	for (size_t i = 0; i < doc->n_sections; i++) {
		const struct ini_section *s = &doc->sections[i];
		const struct section_kind *k = NULL;

		if (s == fs)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(section_kinds); j++)
			if (str_starts_with(s->name, section_kinds[j].prefix))
				k = &section_kinds[j];
		if (!k || !s->name[strlen(k->prefix)]) {
			lerr(L, s->line, "unknown section [%s] (form, section.ID, q.ID, repeat.ID, choices.ID, rule.ID)",
			     s->name);
			continue;
		}
		k->load(L, s, i, s->name + strlen(k->prefix));
	}
}

/* ---- pass two -------------------------------------------------------- */

static enum expr_type base_qtype(enum form_qtype t)
{
	static const enum expr_type map[FORM_Q_COUNT_] = {
		[FORM_Q_TEXT] = EXPR_T_TEXT,
		[FORM_Q_INTEGER] = EXPR_T_INT,
		[FORM_Q_DECIMAL] = EXPR_T_DEC,
		[FORM_Q_DATE] = EXPR_T_DATE,
		[FORM_Q_YES_NO] = EXPR_T_BOOL,
		[FORM_Q_SELECT_ONE] = EXPR_T_TEXT,
		[FORM_Q_SELECT_MULTIPLE] = EXPR_T_MULTI,
		[FORM_Q_NOTE] = EXPR_T_NONE,
		[FORM_Q_CALCULATE] = EXPR_T_NONE,
	};
	return map[t];
}

static bool check_expr(struct loader *L, struct expr *e, size_t repeat, size_t self,
		       bool dot, bool choice, int line, const char *key);

/* The static type of question q; checks its calculation on first use. */
static enum expr_type qtype_cb(void *data, size_t q)
{
	struct loader *L = data;
	struct form_question *fq = &L->f->questions[q];

	if (fq->type != FORM_Q_CALCULATE)
		return base_qtype(fq->type);
	if (L->calc[q] == CALC_DONE)
		return L->qtypes[q];
	if (L->calc[q] == CALC_BUSY)
		return EXPR_T_NONE;	/* a cycle; the graph reports it */
	L->calc[q] = CALC_BUSY;
	L->qtypes[q] = EXPR_T_NONE;
	if (fq->calculation &&
	    check_expr(L, fq->calculation, fq->repeat, FORM_NONE, false, false,
		       key_line(L, L->q_sec[q], "calculation"), "calculation")) {
		L->qtypes[q] = fq->calculation->type;
		if (L->qtypes[q] == EXPR_T_MULTI) {
			lerr(L, key_line(L, L->q_sec[q], "calculation"),
			     "calculation: a calculate question cannot hold a multi value");
			L->qtypes[q] = EXPR_T_NONE;
		}
	}
	L->calc[q] = CALC_DONE;
	return L->qtypes[q];
}

static bool check_expr(struct loader *L, struct expr *e, size_t repeat, size_t self,
		       bool dot, bool choice, int line, const char *key)
{
	struct expr_scope sc = {
		.f = L->f, .repeat = repeat, .self = self, .allow_dot = dot,
		.allow_choice = choice, .qtype = qtype_cb, .data = L,
	};
	char *err = NULL;

	if (expr_check(e, &sc, &err))
		return true;
	if (err)
		lerr(L, line, "%s: %s", key, err);
	free(err);
	return false;
}

static void want_bool(struct loader *L, struct expr *e, int line, const char *key)
{
	if (e->type != EXPR_T_BOOL)
		lerr(L, line, "%s: must be true or false, not %s", key, expr_type_name(e->type));
}

void form_question_exprs(const struct form_question *q, struct expr *out[FORM_Q_N_EXPRS])
{
	out[0] = q->relevant;
	out[1] = q->calculation;
	out[2] = q->constraint;
	out[3] = q->warning;
	out[4] = q->choice_filter;
}

static void check_question(struct loader *L, size_t qi)
{
	struct form *f = L->f;
	struct form_question *q = &f->questions[qi];
	size_t sec = L->q_sec[qi];
	static const struct {
		const char *key;
		size_t off;
		bool dot, choice;
	} bools[] = {
		{ "relevant", offsetof(struct form_question, relevant), false, false },
		{ "constraint", offsetof(struct form_question, constraint), true, false },
		{ "warning", offsetof(struct form_question, warning), true, false },
		{ "choice_filter", offsetof(struct form_question, choice_filter), false, true },
	};

	qtype_cb(L, qi);
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
		struct expr *e = *(struct expr **)((char *)q + bools[i].off);
		int line = key_line(L, sec, bools[i].key);

		if (e && check_expr(L, e, q->repeat, qi, bools[i].dot, bools[i].choice, line,
				    bools[i].key))
			want_bool(L, e, line, bools[i].key);
	}
	if (q->default_text) {
		struct form_value v = FORM_VALUE_INIT;
		status_t st = form_value_parse(f, qi, q->default_text, &v);

		bool no_list = (qtype_keys[q->type] & QK_SELECT) && q->choices == FORM_NONE;

		if (st != ST_OK && !no_list)
			lerr(L, key_line(L, sec, "default"), "default: %s: '%s'", st_detail(st),
			     q->default_text);
		form_value_release(&v);
		st_clear();
	}
}

static void resolve_choices(struct loader *L)
{
	struct form *f = L->f;

	for (size_t qi = 0; qi < f->n_questions; qi++) {
		const struct ini_entry *e;
		char name[300];

		snprintf(name, sizeof(name), "q.%s", f->questions[qi].id);
		e = ini_doc_find(L->doc, name, "choices");
		if (!e || !(qtype_keys[f->questions[qi].type] & QK_SELECT))
			continue;
		f->questions[qi].choices = find_choice_list(f, e->value);
		if (f->questions[qi].choices == FORM_NONE)
			lerr(L, e->line, "choices: no [choices.%s] in this file", e->value);
		else
			L->cl_used[f->questions[qi].choices] = true;
	}
	for (size_t c = 0; c < f->n_choice_lists; c++)
		if (!L->cl_used[c])
			lwarn(L, f->choice_lists[c].line, "[choices.%s] is never used",
			      f->choice_lists[c].id);
}

static void urgency_lit(void *data, const char *s, int col)
{
	struct loader *L = ((void **)data)[0];
	const int *line = ((void **)data)[1];

	for (size_t u = 0; u < ARRAY_SIZE(urgency_names); u++)
		if (!strcmp(s, urgency_names[u]))
			return;
	lerr(L, *line, "urgency: '%s' is not an urgency (low normal high urgent) (column %d)", s, col);
}

static void check_rule(struct loader *L, size_t ri)
{
	struct form *f = L->f;
	struct form_rule *r = &f->rules[ri];
	size_t sec = L->rule_sec[ri];
	const char *sname = L->doc->sections[sec].name;
	const struct ini_entry *e;
	int line;

	if ((e = ini_doc_find(L->doc, sname, "consent"))) {
		r->consent = form_find_question(f, e->value);
		if (r->consent == FORM_NONE) {
			lerr(L, e->line, "consent: unknown question '%s'", e->value);
		} else if (f->questions[r->consent].type != FORM_Q_YES_NO) {
			lerr(L, e->line, "consent: '%s' is %s, not yes_no", e->value,
			     qtype_names[f->questions[r->consent].type]);
			r->consent = FORM_NONE;
		} else if (f->questions[r->consent].repeat != FORM_NONE) {
			lerr(L, e->line, "consent: '%s' is inside a repeat", e->value);
			r->consent = FORM_NONE;
		}
	}
	if ((e = ini_doc_find(L->doc, sname, "share"))) {
		char *copy = xstrdup(e->value), *save = NULL;

		for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			struct form_share sh = { NULL, form_find_question(f, w), form_find_repeat(f, w) };

			if (sh.question == FORM_NONE && sh.repeat == FORM_NONE) {
				lerr(L, e->line, "share: unknown question '%s'", w);
				continue;
			}
			if (sh.question != FORM_NONE && f->questions[sh.question].type == FORM_Q_NOTE) {
				lerr(L, e->line, "share: '%s' is a note", w);
				continue;
			}
			bool dup = false;
			for (size_t k = 0; k < r->n_share; k++)
				dup |= !strcmp(r->share[k].id, w);
			if (dup) {
				lerr(L, e->line, "share: '%s' is listed twice", w);
				continue;
			}
			sh.id = xstrdup(w);
			r->share = xrealloc(r->share, (r->n_share + 1) * sizeof(sh));
			r->share[r->n_share++] = sh;
		}
		free(copy);
	}
	if (r->when) {
		line = key_line(L, sec, "when");
		if (check_expr(L, r->when, FORM_NONE, FORM_NONE, false, false, line, "when"))
			want_bool(L, r->when, line, "when");
	}
	if (r->urgency) {
		line = key_line(L, sec, "urgency");
		if (check_expr(L, r->urgency, FORM_NONE, FORM_NONE, false, false, line, "urgency")) {
			if (r->urgency->type != EXPR_T_TEXT) {
				lerr(L, line, "urgency: must be text ('low' 'normal' 'high' 'urgent'), not %s",
				     expr_type_name(r->urgency->type));
			} else {
				void *data[2] = { L, &line };
				expr_result_literals(r->urgency, urgency_lit, data);
			}
		}
	}
}

static void fmt_day(int64_t d, char out[11], const char *open)
{
	if (d == INT64_MIN || d == INT64_MAX)
		snprintf(out, 11, "%s", open);
	else
		format_date(d, out);
}

/* Rules for one service whose effective dates overlap may both fire. */
static void check_overlaps(struct loader *L)
{
	struct form *f = L->f;

	for (size_t b = 0; b < f->n_rules; b++) {
		for (size_t a = 0; a < b; a++) {
			const struct form_rule *ra = &f->rules[a], *rb = &f->rules[b];
			char from[11], until[11];

			if (!ra->service || !rb->service || strcmp(ra->service, rb->service))
				continue;
			int64_t lo = ra->effective_from > rb->effective_from ?
				ra->effective_from : rb->effective_from;
			int64_t hi = ra->effective_until < rb->effective_until ?
				ra->effective_until : rb->effective_until;
			if (lo > hi)
				continue;
			fmt_day(lo, from, "the start");
			fmt_day(hi, until, "no end");
			lwarn(L, rb->line, "rule '%s' and rule '%s' (line %d) for service '%s' overlap from %s to %s",
			      rb->id, ra->id, ra->line, rb->service, from, until);
			break;
		}
	}
}

/* Names share one space in expressions: a question and a repeat may not share an id. */
static void check_names(struct loader *L)
{
	struct form *f = L->f;

	for (size_t r = 0; r < f->n_repeats; r++) {
		size_t q = form_find_question(f, f->repeats[r].id);
		if (q != FORM_NONE)
			lerr(L, f->questions[q].line, "question '%s' has the id of [repeat.%s] (line %d)",
			     f->questions[q].id, f->repeats[r].id, f->repeats[r].line);
	}
	for (size_t r = 0; r < f->n_repeats; r++)
		if (!f->repeats[r].n_questions)
			lerr(L, f->repeats[r].line, "[repeat.%s] has no questions (repeat = %s)",
			     f->repeats[r].id, f->repeats[r].id);
	if (!f->n_questions)
		lerr(L, 1, "the form has no questions");
}

static void pass_two(struct loader *L)
{
	struct form *f = L->f;

	L->qtypes = xcalloc(f->n_questions + 1, sizeof(*L->qtypes));
	L->calc = xcalloc(f->n_questions + 1, sizeof(*L->calc));
	L->cl_used = xcalloc(f->n_choice_lists + 1, sizeof(bool));
	L->q_lines = xcalloc(f->n_questions + 1, sizeof(int));
	check_names(L);
	resolve_choices(L);
	for (size_t q = 0; q < f->n_questions; q++) {
		L->q_lines[q] = f->questions[q].line;
		check_question(L, q);
	}
	for (size_t r = 0; r < f->n_rules; r++)
		check_rule(L, r);
	check_overlaps(L);
}

status_t form_load(struct form *f, const struct ini_doc *doc, struct diag_list *dl)
{
	struct loader L = { .f = f, .doc = doc, .dl = dl, .section = FORM_NONE };
	size_t errors_before = diag_count(dl, DIAG_ERROR);
	bool ok;

	memset(f, 0, sizeof(*f));
	f->path = xstrdup(doc->path ? doc->path : "form");
	L.file = f->path;
	pass_one(&L);
	pass_two(&L);
	ok = diag_count(dl, DIAG_ERROR) == errors_before;
	/* the graph needs every expression checked; with errors only cycles are looked for */
	ok = form_graph_build(f, dl, L.q_lines) && ok;
	free(L.q_sec);
	free(L.rep_sec);
	free(L.rule_sec);
	free(L.cl_sec);
	free(L.qtypes);
	free(L.calc);
	free(L.cl_used);
	free(L.q_lines);
	if (!ok) {
		form_release(f);
		return st_error(ST_FORM, "%s: form has errors", doc->path ? doc->path : "form");
	}
	return ST_OK;
}

status_t form_load_file(struct form *f, const char *path, struct diag_list *dl)
{
	struct ini_doc doc;
	status_t st;

	memset(&doc, 0, sizeof(doc));
	memset(f, 0, sizeof(*f));
	if (!ini_doc_load(&doc, path, dl)) {
		ini_doc_release(&doc);
		return st_error(ST_FORM, "%s: cannot be read", path);
	}
	st = form_load(f, &doc, dl);
	if (st == ST_OK && diag_count(dl, DIAG_ERROR)) {
		form_release(f);
		st = st_error(ST_FORM, "%s: form has errors", path);
	}
	ini_doc_release(&doc);
	return st;
}

void form_release(struct form *f)
{
	size_t nl = f->n_languages;

	form_graph_free(f->graph, f);
	f->graph = NULL;
	for (size_t i = 0; i < f->n_sections; i++) {
		free(f->sections[i].id);
		text_release(&f->sections[i].title, nl);
	}
	for (size_t i = 0; i < f->n_questions; i++) {
		struct form_question *q = &f->questions[i];
		struct expr *ex[FORM_Q_N_EXPRS];

		free(q->id);
		free(q->default_text);
		text_release(&q->label, nl);
		text_release(&q->hint, nl);
		text_release(&q->constraint_message, nl);
		text_release(&q->warning_message, nl);
		form_question_exprs(q, ex);
		for (size_t k = 0; k < FORM_Q_N_EXPRS; k++)
			expr_free(ex[k]);
	}
	for (size_t i = 0; i < f->n_repeats; i++) {
		free(f->repeats[i].id);
		free(f->repeats[i].questions);
		text_release(&f->repeats[i].label, nl);
	}
	for (size_t i = 0; i < f->n_choice_lists; i++) {
		for (size_t c = 0; c < f->choice_lists[i].n; c++) {
			free(f->choice_lists[i].v[c].value);
			text_release(&f->choice_lists[i].v[c].label, nl);
		}
		free(f->choice_lists[i].v);
		free(f->choice_lists[i].id);
	}
	for (size_t i = 0; i < f->n_rules; i++) {
		struct form_rule *r = &f->rules[i];

		free(r->id);
		free(r->service);
		free(r->partner);
		free(r->flag);
		expr_free(r->when);
		expr_free(r->urgency);
		text_release(&r->reason, nl);
		for (size_t k = 0; k < r->n_share; k++)
			free(r->share[k].id);
		free(r->share);
	}
	text_release(&f->title, nl);
	text_release(&f->note, nl);
	for (int m = 0; m < FORM_MSG_COUNT_; m++)
		text_release(&f->messages[m], nl);
	for (size_t i = 0; i < nl; i++)
		free(f->languages[i]);
	free(f->languages);
	free(f->sections);
	free(f->questions);
	free(f->repeats);
	free(f->choice_lists);
	free(f->rules);
	free(f->id);
	free(f->version);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
