/*
 * test_form.c - the form engine end to end in memory: loading a form
 * (structure, texts, language fallback), an interview's state (skip logic,
 * required/constraint/warning, choice filters, repeats, defaults), the
 * incremental recompute (evaluations counted: only dependents run), and
 * referrals (effective dates, consent, urgency).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "form/form.h"
#include "util/util.h"

static const char mini[] =
	"[form]\n"
	"id = mini\n"
	"version = \"1\"\n"
	"languages = en es\n"
	"default_language = en\n"
	"title.en = \"Mini\"\n"
	"title.es = \"Mini\"\n"
	"[section.main]\n"
	"title.en = \"Main\"\n"
	"title.es = \"Principal\"\n"
	"[q.consent]\n"
	"type = yes_no\n"
	"label.en = \"Consent?\"\n"
	"label.es = \"¿Consiente?\"\n"
	"required = yes\n"
	"[q.age]\n"
	"type = integer\n"
	"label.en = \"Age\"\n"
	"label.es = \"Edad\"\n"
	"relevant = \"consent\"\n"
	"required = yes\n"
	"constraint = \". >= 0 and . <= 120\"\n"
	"constraint_message.en = \"Between 0 and 120.\"\n"
	"constraint_message.es = \"Entre 0 y 120.\"\n"
	"warning = \". <= 100\"\n"
	"warning_message.en = \"Over 100?\"\n"
	"[q.country]\n"
	"type = select_one\n"
	"label.en = \"Country\"\n"
	"label.es = \"País\"\n"
	"choices = country\n"
	"choice_filter = \"choice != 'other' or age > 10\"\n"
	"[section.group]\n"
	"title.en = \"Group\"\n"
	"[repeat.members]\n"
	"label.en = \"Member\"\n"
	"label.es = \"Miembro\"\n"
	"max = 3\n"
	"[q.member_age]\n"
	"type = integer\n"
	"repeat = members\n"
	"label.en = \"Age\"\n"
	"label.es = \"Edad\"\n"
	"default = 7\n"
	"[q.is_child]\n"
	"type = calculate\n"
	"repeat = members\n"
	"calculation = \"member_age < 18\"\n"
	"[q.kids]\n"
	"type = calculate\n"
	"calculation = \"count(members, is_child)\"\n"
	"[choices.country]\n"
	"mexico.en = \"Mexico\"\n"
	"mexico.es = \"México\"\n"
	"other.en = \"Other\"\n"
	"other.es = \"Otro\"\n"
	"[rule.r1]\n"
	"service = shelter\n"
	"partner = \"Shelter\"\n"
	"when = \"kids > 0 and country = 'mexico'\"\n"
	"reason.en = \"Children\"\n"
	"reason.es = \"Niños\"\n"
	"consent = consent\n"
	"share = age members\n"
	"urgency = \"if(kids > 1, 'high', 'normal')\"\n"
	"effective_from = 2023-01-01\n"
	"effective_until = 2023-12-31\n";

static char *load(struct form *f, const char *text, status_t *st)
{
	struct ini_doc doc;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	ini_doc_load_mem(&doc, "t.ini", text, strlen(text), &dl);
	*st = form_load(f, &doc, &dl);
	st_clear();
	diag_sort(&dl);
	for (size_t i = 0; i < dl.n; i++) {
		char *s = diag_format(&dl.v[i], true);

		strbuf_addf(&sb, "%s\n", s);
		free(s);
	}
	diag_list_release(&dl);
	ini_doc_release(&doc);
	return strbuf_detach(&sb, NULL);
}

static int64_t day(const char *s)
{
	int64_t d;

	assert_true(parse_date(s, &d));
	return d;
}

static size_t qi(const struct form *f, const char *id)
{
	size_t q = form_find_question(f, id);

	assert_true(q != FORM_NONE);
	return q;
}

static struct form_ref ref(const struct form *f, const char *id, size_t inst)
{
	return (struct form_ref){ qi(f, id), inst };
}

static void set(struct form_state *st, const char *id, size_t inst, const char *text)
{
	status_t rc = form_state_set_text(st, ref(form_state_form(st), id, inst), text);

	if (rc != ST_OK)
		fail_msg("set %s = '%s': %s", id, text, st_detail(rc));
}

static void test_load_structure(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);

	(void)state;
	assert_int_equal(st, ST_OK);
	/* the two untranslated texts, and nothing else */
	assert_string_equal(diags,
			    "t.ini:26: warning: [q.age] has no warning_message.es; falls back to en\n"
			    "t.ini:34: warning: [section.group] has no title.es; falls back to en\n");
	free(diags);
	assert_string_equal(f.id, "mini");
	assert_int_equal(f.n_languages, 2);
	assert_int_equal(f.n_sections, 2);
	assert_int_equal(f.n_questions, 6);
	assert_int_equal(f.sections[0].first_q, 0);
	assert_int_equal(f.sections[0].n_q, 3);
	assert_int_equal(f.sections[1].n_q, 3);
	assert_int_equal(f.n_repeats, 1);
	assert_int_equal(f.repeats[0].n_questions, 2);
	assert_int_equal(f.repeats[0].max, 3);
	assert_int_equal(f.questions[qi(&f, "is_child")].repeat, 0);
	assert_int_equal(f.questions[qi(&f, "is_child")].repeat_pos, 1);
	assert_int_equal(f.questions[qi(&f, "kids")].repeat, FORM_NONE);
	assert_int_equal(f.questions[qi(&f, "country")].type, FORM_Q_SELECT_ONE);
	assert_int_equal(form_find_choice(&f, qi(&f, "country"), "other"), 1);
	assert_int_equal(f.n_rules, 1);
	assert_int_equal(f.rules[0].consent, qi(&f, "consent"));
	assert_int_equal(f.rules[0].n_share, 2);
	assert_int_equal(f.rules[0].share[1].repeat, 0);
	assert_int_equal(f.rules[0].effective_from, day("2023-01-01"));
	assert_string_equal(form_qtype_name(FORM_Q_SELECT_MULTIPLE), "select_multiple");
	form_release(&f);
}

static void test_language_fallback(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	size_t es = form_find_language(&f, "es");

	(void)state;
	free(diags);
	assert_int_equal(st, ST_OK);
	assert_string_equal(form_text(&f, &f.questions[qi(&f, "age")].label, es), "Edad");
	/* section.group has no Spanish title: the default language's */
	assert_string_equal(form_text(&f, &f.sections[1].title, es), "Group");
	assert_string_equal(form_text(&f, &f.sections[1].title, FORM_NONE), "Group");
	assert_string_equal(form_text(&f, &f.questions[qi(&f, "age")].hint, es), "");
	form_release(&f);
}

static void test_skip_logic_and_checks(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	struct form_state *s = form_state_new(&f, day("2023-06-01"));
	struct form_progress p;
	size_t es = form_find_language(&f, "es");

	(void)state;
	free(diags);
	/* nothing answered: consent required, age hidden */
	assert_int_equal(form_state_error(s, ref(&f, "consent", 0)), FORM_ERR_REQUIRED);
	/* the engine's own message follows the interview's language */
	assert_string_equal(form_state_error_message(s, ref(&f, "consent", 0), es),
			    "Esta respuesta es obligatoria.");
	assert_string_equal(form_state_error_message(s, ref(&f, "consent", 0), FORM_NONE),
			    "This answer is required.");
	/* yes and no read in the interview's language too (the console shows them) */
	assert_string_equal(form_message(&f, FORM_MSG_YES, es), "sí");
	assert_string_equal(form_message(&f, FORM_MSG_NO, FORM_NONE), "no");
	assert_false(form_state_relevant(s, ref(&f, "age", 0)));
	assert_int_equal(form_state_error(s, ref(&f, "age", 0)), FORM_ERR_NONE);
	form_state_progress(s, &p);
	assert_false(p.complete);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.required_left, 1);	/* still to answer, not wrong */

	set(s, "consent", 0, "yes");
	assert_true(form_state_relevant(s, ref(&f, "age", 0)));
	assert_int_equal(form_state_error(s, ref(&f, "age", 0)), FORM_ERR_REQUIRED);
	set(s, "age", 0, "130");
	assert_int_equal(form_state_error(s, ref(&f, "age", 0)), FORM_ERR_CONSTRAINT);
	assert_string_equal(form_state_error_message(s, ref(&f, "age", 0), es), "Entre 0 y 120.");
	form_state_progress(s, &p);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.required_left, 0);	/* answered, but wrong */
	set(s, "age", 0, "101");
	assert_int_equal(form_state_error(s, ref(&f, "age", 0)), FORM_ERR_NONE);
	assert_true(form_state_warning(s, ref(&f, "age", 0)));
	assert_string_equal(form_state_warning_message(s, ref(&f, "age", 0), es), "Over 100?");
	form_state_ack_warning(s, ref(&f, "age", 0));
	assert_true(form_state_warning_acked(s, ref(&f, "age", 0)));
	form_state_progress(s, &p);
	assert_true(p.complete);
	assert_int_equal(p.warnings, 1);
	assert_int_equal(p.unacked, 0);
	set(s, "age", 0, "102");	/* a new answer needs a new acknowledgement */
	assert_false(form_state_warning_acked(s, ref(&f, "age", 0)));

	/* hiding keeps the answer but empties the value; showing brings it back */
	set(s, "consent", 0, "no");
	assert_false(form_state_relevant(s, ref(&f, "age", 0)));
	assert_int_equal(form_state_value(s, ref(&f, "age", 0))->type, FORM_V_EMPTY);
	assert_int_equal(form_state_answer(s, ref(&f, "age", 0))->u.i, 102);
	set(s, "consent", 0, "yes");
	assert_int_equal(form_state_value(s, ref(&f, "age", 0))->u.i, 102);

	/* type checks */
	struct form_value v = { FORM_V_TEXT, { .s = "x" } };
	assert_int_equal(form_state_set(s, ref(&f, "age", 0), &v), ST_INVALID);
	assert_int_equal(form_state_set(s, ref(&f, "kids", 0), &v), ST_STATE);
	assert_int_equal(form_state_set_text(s, ref(&f, "age", 0), "abc"), ST_INVALID);
	assert_int_equal(form_state_set_text(s, ref(&f, "country", 0), "narnia"), ST_INVALID);
	st_clear();
	/* blank text is no answer */
	set(s, "consent", 0, "  ");
	assert_int_equal(form_state_error(s, ref(&f, "consent", 0)), FORM_ERR_REQUIRED);
	form_state_free(s);
	form_release(&f);
}

static void test_choice_filter(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	struct form_state *s = form_state_new(&f, day("2023-06-01"));
	struct form_ref c;

	(void)state;
	free(diags);
	c = ref(&f, "country", 0);
	/* 'other' is offered only when age > 10 */
	assert_true(form_state_choice_visible(s, c, 0));
	assert_false(form_state_choice_visible(s, c, 1));
	set(s, "consent", 0, "yes");
	set(s, "age", 0, "30");
	assert_true(form_state_choice_visible(s, c, 1));
	set(s, "country", 0, "other");
	assert_int_equal(form_state_error(s, c), FORM_ERR_NONE);
	/* the filter changes under the answer: an error, not a silent change */
	set(s, "age", 0, "5");
	assert_false(form_state_choice_visible(s, c, 1));
	assert_int_equal(form_state_error(s, c), FORM_ERR_CHOICE);
	set(s, "country", 0, "mexico");
	assert_int_equal(form_state_error(s, c), FORM_ERR_NONE);
	form_state_free(s);
	form_release(&f);
}

static void test_repeats(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	struct form_state *s = form_state_new(&f, day("2023-06-01"));
	size_t r = form_find_repeat(&f, "members"), m;
	struct form_ref x;

	(void)state;
	free(diags);
	assert_int_equal(form_state_value(s, ref(&f, "kids", 0))->u.i, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(form_state_repeat_add(s, r, &m), ST_OK);
	assert_int_equal(m, 2);
	/* the default applies to every new member */
	assert_int_equal(form_state_value(s, ref(&f, "member_age", 2))->u.i, 7);
	assert_int_equal(form_state_value(s, ref(&f, "kids", 0))->u.i, 3);
	set(s, "member_age", 1, "40");
	assert_false(form_state_value(s, ref(&f, "is_child", 1))->u.b);
	assert_true(form_state_value(s, ref(&f, "is_child", 0))->u.b);
	assert_int_equal(form_state_value(s, ref(&f, "kids", 0))->u.i, 2);
	assert_int_equal(form_state_instances(s, qi(&f, "member_age")), 3);

	assert_true(form_state_resolve(s, "members[1].member_age", &x));
	assert_int_equal(x.q, qi(&f, "member_age"));
	assert_int_equal(x.inst, 1);
	char *path = form_ref_path(&f, x);
	assert_string_equal(path, "members[1].member_age");
	free(path);
	assert_false(form_state_resolve(s, "members[3].member_age", &x));
	assert_false(form_state_resolve(s, "members[1].age", &x));
	assert_false(form_state_resolve(s, "member_age", &x));
	assert_false(form_state_resolve(s, "members[x].member_age", &x));
	assert_true(form_state_resolve(s, "age", &x));

	/* a fourth member breaks max = 3 */
	assert_int_equal(form_state_repeat_count_error(s, r), 0);
	form_state_repeat_add(s, r, NULL);
	assert_int_equal(form_state_repeat_count_error(s, r), 1);
	char *msg = form_state_repeat_count_message(s, r, FORM_NONE);
	assert_string_equal(msg, "At most 3 members are allowed.");
	free(msg);
	/* removing the 40-year-old shifts the others and recounts */
	assert_int_equal(form_state_repeat_remove(s, r, 1), ST_OK);
	assert_int_equal(form_state_repeat_count(s, r), 3);
	assert_int_equal(form_state_value(s, ref(&f, "kids", 0))->u.i, 3);
	assert_int_equal(form_state_value(s, ref(&f, "member_age", 1))->u.i, 7);
	assert_int_equal(form_state_repeat_remove(s, r, 5), ST_NOTFOUND);
	st_clear();
	form_state_free(s);
	form_release(&f);
}

static void test_referrals(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	struct form_state *s;
	const struct form_referral *rv;
	size_t r = form_find_repeat(&f, "members");

	(void)state;
	free(diags);
	s = form_state_new(&f, day("2023-06-01"));
	assert_int_equal(form_state_referrals(s, &rv), 0);
	set(s, "country", 0, "mexico");
	form_state_repeat_add(s, r, NULL);
	assert_int_equal(form_state_referrals(s, &rv), 1);
	assert_string_equal(rv[0].rule->id, "r1");
	assert_int_equal(rv[0].urgency, FORM_URG_NORMAL);
	/* no consent yet: reported, not sendable */
	assert_false(rv[0].consent);
	assert_false(rv[0].sendable);
	set(s, "consent", 0, "yes");
	form_state_repeat_add(s, r, NULL);
	assert_int_equal(form_state_referrals(s, &rv), 1);
	assert_true(rv[0].consent);
	assert_true(rv[0].sendable);
	assert_int_equal(rv[0].urgency, FORM_URG_HIGH);
	assert_string_equal(form_urgency_name(rv[0].urgency), "high");
	form_state_free(s);

	/* effective dates are inclusive on both sides */
	static const struct {
		const char *day;
		size_t n;
	} days[] = {
		{ "2022-12-31", 0 }, { "2023-01-01", 1 }, { "2023-12-31", 1 }, { "2024-01-01", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(days); i++) {
		s = form_state_new(&f, day(days[i].day));
		set(s, "country", 0, "mexico");
		form_state_repeat_add(s, r, NULL);
		if (form_state_referrals(s, &rv) != days[i].n)
			fail_msg("%s: expected %zu referrals", days[i].day, days[i].n);
		form_state_free(s);
	}
	form_release(&f);
}

/*
 * Only dependents recompute: a chain a -> b -> c, an unrelated d -> e,
 * and a 200-member group where one member's answer touches only that
 * member's calculation plus the aggregate over the group.
 */
static const char chain[] =
	"[form]\nid = chain\nversion = \"1\"\nlanguages = en\ndefault_language = en\n"
	"title.en = \"C\"\n[section.s]\ntitle.en = \"S\"\n"
	"[q.a]\ntype = integer\nlabel.en = \"A\"\n"
	"[q.b]\ntype = calculate\ncalculation = \"a + 1\"\n"
	"[q.c]\ntype = calculate\ncalculation = \"b * 2\"\n"
	"[q.d]\ntype = integer\nlabel.en = \"D\"\n"
	"[q.e]\ntype = calculate\ncalculation = \"coalesce(d, 0) + 1\"\n"
	"[q.shown]\ntype = text\nlabel.en = \"Shown\"\nrelevant = \"c > 10\"\n"
	"[repeat.g]\nlabel.en = \"G\"\n"
	"[q.x]\ntype = integer\nrepeat = g\nlabel.en = \"X\"\n"
	"[q.y]\ntype = calculate\nrepeat = g\ncalculation = \"coalesce(x, 0) + coalesce(d, 0)\"\n"
	"[q.total]\ntype = calculate\ncalculation = \"sum(g, y)\"\n";

static void test_incremental_recompute(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, chain, &st);
	struct form_state *s;
	uint64_t before;
	size_t g = form_find_repeat(&f, "g");

	(void)state;
	assert_int_equal(st, ST_OK);
	assert_string_equal(diags, "");
	free(diags);
	s = form_state_new(&f, day("2023-06-01"));

	/* a: b and c recompute, and shown's relevance (c changed) */
	before = form_state_eval_count(s);
	set(s, "a", 0, "4");
	assert_int_equal(form_state_eval_count(s) - before, 3);
	assert_int_equal(form_state_value(s, ref(&f, "c", 0))->u.i, 10);
	assert_false(form_state_relevant(s, ref(&f, "shown", 0)));
	set(s, "a", 0, "5");
	assert_true(form_state_relevant(s, ref(&f, "shown", 0)));

	/* the same answer again: nothing at all */
	before = form_state_eval_count(s);
	set(s, "a", 0, "5");
	assert_int_equal(form_state_eval_count(s) - before, 0);

	for (int i = 0; i < 200; i++)
		form_state_repeat_add(s, g, NULL);
	assert_int_equal(form_state_value(s, ref(&f, "total", 0))->u.i, 0);

	/* one member's x: that member's y (1) and the sum (1 + 200 steps) */
	before = form_state_eval_count(s);
	set(s, "x", 57, "3");
	assert_int_equal(form_state_eval_count(s) - before, 1 + 1 + 200);
	assert_int_equal(form_state_value(s, ref(&f, "y", 57))->u.i, 3);
	assert_int_equal(form_state_value(s, ref(&f, "total", 0))->u.i, 3);

	/* d is read by e and by every member's y: 1 + 200 + the sum (201) */
	before = form_state_eval_count(s);
	set(s, "d", 0, "1");
	assert_int_equal(form_state_eval_count(s) - before, 1 + 200 + 201);
	assert_int_equal(form_state_value(s, ref(&f, "total", 0))->u.i, 203);
	assert_int_equal(form_state_value(s, ref(&f, "e", 0))->u.i, 2);

	/* a is read by nothing in the group */
	before = form_state_eval_count(s);
	set(s, "a", 0, "6");
	assert_int_equal(form_state_eval_count(s) - before, 3);
	form_state_free(s);
	form_release(&f);
}

static void test_values(void **state)
{
	struct form f;
	status_t st;
	char *diags = load(&f, mini, &st);
	struct form_value v = FORM_VALUE_INIT, w = FORM_VALUE_INIT;
	char *t;

	(void)state;
	free(diags);
	assert_int_equal(form_value_parse(&f, qi(&f, "age"), " 42 ", &v), ST_OK);
	assert_int_equal(v.type, FORM_V_INT);
	t = form_value_format(&v);
	assert_string_equal(t, "42");
	free(t);
	assert_int_equal(form_value_parse(&f, qi(&f, "age"), "", &v), ST_OK);
	assert_int_equal(v.type, FORM_V_EMPTY);
	assert_int_equal(form_value_parse(&f, qi(&f, "age"), "010x", &v), ST_INVALID);
	assert_string_equal(st_detail(ST_INVALID), "expected a whole number");
	st_clear();
	assert_int_equal(form_value_parse(&f, qi(&f, "consent"), "No", &v), ST_OK);
	assert_int_equal(v.type, FORM_V_BOOL);
	assert_false(v.u.b);
	assert_int_equal(form_value_parse(&f, qi(&f, "country"), "mexico", &v), ST_OK);
	form_value_copy(&w, &v);
	assert_true(form_value_equal(&v, &w));
	t = form_value_format(&w);
	assert_string_equal(t, "mexico");
	free(t);
	form_value_release(&v);
	form_value_release(&w);
	assert_int_equal(form_value_parse(&f, qi(&f, "kids"), "1", &v), ST_STATE);
	st_clear();
	form_release(&f);
}

static void test_multi_and_dates(void **state)
{
	static const char src[] =
		"[form]\nid = m\nversion = \"1\"\nlanguages = en\ndefault_language = en\n"
		"title.en = \"M\"\n[section.s]\ntitle.en = \"S\"\n"
		"[q.langs]\ntype = select_multiple\nlabel.en = \"L\"\nchoices = l\n"
		"[q.speaks_es]\ntype = calculate\ncalculation = \"'es' in langs\"\n"
		"[q.born]\ntype = date\nlabel.en = \"Born\"\nconstraint = \". <= today()\"\n"
		"[q.years]\ntype = calculate\ncalculation = \"age(born)\"\n"
		"[q.w]\ntype = decimal\nlabel.en = \"W\"\n"
		"[choices.l]\nen.en = \"English\"\nes.en = \"Spanish\"\nfr.en = \"French\"\n";
	struct form f;
	status_t st;
	char *diags = load(&f, src, &st);
	struct form_state *s;
	char *t;

	(void)state;
	assert_int_equal(st, ST_OK);
	free(diags);
	s = form_state_new(&f, day("2023-06-14"));
	set(s, "langs", 0, "fr es fr");
	t = form_value_format(form_state_value(s, ref(&f, "langs", 0)));
	assert_string_equal(t, "es fr");	/* sorted, distinct */
	free(t);
	assert_true(form_state_value(s, ref(&f, "speaks_es", 0))->u.b);
	set(s, "langs", 0, "en");
	assert_false(form_state_value(s, ref(&f, "speaks_es", 0))->u.b);
	set(s, "born", 0, "2000-06-15");
	assert_int_equal(form_state_value(s, ref(&f, "years", 0))->u.i, 22);
	set(s, "born", 0, "2024-01-01");
	assert_int_equal(form_state_error(s, ref(&f, "born", 0)), FORM_ERR_CONSTRAINT);
	assert_int_equal(form_state_value(s, ref(&f, "years", 0))->type, FORM_V_EMPTY);
	set(s, "w", 0, "2.5");
	t = form_value_format(form_state_value(s, ref(&f, "w", 0)));
	assert_string_equal(t, "2.5");
	free(t);
	form_state_free(s);
	form_release(&f);
}

/* A form's own wording of the engine's messages wins over the built-in one. */
static void test_form_messages(void **state)
{
	static const char src[] =
		"[form]\nid = m\nversion = \"1\"\nlanguages = en ht\ndefault_language = en\n"
		"title.en = \"M\"\ntitle.ht = \"M\"\n"
		"required_message.en = \"Needed.\"\nrequired_message.ht = \"Fòk ou reponn.\"\n"
		"min_message.en = \"{n} or more, please ({n}).\"\nmin_message.ht = \"Omwen {n}.\"\n"
		"[section.s]\ntitle.en = \"S\"\ntitle.ht = \"S\"\n"
		"[q.a]\ntype = text\nlabel.en = \"A\"\nlabel.ht = \"A\"\nrequired = yes\n"
		"[repeat.g]\nlabel.en = \"G\"\nlabel.ht = \"G\"\nmin = 2\n"
		"[q.x]\ntype = text\nrepeat = g\nlabel.en = \"X\"\nlabel.ht = \"X\"\n";
	struct form f;
	status_t st;
	char *diags = load(&f, src, &st), *msg;
	struct form_state *s;
	size_t ht;

	(void)state;
	assert_int_equal(st, ST_OK);
	assert_string_equal(diags, "");
	free(diags);
	ht = form_find_language(&f, "ht");
	s = form_state_new(&f, day("2023-06-01"));
	assert_string_equal(form_state_error_message(s, ref(&f, "a", 0), ht), "Fòk ou reponn.");
	assert_string_equal(form_state_error_message(s, ref(&f, "a", 0), FORM_NONE), "Needed.");
	msg = form_state_repeat_count_message(s, 0, FORM_NONE);
	assert_string_equal(msg, "2 or more, please (2).");
	free(msg);
	msg = form_state_repeat_count_message(s, 0, ht);
	assert_string_equal(msg, "Omwen 2.");
	free(msg);
	form_state_free(s);
	form_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_structure),
		cmocka_unit_test(test_language_fallback),
		cmocka_unit_test(test_skip_logic_and_checks),
		cmocka_unit_test(test_choice_filter),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_referrals),
		cmocka_unit_test(test_incremental_recompute),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_multi_and_dates),
		cmocka_unit_test(test_form_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
