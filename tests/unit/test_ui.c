/*
 * test_ui.c - the console's building blocks without a terminal: UTF-8
 * widths and clusters, the screen model, the line editor (Ctrl-A/E/K/U/W,
 * wide and combining characters), key names, the action table and the
 * [keys] checker.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

#include "ui/keys.h"
#include "ui/lineedit.h"
#include "ui/screen.h"
#include "ui/utf8.h"

static void type_str(struct ui_line *le, const char *s)
{
	size_t i = 0, n = strlen(s);

	while (i < n) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		assert_true(ui_line_key(le, (int)cp));
	}
}

static void test_utf8_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("abc", 3), 3);
	assert_int_equal(utf8_width("日本", strlen("日本")), 4);
	/* e + combining acute: one column. */
	assert_int_equal(utf8_width("e\xcc\x81", 3), 1);
	/* Bad bytes still advance and count one column each. */
	assert_int_equal(utf8_width("\xff\xfe", 2), 2);
	assert_int_equal(utf8_next_cluster("e\xcc\x81x", 4, 0), 3);
	assert_int_equal(utf8_prev_cluster("xe\xcc\x81", 4), 1);
	assert_int_equal(utf8_fit("日本語", strlen("日本語"), 5), strlen("日本"));
}

static void test_screen_put(void **state)
{
	struct ui_screen scr;
	char *row;

	(void)state;
	ui_screen_init(&scr, 3, 10);
	assert_int_equal(ui_put(&scr, 0, 0, 0, -1, "hola 日本"), 9);
	row = ui_screen_row_text(&scr, 0);
	assert_string_equal(row, "hola 日本");
	free(row);
	/* A wide char that would straddle the edge becomes a space. */
	assert_int_equal(ui_put(&scr, 1, 7, 0, -1, "日本"), 3);
	row = ui_screen_row_text(&scr, 1);
	assert_string_equal(row, "       日");
	free(row);
	/* Overwriting half a wide char leaves no half behind. */
	ui_put(&scr, 0, 6, 0, 1, "x");
	row = ui_screen_row_text(&scr, 0);
	assert_string_equal(row, "hola  x本");
	free(row);
	/* Control characters never reach the terminal. */
	ui_put(&scr, 2, 0, 0, -1, "a\x1b[2Jb");
	row = ui_screen_row_text(&scr, 2);
	assert_string_equal(row, "a?[2Jb");
	free(row);
	ui_screen_release(&scr);
}

static void test_screen_wrap(void **state)
{
	struct ui_screen scr;
	char *r0, *r1;

	(void)state;
	ui_screen_init(&scr, 4, 20);
	assert_int_equal(ui_wrap(&scr, 0, 0, 10, 4, 0, "one two three four"), 2);
	r0 = ui_screen_row_text(&scr, 0);
	r1 = ui_screen_row_text(&scr, 1);
	assert_string_equal(r0, "one two");
	assert_string_equal(r1, "three four");
	free(r0);
	free(r1);
	assert_int_equal(ui_wrap_rows("a\nb", 10), 2);
	ui_screen_release(&scr);
}

static void test_lineedit_keys(void **state)
{
	struct ui_line le;

	(void)state;
	ui_line_init(&le);
	type_str(&le, "hello big world");
	assert_true(ui_line_key(&le, UI_CTRL('w')));
	assert_string_equal(ui_line_text(&le), "hello big ");
	assert_true(ui_line_key(&le, UI_CTRL('a')));
	assert_true(ui_line_key(&le, UI_KEY_RIGHT));
	assert_true(ui_line_key(&le, UI_CTRL('k')));
	assert_string_equal(ui_line_text(&le), "h");
	assert_true(ui_line_key(&le, UI_CTRL('e')));
	type_str(&le, "ola");
	assert_true(ui_line_key(&le, UI_KEY_LEFT));
	assert_true(ui_line_key(&le, UI_CTRL('u')));
	assert_string_equal(ui_line_text(&le), "a");
	assert_int_equal(le.cursor, 0);
	/* Enter and arrows up/down are not editing keys. */
	assert_false(ui_line_key(&le, UI_KEY_ENTER));
	assert_false(ui_line_key(&le, UI_KEY_UP));
	ui_line_release(&le);
}

static void test_lineedit_clusters(void **state)
{
	struct ui_line le;
	struct ui_screen scr;

	(void)state;
	ui_line_init(&le);
	/* José typed with a combining accent, then a wide character. */
	type_str(&le, "Jose\xcc\x81日");
	assert_true(ui_line_key(&le, UI_KEY_BACKSPACE));
	assert_string_equal(ui_line_text(&le), "Jose\xcc\x81");
	assert_true(ui_line_key(&le, UI_KEY_BACKSPACE));
	assert_string_equal(ui_line_text(&le), "Jos");
	type_str(&le, "é");
	assert_true(ui_line_key(&le, UI_KEY_HOME));
	assert_true(ui_line_key(&le, UI_KEY_DELETE));
	assert_string_equal(ui_line_text(&le), "osé");
	assert_true(ui_line_key(&le, UI_KEY_END));
	assert_true(ui_line_key(&le, UI_KEY_LEFT));
	assert_int_equal(le.cursor, 2);
	/* Drawing keeps the cursor in view when the text is wider. */
	ui_screen_init(&scr, 1, 10);
	ui_line_set(&le, "一二三四五六七八");
	ui_line_draw(&le, &scr, 0, 0, 6, 0, true);
	assert_true(scr.cur_visible);
	assert_true(scr.cur_col <= 5);
	ui_screen_release(&scr);
	ui_line_release(&le);
}

static void test_lineedit_secret(void **state)
{
	struct ui_line le;
	struct ui_screen scr;
	char *row;

	(void)state;
	ui_line_init(&le);
	le.secret = true;
	type_str(&le, "canary-pass");
	ui_screen_init(&scr, 1, 20);
	ui_line_draw(&le, &scr, 0, 0, 20, 0, true);
	row = ui_screen_row_text(&scr, 0);
	assert_string_equal(row, "***********");
	assert_false(ui_screen_contains(&scr, "canary"));
	free(row);
	ui_screen_release(&scr);
	ui_line_release(&le);
}

static void test_keys(void **state)
{
	struct ui_keymap km;
	int k;
	char buf[16];

	(void)state;
	assert_true(ui_key_parse("C-a", &k));
	assert_int_equal(k, 1);
	assert_true(ui_key_parse("F10", &k));
	assert_int_equal(k, UI_KEY_F1 + 9);
	assert_string_equal(ui_key_name(k, buf), "F10");
	assert_true(ui_key_parse("ñ", &k));
	assert_int_equal(k, 0xf1);
	assert_false(ui_key_parse("F13", &k));
	assert_false(ui_key_parse("Ctrl-x", &k));
	assert_false(ui_key_parse("ab", &k));

	ui_keymap_init(&km);
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_ENTER, V_INTERVIEW), UI_ACT_ACCEPT);
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_ENTER, V_CASES), UI_ACT_SELECT);
	assert_int_equal(ui_keymap_lookup(&km, 'n', V_CASES), UI_ACT_NEW);
	assert_int_equal(ui_keymap_lookup(&km, 'n', V_INTERVIEW), UI_ACT_NONE);
	assert_null(ui_keymap_bind(&km, "new_interview", "C-n F4"));
	assert_int_equal(ui_keymap_lookup(&km, UI_KEY_F1 + 3, V_CASES), UI_ACT_NEW);
	assert_int_equal(ui_keymap_lookup(&km, 'n', V_CASES), UI_ACT_NONE);
	ui_keymap_describe(&km, UI_ACT_NEW, buf, sizeof(buf));
	assert_string_equal(buf, "C-n, F4");
}

static void test_keys_check(void **state)
{
	(void)state;
	assert_null(ui_keys_check("next_question", "C-n F6"));
	assert_string_equal(ui_keys_check("next_question", "C-n Hyper-x"),
			    "unknown key 'Hyper-x'");
	assert_string_equal(ui_keys_check("fly", "x"),
			    "unknown action 'fly'; see the console's help (F1)");
	assert_string_equal(ui_keys_check("quit", ""), "no key given");
}

/* Every action has a name, keys that parse, help text and a view. */
static void test_action_table(void **state)
{
	size_t i, named = 0;

	(void)state;
	for (i = 0; i < ui_n_actions; i++) {
		const struct ui_action_info *a = &ui_actions[i];
		if (!a->name)
			continue;
		named++;
		assert_null(ui_keys_check(a->name, a->def_keys));
		assert_true(strlen(a->help) > 5);
		assert_true(a->views != 0);
		assert_ptr_equal(ui_action_by_name(a->name), a);
	}
	assert_int_equal(named, UI_ACT_COUNT_ - 1);
}

/* docs/console.md carries the key table exactly as the action table makes it. */
static void test_docs_keys(void **state)
{
	char *want = NULL, *doc;
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);

	(void)state;
	ui_keys_markdown(f);
	fclose(f);
	doc = file_read_all("docs/console.md", NULL);
	assert_non_null(doc);
	if (!strstr(doc, want))
		fail_msg("docs/console.md: key table differs from 'senda console --keys'");
	free(doc);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_width),
		cmocka_unit_test(test_screen_put),
		cmocka_unit_test(test_screen_wrap),
		cmocka_unit_test(test_lineedit_keys),
		cmocka_unit_test(test_lineedit_clusters),
		cmocka_unit_test(test_lineedit_secret),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_keys_check),
		cmocka_unit_test(test_action_table),
		cmocka_unit_test(test_docs_keys),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
