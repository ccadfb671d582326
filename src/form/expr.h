/*
 * expr.h - the form expression language (grammar in docs/forms.md):
 * parse text to a tree, resolve names and check types against a form,
 * evaluate against the answers of one interview.
 *
 * Three steps, because they happen at different times: expr_parse() needs
 * only the text (the fuzzer drives it alone); expr_check() needs the whole
 * form (names, types of calculations, choice lists) and records what the
 * expression depends on, which the engine turns into its graph;
 * expr_eval() runs for every recompute and never allocates.
 */
#ifndef SENDA_FORM_EXPR_H
#define SENDA_FORM_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form/form.h"

/* Static types; EXPR_T_NONE marks "no type" (a note, or an error). */
enum expr_type {
	EXPR_T_NONE,
	EXPR_T_BOOL,
	EXPR_T_INT,
	EXPR_T_DEC,
	EXPR_T_TEXT,
	EXPR_T_DATE,
	EXPR_T_MULTI,
	EXPR_T_GROUP,		/* a repeat group, only as an aggregate's first argument */
	EXPR_T_COUNT_
};
const char *expr_type_name(enum expr_type t);

/* What an expression reads: a question, directly or inside an aggregate. */
struct expr_dep {
	size_t q;		/* question, or FORM_NONE for a group's member count */
	size_t repeat;		/* the group for count/any/all/sum, else FORM_NONE */
	bool aggregate;		/* read through an aggregate over `repeat` */
};

struct expr_node;

struct expr {
	char *text;			/* source, for messages */
	struct expr_node *root;
	enum expr_type type;		/* after expr_check() */
	struct expr_dep *deps;		/* after expr_check(), distinct */
	size_t n_deps, alloc_deps;
	bool uses_today;
};

/* and or not in true false choice: not usable as ids. */
bool expr_is_keyword(const char *s);

/* Parse; NULL with *err (malloc'd, e.g. "syntax error at ')' (column 7)"). */
struct expr *expr_parse(const char *text, char **err);
void expr_free(struct expr *e);

/* Where an expression sits, for name resolution and checks. */
struct expr_scope {
	const struct form *f;
	size_t repeat;		/* repeat of the owning question, or FORM_NONE */
	size_t self;		/* the question '.' and 'choice' are about, or FORM_NONE */
	bool allow_dot;		/* constraint, warning */
	bool allow_choice;	/* choice_filter */
	/* Static type of question q's value (may check a calculation first). */
	enum expr_type (*qtype)(void *data, size_t q);
	void *data;
};

/* Resolve names and check types; false with *err (malloc'd) on error. */
bool expr_check(struct expr *e, const struct expr_scope *sc, char **err);

/* Values an evaluation reads, supplied by the engine. */
struct expr_host {
	const struct form_value *(*value)(void *data, size_t q, size_t inst);
	size_t (*count)(void *data, size_t repeat);
};

struct expr_ctx {
	const struct expr_host *host;
	void *data;
	size_t inst;			/* member for repeat questions */
	const struct form_value *dot;	/* '.' */
	const char *choice;		/* 'choice' */
	int64_t today;
	uint64_t *evals;		/* incremented per evaluation step, may be NULL */
};

/*
 * Evaluate.  The result may borrow strings from the expression or from
 * the host's values: copy it (form_value_copy) to keep it.
 */
struct form_value expr_eval(const struct expr *e, struct expr_ctx *ctx);
/* Bool result: 1 true, 0 false, -1 empty. */
int expr_eval_bool(const struct expr *e, struct expr_ctx *ctx);

#endif
