/*
 * form.h - the form engine: a form file (INI, see docs/forms.md) loaded
 * into a read-only definition, a linter, and the state of one interview
 * with incremental recompute.
 *
 * A form is parsed once into sections, questions, repeat groups, choice
 * lists and referral rules; every expression is parsed to a tree and type
 * checked, and a dependency graph is built so that setting one answer
 * recomputes only what depends on it, in topological order.  The engine
 * does no I/O: it reads a struct ini_doc (ini_doc_load / ini_doc_load_mem)
 * and reports problems as FILE:LINE diagnostics.
 *
 * Lifetime: a struct form is immutable after form_load() and may be shared
 * by any number of form_state; it must outlive them.
 */
#ifndef SENDA_FORM_FORM_H
#define SENDA_FORM_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ini/ini.h"
#include "util/diag.h"
#include "util/status.h"

struct expr;			/* parsed expression (src/form/expr.h) */
struct form_graph;		/* dependency graph (private) */
struct form_state;		/* one interview (opaque) */

#define FORM_NONE ((size_t)-1)	/* "no such index" */

/* Question types, in the order of the table in form.c. */
enum form_qtype {
	FORM_Q_TEXT,
	FORM_Q_INTEGER,
	FORM_Q_DECIMAL,
	FORM_Q_DATE,
	FORM_Q_YES_NO,
	FORM_Q_SELECT_ONE,
	FORM_Q_SELECT_MULTIPLE,
	FORM_Q_NOTE,
	FORM_Q_CALCULATE,
	FORM_Q_COUNT_
};
/* "integer" etc.; NULL when out of range. */
const char *form_qtype_name(enum form_qtype t);

/*
 * A display text in every language of the form: by_lang[i] is the text for
 * form->languages[i], NULL when the file has none (see form_text()).
 */
struct form_text {
	char **by_lang;
};

struct form_choice {
	char *value;			/* lowercase id, as stored in answers */
	struct form_text label;
	int line;
};

struct form_choice_list {
	char *id;
	struct form_choice *v;
	size_t n;
	int line;
};

struct form_section {
	char *id;			/* "consent" for [section.consent] */
	struct form_text title;
	int line;
	size_t first_q, n_q;		/* its questions: questions[first_q ..) */
};

struct form_repeat {
	char *id;
	size_t section;
	struct form_text label;
	int64_t min, max;		/* max is INT64_MAX when unlimited */
	int line;
	size_t *questions;		/* indexes into form->questions, file order */
	size_t n_questions;
};

struct form_question {
	char *id;
	enum form_qtype type;
	size_t section;			/* index into form->sections */
	size_t repeat;			/* index into form->repeats, or FORM_NONE */
	size_t repeat_pos;		/* position among the repeat's questions */
	struct form_text label, hint;
	struct form_text constraint_message, warning_message;
	bool required;
	bool sensitive;
	struct expr *relevant;		/* NULL: always relevant */
	struct expr *constraint;	/* NULL: none; '.' is this value */
	struct expr *warning;
	struct expr *calculation;	/* FORM_Q_CALCULATE only */
	struct expr *choice_filter;	/* 'choice' is the candidate value */
	char *default_text;		/* literal default answer, or NULL */
	size_t choices;			/* index into form->choice_lists, or FORM_NONE */
	int line;
};

enum form_urgency { FORM_URG_LOW, FORM_URG_NORMAL, FORM_URG_HIGH, FORM_URG_URGENT };
/* "low" "normal" "high" "urgent". */
const char *form_urgency_name(enum form_urgency u);

/* One field a rule shares: a question, or a whole repeat group. */
struct form_share {
	char *id;
	size_t question;		/* or FORM_NONE */
	size_t repeat;			/* or FORM_NONE */
};

struct form_rule {
	char *id;			/* "asylum_comar" for [rule.asylum_comar] */
	char *service;
	char *partner;
	struct expr *when;
	struct form_text reason;
	size_t consent;			/* a yes_no question */
	struct form_share *share;
	size_t n_share;
	struct expr *urgency;		/* NULL: "normal" */
	char *flag;			/* protection flag for the review queue, or NULL */
	int64_t effective_from;		/* days since 1970-01-01; INT64_MIN if open */
	int64_t effective_until;	/* inclusive; INT64_MAX if open */
	int line;
};

enum form_msg {
	FORM_MSG_REQUIRED,	/* required_message */
	FORM_MSG_CHOICE,	/* choice_message */
	FORM_MSG_CONSTRAINT,	/* constraint_message: a constraint without its own */
	FORM_MSG_WARNING,	/* warning_message: a warning without its own */
	FORM_MSG_MIN,		/* min_message: "{n}" is the repeat's min */
	FORM_MSG_MAX,		/* max_message: "{n}" is the repeat's max */
	FORM_MSG_YES,		/* yes_label: how a yes_no answer reads */
	FORM_MSG_NO,		/* no_label */
	FORM_MSG_COUNT_
};

struct form {
	char *path;			/* as given to the INI reader */
	char *id;
	char *version;
	char **languages;
	size_t n_languages;
	size_t default_language;	/* index into languages */
	struct form_text title, note;
	struct form_text messages[FORM_MSG_COUNT_];	/* [form] KIND_message.LANG, by enum form_msg */

	struct form_section *sections;
	size_t n_sections;
	struct form_question *questions;	/* file order */
	size_t n_questions;
	struct form_repeat *repeats;
	size_t n_repeats;
	struct form_choice_list *choice_lists;
	size_t n_choice_lists;
	struct form_rule *rules;
	size_t n_rules;

	struct form_graph *graph;
};

/*
 * Build a form from a loaded INI document.  Every problem goes to dl as a
 * FILE:LINE error or warning (the linter is this function).  Returns
 * ST_OK, or ST_FORM when there is any error (then the form is released and
 * must not be used).
 */
status_t form_load(struct form *f, const struct ini_doc *doc, struct diag_list *dl);
/* ini_doc_load() + form_load(). */
status_t form_load_file(struct form *f, const char *path, struct diag_list *dl);
void form_release(struct form *f);

/*
 * The engine's own messages, in the interview's language: a form may give
 * them as [form] required_message.LANG etc.; otherwise a built-in
 * translation (en es fr pt ht) is used, else English.
 */
/* "required_message" etc. */
const char *form_msg_key(enum form_msg m);
const char *form_message(const struct form *f, enum form_msg m, size_t lang);

/* Lookups; FORM_NONE when absent. */
size_t form_find_question(const struct form *f, const char *id);
size_t form_find_repeat(const struct form *f, const char *id);
size_t form_find_language(const struct form *f, const char *lang);
size_t form_find_choice(const struct form *f, size_t question, const char *value);

/*
 * The text in language lang (an index, FORM_NONE for the default), falling
 * back to the default language, then to any language; "" when none.
 */
const char *form_text(const struct form *f, const struct form_text *t, size_t lang);

/* ---- values ---------------------------------------------------------- */

enum form_vtype {
	FORM_V_EMPTY,		/* unanswered, not relevant, or undefined */
	FORM_V_BOOL,
	FORM_V_INT,
	FORM_V_DEC,
	FORM_V_TEXT,		/* text and select_one (the choice value) */
	FORM_V_DATE,		/* days since 1970-01-01 */
	FORM_V_MULTI		/* select_multiple: sorted, distinct values */
};

struct form_value {
	enum form_vtype type;
	union {
		bool b;
		int64_t i;
		double d;
		int64_t date;
		char *s;
		struct {
			char **v;
			size_t n;
		} multi;
	} u;
};
#define FORM_VALUE_INIT { FORM_V_EMPTY, { .i = 0 } }

void form_value_release(struct form_value *v);
void form_value_copy(struct form_value *dst, const struct form_value *src);
bool form_value_equal(const struct form_value *a, const struct form_value *b);
/*
 * Parse what a person typed for question q: "12", "3.5", "2023-01-12",
 * "yes"/"no", a choice value, or space-separated choice values for
 * select_multiple.  "" gives FORM_V_EMPTY.  On failure returns ST_INVALID
 * with a detail such as "expected a whole number".
 */
status_t form_value_parse(const struct form *f, size_t q, const char *text,
			  struct form_value *out);
/* The inverse of form_value_parse ("" for empty); malloc'd. */
char *form_value_format(const struct form_value *v);

/* ---- one interview --------------------------------------------------- */

/*
 * A question instance: a question not in a repeat has instance 0; a
 * question in a repeat has one instance per member, 0-based.
 * Paths name them as "age" and "members[3].member_age".
 */
struct form_ref {
	size_t q;
	size_t inst;
};
/* Parse "id" or "group[N].id"; false when unknown or out of range. */
bool form_state_resolve(const struct form_state *st, const char *path, struct form_ref *out);
/* "age" or "members[3].member_age"; malloc'd. */
char *form_ref_path(const struct form *f, struct form_ref r);

/* today is days since the epoch (util_today() unless a test pins it). */
struct form_state *form_state_new(const struct form *f, int64_t today);
void form_state_free(struct form_state *st);
const struct form *form_state_form(const struct form_state *st);

/*
 * Set (copy) or clear an answer and recompute what depends on it.
 * ST_INVALID when the value's type does not fit the question (detail says
 * why), ST_NOTFOUND for a bad ref, ST_STATE for a note or calculate.
 */
status_t form_state_set(struct form_state *st, struct form_ref r, const struct form_value *v);
status_t form_state_set_text(struct form_state *st, struct form_ref r, const char *text);
status_t form_state_set_path(struct form_state *st, const char *path, const struct form_value *v);

/* Repeat members: add one at the end (defaults applied), remove one. */
status_t form_state_repeat_add(struct form_state *st, size_t repeat, size_t *index_out);
status_t form_state_repeat_remove(struct form_state *st, size_t repeat, size_t index);
size_t form_state_repeat_count(const struct form_state *st, size_t repeat);
/* Number of instances of question q (1, or the repeat's member count). */
size_t form_state_instances(const struct form_state *st, size_t q);

/* The raw answer as set (EMPTY when none). */
const struct form_value *form_state_answer(const struct form_state *st, struct form_ref r);
/* The value expressions see: the answer (or calculation) when relevant, else EMPTY. */
const struct form_value *form_state_value(const struct form_state *st, struct form_ref r);
/* Skip logic: false when the question is hidden (its relevant is not true). */
bool form_state_relevant(const struct form_state *st, struct form_ref r);

enum form_error {
	FORM_ERR_NONE,
	FORM_ERR_REQUIRED,	/* visible, required, unanswered */
	FORM_ERR_CONSTRAINT,	/* constraint is false */
	FORM_ERR_CHOICE,	/* a selected choice is filtered out by choice_filter */
	FORM_ERR_COUNT_
};
/* "required" "constraint" "choice". */
const char *form_error_name(enum form_error e);

/* Validation of one visible question instance (NONE when hidden). */
enum form_error form_state_error(const struct form_state *st, struct form_ref r);
/* The warning expression is false for a visible, answered instance. */
bool form_state_warning(const struct form_state *st, struct form_ref r);
/* Message for the error/warning in language lang (index, FORM_NONE = default). */
const char *form_state_error_message(const struct form_state *st, struct form_ref r, size_t lang);
const char *form_state_warning_message(const struct form_state *st, struct form_ref r, size_t lang);
/* A person confirmed the warning; cleared when the answer changes. */
void form_state_ack_warning(struct form_state *st, struct form_ref r);
bool form_state_warning_acked(const struct form_state *st, struct form_ref r);

/* Repeat member count outside [min, max]: 0 ok, -1 too few, +1 too many. */
int form_state_repeat_count_error(const struct form_state *st, size_t repeat);
/* Its message in language lang ("At least 2 members are needed."); malloc'd, NULL if none. */
char *form_state_repeat_count_message(const struct form_state *st, size_t repeat, size_t lang);

/* choice_filter for candidate choice c (index into the question's list). */
bool form_state_choice_visible(const struct form_state *st, struct form_ref r, size_t c);

struct form_progress {
	size_t visible;		/* visible question instances (notes excluded) */
	size_t answered;	/* of those, answered (calculations count) */
	size_t errors;		/* instances with an error, plus repeat count errors */
	size_t required_left;	/* of the errors, required questions still unanswered */
	size_t warnings;	/* instances with a warning */
	size_t unacked;		/* warnings not acknowledged */
	bool complete;		/* errors == 0 */
};
void form_state_progress(const struct form_state *st, struct form_progress *p);

struct form_referral {
	const struct form_rule *rule;
	enum form_urgency urgency;
	bool consent;		/* the rule's consent question is true */
	bool sendable;		/* consent given (see docs/forms.md) */
};
/*
 * Referrals the rules produce now: rules effective today whose `when` is
 * true, in file order.  The array belongs to st and stays valid until the
 * next change to st.
 */
size_t form_state_referrals(struct form_state *st, const struct form_referral **out);

/*
 * Expression evaluations since form_state_new (top level and per-member
 * aggregate steps); tests use it to check that only dependents recompute.
 */
uint64_t form_state_eval_count(const struct form_state *st);

#endif
