/*
 * graph.c - the dependency graph of a form: for every question, which
 * questions read it, and a topological order of values.
 *
 * Only relevance and calculations produce values other expressions read,
 * so only those edges can form a cycle (a constraint that reads another
 * question and is read back by that question's constraint is fine).  A
 * depth-first search over those edges yields both the order and every
 * cycle, printed as the chain of reads: "cycle: a -> b -> a".
 */
#include "form/internal.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

enum mark { WHITE, GREY, BLACK };

struct dfs {
	const struct form *f;
	struct form_graph *g;
	struct diag_list *dl;
	const int *q_lines;
	enum mark *mark;
	size_t *stack;
	size_t depth;
	size_t n_topo;
	bool cyclic;
};

/* The questions q's value (relevance, calculation) reads, calling cb per dep. */
static void value_deps(const struct form_question *q, size_t *out, size_t *n, size_t cap)
{
	struct expr *ex[2] = { q->relevant, q->calculation };

	*n = 0;
	for (size_t k = 0; k < 2; k++) {
		if (!ex[k])
			continue;
		for (size_t i = 0; i < ex[k]->n_deps && *n < cap; i++)
			if (ex[k]->deps[i].q != FORM_NONE)
				out[(*n)++] = ex[k]->deps[i].q;
	}
}

static void report_cycle(struct dfs *d, size_t from)
{
	struct strbuf sb = STRBUF_INIT;
	size_t start = 0;

	for (size_t i = 0; i < d->depth; i++)
		if (d->stack[i] == from)
			start = i;
	for (size_t i = start; i < d->depth; i++)
		strbuf_addf(&sb, "%s -> ", d->f->questions[d->stack[i]].id);
	strbuf_addstr(&sb, d->f->questions[from].id);
	diag_add(d->dl, DIAG_ERROR, d->f->path, d->q_lines ? d->q_lines[from] : 0,
		 "cycle through relevant/calculation: %s", sb.buf);
	strbuf_release(&sb);
	d->cyclic = true;
}

static void visit(struct dfs *d, size_t q)
{
	size_t cap = 0, n;
	size_t *deps;
	const struct form_question *fq = &d->f->questions[q];

	d->mark[q] = GREY;
	d->stack[d->depth++] = q;
	if (fq->relevant)
		cap += fq->relevant->n_deps;
	if (fq->calculation)
		cap += fq->calculation->n_deps;
	deps = xmalloc((cap + 1) * sizeof(size_t));
	value_deps(fq, deps, &n, cap);
	for (size_t i = 0; i < n; i++) {
		size_t t = deps[i];

		if (d->mark[t] == GREY)
			report_cycle(d, t);
		else if (d->mark[t] == WHITE)
			visit(d, t);
	}
	free(deps);
	d->depth--;
	d->mark[q] = BLACK;
	d->g->rank[q] = d->n_topo;
	d->g->topo[d->n_topo++] = q;
}

static void add_edge(struct form_edge **v, size_t *n, size_t target, bool value, bool same)
{
	for (size_t i = 0; i < *n; i++) {
		if ((*v)[i].target != target)
			continue;
		(*v)[i].value |= value;
		(*v)[i].same_member &= same;
		return;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (struct form_edge){ target, value, same };
}

bool form_graph_build(struct form *f, struct diag_list *dl, const int *q_lines)
{
	size_t nq = f->n_questions;
	struct form_graph *g = xcalloc(1, sizeof(*g));
	struct dfs d = { .f = f, .g = g, .dl = dl, .q_lines = q_lines };

	g->topo = xcalloc(nq + 1, sizeof(size_t));
	g->rank = xcalloc(nq + 1, sizeof(size_t));
	g->out = xcalloc(nq + 1, sizeof(*g->out));
	g->n_out = xcalloc(nq + 1, sizeof(size_t));
	g->rep_out = xcalloc(f->n_repeats + 1, sizeof(*g->rep_out));
	g->n_rep_out = xcalloc(f->n_repeats + 1, sizeof(size_t));
	f->graph = g;

	d.mark = xcalloc(nq + 1, sizeof(*d.mark));
	d.stack = xcalloc(nq + 1, sizeof(size_t));
	for (size_t q = 0; q < nq; q++)
		if (d.mark[q] == WHITE)
			visit(&d, q);
	free(d.mark);
	free(d.stack);

	for (size_t q = 0; q < nq; q++) {
		const struct form_question *fq = &f->questions[q];
		struct expr *ex[FORM_Q_N_EXPRS];

		form_question_exprs(fq, ex);
		for (size_t k = 0; k < FORM_Q_N_EXPRS; k++) {
			bool value = k < 2;	/* relevant, calculation */

			if (!ex[k])
				continue;
			for (size_t i = 0; i < ex[k]->n_deps; i++) {
				const struct expr_dep *dep = &ex[k]->deps[i];

				if (dep->q == FORM_NONE) {
					if (dep->repeat < f->n_repeats)
						add_edge(&g->rep_out[dep->repeat], &g->n_rep_out[dep->repeat],
							 q, value, false);
					continue;
				}
				bool same = !dep->aggregate && f->questions[dep->q].repeat != FORM_NONE &&
					f->questions[dep->q].repeat == fq->repeat;
				add_edge(&g->out[dep->q], &g->n_out[dep->q], q, value, same);
			}
		}
	}
	return !d.cyclic;
}

void form_graph_free(struct form_graph *g, const struct form *f)
{
	if (!g)
		return;
	for (size_t q = 0; q < f->n_questions; q++)
		free(g->out[q]);
	for (size_t r = 0; r < f->n_repeats; r++)
		free(g->rep_out[r]);
	free(g->out);
	free(g->n_out);
	free(g->rep_out);
	free(g->n_rep_out);
	free(g->topo);
	free(g->rank);
	free(g);
}
