/*
 * expr.c - the form expression language: a hand-written lexer and
 * recursive-descent parser (grammar in docs/forms.md), a checker that
 * resolves names against a form and types every node, and an evaluator.
 *
 * The evaluator works on borrowed values and never allocates, because it
 * runs on every answer (200 members times every dependent expression in
 * the worst case).  Empty values follow three-valued logic, as documented.
 * Functions are one table (name, arity, check, eval), not a switch.
 */
#include "form/expr.h"
#include "form/internal.h"
#include "util/util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting is refused: recursion must stay bounded for any input. */
#define EXPR_MAX_DEPTH 64
#define EXPR_MAX_LEN 4096

enum expr_op {
	OP_INT, OP_DEC, OP_STR, OP_BOOL, OP_DOT, OP_CHOICE, OP_NAME,
	OP_NEG, OP_NOT, OP_AND, OP_OR,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_IN_LIST,		/* x in (a, b, ...) */
	OP_IN,			/* 'a' in multi */
	OP_CALL
};

struct expr_node {
	enum expr_op op;
	enum expr_type type;
	int col;			/* 1-based column in the source */
	union {
		int64_t i;
		double d;
		bool b;
	} lit;
	char *s;			/* string literal or name */
	struct expr_node **kids;
	size_t n_kids;
	/* resolved names */
	size_t q, repeat;
	bool member;			/* q is read in the current member */
	int fn;				/* OP_CALL: index into fn_table */
};

const char *expr_type_name(enum expr_type t)
{
	static const char *const names[] = {
		"none", "bool", "integer", "decimal", "text", "date", "multi", "group"
	};
	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : "none";
}

/* ---- lexer ----------------------------------------------------------- */

enum tok_kind {
	T_EOF, T_INT, T_DEC, T_STR, T_NAME, T_LP, T_RP, T_COMMA, T_DOT,
	T_PLUS, T_MINUS, T_STAR, T_SLASH,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_BAD
};

struct parser {
	const char *src;
	size_t pos;
	/* current token */
	enum tok_kind kind;
	size_t start, len;
	int64_t ival;
	double dval;
	int depth;
	char *err;
};

static void perr(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, size_t at, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->err = xasprintf("%s (column %zu)", buf, at + 1);
}

static void next(struct parser *p)
{
	const char *s = p->src;
	size_t i = p->pos;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	p->start = i;
	if (!s[i]) {
		p->kind = T_EOF;
		p->len = 0;
		p->pos = i;
		return;
	}
	if (isdigit((unsigned char)s[i])) {
		size_t j = i;
		bool dec = false;

		while (isdigit((unsigned char)s[j]))
			j++;
		if (s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
			dec = true;
			j++;
			while (isdigit((unsigned char)s[j]))
				j++;
		}
		if (isalpha((unsigned char)s[j]) || s[j] == '_') {
			p->kind = T_BAD;
			p->len = j - i;
			p->pos = j;
			perr(p, i, "bad number");
			return;
		}
		char *t = xstrndup(s + i, j - i);
		bool ok = dec ? parse_double(t, &p->dval) : parse_int64(t, &p->ival);
		free(t);
		if (!ok) {
			p->kind = T_BAD;
			perr(p, i, "number out of range");
		} else {
			p->kind = dec ? T_DEC : T_INT;
		}
		p->len = j - i;
		p->pos = j;
		return;
	}
	if (isalpha((unsigned char)s[i]) || s[i] == '_') {
		size_t j = i;

		while (isalnum((unsigned char)s[j]) || s[j] == '_')
			j++;
		p->kind = T_NAME;
		p->len = j - i;
		p->pos = j;
		return;
	}
	if (s[i] == '\'') {
		size_t j = i + 1;

		while (s[j] && s[j] != '\'')
			j++;
		if (!s[j]) {
			p->kind = T_BAD;
			p->pos = j;
			perr(p, i, "unterminated string");
			return;
		}
		p->kind = T_STR;
		p->start = i + 1;
		p->len = j - i - 1;
		p->pos = j + 1;
		return;
	}
	static const struct {
		const char *text;
		enum tok_kind kind;
	} ops[] = {
		{ "<=", T_LE }, { ">=", T_GE }, { "!=", T_NE }, { "<>", T_NE },
		{ "(", T_LP }, { ")", T_RP }, { ",", T_COMMA }, { ".", T_DOT },
		{ "+", T_PLUS }, { "-", T_MINUS }, { "*", T_STAR }, { "/", T_SLASH },
		{ "=", T_EQ }, { "<", T_LT }, { ">", T_GT },
	};
	for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
		size_t n = strlen(ops[k].text);
		if (!strncmp(s + i, ops[k].text, n)) {
			p->kind = ops[k].kind;
			p->len = n;
			p->pos = i + n;
			return;
		}
	}
	p->kind = T_BAD;
	p->len = 1;
	p->pos = i + 1;
	if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f)
		perr(p, i, "unexpected character '%c'", s[i]);
	else
		perr(p, i, "unexpected byte 0x%02x", (unsigned char)s[i]);
}

static bool tok_is(const struct parser *p, const char *word)
{
	return p->kind == T_NAME && p->len == strlen(word) &&
		!strncmp(p->src + p->start, word, p->len);
}

static const char *const keywords[] = { "and", "or", "not", "in", "true", "false", "choice" };

bool expr_is_keyword(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(s, keywords[i]))
			return true;
	return false;
}

/* ---- parser ---------------------------------------------------------- */

static struct expr_node *node_new(enum expr_op op, size_t col)
{
	struct expr_node *n = xcalloc(1, sizeof(*n));

	n->op = op;
	n->col = (int)col + 1;
	n->q = n->repeat = FORM_NONE;
	n->fn = -1;
	return n;
}

static void node_add(struct expr_node *n, struct expr_node *kid)
{
	n->kids = xrealloc(n->kids, (n->n_kids + 1) * sizeof(*n->kids));
	n->kids[n->n_kids++] = kid;
}

static void node_free(struct expr_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_kids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static struct expr_node *binary(enum expr_op op, size_t col, struct expr_node *a,
				struct expr_node *b)
{
	struct expr_node *n = node_new(op, col);

	node_add(n, a);
	node_add(n, b);
	return n;
}

static struct expr_node *parse_or(struct parser *p);

static const char *tok_desc(struct parser *p, char *buf, size_t n)
{
	if (p->kind == T_EOF)
		return "end of expression";
	snprintf(buf, n, "'%.*s'", (int)(p->len > 20 ? 20 : p->len), p->src + p->start);
	return buf;
}

static void unexpected(struct parser *p)
{
	char buf[40];

	perr(p, p->start, "syntax error at %s", tok_desc(p, buf, sizeof(buf)));
}

static bool expect(struct parser *p, enum tok_kind k, const char *what)
{
	char buf[40];

	if (p->kind == k) {
		next(p);
		return true;
	}
	perr(p, p->start, "expected %s, found %s", what, tok_desc(p, buf, sizeof(buf)));
	return false;
}

/*
 * The rest of a parenthesised list after '(': expr (',' expr)* ')', each
 * added to n (a call's arguments, the values of `in (...)`).  Frees n on
 * error.
 */
static struct expr_node *parse_list_tail(struct parser *p, struct expr_node *n)
{
	for (;;) {
		struct expr_node *a = parse_or(p);

		if (!a) {
			node_free(n);
			return NULL;
		}
		node_add(n, a);
		if (p->kind == T_COMMA) {
			next(p);
			continue;
		}
		if (!expect(p, T_RP, "',' or ')'")) {
			node_free(n);
			return NULL;
		}
		return n;
	}
}

static struct expr_node *parse_primary(struct parser *p)
{
	struct expr_node *n;
	size_t at = p->start;

	switch (p->kind) {
	case T_INT:
		n = node_new(OP_INT, at);
		n->lit.i = p->ival;
		next(p);
		return n;
	case T_DEC:
		n = node_new(OP_DEC, at);
		n->lit.d = p->dval;
		next(p);
		return n;
	case T_STR:
		n = node_new(OP_STR, at - 1);
		n->s = xstrndup(p->src + p->start, p->len);
		next(p);
		return n;
	case T_DOT:
		next(p);
		return node_new(OP_DOT, at);
	case T_LP:
		next(p);
		n = parse_or(p);
		if (n && !expect(p, T_RP, "')'")) {
			node_free(n);
			return NULL;
		}
		return n;
	case T_NAME:
		break;
	default:
		unexpected(p);
		return NULL;
	}
	if (tok_is(p, "true") || tok_is(p, "false")) {
		n = node_new(OP_BOOL, at);
		n->lit.b = tok_is(p, "true");
		next(p);
		return n;
	}
	if (tok_is(p, "choice")) {
		next(p);
		return node_new(OP_CHOICE, at);
	}
	if (tok_is(p, "and") || tok_is(p, "or") || tok_is(p, "in") || tok_is(p, "not")) {
		unexpected(p);
		return NULL;
	}
	char *name = xstrndup(p->src + p->start, p->len);
	next(p);
	if (p->kind != T_LP) {
		n = node_new(OP_NAME, at);
		n->s = name;
		return n;
	}
	n = node_new(OP_CALL, at);
	n->s = name;
	next(p);
	if (p->kind == T_RP) {
		next(p);
		return n;
	}
	return parse_list_tail(p, n);
}

typedef struct expr_node *(*parse_fn)(struct parser *p);

/* A prefix operator (unary minus, not), nested at most EXPR_MAX_DEPTH deep. */
static struct expr_node *parse_prefix(struct parser *p, enum expr_op op, parse_fn operand)
{
	size_t at = p->start;
	struct expr_node *a, *n;

	if (++p->depth > EXPR_MAX_DEPTH) {
		perr(p, at, "expression nested too deeply");
		return NULL;
	}
	next(p);
	a = operand(p);
	p->depth--;
	if (!a)
		return NULL;
	n = node_new(op, at);
	node_add(n, a);
	return n;
}

/* The operators of one left-associative precedence level. */
struct binop {
	enum tok_kind tok;	/* a symbol ... */
	const char *word;	/* ... or a keyword */
	enum expr_op op;
};

static const struct binop product_ops[] = { { T_STAR, NULL, OP_MUL }, { T_SLASH, NULL, OP_DIV } };
static const struct binop sum_ops[] = { { T_PLUS, NULL, OP_ADD }, { T_MINUS, NULL, OP_SUB } };
static const struct binop and_ops[] = { { .word = "and", .op = OP_AND } };
static const struct binop or_ops[] = { { .word = "or", .op = OP_OR } };

static bool binop_match(struct parser *p, const struct binop *ops, size_t n, enum expr_op *op)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].word ? tok_is(p, ops[i].word) : p->kind == ops[i].tok) {
			*op = ops[i].op;
			return true;
		}
	return false;
}

/* operand (op operand)*, folded to the left. */
static struct expr_node *parse_left(struct parser *p, parse_fn operand,
				    const struct binop *ops, size_t n)
{
	struct expr_node *a = operand(p);
	enum expr_op op;

	while (a && binop_match(p, ops, n, &op)) {
		size_t at = p->start;
		struct expr_node *b;

		next(p);
		b = operand(p);
		if (!b) {
			node_free(a);
			return NULL;
		}
		a = binary(op, at, a, b);
	}
	return a;
}

static struct expr_node *parse_unary(struct parser *p)
{
	if (p->kind == T_MINUS)
		return parse_prefix(p, OP_NEG, parse_unary);
	return parse_primary(p);
}

static struct expr_node *parse_product(struct parser *p)
{
	return parse_left(p, parse_unary, product_ops, ARRAY_SIZE(product_ops));
}

static struct expr_node *parse_sum(struct parser *p)
{
	return parse_left(p, parse_product, sum_ops, ARRAY_SIZE(sum_ops));
}

static struct expr_node *parse_compare(struct parser *p)
{
	static const struct {
		enum tok_kind tok;
		enum expr_op op;
	} cmp[] = {
		{ T_EQ, OP_EQ }, { T_NE, OP_NE }, { T_LT, OP_LT },
		{ T_LE, OP_LE }, { T_GT, OP_GT }, { T_GE, OP_GE },
	};
	struct expr_node *a = parse_sum(p), *b, *n;
	size_t at = p->start;

	if (!a)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(cmp); i++) {
		if (p->kind != cmp[i].tok)
			continue;
		next(p);
		b = parse_sum(p);
		if (!b) {
			node_free(a);
			return NULL;
		}
		return binary(cmp[i].op, at, a, b);
	}
	if (!tok_is(p, "in"))
		return a;
	next(p);
	if (p->kind != T_LP) {
		b = parse_sum(p);
		if (!b) {
			node_free(a);
			return NULL;
		}
		return binary(OP_IN, at, a, b);
	}
	next(p);
	n = node_new(OP_IN_LIST, at);
	node_add(n, a);
	return parse_list_tail(p, n);
}

static struct expr_node *parse_not(struct parser *p)
{
	if (tok_is(p, "not"))
		return parse_prefix(p, OP_NOT, parse_not);
	return parse_compare(p);
}

static struct expr_node *parse_and(struct parser *p)
{
	return parse_left(p, parse_not, and_ops, ARRAY_SIZE(and_ops));
}

static struct expr_node *parse_or(struct parser *p)
{
	struct expr_node *a;

	if (++p->depth > EXPR_MAX_DEPTH) {
		perr(p, p->start, "expression nested too deeply");
		return NULL;
	}
	a = parse_left(p, parse_and, or_ops, ARRAY_SIZE(or_ops));
	p->depth--;
	return a;
}

struct expr *expr_parse(const char *text, char **err)
{
	struct parser p = { .src = text };
	struct expr_node *root;
	struct expr *e;

	*err = NULL;
	if (strlen(text) > EXPR_MAX_LEN) {
		*err = xasprintf("expression longer than %d bytes", EXPR_MAX_LEN);
		return NULL;
	}
	next(&p);
	if (p.kind == T_EOF && !p.err) {
		*err = xstrdup("empty expression");
		return NULL;
	}
	root = p.err ? NULL : parse_or(&p);
	if (root && p.kind != T_EOF)
		unexpected(&p);
	if (p.err) {
		node_free(root);
		*err = p.err;
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->text = xstrdup(text);
	e->root = root;
	return e;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	node_free(e->root);
	free(e->deps);
	free(e->text);
	free(e);
}

/* ---- checker --------------------------------------------------------- */

struct checker {
	const struct expr_scope *sc;
	struct expr *e;
	size_t agg;		/* repeat of the innermost aggregate, or FORM_NONE */
	char *err;
	bool silent;		/* error already reported by the host */
};

static bool cerr(struct checker *c, const struct expr_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool cerr(struct checker *c, const struct expr_node *n, const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	if (c->err || c->silent)
		return false;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->err = xasprintf("%s (column %d)", buf, n->col);
	return false;
}

static void add_dep(struct checker *c, size_t q, size_t repeat, bool aggregate)
{
	struct expr *e = c->e;

	for (size_t i = 0; i < e->n_deps; i++)
		if (e->deps[i].q == q && e->deps[i].repeat == repeat &&
		    e->deps[i].aggregate == aggregate)
			return;
	ALLOC_GROW(e->deps, e->n_deps + 1, e->alloc_deps);
	e->deps[e->n_deps++] = (struct expr_dep){ q, repeat, aggregate };
}

static bool is_num(enum expr_type t)
{
	return t == EXPR_T_INT || t == EXPR_T_DEC;
}

static bool check_node(struct checker *c, struct expr_node *n);

/* Function table: check sets n->type; eval computes the value. */
struct fn_def {
	const char *name;
	int min_args, max_args;
	bool aggregate;		/* first argument is a repeat group */
	bool (*check)(struct checker *c, struct expr_node *n);
	struct form_value (*eval)(const struct expr_node *n, struct expr_ctx *ctx);
};

static struct form_value eval_node(const struct expr_node *n, struct expr_ctx *ctx);

static const struct form_value empty_value = FORM_VALUE_INIT;

static struct form_value v_bool(bool b)
{
	struct form_value v = { FORM_V_BOOL, { .b = b } };
	return v;
}

static struct form_value v_int(int64_t i)
{
	struct form_value v = { FORM_V_INT, { .i = i } };
	return v;
}

static struct form_value v_dec(double d)
{
	struct form_value v = { FORM_V_DEC, { .d = d } };
	if (!isfinite(d))
		return empty_value;
	return v;
}

static struct form_value v_date(int64_t d)
{
	struct form_value v = { FORM_V_DATE, { .date = d } };
	return v;
}

static double as_dec(const struct form_value *v)
{
	return v->type == FORM_V_INT ? (double)v->u.i : v->u.d;
}

/* true/false/empty of a value in a boolean position */
static int truth(const struct form_value *v)
{
	if (v->type == FORM_V_BOOL)
		return v->u.b ? 1 : 0;
	return -1;
}

/* The type of two branches (if, coalesce): equal types, or numbers as decimal. */
static bool unify(struct checker *c, struct expr_node *n, enum expr_type a, enum expr_type b)
{
	if (a == b)
		n->type = a;
	else if (is_num(a) && is_num(b))
		n->type = EXPR_T_DEC;
	else
		return cerr(c, n, "%s() branches have different types (%s and %s)", n->s,
			    expr_type_name(a), expr_type_name(b));
	return true;
}

static bool chk_if(struct checker *c, struct expr_node *n)
{
	if (n->kids[0]->type != EXPR_T_BOOL)
		return cerr(c, n->kids[0], "if() needs a bool condition, not %s",
			    expr_type_name(n->kids[0]->type));
	return unify(c, n, n->kids[1]->type, n->kids[2]->type);
}

static struct form_value ev_if(const struct expr_node *n, struct expr_ctx *ctx)
{
	struct form_value c = eval_node(n->kids[0], ctx);
	struct form_value r = eval_node(n->kids[truth(&c) == 1 ? 1 : 2], ctx);

	if (n->type == EXPR_T_DEC && r.type == FORM_V_INT)
		return v_dec((double)r.u.i);
	return r;
}

static bool chk_today(struct checker *c, struct expr_node *n)
{
	c->e->uses_today = true;
	n->type = EXPR_T_DATE;
	return true;
}

static struct form_value ev_today(const struct expr_node *n, struct expr_ctx *ctx)
{
	(void)n;
	return v_date(ctx->today);
}

static bool chk_date(struct checker *c, struct expr_node *n)
{
	int64_t d;

	if (n->kids[0]->op != OP_STR || !parse_date(n->kids[0]->s, &d))
		return cerr(c, n, "date() needs a literal 'YYYY-MM-DD'");
	n->lit.i = d;
	n->type = EXPR_T_DATE;
	return true;
}

static struct form_value ev_date(const struct expr_node *n, struct expr_ctx *ctx)
{
	(void)ctx;
	return v_date(n->lit.i);
}

static bool chk_age(struct checker *c, struct expr_node *n)
{
	if (n->kids[0]->type != EXPR_T_DATE)
		return cerr(c, n, "age() needs a date, not %s", expr_type_name(n->kids[0]->type));
	c->e->uses_today = true;
	n->type = EXPR_T_INT;
	return true;
}

/* Civil date from days since the epoch (Howard Hinnant's algorithm). */
static void civil(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static struct form_value ev_age(const struct expr_node *n, struct expr_ctx *ctx)
{
	struct form_value b = eval_node(n->kids[0], ctx);
	int64_t by, ty, years;
	int bm, bd, tm, td;

	/* a birth date after today has no age */
	if (b.type != FORM_V_DATE || b.u.date > ctx->today)
		return empty_value;
	civil(b.u.date, &by, &bm, &bd);
	civil(ctx->today, &ty, &tm, &td);
	years = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		years--;
	return v_int(years);
}

static bool chk_answered(struct checker *c, struct expr_node *n)
{
	(void)c;
	n->type = EXPR_T_BOOL;
	return true;
}

static struct form_value ev_answered(const struct expr_node *n, struct expr_ctx *ctx)
{
	struct form_value v = eval_node(n->kids[0], ctx);

	return v_bool(v.type != FORM_V_EMPTY && !(v.type == FORM_V_MULTI && v.u.multi.n == 0));
}

static bool chk_coalesce(struct checker *c, struct expr_node *n)
{
	return unify(c, n, n->kids[0]->type, n->kids[1]->type);
}

static struct form_value ev_coalesce(const struct expr_node *n, struct expr_ctx *ctx)
{
	struct form_value r = eval_node(n->kids[0], ctx);

	if (r.type == FORM_V_EMPTY)
		r = eval_node(n->kids[1], ctx);
	if (n->type == EXPR_T_DEC && r.type == FORM_V_INT)
		return v_dec((double)r.u.i);
	return r;
}

static bool chk_count(struct checker *c, struct expr_node *n)
{
	if (n->n_kids == 2 && n->kids[1]->type != EXPR_T_BOOL)
		return cerr(c, n->kids[1], "count() needs a bool condition, not %s",
			    expr_type_name(n->kids[1]->type));
	n->type = EXPR_T_INT;
	return true;
}

static bool chk_anyall(struct checker *c, struct expr_node *n)
{
	if (n->kids[1]->type != EXPR_T_BOOL)
		return cerr(c, n->kids[1], "%s() needs a bool condition, not %s", n->s,
			    expr_type_name(n->kids[1]->type));
	n->type = EXPR_T_BOOL;
	return true;
}

static bool chk_sum(struct checker *c, struct expr_node *n)
{
	if (!is_num(n->kids[1]->type))
		return cerr(c, n->kids[1], "sum() needs a number, not %s",
			    expr_type_name(n->kids[1]->type));
	n->type = n->kids[1]->type;
	return true;
}

/* The member expression of an aggregate, for member i (one evaluation step). */
static struct form_value member_eval(const struct expr_node *n, struct expr_ctx *ctx, size_t i)
{
	ctx->inst = i;
	if (ctx->evals)
		(*ctx->evals)++;
	return eval_node(n->kids[1], ctx);
}

static size_t members(const struct expr_node *n, struct expr_ctx *ctx)
{
	return ctx->host->count(ctx->data, n->kids[0]->repeat);
}

static struct form_value ev_count(const struct expr_node *n, struct expr_ctx *ctx)
{
	size_t cnt = members(n, ctx), saved = ctx->inst;
	int64_t k = 0;

	if (n->n_kids == 1)
		return v_int((int64_t)cnt);
	for (size_t i = 0; i < cnt; i++) {
		struct form_value v = member_eval(n, ctx, i);
		k += truth(&v) == 1;
	}
	ctx->inst = saved;
	return v_int(k);
}

/*
 * any() and all(): the first member that settles the answer stops the
 * walk (any: a true one; all: one not true).
 */
static struct form_value quantify(const struct expr_node *n, struct expr_ctx *ctx, bool want)
{
	size_t cnt = members(n, ctx), saved = ctx->inst;
	bool settled = false;

	for (size_t i = 0; i < cnt && !settled; i++) {
		struct form_value v = member_eval(n, ctx, i);
		settled = (truth(&v) == 1) == want;
	}
	ctx->inst = saved;
	return v_bool(settled == want);
}

static struct form_value ev_any(const struct expr_node *n, struct expr_ctx *ctx)
{
	return quantify(n, ctx, true);
}

static struct form_value ev_all(const struct expr_node *n, struct expr_ctx *ctx)
{
	return quantify(n, ctx, false);
}

static struct form_value ev_sum(const struct expr_node *n, struct expr_ctx *ctx)
{
	size_t cnt = members(n, ctx), saved = ctx->inst;
	int64_t si = 0;
	double sd = 0;
	bool overflow = false;

	for (size_t i = 0; i < cnt; i++) {
		struct form_value v = member_eval(n, ctx, i);

		if (v.type == FORM_V_INT) {
			if (__builtin_add_overflow(si, v.u.i, &si))
				overflow = true;
			sd += (double)v.u.i;
		} else if (v.type == FORM_V_DEC) {
			sd += v.u.d;
		}
	}
	ctx->inst = saved;
	if (n->type == EXPR_T_INT)
		return overflow ? empty_value : v_int(si);
	return v_dec(sd);
}

static const struct fn_def fn_table[] = {
	{ "if", 3, 3, false, chk_if, ev_if },
	{ "today", 0, 0, false, chk_today, ev_today },
	{ "date", 1, 1, false, chk_date, ev_date },
	{ "age", 1, 1, false, chk_age, ev_age },
	{ "answered", 1, 1, false, chk_answered, ev_answered },
	{ "coalesce", 2, 2, false, chk_coalesce, ev_coalesce },
	{ "count", 1, 2, true, chk_count, ev_count },
	{ "any", 2, 2, true, chk_anyall, ev_any },
	{ "all", 2, 2, true, chk_anyall, ev_all },
	{ "sum", 2, 2, true, chk_sum, ev_sum },
};

static size_t choice_list_of(struct checker *c, const struct expr_node *n)
{
	const struct form *f = c->sc->f;
	size_t q = FORM_NONE;

	if (n->op == OP_NAME)
		q = n->q;
	else if (n->op == OP_DOT || n->op == OP_CHOICE)
		q = c->sc->self;
	if (q == FORM_NONE || q >= f->n_questions)
		return FORM_NONE;
	if (f->questions[q].type != FORM_Q_SELECT_ONE &&
	    f->questions[q].type != FORM_Q_SELECT_MULTIPLE)
		return FORM_NONE;
	return f->questions[q].choices;
}

/* A string literal compared with a select question must be one of its choices. */
static bool check_choice_lit(struct checker *c, const struct expr_node *sel,
			     const struct expr_node *lit)
{
	const struct form *f = c->sc->f;
	size_t cl = choice_list_of(c, sel);

	if (cl == FORM_NONE || cl >= f->n_choice_lists || lit->op != OP_STR)
		return true;
	for (size_t i = 0; i < f->choice_lists[cl].n; i++)
		if (!strcmp(f->choice_lists[cl].v[i].value, lit->s))
			return true;
	return cerr(c, lit, "unknown choice value '%s' (not in choices.%s)", lit->s,
		    f->choice_lists[cl].id);
}

static bool check_name(struct checker *c, struct expr_node *n)
{
	const struct expr_scope *sc = c->sc;
	const struct form *f = sc->f;
	size_t q = form_find_question(f, n->s);

	if (q == FORM_NONE) {
		if (form_find_repeat(f, n->s) != FORM_NONE)
			return cerr(c, n, "'%s' is a repeat group; use count(%s) or any/all/sum(%s, ...)",
				    n->s, n->s, n->s);
		return cerr(c, n, "unknown question '%s'", n->s);
	}
	const struct form_question *fq = &f->questions[q];
	if (fq->type == FORM_Q_NOTE)
		return cerr(c, n, "'%s' is a note and has no value", n->s);
	if (fq->repeat != FORM_NONE) {
		if (fq->repeat == c->agg) {
			add_dep(c, q, fq->repeat, true);
		} else if (fq->repeat == sc->repeat && c->agg == FORM_NONE) {
			add_dep(c, q, FORM_NONE, false);
		} else {
			return cerr(c, n, "aggregate outside a repeat context: '%s' is in repeat '%s'; use it inside count/any/all/sum(%s, ...)",
				    n->s, f->repeats[fq->repeat].id, f->repeats[fq->repeat].id);
		}
		n->member = true;
	} else {
		add_dep(c, q, FORM_NONE, false);
	}
	n->q = q;
	n->type = sc->qtype(sc->data, q);
	if (n->type == EXPR_T_NONE) {
		c->silent = true;	/* the host reported why (a cycle, a bad calculation) */
		return false;
	}
	return true;
}

static bool check_call(struct checker *c, struct expr_node *n)
{
	const struct fn_def *fd = NULL;
	size_t saved = c->agg;
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(fn_table); i++)
		if (!strcmp(fn_table[i].name, n->s))
			fd = &fn_table[i];
	if (!fd)
		return cerr(c, n, "unknown function '%s'", n->s);
	n->fn = (int)(fd - fn_table);
	if ((int)n->n_kids < fd->min_args || (int)n->n_kids > fd->max_args) {
		if (fd->min_args == fd->max_args)
			return cerr(c, n, "%s() takes %d argument%s, not %zu", n->s, fd->min_args,
				    fd->min_args == 1 ? "" : "s", n->n_kids);
		return cerr(c, n, "%s() takes %d to %d arguments, not %zu", n->s,
			    fd->min_args, fd->max_args, n->n_kids);
	}
	size_t first = 0;
	if (fd->aggregate) {
		struct expr_node *g = n->kids[0];
		size_t r = g->op == OP_NAME ? form_find_repeat(c->sc->f, g->s) : FORM_NONE;

		if (r == FORM_NONE)
			return cerr(c, g, "aggregate outside a repeat context: %s() needs a repeat group as first argument",
				    n->s);
		g->repeat = r;
		g->type = EXPR_T_GROUP;
		add_dep(c, FORM_NONE, r, true);
		c->agg = r;
		first = 1;
	}
	for (size_t i = first; i < n->n_kids && ok; i++)
		ok = check_node(c, n->kids[i]);
	c->agg = saved;
	if (!ok)
		return false;
	return fd->check(c, n);
}

static bool check_arith(struct checker *c, struct expr_node *n)
{
	enum expr_type a = n->kids[0]->type;
	enum expr_type b = n->n_kids > 1 ? n->kids[1]->type : EXPR_T_NONE;

	if (n->op == OP_NEG) {
		if (!is_num(a))
			return cerr(c, n, "'-' needs a number, not %s", expr_type_name(a));
		n->type = a;
		return true;
	}
	if (is_num(a) && is_num(b)) {
		n->type = (a == EXPR_T_INT && b == EXPR_T_INT && n->op != OP_DIV) ?
			EXPR_T_INT : EXPR_T_DEC;
		return true;
	}
	if ((n->op == OP_ADD || n->op == OP_SUB) && a == EXPR_T_DATE && b == EXPR_T_INT) {
		n->type = EXPR_T_DATE;
		return true;
	}
	if (n->op == OP_SUB && a == EXPR_T_DATE && b == EXPR_T_DATE) {
		n->type = EXPR_T_INT;
		return true;
	}
	static const char *const sym[] = { [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/" };
	return cerr(c, n, "type mismatch: %s %s %s", expr_type_name(a), sym[n->op],
		    expr_type_name(b));
}

static bool comparable(enum expr_type a, enum expr_type b, bool order)
{
	if (is_num(a) && is_num(b))
		return true;
	if (a != b)
		return false;
	if (order)
		return a == EXPR_T_DATE || a == EXPR_T_TEXT;
	return a != EXPR_T_GROUP && a != EXPR_T_NONE;
}

static bool check_node(struct checker *c, struct expr_node *n)
{
	static const char *const cmp_sym[] = {
		[OP_EQ] = "=", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="
	};

	switch (n->op) {
	case OP_INT: n->type = EXPR_T_INT; return true;
	case OP_DEC: n->type = EXPR_T_DEC; return true;
	case OP_STR: n->type = EXPR_T_TEXT; return true;
	case OP_BOOL: n->type = EXPR_T_BOOL; return true;
	case OP_DOT:
		if (!c->sc->allow_dot || c->sc->self == FORM_NONE)
			return cerr(c, n, "'.' is only allowed in constraint and warning");
		n->type = c->sc->qtype(c->sc->data, c->sc->self);
		if (n->type == EXPR_T_NONE)
			return cerr(c, n, "'.' has no value here");
		return true;
	case OP_CHOICE:
		if (!c->sc->allow_choice)
			return cerr(c, n, "'choice' is only allowed in choice_filter");
		n->type = EXPR_T_TEXT;
		return true;
	case OP_NAME:
		return check_name(c, n);
	case OP_CALL:
		return check_call(c, n);
	default:
		break;
	}
	for (size_t i = 0; i < n->n_kids; i++)
		if (!check_node(c, n->kids[i]))
			return false;
	enum expr_type a = n->kids[0]->type;
	enum expr_type b = n->n_kids > 1 ? n->kids[1]->type : EXPR_T_NONE;
	switch (n->op) {
	case OP_NOT:
		if (a != EXPR_T_BOOL)
			return cerr(c, n, "'not' needs a bool, not %s", expr_type_name(a));
		n->type = EXPR_T_BOOL;
		return true;
	case OP_AND:
	case OP_OR:
		if (a != EXPR_T_BOOL || b != EXPR_T_BOOL)
			return cerr(c, n, "'%s' needs bools, not %s and %s",
				    n->op == OP_AND ? "and" : "or", expr_type_name(a), expr_type_name(b));
		n->type = EXPR_T_BOOL;
		return true;
	case OP_NEG:
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_DIV:
		return check_arith(c, n);
	case OP_EQ:
	case OP_NE:
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		if (!comparable(a, b, n->op != OP_EQ && n->op != OP_NE))
			return cerr(c, n, "type mismatch: %s %s %s", expr_type_name(a),
				    cmp_sym[n->op], expr_type_name(b));
		if (!check_choice_lit(c, n->kids[0], n->kids[1]) ||
		    !check_choice_lit(c, n->kids[1], n->kids[0]))
			return false;
		n->type = EXPR_T_BOOL;
		return true;
	case OP_IN_LIST:
		if (n->n_kids == 2 && b == EXPR_T_MULTI) {
			/* 'a' in (multi) is the contains form */
			n->op = OP_IN;
		} else {
			if (a == EXPR_T_MULTI)
				return cerr(c, n, "'in (...)' needs a single value on the left, not multi");
			for (size_t i = 1; i < n->n_kids; i++) {
				if (!comparable(a, n->kids[i]->type, false))
					return cerr(c, n->kids[i], "type mismatch: %s in list of %s",
						    expr_type_name(a), expr_type_name(n->kids[i]->type));
				if (!check_choice_lit(c, n->kids[0], n->kids[i]))
					return false;
			}
			n->type = EXPR_T_BOOL;
			return true;
		}
		/* fall through */
	case OP_IN:
		if (b != EXPR_T_MULTI)
			return cerr(c, n, "'in' needs a select_multiple or a list '(...)' on the right, not %s",
				    expr_type_name(b));
		if (a != EXPR_T_TEXT)
			return cerr(c, n, "type mismatch: %s in multi", expr_type_name(a));
		if (!check_choice_lit(c, n->kids[1], n->kids[0]))
			return false;
		n->type = EXPR_T_BOOL;
		return true;
	default:
		return cerr(c, n, "internal: unexpected node");
	}
}

bool expr_check(struct expr *e, const struct expr_scope *sc, char **err)
{
	struct checker c = { .sc = sc, .e = e, .agg = FORM_NONE };

	*err = NULL;
	e->n_deps = 0;
	e->uses_today = false;
	if (check_node(&c, e->root)) {
		e->type = e->root->type;
		return true;
	}
	e->type = EXPR_T_NONE;
	*err = c.err;
	return false;
}

/* ---- evaluator ------------------------------------------------------- */

static int cmp_values(const struct form_value *a, const struct form_value *b)
{
	if ((a->type == FORM_V_INT || a->type == FORM_V_DEC) && a->type != b->type) {
		double x = as_dec(a), y = as_dec(b);
		return x < y ? -1 : x > y;
	}
	switch (a->type) {
	case FORM_V_BOOL: return (int)a->u.b - (int)b->u.b;
	case FORM_V_INT: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	case FORM_V_DEC: return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
	case FORM_V_DATE: return a->u.date < b->u.date ? -1 : a->u.date > b->u.date;
	case FORM_V_TEXT: return strcmp(a->u.s, b->u.s);
	case FORM_V_MULTI:
		if (a->u.multi.n != b->u.multi.n)
			return a->u.multi.n < b->u.multi.n ? -1 : 1;
		for (size_t i = 0; i < a->u.multi.n; i++) {
			int r = strcmp(a->u.multi.v[i], b->u.multi.v[i]);
			if (r)
				return r;
		}
		return 0;
	default:
		return 0;
	}
}

static bool multi_has(const struct form_value *m, const char *s)
{
	for (size_t i = 0; i < m->u.multi.n; i++)
		if (!strcmp(m->u.multi.v[i], s))
			return true;
	return false;
}

static struct form_value eval_arith(const struct expr_node *n, struct form_value a,
				    struct form_value b)
{
	int64_t r;

	if (a.type == FORM_V_DATE) {
		if (b.type == FORM_V_DATE)
			return v_int(a.u.date - b.u.date);
		if (n->op == OP_ADD ? __builtin_add_overflow(a.u.date, b.u.i, &r) :
		    __builtin_sub_overflow(a.u.date, b.u.i, &r))
			return empty_value;
		/* keep dates within years 0..9999, which parse_date can read back */
		if (r < -719528 || r > 2932896)
			return empty_value;
		return v_date(r);
	}
	if (n->type == EXPR_T_INT) {
		bool of = false;
		switch (n->op) {
		case OP_ADD: of = __builtin_add_overflow(a.u.i, b.u.i, &r); break;
		case OP_SUB: of = __builtin_sub_overflow(a.u.i, b.u.i, &r); break;
		default: of = __builtin_mul_overflow(a.u.i, b.u.i, &r); break;
		}
		return of ? empty_value : v_int(r);
	}
	double x = as_dec(&a), y = as_dec(&b);
	switch (n->op) {
	case OP_ADD: return v_dec(x + y);
	case OP_SUB: return v_dec(x - y);
	case OP_MUL: return v_dec(x * y);
	default: return y == 0 ? empty_value : v_dec(x / y);
	}
}

static struct form_value eval_node(const struct expr_node *n, struct expr_ctx *ctx)
{
	struct form_value a, b;
	int ta, tb, r;

	switch (n->op) {
	case OP_INT: return v_int(n->lit.i);
	case OP_DEC: return v_dec(n->lit.d);
	case OP_BOOL: return v_bool(n->lit.b);
	case OP_STR: {
		struct form_value v = { FORM_V_TEXT, { .s = n->s } };
		return v;
	}
	case OP_DOT:
		return ctx->dot ? *ctx->dot : empty_value;
	case OP_CHOICE: {
		struct form_value v = { FORM_V_TEXT, { .s = (char *)ctx->choice } };
		return ctx->choice ? v : empty_value;
	}
	case OP_NAME: {
		const struct form_value *v = ctx->host->value(ctx->data, n->q, n->member ? ctx->inst : 0);
		return v ? *v : empty_value;
	}
	case OP_CALL:
		return fn_table[n->fn].eval(n, ctx);
	case OP_NOT:
		a = eval_node(n->kids[0], ctx);
		ta = truth(&a);
		return ta < 0 ? empty_value : v_bool(!ta);
	case OP_AND:
		a = eval_node(n->kids[0], ctx);
		if ((ta = truth(&a)) == 0)
			return v_bool(false);
		b = eval_node(n->kids[1], ctx);
		if ((tb = truth(&b)) == 0)
			return v_bool(false);
		return ta < 0 || tb < 0 ? empty_value : v_bool(true);
	case OP_OR:
		a = eval_node(n->kids[0], ctx);
		if ((ta = truth(&a)) == 1)
			return v_bool(true);
		b = eval_node(n->kids[1], ctx);
		if ((tb = truth(&b)) == 1)
			return v_bool(true);
		return ta < 0 || tb < 0 ? empty_value : v_bool(false);
	case OP_NEG:
		a = eval_node(n->kids[0], ctx);
		if (a.type == FORM_V_INT)
			return a.u.i == INT64_MIN ? empty_value : v_int(-a.u.i);
		if (a.type == FORM_V_DEC)
			return v_dec(-a.u.d);
		return empty_value;
	case OP_ADD:
	case OP_SUB:
	case OP_MUL:
	case OP_DIV:
		a = eval_node(n->kids[0], ctx);
		if (a.type == FORM_V_EMPTY)
			return empty_value;
		b = eval_node(n->kids[1], ctx);
		if (b.type == FORM_V_EMPTY)
			return empty_value;
		return eval_arith(n, a, b);
	case OP_EQ:
	case OP_NE:
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		a = eval_node(n->kids[0], ctx);
		if (a.type == FORM_V_EMPTY)
			return empty_value;
		b = eval_node(n->kids[1], ctx);
		if (b.type == FORM_V_EMPTY)
			return empty_value;
		r = cmp_values(&a, &b);
		switch (n->op) {
		case OP_EQ: return v_bool(r == 0);
		case OP_NE: return v_bool(r != 0);
		case OP_LT: return v_bool(r < 0);
		case OP_LE: return v_bool(r <= 0);
		case OP_GT: return v_bool(r > 0);
		default: return v_bool(r >= 0);
		}
	case OP_IN_LIST:
		a = eval_node(n->kids[0], ctx);
		if (a.type == FORM_V_EMPTY)
			return empty_value;
		for (size_t i = 1; i < n->n_kids; i++) {
			b = eval_node(n->kids[i], ctx);
			if (b.type != FORM_V_EMPTY && !cmp_values(&a, &b))
				return v_bool(true);
		}
		return v_bool(false);
	case OP_IN:
		a = eval_node(n->kids[0], ctx);
		if (a.type != FORM_V_TEXT)
			return empty_value;
		b = eval_node(n->kids[1], ctx);
		if (b.type != FORM_V_MULTI)
			return empty_value;
		return v_bool(multi_has(&b, a.u.s));
	}
	return empty_value;
}

struct form_value expr_eval(const struct expr *e, struct expr_ctx *ctx)
{
	if (ctx->evals)
		(*ctx->evals)++;
	return eval_node(e->root, ctx);
}

int expr_eval_bool(const struct expr *e, struct expr_ctx *ctx)
{
	struct form_value v = expr_eval(e, ctx);

	return truth(&v);
}

static void result_literals(const struct expr_node *n,
			    void (*cb)(void *data, const char *s, int col), void *data)
{
	if (n->op == OP_STR) {
		cb(data, n->s, n->col);
	} else if (n->op == OP_CALL && n->fn >= 0 && !strcmp(fn_table[n->fn].name, "if")) {
		result_literals(n->kids[1], cb, data);
		result_literals(n->kids[2], cb, data);
	} else if (n->op == OP_CALL && n->fn >= 0 && !strcmp(fn_table[n->fn].name, "coalesce")) {
		result_literals(n->kids[0], cb, data);
		result_literals(n->kids[1], cb, data);
	}
}

void expr_result_literals(const struct expr *e, void (*cb)(void *data, const char *s, int col),
			  void *data)
{
	result_literals(e->root, cb, data);
}
