/*
 * internal.h - what the files of the form engine share and nobody else
 * needs: the dependency graph and a few helpers.
 */
#ifndef SENDA_FORM_INTERNAL_H
#define SENDA_FORM_INTERNAL_H

#include "form/expr.h"
#include "form/form.h"

/*
 * An edge from a question (or a repeat group's member list) to a question
 * whose expressions read it.  value: the target's relevance or calculation
 * reads it (so the target's value may change); otherwise only its checks
 * (constraint, warning, choice filter) do.  same_member: both are in one
 * repeat and the read is direct, so only the same member is affected.
 */
struct form_edge {
	size_t target;
	bool value;
	bool same_member;
};

struct form_graph {
	size_t *topo;			/* question indexes, dependencies first */
	size_t *rank;			/* position of each question in topo */
	struct form_edge **out;		/* per question: its dependents */
	size_t *n_out;
	struct form_edge **rep_out;	/* per repeat: readers of its members */
	size_t *n_rep_out;
};

/* Build f->graph from the checked expressions; cycles go to dl. */
bool form_graph_build(struct form *f, struct diag_list *dl,
		      const int *q_lines);
void form_graph_free(struct form_graph *g, const struct form *f);

/* The checked expressions of a question, NULLs included (5 slots). */
#define FORM_Q_N_EXPRS 5
void form_question_exprs(const struct form_question *q, struct expr *out[FORM_Q_N_EXPRS]);

void form_value_normalise_multi(struct form_value *v);

/* Call cb for each literal string an expression can yield (if/coalesce branches). */
void expr_result_literals(const struct expr *e, void (*cb)(void *data, const char *s, int col),
			  void *data);

#endif
