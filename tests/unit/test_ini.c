/*
 * test_ini.c - the INI reader: file order and line numbers, and each
 * iniparser trap reported at its line instead of silently misread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ini/ini.h"
#include "ini/options.h"
#include "util/util.h"

/* Load text; return the diagnostics as one string, lines joined by '\n'. */
static char *load(const char *text, struct ini_doc *doc)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf sb = STRBUF_INIT;

	ini_doc_load_mem(doc, "t.ini", text, strlen(text), &dl);
	for (size_t i = 0; i < dl.n; i++) {
		char *s = diag_format(&dl.v[i], false);

		strbuf_addf(&sb, "%s%s", i ? "\n" : "", s);
		free(s);
	}
	diag_list_release(&dl);
	return strbuf_detach(&sb, NULL);
}

static void expect_diag(const char *text, const char *want)
{
	struct ini_doc doc;
	char *got = load(text, &doc);

	assert_string_equal(got, want);
	free(got);
	ini_doc_release(&doc);
}

static void test_order_and_lines(void **state)
{
	struct ini_doc doc;
	char *d = load("; comment\n[Form]\nid = intake\n\n[q.age]\nlabel.en = \"Age; in years\"\n"
		       "type = integer\n", &doc);

	(void)state;
	assert_string_equal(d, "");
	free(d);
	assert_int_equal(doc.n_sections, 2);
	assert_string_equal(doc.sections[0].name, "form");
	assert_int_equal(doc.sections[0].line, 2);
	assert_int_equal(doc.n_entries, 3);
	assert_string_equal(doc.entries[1].section, "q.age");
	assert_string_equal(doc.entries[1].key, "label.en");
	assert_string_equal(doc.entries[1].value, "Age; in years");	/* quoted: kept */
	assert_int_equal(doc.entries[1].line, 6);
	assert_int_equal(doc.sections[1].first, 1);
	assert_int_equal(doc.sections[1].count, 2);
	assert_string_equal(ini_doc_get(&doc, "Q.AGE", "type", NULL), "integer");
	assert_null(ini_doc_find(&doc, "q.age", "hint"));
	ini_doc_release(&doc);
}

static void test_traps(void **state)
{
	(void)state;
	expect_diag("[a]\nlabel = Question #3\n",
		    "t.ini:2: unquoted '#' in the value of 'label' would cut it there; put the value in double quotes");
	expect_diag("[a]\nx = 1\nx = 2\n",
		    "t.ini:3: duplicate key 'x' in [a] (first at line 2)");
	expect_diag("[a]\nName = 1\nname = 2\n",
		    "t.ini:3: key 'name' differs from 'Name' (line 2) only by case");
	expect_diag("[a]\n[A]\n", "t.ini:2: section [A] differs from [a] (line 1) only by case");
	expect_diag("[a]\nx = 1\n[a]\n", "t.ini:3: duplicate section [a] (first at line 1)");
	expect_diag("[a]\nx = \"say \\\"hi\\\"\"\n",
		    "t.ini:2: text after the closing \" of 'x' would be dropped (no escapes inside quotes)");
	expect_diag("[a]\nx = \"open\n", "t.ini:2: value of 'x' has no closing \"");
	expect_diag("x = 1\n", "t.ini:1: key 'x' is outside any [section]");
	expect_diag("[a\n", "t.ini:1: syntax error: section header must end with ']'");
	expect_diag("[a]\njust words\n",
		    "t.ini:2: syntax error: expected 'key = value' or '[section]'");
}

static void test_long_line_and_continuation(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct ini_doc doc;
	char *d;

	(void)state;
	strbuf_addstr(&sb, "[a]\nx = \"");
	for (int i = 0; i < 1100; i++)
		strbuf_addch(&sb, 'y');
	strbuf_addstr(&sb, "\"\n");
	expect_diag(sb.buf, "t.ini:2: line is 1106 bytes long; the limit is 1022");
	strbuf_release(&sb);

	/* A continuation joins lines and reports at the first one. */
	d = load("[a]\nx = one \\\n    two\ny = 3\n", &doc);
	assert_string_equal(d, "");
	free(d);
	assert_int_equal(doc.entries[0].line, 2);
	assert_int_equal(doc.entries[1].line, 4);
	assert_non_null(strstr(doc.entries[0].value, "two"));
	ini_doc_release(&doc);
}

static const struct opt_def defs[] = {
	{ "s", "n", OPT_INT, "5", 1, 10, NULL, "a number" },
	{ "s", "e", OPT_ENUM, "a", 0, 0, "a|b", "a choice" },
	{ "s", "d", OPT_DURATION, "1m", 1, 3600, NULL, "a duration" },
	{ "s", "b", OPT_BOOL, "no", 0, 0, NULL, "a flag" },
};

static void test_options_all_or_nothing(void **state)
{
	struct opt_set os;
	struct ini_doc doc;
	struct diag_list dl = DIAG_LIST_INIT;
	const char *text = "[s]\nn = 7\ne = c\n";

	(void)state;
	opt_set_init(&os, defs, 4, NULL, 0);
	ini_doc_load_mem(&doc, "o.ini", text, strlen(text), &dl);
	assert_false(opt_set_apply_doc(&os, &doc, &dl));
	assert_int_equal(dl.n, 1);
	assert_string_equal(dl.v[0].msg, "e: 'c' is not one of a|b");
	/* n = 7 was valid but the file had an error: nothing applied */
	assert_int_equal(opt_num(&os, "s", "n"), 5);
	assert_int_equal(opt_get(&os, "s", "n")->origin, ORIGIN_DEFAULT);
	ini_doc_release(&doc);
	diag_list_release(&dl);

	text = "[s]\nn = 7\nb = on\nd = 2m\n";
	ini_doc_load_mem(&doc, "o.ini", text, strlen(text), &dl);
	assert_true(opt_set_apply_doc(&os, &doc, &dl));
	assert_int_equal(opt_num(&os, "s", "n"), 7);
	assert_int_equal(opt_num(&os, "s", "b"), 1);
	assert_string_equal(opt_str(&os, "s", "b"), "yes");
	assert_int_equal(opt_num(&os, "s", "d"), 120);
	assert_int_equal(opt_get(&os, "s", "d")->line, 4);
	assert_true(opt_set_apply_arg(&os, "s.e=b", &dl));
	assert_int_equal(opt_num(&os, "s", "e"), 1);
	assert_int_equal(opt_get(&os, "s", "e")->origin, ORIGIN_CMDLINE);
	assert_false(opt_set_apply_arg(&os, "s.zz=1", &dl));
	ini_doc_release(&doc);
	diag_list_release(&dl);
	opt_set_release(&os);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_lines),
		cmocka_unit_test(test_traps),
		cmocka_unit_test(test_long_line_and_continuation),
		cmocka_unit_test(test_options_all_or_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
