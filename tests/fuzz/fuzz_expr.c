/*
 * fuzz_expr.c - libFuzzer harness for the expression language: any bytes
 * as an expression are parsed, checked in several scopes of a fixed form
 * (global, inside a repeat, with '.' and 'choice') and, when they check,
 * evaluated against an interview with answers and members.  `make fuzz`
 * seeds it with every expression of the shipped forms.
 */
#include "form/expr.h"
#include "form/form.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char form_src[] =
	"[form]\nid = f\nversion = \"1\"\nlanguages = en\ndefault_language = en\ntitle.en = \"F\"\n"
	"[section.s]\ntitle.en = \"S\"\n"
	"[q.n]\ntype = integer\nlabel.en = \"N\"\n"
	"[q.d]\ntype = decimal\nlabel.en = \"D\"\n"
	"[q.t]\ntype = text\nlabel.en = \"T\"\n"
	"[q.day]\ntype = date\nlabel.en = \"Day\"\n"
	"[q.yes]\ntype = yes_no\nlabel.en = \"Y\"\n"
	"[q.one]\ntype = select_one\nlabel.en = \"One\"\nchoices = c\n"
	"[q.many]\ntype = select_multiple\nlabel.en = \"Many\"\nchoices = c\n"
	"[q.e]\ntype = integer\nlabel.en = \"E\"\n"
	"[q.calc]\ntype = calculate\ncalculation = \"n * 2\"\n"
	"[repeat.members]\nlabel.en = \"M\"\n"
	"[q.m_age]\ntype = integer\nrepeat = members\nlabel.en = \"A\"\n"
	"[q.m_flag]\ntype = yes_no\nrepeat = members\nlabel.en = \"F\"\n"
	"[choices.c]\na.en = \"A\"\nb.en = \"B\"\nother.en = \"O\"\n";

static struct form form;
static struct form_state *state;

static const struct form_value *host_value(void *data, size_t q, size_t inst)
{
	(void)data;
	return form_state_value(state, (struct form_ref){ q, inst });
}

static size_t host_count(void *data, size_t repeat)
{
	(void)data;
	return form_state_repeat_count(state, repeat);
}

static enum expr_type qtype(void *data, size_t q)
{
	static const enum expr_type map[] = {
		EXPR_T_TEXT, EXPR_T_INT, EXPR_T_DEC, EXPR_T_DATE, EXPR_T_BOOL,
		EXPR_T_TEXT, EXPR_T_MULTI, EXPR_T_NONE, EXPR_T_INT,
	};
	(void)data;
	return map[form.questions[q].type];
}

static void init(void)
{
	struct ini_doc doc;
	struct diag_list dl = DIAG_LIST_INIT;
	static const char *answers[][2] = {
		{ "n", "10" }, { "d", "2.5" }, { "t", "hello" }, { "day", "2000-06-15" },
		{ "yes", "yes" }, { "one", "b" }, { "many", "a other" },
	};

	ini_doc_load_mem(&doc, "f.ini", form_src, strlen(form_src), &dl);
	if (form_load(&form, &doc, &dl) != ST_OK)
		abort();
	ini_doc_release(&doc);
	diag_list_release(&dl);
	state = form_state_new(&form, 19500);
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		form_state_set_text(state, (struct form_ref){ form_find_question(&form, answers[i][0]), 0 },
				    answers[i][1]);
	for (int m = 0; m < 4; m++) {
		size_t idx;
		form_state_repeat_add(state, 0, &idx);
		if (m != 2)
			form_state_set_text(state, (struct form_ref){ form_find_question(&form, "m_age"), idx },
					    m == 3 ? "9223372036854775807" : "30");
		form_state_set_text(state, (struct form_ref){ form_find_question(&form, "m_flag"), idx },
				    m % 2 ? "yes" : "no");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		size_t repeat;
		bool dot, choice;
	} scopes[] = { { FORM_NONE, false, false }, { 0, true, true }, { FORM_NONE, true, true } };
	char *text = xmalloc(size + 1), *err = NULL;
	struct expr *e;

	if (!state)
		init();
	memcpy(text, data, size);
	text[size] = 0;
	e = expr_parse(text, &err);
	free(err);
	if (e) {
		for (size_t s = 0; s < sizeof(scopes) / sizeof(scopes[0]); s++) {
			struct expr_scope sc = {
				.f = &form, .repeat = scopes[s].repeat, .self = 0,
				.allow_dot = scopes[s].dot, .allow_choice = scopes[s].choice,
				.qtype = qtype,
			};
			static const struct expr_host host = { host_value, host_count };
			struct form_value dot = { FORM_V_INT, { .i = -5 } };
			struct expr_ctx ctx = {
				.host = &host, .inst = 1, .dot = &dot, .choice = "a", .today = 19500,
			};

			err = NULL;
			if (expr_check(e, &sc, &err)) {
				struct form_value v = expr_eval(e, &ctx), keep = FORM_VALUE_INIT;
				char *out;

				form_value_copy(&keep, &v);
				out = form_value_format(&keep);
				free(out);
				form_value_release(&keep);
			}
			free(err);
		}
		expr_free(e);
	}
	free(text);
	return 0;
}
