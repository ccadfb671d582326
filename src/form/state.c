/*
 * state.c - one interview in progress: answers, what is shown, what is
 * wrong, and the referrals the rules produce, kept up to date
 * incrementally.
 *
 * Every question instance (a question, or a question in one member of a
 * repeat) has a slot with two parts the graph can mark dirty: its value
 * part (relevance, calculation) and its check part (required, constraint,
 * warning, choice filter).  Setting an answer marks the readers of that
 * question; values are then recomputed in the graph's topological order
 * and checks after them, and propagation stops wherever a value comes out
 * unchanged.  A reader in the same repeat member as what it reads is only
 * recomputed in that member, which keeps one answer cheap in a 200-member
 * group.  Referrals are computed on demand and cached until the next change.
 */
#include "form/internal.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	struct form_value answer;
	struct form_value calc;		/* calculate questions: the result */
	bool relevant;
	bool warn, acked;
	unsigned char err;		/* enum form_error */
	bool dirty_v, dirty_c;
};

struct rep_state {
	struct slot **members;		/* each: the repeat's n_questions slots */
	size_t n, alloc;
};

struct form_state {
	const struct form *f;
	int64_t today;
	struct slot *global;		/* per question; unused for repeat questions */
	struct rep_state *reps;
	bool *qdirty_v, *qdirty_c;	/* some instance of the question is dirty */
	bool any_dirty;
	uint64_t evals;
	uint64_t version, ref_version;
	struct form_referral *refs;
	size_t n_refs;
};

static const struct form_value empty_value = FORM_VALUE_INIT;

static struct slot *slot_at(const struct form_state *st, size_t q, size_t inst)
{
	const struct form_question *fq = &st->f->questions[q];

	if (fq->repeat == FORM_NONE)
		return inst == 0 ? &st->global[q] : NULL;
	if (inst >= st->reps[fq->repeat].n)
		return NULL;
	return &st->reps[fq->repeat].members[inst][fq->repeat_pos];
}

static const struct form_value *slot_value(const struct form_state *st, size_t q,
					   const struct slot *s)
{
	if (!s || !s->relevant)
		return &empty_value;
	return st->f->questions[q].type == FORM_Q_CALCULATE ? &s->calc : &s->answer;
}

/* ---- host for expr_eval ---------------------------------------------- */

static const struct form_value *host_value(void *data, size_t q, size_t inst)
{
	const struct form_state *st = data;

	return slot_value(st, q, slot_at(st, q, inst));
}

static size_t host_count(void *data, size_t repeat)
{
	const struct form_state *st = data;

	return st->reps[repeat].n;
}

static const struct expr_host state_host = { host_value, host_count };

static struct expr_ctx make_ctx(struct form_state *st, size_t inst)
{
	struct expr_ctx c = {
		.host = &state_host, .data = st, .inst = inst, .today = st->today,
		.evals = &st->evals,
	};
	return c;
}

/* ---- dirty marks ----------------------------------------------------- */

static void mark(struct form_state *st, size_t q, size_t inst, bool value)
{
	struct slot *s = slot_at(st, q, inst);

	if (!s)
		return;
	if (value) {
		s->dirty_v = true;
		st->qdirty_v[q] = true;
	}
	s->dirty_c = true;
	st->qdirty_c[q] = true;
	st->any_dirty = true;
}

static void mark_all(struct form_state *st, size_t q, bool value)
{
	size_t n = form_state_instances(st, q);

	for (size_t i = 0; i < n; i++)
		mark(st, q, i, value);
}

static void mark_edges(struct form_state *st, const struct form_edge *e, size_t n, size_t inst)
{
	for (size_t i = 0; i < n; i++) {
		if (e[i].same_member)
			mark(st, e[i].target, inst, e[i].value);
		else
			mark_all(st, e[i].target, e[i].value);
	}
}

/* q's value in inst changed: its readers and its own checks are dirty. */
static void value_changed(struct form_state *st, size_t q, size_t inst)
{
	const struct form_graph *g = st->f->graph;

	mark(st, q, inst, false);
	mark_edges(st, g->out[q], g->n_out[q], inst);
}

/* ---- recompute ------------------------------------------------------- */

static void recompute_value(struct form_state *st, size_t q, size_t inst, struct slot *s)
{
	const struct form_question *fq = &st->f->questions[q];
	struct expr_ctx ctx = make_ctx(st, inst);
	bool rel = !fq->relevant || expr_eval_bool(fq->relevant, &ctx) == 1;
	bool changed = false;

	if (rel != s->relevant) {
		s->relevant = rel;
		s->dirty_c = true;
		st->qdirty_c[q] = true;
		changed = fq->type != FORM_Q_CALCULATE && s->answer.type != FORM_V_EMPTY;
	}
	if (fq->type == FORM_Q_CALCULATE) {
		struct form_value v = empty_value;

		if (rel && fq->calculation)
			v = expr_eval(fq->calculation, &ctx);
		if (!form_value_equal(&v, &s->calc)) {
			form_value_copy(&s->calc, &v);
			changed = true;
		}
	}
	if (changed)
		value_changed(st, q, inst);
}

static bool choice_ok(struct form_state *st, size_t q, size_t inst, const char *value)
{
	const struct form_question *fq = &st->f->questions[q];
	struct expr_ctx ctx = make_ctx(st, inst);

	if (!fq->choice_filter)
		return true;
	ctx.choice = value;
	return expr_eval_bool(fq->choice_filter, &ctx) == 1;
}

static void recompute_check(struct form_state *st, size_t q, size_t inst, struct slot *s)
{
	const struct form_question *fq = &st->f->questions[q];
	const struct form_value *v = slot_value(st, q, s);
	struct expr_ctx ctx = make_ctx(st, inst);

	s->err = FORM_ERR_NONE;
	s->warn = false;
	if (!s->relevant || fq->type == FORM_Q_NOTE || fq->type == FORM_Q_CALCULATE)
		return;
	if (v->type == FORM_V_EMPTY) {
		if (fq->required)
			s->err = FORM_ERR_REQUIRED;
		return;
	}
	if (v->type == FORM_V_TEXT && fq->type == FORM_Q_SELECT_ONE && !choice_ok(st, q, inst, v->u.s))
		s->err = FORM_ERR_CHOICE;
	if (v->type == FORM_V_MULTI)
		for (size_t i = 0; i < v->u.multi.n && !s->err; i++)
			if (!choice_ok(st, q, inst, v->u.multi.v[i]))
				s->err = FORM_ERR_CHOICE;
	ctx.dot = v;
	if (!s->err && fq->constraint && expr_eval_bool(fq->constraint, &ctx) == 0)
		s->err = FORM_ERR_CONSTRAINT;
	if (fq->warning && expr_eval_bool(fq->warning, &ctx) == 0)
		s->warn = true;
}

static void propagate(struct form_state *st)
{
	const struct form *f = st->f;
	const struct form_graph *g = f->graph;

	if (!st->any_dirty)
		return;
	for (size_t r = 0; r < f->n_questions; r++) {
		size_t q = g->topo[r];
		size_t n;

		if (!st->qdirty_v[q])
			continue;
		st->qdirty_v[q] = false;
		n = form_state_instances(st, q);
		for (size_t i = 0; i < n; i++) {
			struct slot *s = slot_at(st, q, i);
			if (s->dirty_v) {
				s->dirty_v = false;
				recompute_value(st, q, i, s);
			}
		}
	}
	for (size_t q = 0; q < f->n_questions; q++) {
		size_t n;

		if (!st->qdirty_c[q])
			continue;
		st->qdirty_c[q] = false;
		n = form_state_instances(st, q);
		for (size_t i = 0; i < n; i++) {
			struct slot *s = slot_at(st, q, i);
			if (s->dirty_c) {
				s->dirty_c = false;
				recompute_check(st, q, i, s);
			}
		}
	}
	st->any_dirty = false;
	st->version++;
}

/* ---- life cycle ------------------------------------------------------ */

static void apply_default(const struct form *f, size_t q, struct slot *s)
{
	const struct form_question *fq = &f->questions[q];

	if (fq->default_text && form_value_parse(f, q, fq->default_text, &s->answer) != ST_OK)
		st_clear();
}

struct form_state *form_state_new(const struct form *f, int64_t today)
{
	struct form_state *st = xcalloc(1, sizeof(*st));

	st->f = f;
	st->today = today;
	st->global = xcalloc(f->n_questions + 1, sizeof(*st->global));
	st->reps = xcalloc(f->n_repeats + 1, sizeof(*st->reps));
	st->qdirty_v = xcalloc(f->n_questions + 1, sizeof(bool));
	st->qdirty_c = xcalloc(f->n_questions + 1, sizeof(bool));
	for (size_t q = 0; q < f->n_questions; q++) {
		if (f->questions[q].repeat != FORM_NONE)
			continue;
		apply_default(f, q, &st->global[q]);
		mark(st, q, 0, true);
	}
	propagate(st);
	return st;
}

static void slot_release(struct slot *s)
{
	form_value_release(&s->answer);
	form_value_release(&s->calc);
}

void form_state_free(struct form_state *st)
{
	if (!st)
		return;
	for (size_t q = 0; q < st->f->n_questions; q++)
		slot_release(&st->global[q]);
	for (size_t r = 0; r < st->f->n_repeats; r++) {
		struct rep_state *rs = &st->reps[r];

		for (size_t m = 0; m < rs->n; m++) {
			for (size_t k = 0; k < st->f->repeats[r].n_questions; k++)
				slot_release(&rs->members[m][k]);
			free(rs->members[m]);
		}
		free(rs->members);
	}
	free(st->reps);
	free(st->global);
	free(st->qdirty_v);
	free(st->qdirty_c);
	free(st->refs);
	free(st);
}

const struct form *form_state_form(const struct form_state *st)
{
	return st->f;
}

/* ---- answers --------------------------------------------------------- */

/* Text of only spaces is no answer, whichever way it arrives. */
static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static status_t check_type(const struct form *f, size_t q, const struct form_value *v)
{
	static const enum form_vtype want[FORM_Q_COUNT_] = {
		[FORM_Q_TEXT] = FORM_V_TEXT,
		[FORM_Q_INTEGER] = FORM_V_INT,
		[FORM_Q_DECIMAL] = FORM_V_DEC,
		[FORM_Q_DATE] = FORM_V_DATE,
		[FORM_Q_YES_NO] = FORM_V_BOOL,
		[FORM_Q_SELECT_ONE] = FORM_V_TEXT,
		[FORM_Q_SELECT_MULTIPLE] = FORM_V_MULTI,
		[FORM_Q_NOTE] = FORM_V_EMPTY,
		[FORM_Q_CALCULATE] = FORM_V_EMPTY,
	};
	const struct form_question *fq = &f->questions[q];

	if (fq->type == FORM_Q_NOTE || fq->type == FORM_Q_CALCULATE)
		return st_error(ST_STATE, "'%s' is a %s and takes no answer", fq->id,
				form_qtype_name(fq->type));
	if (v->type == FORM_V_EMPTY)
		return ST_OK;
	if (v->type == FORM_V_INT && fq->type == FORM_Q_DECIMAL)
		return ST_OK;
	if (v->type != want[fq->type])
		return st_error(ST_INVALID, "'%s' expects %s", fq->id,
				form_qtype_name(fq->type));
	if (fq->type == FORM_Q_SELECT_ONE && !blank(v->u.s) &&
	    form_find_choice(f, q, v->u.s) == FORM_NONE)
		return st_error(ST_INVALID, "'%s': not one of the choices", v->u.s);
	if (v->type == FORM_V_MULTI)
		for (size_t i = 0; i < v->u.multi.n; i++)
			if (form_find_choice(f, q, v->u.multi.v[i]) == FORM_NONE)
				return st_error(ST_INVALID, "'%s': not one of the choices",
						v->u.multi.v[i]);
	return ST_OK;
}

status_t form_state_set(struct form_state *st, struct form_ref r, const struct form_value *v)
{
	const struct form *f = st->f;
	struct slot *s;
	struct form_value nv = FORM_VALUE_INIT;
	status_t rc;

	if (r.q >= f->n_questions || !(s = slot_at(st, r.q, r.inst)))
		return st_error(ST_NOTFOUND, "no such question instance");
	if ((rc = check_type(f, r.q, v)) != ST_OK)
		return rc;
	form_value_copy(&nv, v);
	if (nv.type == FORM_V_INT && f->questions[r.q].type == FORM_Q_DECIMAL) {
		nv.type = FORM_V_DEC;
		nv.u.d = (double)v->u.i;
	}
	form_value_normalise_multi(&nv);
	if (nv.type == FORM_V_TEXT && blank(nv.u.s))
		form_value_release(&nv);
	if (form_value_equal(&nv, &s->answer)) {
		form_value_release(&nv);
		return ST_OK;
	}
	form_value_release(&s->answer);
	s->answer = nv;
	s->acked = false;
	mark(st, r.q, r.inst, false);
	if (s->relevant)
		value_changed(st, r.q, r.inst);
	propagate(st);
	st->version++;
	return ST_OK;
}

status_t form_state_set_text(struct form_state *st, struct form_ref r, const char *text)
{
	struct form_value v = FORM_VALUE_INIT;
	status_t rc;

	if (r.q >= st->f->n_questions)
		return st_error(ST_NOTFOUND, "no such question");
	if ((rc = form_value_parse(st->f, r.q, text, &v)) != ST_OK)
		return rc;
	rc = form_state_set(st, r, &v);
	form_value_release(&v);
	return rc;
}

status_t form_state_set_path(struct form_state *st, const char *path, const struct form_value *v)
{
	struct form_ref r;

	if (!form_state_resolve(st, path, &r))
		return st_error(ST_NOTFOUND, "no question '%s'", path);
	return form_state_set(st, r, v);
}

/* ---- repeats --------------------------------------------------------- */

static void repeat_changed(struct form_state *st, size_t repeat)
{
	const struct form_graph *g = st->f->graph;

	mark_edges(st, g->rep_out[repeat], g->n_rep_out[repeat], 0);
}

status_t form_state_repeat_add(struct form_state *st, size_t repeat, size_t *index_out)
{
	const struct form *f = st->f;
	struct rep_state *rs;
	size_t m;

	if (repeat >= f->n_repeats)
		return st_error(ST_NOTFOUND, "no such repeat group");
	rs = &st->reps[repeat];
	if (rs->n >= 100000)
		return st_error(ST_STATE, "too many members in '%s'", f->repeats[repeat].id);
	ALLOC_GROW(rs->members, rs->n + 1, rs->alloc);
	m = rs->n++;
	rs->members[m] = xcalloc(f->repeats[repeat].n_questions + 1, sizeof(struct slot));
	for (size_t k = 0; k < f->repeats[repeat].n_questions; k++) {
		size_t q = f->repeats[repeat].questions[k];

		apply_default(f, q, &rs->members[m][k]);
		mark(st, q, m, true);
	}
	repeat_changed(st, repeat);
	propagate(st);
	st->version++;
	if (index_out)
		*index_out = m;
	return ST_OK;
}

status_t form_state_repeat_remove(struct form_state *st, size_t repeat, size_t index)
{
	const struct form *f = st->f;
	struct rep_state *rs;

	if (repeat >= f->n_repeats || index >= st->reps[repeat].n)
		return st_error(ST_NOTFOUND, "no such member");
	rs = &st->reps[repeat];
	for (size_t k = 0; k < f->repeats[repeat].n_questions; k++)
		slot_release(&rs->members[index][k]);
	free(rs->members[index]);
	memmove(&rs->members[index], &rs->members[index + 1],
		(rs->n - index - 1) * sizeof(*rs->members));
	rs->n--;
	/* every aggregate over the group also reads its member list */
	repeat_changed(st, repeat);
	propagate(st);
	st->version++;
	return ST_OK;
}

size_t form_state_repeat_count(const struct form_state *st, size_t repeat)
{
	return repeat < st->f->n_repeats ? st->reps[repeat].n : 0;
}

size_t form_state_instances(const struct form_state *st, size_t q)
{
	size_t r;

	if (q >= st->f->n_questions)
		return 0;
	r = st->f->questions[q].repeat;
	return r == FORM_NONE ? 1 : st->reps[r].n;
}

/* ---- paths ----------------------------------------------------------- */

bool form_state_resolve(const struct form_state *st, const char *path, struct form_ref *out)
{
	const struct form *f = st->f;
	const char *br = strchr(path, '[');

	if (!br) {
		out->q = form_find_question(f, path);
		out->inst = 0;
		return out->q != FORM_NONE && f->questions[out->q].repeat == FORM_NONE;
	}
	char *group = xstrndup(path, (size_t)(br - path));
	size_t r = form_find_repeat(f, group);
	char *end;
	unsigned long long idx;

	free(group);
	if (r == FORM_NONE || br[1] < '0' || br[1] > '9')
		return false;
	idx = strtoull(br + 1, &end, 10);
	if (end[0] != ']' || end[1] != '.' || idx >= st->reps[r].n)
		return false;
	out->q = form_find_question(f, end + 2);
	out->inst = (size_t)idx;
	return out->q != FORM_NONE && f->questions[out->q].repeat == r;
}

char *form_ref_path(const struct form *f, struct form_ref r)
{
	const struct form_question *fq = &f->questions[r.q];

	if (fq->repeat == FORM_NONE)
		return xstrdup(fq->id);
	return xasprintf("%s[%zu].%s", f->repeats[fq->repeat].id, r.inst, fq->id);
}

/* ---- queries --------------------------------------------------------- */

const struct form_value *form_state_answer(const struct form_state *st, struct form_ref r)
{
	const struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	return s ? &s->answer : &empty_value;
}

const struct form_value *form_state_value(const struct form_state *st, struct form_ref r)
{
	if (r.q >= st->f->n_questions)
		return &empty_value;
	return slot_value(st, r.q, slot_at(st, r.q, r.inst));
}

bool form_state_relevant(const struct form_state *st, struct form_ref r)
{
	const struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	return s && s->relevant;
}

const char *form_error_name(enum form_error e)
{
	static const char *const names[] = { "none", "required", "constraint", "choice" };

	return (unsigned)e < ARRAY_SIZE(names) ? names[e] : "none";
}

enum form_error form_state_error(const struct form_state *st, struct form_ref r)
{
	const struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	return s ? (enum form_error)s->err : FORM_ERR_NONE;
}

bool form_state_warning(const struct form_state *st, struct form_ref r)
{
	const struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	return s && s->warn;
}

const char *form_state_error_message(const struct form_state *st, struct form_ref r, size_t lang)
{
	const struct form *f = st->f;
	const char *t;

	switch (form_state_error(st, r)) {
	case FORM_ERR_REQUIRED:
		return form_message(f, FORM_MSG_REQUIRED, lang);
	case FORM_ERR_CHOICE:
		return form_message(f, FORM_MSG_CHOICE, lang);
	case FORM_ERR_CONSTRAINT:
		t = form_text(f, &f->questions[r.q].constraint_message, lang);
		return *t ? t : form_message(f, FORM_MSG_CONSTRAINT, lang);
	default:
		return NULL;
	}
}

const char *form_state_warning_message(const struct form_state *st, struct form_ref r, size_t lang)
{
	const struct form *f = st->f;
	const char *t;

	if (!form_state_warning(st, r))
		return NULL;
	t = form_text(f, &f->questions[r.q].warning_message, lang);
	return *t ? t : form_message(f, FORM_MSG_WARNING, lang);
}

void form_state_ack_warning(struct form_state *st, struct form_ref r)
{
	struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	if (s)
		s->acked = true;
}

bool form_state_warning_acked(const struct form_state *st, struct form_ref r)
{
	const struct slot *s = r.q < st->f->n_questions ? slot_at(st, r.q, r.inst) : NULL;

	return s && s->acked;
}

int form_state_repeat_count_error(const struct form_state *st, size_t repeat)
{
	const struct form_repeat *rp;
	size_t n;

	if (repeat >= st->f->n_repeats)
		return 0;
	rp = &st->f->repeats[repeat];
	n = st->reps[repeat].n;
	if ((int64_t)n < rp->min)
		return -1;
	if ((int64_t)n > rp->max)
		return 1;
	return 0;
}

bool form_state_choice_visible(const struct form_state *st, struct form_ref r, size_t c)
{
	const struct form *f = st->f;
	const struct form_question *fq;

	if (r.q >= f->n_questions || !slot_at(st, r.q, r.inst))
		return false;
	fq = &f->questions[r.q];
	if (fq->choices == FORM_NONE || c >= f->choice_lists[fq->choices].n)
		return false;
	return choice_ok((struct form_state *)st, r.q, r.inst,
			 f->choice_lists[fq->choices].v[c].value);
}

void form_state_progress(const struct form_state *st, struct form_progress *p)
{
	const struct form *f = st->f;

	memset(p, 0, sizeof(*p));
	for (size_t q = 0; q < f->n_questions; q++) {
		size_t n = form_state_instances(st, q);

		if (f->questions[q].type == FORM_Q_NOTE)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct slot *s = slot_at(st, q, i);

			if (!s->relevant)
				continue;
			p->visible++;
			p->answered += slot_value(st, q, s)->type != FORM_V_EMPTY;
			p->errors += s->err != FORM_ERR_NONE;
			p->required_left += s->err == FORM_ERR_REQUIRED;
			p->warnings += s->warn;
			p->unacked += s->warn && !s->acked;
		}
	}
	for (size_t r = 0; r < f->n_repeats; r++)
		p->errors += form_state_repeat_count_error(st, r) != 0;
	p->complete = p->errors == 0;
}

/* ---- referrals ------------------------------------------------------- */

static enum form_urgency urgency_of(struct form_state *st, const struct form_rule *r)
{
	struct expr_ctx ctx = make_ctx(st, 0);
	struct form_value v;

	if (!r->urgency)
		return FORM_URG_NORMAL;
	v = expr_eval(r->urgency, &ctx);
	if (v.type == FORM_V_TEXT)
		for (int u = FORM_URG_LOW; u <= FORM_URG_URGENT; u++)
			if (!strcmp(v.u.s, form_urgency_name((enum form_urgency)u)))
				return (enum form_urgency)u;
	return FORM_URG_NORMAL;
}

size_t form_state_referrals(struct form_state *st, const struct form_referral **out)
{
	const struct form *f = st->f;

	if (!st->refs || st->ref_version != st->version) {
		free(st->refs);
		st->refs = xcalloc(f->n_rules + 1, sizeof(*st->refs));
		st->n_refs = 0;
		for (size_t i = 0; i < f->n_rules; i++) {
			const struct form_rule *r = &f->rules[i];
			struct expr_ctx ctx = make_ctx(st, 0);
			struct form_referral *ref;
			const struct form_value *c;

			if (st->today < r->effective_from || st->today > r->effective_until)
				continue;
			if (!r->when || expr_eval_bool(r->when, &ctx) != 1)
				continue;
			ref = &st->refs[st->n_refs++];
			ref->rule = r;
			ref->urgency = urgency_of(st, r);
			c = r->consent == FORM_NONE ? &empty_value :
				form_state_value(st, (struct form_ref){ r->consent, 0 });
			ref->consent = c->type == FORM_V_BOOL && c->u.b;
			ref->sendable = ref->consent;
		}
		st->ref_version = st->version;
	}
	*out = st->refs;
	return st->n_refs;
}

uint64_t form_state_eval_count(const struct form_state *st)
{
	return st->evals;
}
