/*
 * test_expr.c - the expression language on its own: every operator and
 * function, the three-valued empty semantics, type errors and syntax
 * errors with their columns, dependencies, and the evaluation counter.
 * Values come from a table (a fake host), not from a form_state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "form/expr.h"
#include "form/form.h"
#include "util/util.h"

static const char form_text_src[] =
	"[form]\nid = t\nversion = \"1\"\nlanguages = en\ndefault_language = en\n"
	"title.en = \"T\"\n"
	"[section.s]\ntitle.en = \"S\"\n"
	"[q.n]\ntype = integer\nlabel.en = \"N\"\n"
	"[q.d]\ntype = decimal\nlabel.en = \"D\"\n"
	"[q.t]\ntype = text\nlabel.en = \"T\"\n"
	"[q.day]\ntype = date\nlabel.en = \"Day\"\n"
	"[q.yes]\ntype = yes_no\nlabel.en = \"Y\"\n"
	"[q.one]\ntype = select_one\nlabel.en = \"One\"\nchoices = c\n"
	"[q.many]\ntype = select_multiple\nlabel.en = \"Many\"\nchoices = c\n"
	"[q.e]\ntype = integer\nlabel.en = \"Empty\"\n"
	"[repeat.members]\nlabel.en = \"M\"\n"
	"[q.m_age]\ntype = integer\nrepeat = members\nlabel.en = \"Age\"\n"
	"[q.m_flag]\ntype = yes_no\nrepeat = members\nlabel.en = \"F\"\n"
	"[choices.c]\na.en = \"A\"\nb.en = \"B\"\nother.en = \"Other\"\n";

#define N_MEMBERS 3
static struct form form;
static struct form_value vals[16];
static struct form_value mvals[N_MEMBERS][16];
static size_t n_members = N_MEMBERS;
static char *many_v[] = { "a", "b" };

static const struct form_value *host_value(void *data, size_t q, size_t inst)
{
	(void)data;
	if (form.questions[q].repeat != FORM_NONE)
		return inst < n_members ? &mvals[inst][q] : NULL;
	return &vals[q];
}

static size_t host_count(void *data, size_t repeat)
{
	(void)data;
	(void)repeat;
	return n_members;
}

static const struct expr_host host = { host_value, host_count };

static enum expr_type qtype(void *data, size_t q)
{
	static const enum expr_type map[] = {
		EXPR_T_TEXT, EXPR_T_INT, EXPR_T_DEC, EXPR_T_DATE, EXPR_T_BOOL,
		EXPR_T_TEXT, EXPR_T_MULTI, EXPR_T_NONE, EXPR_T_NONE,
	};
	(void)data;
	return map[form.questions[q].type];
}

static size_t qi(const char *id)
{
	size_t q = form_find_question(&form, id);

	assert_true(q != FORM_NONE);
	return q;
}

static int setup(void **state)
{
	struct ini_doc doc;
	struct diag_list dl = DIAG_LIST_INIT;
	int64_t day;

	(void)state;
	assert_true(ini_doc_load_mem(&doc, "t.ini", form_text_src, strlen(form_text_src), &dl));
	assert_int_equal(form_load(&form, &doc, &dl), ST_OK);
	ini_doc_release(&doc);
	diag_list_release(&dl);

	vals[qi("n")] = (struct form_value){ FORM_V_INT, { .i = 10 } };
	vals[qi("d")] = (struct form_value){ FORM_V_DEC, { .d = 2.5 } };
	vals[qi("t")] = (struct form_value){ FORM_V_TEXT, { .s = "hello" } };
	assert_true(parse_date("2000-06-15", &day));
	vals[qi("day")] = (struct form_value){ FORM_V_DATE, { .date = day } };
	vals[qi("yes")] = (struct form_value){ FORM_V_BOOL, { .b = true } };
	vals[qi("one")] = (struct form_value){ FORM_V_TEXT, { .s = "b" } };
	vals[qi("many")].type = FORM_V_MULTI;
	vals[qi("many")].u.multi.v = many_v;
	vals[qi("many")].u.multi.n = 2;
	for (int m = 0; m < N_MEMBERS; m++) {
		mvals[m][qi("m_age")] = (struct form_value){ FORM_V_INT, { .i = 5 + 20 * m } };
		mvals[m][qi("m_flag")] = (struct form_value){ FORM_V_BOOL, { .b = m != 1 } };
	}
	mvals[2][qi("m_age")].type = FORM_V_EMPTY;	/* member 2's age unanswered */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	form_release(&form);
	return 0;
}

static int64_t today_2023_06_14(void)
{
	int64_t d;

	assert_true(parse_date("2023-06-14", &d));
	return d;
}

/* Parse, check (global scope, '.' = n) and evaluate; the result is copied. */
static struct form_value ev_scope(const char *text, size_t repeat, size_t inst, uint64_t *evals)
{
	struct expr_scope sc = {
		.f = &form, .repeat = repeat, .self = qi("n"), .allow_dot = true,
		.allow_choice = true, .qtype = qtype,
	};
	struct expr_ctx ctx = {
		.host = &host, .inst = inst, .dot = &vals[qi("n")], .choice = "other",
		.today = today_2023_06_14(), .evals = evals,
	};
	struct form_value out = FORM_VALUE_INIT, r;
	char *err = NULL;
	struct expr *e = expr_parse(text, &err);

	if (!e)
		fail_msg("parse '%s': %s", text, err);
	if (!expr_check(e, &sc, &err))
		fail_msg("check '%s': %s", text, err ? err : "(silent)");
	r = expr_eval(e, &ctx);
	form_value_copy(&out, &r);
	expr_free(e);
	return out;
}

static struct form_value ev(const char *text)
{
	return ev_scope(text, FORM_NONE, 0, NULL);
}

static void expect_int(const char *text, int64_t want)
{
	struct form_value v = ev(text);

	if (v.type != FORM_V_INT)
		fail_msg("'%s': type %d, expected integer", text, v.type);
	if (v.u.i != want)
		fail_msg("'%s' = %lld, expected %lld", text, (long long)v.u.i, (long long)want);
}

static void expect_dec(const char *text, double want)
{
	struct form_value v = ev(text);

	if (v.type != FORM_V_DEC)
		fail_msg("'%s': type %d, expected decimal", text, v.type);
	if (fabs(v.u.d - want) > 1e-9)
		fail_msg("'%s' = %g, expected %g", text, v.u.d, want);
}

static void expect_bool(const char *text, bool want)
{
	struct form_value v = ev(text);

	if (v.type != FORM_V_BOOL)
		fail_msg("'%s': type %d, expected bool", text, v.type);
	if (v.u.b != want)
		fail_msg("'%s' = %d, expected %d", text, v.u.b, want);
}

static void expect_empty(const char *text)
{
	struct form_value v = ev(text);

	if (v.type != FORM_V_EMPTY)
		fail_msg("'%s': type %d, expected empty", text, v.type);
}

static void expect_text(const char *text, const char *want)
{
	struct form_value v = ev(text);

	if (v.type != FORM_V_TEXT)
		fail_msg("'%s': type %d, expected text", text, v.type);
	assert_string_equal(v.u.s, want);
	form_value_release(&v);
}

static void test_arithmetic(void **state)
{
	(void)state;
	expect_int("1 + 2 * 3", 7);
	expect_int("(1 + 2) * 3", 9);
	expect_int("10 - 4 - 3", 3);
	expect_int("-n + 1", -9);
	expect_int("--3", 3);
	expect_dec("7 / 2", 3.5);
	expect_dec("n / 4", 2.5);
	expect_dec("d * 2", 5.0);
	expect_dec("n + 0.5", 10.5);
	expect_dec("-d", -2.5);
	expect_empty("n / 0");
	expect_empty("9223372036854775807 + 1");
	expect_empty("9223372036854775807 * 2");
	expect_empty("e + 1");
	expect_empty("-e");
}

static void test_dates(void **state)
{
	int64_t d;
	struct form_value v;

	(void)state;
	expect_int("date('2023-03-01') - date('2023-02-01')", 28);
	expect_int("date('2024-03-01') - date('2024-02-01')", 29);
	v = ev("date('2023-12-31') + 1");
	assert_int_equal(v.type, FORM_V_DATE);
	assert_true(parse_date("2024-01-01", &d));
	assert_int_equal(v.u.date, d);
	v = ev("today()");
	assert_int_equal(v.type, FORM_V_DATE);
	assert_int_equal(v.u.date, today_2023_06_14());
	/* age counts whole years: the birthday is tomorrow */
	expect_int("age(day)", 22);
	expect_int("age(date('2000-06-14'))", 23);
	expect_int("age(date('2023-06-14'))", 0);
	expect_empty("age(date('2023-06-15'))");	/* in the future */
	expect_bool("day < today()", true);
	expect_bool("day = date('2000-06-15')", true);
	expect_empty("age(day + e)");
}

static void test_comparison(void **state)
{
	(void)state;
	expect_bool("n = 10", true);
	expect_bool("n != 10", false);
	expect_bool("n < 11", true);
	expect_bool("n <= 10", true);
	expect_bool("n > 10", false);
	expect_bool("n >= 10", true);
	expect_bool("n <> 3", true);
	expect_bool("d = 2.5", true);
	expect_bool("n > d", true);
	expect_bool("2 = 2.0", true);
	expect_bool("t = 'hello'", true);
	expect_bool("t < 'world'", true);
	expect_bool("yes = true", true);
	expect_bool("one = 'b'", true);
	expect_bool("one != 'a'", true);
	expect_empty("e = 1");
	expect_empty("e != 1");
	expect_empty("1 < e");
}

static void test_logic_three_valued(void **state)
{
	(void)state;
	expect_bool("true and false", false);
	expect_bool("true or false", true);
	expect_bool("not false", true);
	expect_bool("not n = 3", true);
	expect_bool("n = 10 and t = 'hello' or false", true);
	/* empty: false and ? = false, true or ? = true, else empty */
	expect_bool("e > 1 and false", false);
	expect_bool("false and e > 1", false);
	expect_bool("e > 1 or true", true);
	expect_bool("true or e > 1", true);
	expect_empty("e > 1 and true");
	expect_empty("e > 1 or false");
	expect_empty("not e > 1");
	/* precedence: not binds tighter than and, and tighter than or */
	expect_bool("not true and false", false);
	expect_bool("true or true and false", true);
}

static void test_in(void **state)
{
	(void)state;
	expect_bool("one in ('a', 'b')", true);
	expect_bool("one in ('a', 'other')", false);
	expect_bool("n in (1, 2, 10)", true);
	expect_bool("'a' in many", true);
	expect_bool("'other' in many", false);
	expect_bool("'b' in (many)", true);
	expect_empty("e in (1, 2)");
	expect_bool("one in (t, 'b')", true);
}

static void test_functions(void **state)
{
	(void)state;
	expect_int("if(yes, 1, 2)", 1);
	expect_int("if(not yes, 1, 2)", 2);
	expect_int("if(e > 1, 1, 2)", 2);		/* empty condition: else */
	expect_dec("if(yes, 1, 2.5)", 1.0);		/* mixed numbers widen */
	expect_text("if(n > 5, 'high', 'normal')", "high");
	expect_bool("answered(n)", true);
	expect_bool("answered(e)", false);
	expect_int("coalesce(e, 7)", 7);
	expect_int("coalesce(n, 7)", 10);
	expect_text("choice", "other");
	expect_int(". + 1", 11);
}

static void test_aggregates(void **state)
{
	(void)state;
	expect_int("count(members)", 3);
	expect_int("count(members, m_flag)", 2);
	expect_int("count(members, m_age < 18)", 1);
	expect_bool("any(members, m_age > 20)", true);
	expect_bool("any(members, m_age > 100)", false);
	expect_bool("all(members, m_age >= 5)", false);	/* member 2's age is empty */
	expect_bool("all(members, m_age >= 5 or not m_flag)", false);
	expect_int("sum(members, m_age)", 30);		/* empty skipped */
	expect_bool("any(members, m_age > n)", true);	/* a global inside */
	n_members = 0;
	expect_int("count(members)", 0);
	expect_bool("any(members, m_flag)", false);
	expect_bool("all(members, m_flag)", true);
	expect_int("sum(members, m_age)", 0);
	n_members = N_MEMBERS;
	/* inside the repeat a bare name is the same member */
	struct form_value v = ev_scope("m_age + 1", form.questions[qi("m_age")].repeat, 1, NULL);
	assert_int_equal(v.type, FORM_V_INT);
	assert_int_equal(v.u.i, 26);
}

static void test_eval_count(void **state)
{
	uint64_t evals = 0;

	(void)state;
	ev_scope("n + 1", FORM_NONE, 0, &evals);
	assert_int_equal(evals, 1);
	evals = 0;
	ev_scope("count(members, m_flag)", FORM_NONE, 0, &evals);
	assert_int_equal(evals, 1 + N_MEMBERS);
	evals = 0;
	ev_scope("any(members, m_flag)", FORM_NONE, 0, &evals);
	assert_int_equal(evals, 2);	/* stops at the first true member */
}

/* The check error for text (or "" when it checks). */
static char *check_error(const char *text, bool dot, bool choice)
{
	struct expr_scope sc = {
		.f = &form, .repeat = FORM_NONE, .self = qi("one"), .allow_dot = dot,
		.allow_choice = choice, .qtype = qtype,
	};
	char *err = NULL;
	struct expr *e = expr_parse(text, &err);

	if (!e)
		return err;
	if (expr_check(e, &sc, &err)) {
		expr_free(e);
		return xstrdup("");
	}
	expr_free(e);
	return err ? err : xstrdup("(silent)");
}

static void expect_chk(const char *text, const char *want)
{
	char *got = check_error(text, true, true);

	if (strcmp(got, want))
		fail_msg("'%s':\n  got  %s\n  want %s", text, got, want);
	free(got);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_chk("", "empty expression");
	expect_chk("n +", "syntax error at end of expression (column 4)");
	expect_chk("(n", "expected ')', found end of expression (column 3)");
	expect_chk("n = 'abc", "unterminated string (column 5)");
	expect_chk("n $ 2", "unexpected character '$' (column 3)");
	expect_chk("n 2", "syntax error at '2' (column 3)");
	expect_chk("12abc", "bad number (column 1)");
	expect_chk("99999999999999999999", "number out of range (column 1)");
	expect_chk("if(n, 1", "expected ',' or ')', found end of expression (column 8)");
	expect_chk("and", "syntax error at 'and' (column 1)");
	expect_chk("n in (1,", "syntax error at end of expression (column 9)");
	char deep[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(deep, "(");
	expect_chk(deep, "expression nested too deeply (column 65)");
	char *longx = xmalloc(5000);
	memset(longx, '1', 4999);
	longx[4999] = 0;
	expect_chk(longx, "expression longer than 4096 bytes");
	free(longx);
}

static void test_type_errors(void **state)
{
	(void)state;
	expect_chk("n + t", "type mismatch: integer + text (column 3)");
	expect_chk("yes + 1", "type mismatch: bool + integer (column 5)");
	expect_chk("day * 2", "type mismatch: date * integer (column 5)");
	expect_chk("n = t", "type mismatch: integer = text (column 3)");
	expect_chk("yes < true", "type mismatch: bool < bool (column 5)");
	expect_chk("n and yes", "'and' needs bools, not integer and bool (column 3)");
	expect_chk("not n", "'not' needs a bool, not integer (column 1)");
	expect_chk("-t", "'-' needs a number, not text (column 1)");
	expect_chk("if(n, 1, 2)", "if() needs a bool condition, not integer (column 4)");
	expect_chk("if(yes, 1, 'x')", "if() branches have different types (integer and text) (column 1)");
	expect_chk("age(n)", "age() needs a date, not integer (column 1)");
	expect_chk("date('2023-02-30')", "date() needs a literal 'YYYY-MM-DD' (column 1)");
	expect_chk("sum(members, m_flag)", "sum() needs a number, not bool (column 14)");
	expect_chk("any(members, m_age)", "any() needs a bool condition, not integer (column 14)");
	expect_chk("count(n)", "aggregate outside a repeat context: count() needs a repeat group as first argument (column 7)");
	expect_chk("m_age > 1", "aggregate outside a repeat context: 'm_age' is in repeat 'members'; use it inside count/any/all/sum(members, ...) (column 1)");
	expect_chk("members = 1", "'members' is a repeat group; use count(members) or any/all/sum(members, ...) (column 1)");
	expect_chk("nope = 1", "unknown question 'nope' (column 1)");
	expect_chk("frob(1)", "unknown function 'frob' (column 1)");
	expect_chk("today(1)", "today() takes 0 arguments, not 1 (column 1)");
	expect_chk("count()", "count() takes 1 to 2 arguments, not 0 (column 1)");
	expect_chk("one = 'zz'", "unknown choice value 'zz' (not in choices.c) (column 7)");
	expect_chk("'zz' = one", "unknown choice value 'zz' (not in choices.c) (column 1)");
	expect_chk("one in ('a', 'zz')", "unknown choice value 'zz' (not in choices.c) (column 14)");
	expect_chk("'zz' in many", "unknown choice value 'zz' (not in choices.c) (column 1)");
	expect_chk(". = 'zz'", "unknown choice value 'zz' (not in choices.c) (column 5)");
	expect_chk("n in many", "type mismatch: integer in multi (column 3)");
	expect_chk("'a' in t", "'in' needs a select_multiple or a list '(...)' on the right, not text (column 5)");
	expect_chk("many in ('a')", "'in (...)' needs a single value on the left, not multi (column 6)");
	expect_chk("n in (1, 'a')", "type mismatch: integer in list of text (column 10)");

	char *e1 = check_error(". > 1", false, false);
	assert_string_equal(e1, "'.' is only allowed in constraint and warning (column 1)");
	free(e1);
	e1 = check_error("choice = 'a'", false, false);
	assert_string_equal(e1, "'choice' is only allowed in choice_filter (column 1)");
	free(e1);
}

static void test_deps(void **state)
{
	struct expr_scope sc = {
		.f = &form, .repeat = FORM_NONE, .self = FORM_NONE, .qtype = qtype,
	};
	char *err = NULL;
	struct expr *e = expr_parse("n > 1 and any(members, m_age > n) and n < 5", &err);
	size_t r = form_find_repeat(&form, "members");
	bool saw_direct = false, saw_agg = false, saw_count = false;

	(void)state;
	assert_non_null(e);
	assert_true(expr_check(e, &sc, &err));
	assert_int_equal(e->type, EXPR_T_BOOL);
	for (size_t i = 0; i < e->n_deps; i++) {
		const struct expr_dep *d = &e->deps[i];

		if (d->q == qi("n") && !d->aggregate)
			saw_direct = true;
		else if (d->q == qi("m_age") && d->aggregate && d->repeat == r)
			saw_agg = true;
		else if (d->q == FORM_NONE && d->repeat == r)
			saw_count = true;
		else
			fail_msg("unexpected dep q=%zu", d->q);
	}
	assert_true(saw_direct && saw_agg && saw_count);
	assert_int_equal(e->n_deps, 3);	/* n is listed once */
	assert_false(e->uses_today);
	expr_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_comparison),
		cmocka_unit_test(test_logic_three_valued),
		cmocka_unit_test(test_in),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_eval_count),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_deps),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
