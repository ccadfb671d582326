/*
 * test_ui_screens.c - the console driven in-process by key scripts: each
 * tests/screens/NAME.keys runs against a fresh in-memory store with the
 * forms in tests/forms/console (or the shipped forms/), at 80x24 with "now" pinned, and the final
 * screen must equal tests/screens/NAME.screen (`expect` steps inside the
 * script check screens on the way).  SENDA_UPDATE_SCREENS=1 rewrites the
 * expected files after a deliberate change of layout.
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

#include "app/app.h"
#include "ui/ui.h"
#include "util/util.h"

#define SCREENS "tests/screens/"

static char *read_text(const char *path)
{
	size_t len;
	char *s = file_read_all(path, &len);

	return s;
}

static void run_script(const char *name, enum ui_lang lang, const char *forms)
{
	struct app_options ao = { 0 };
	struct ui_options uo = { 0 };
	struct app *app;
	struct ui ui;
	char *keys = xasprintf(SCREENS "%s.keys", name);
	char *want_path = xasprintf(SCREENS "%s.screen", name);
	char *want, *got;
	size_t len;
	FILE *f;
	int rc;

	ao.forms_dir = forms;
	app = app_new(&ao);
	assert_int_equal(app_unlock(app, ""), ST_OK);	/* in-memory store */
	uo.lang = lang;
	uo.keys_script = keys;
	uo.rows = 24;
	uo.cols = 80;
	uo.idle_lock = 300;
	ui_init(&ui, app, &uo);
	ui_push(&ui, &view_cases_ops, NULL);
	rc = ui_run(&ui);
	if (ui.dirty)
		ui_draw(&ui);
	f = open_memstream(&got, &len);
	ui_screen_dump(&ui.scr, f);
	fclose(f);
	ui_release(&ui);
	app_free(app);
	assert_int_equal(rc, 0);
	if (getenv("SENDA_UPDATE_SCREENS")) {
		f = fopen(want_path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = read_text(want_path);
	if (!want || strcmp(want, got)) {
		fprintf(stderr, "screen %s differs; got:\n%s", name, got);
		fail_msg("screen %s does not match %s", name, want_path);
	}
	free(want);
	free(got);
	free(keys);
	free(want_path);
}

#define CONSOLE_FORMS "tests/forms/console"
#define SHIPPED_FORMS "forms"
#define SCREEN_TEST(name, lang, forms) \
	static void test_##name(void **state) { (void)state; run_script(#name, lang, forms); }
#define SCREEN_LIST(_) \
	_(cases_empty, UI_LANG_EN, CONSOLE_FORMS) \
	_(interview_basic, UI_LANG_EN, CONSOLE_FORMS) \
	_(interview_full, UI_LANG_EN, CONSOLE_FORMS) \
	_(interview_nav, UI_LANG_EN, CONSOLE_FORMS) \
	_(cases_search_es, UI_LANG_ES, CONSOLE_FORMS) \
	_(intake_es, UI_LANG_ES, SHIPPED_FORMS) \
	_(review_member, UI_LANG_EN, CONSOLE_FORMS) \
	_(result_revoke, UI_LANG_EN, CONSOLE_FORMS)

SCREEN_LIST(SCREEN_TEST)

int main(void)
{
	const struct CMUnitTest tests[] = {
#define SCREEN_ENTRY(name, lang, forms) cmocka_unit_test(test_##name),
		SCREEN_LIST(SCREEN_ENTRY)
	};

	setlocale(LC_ALL, "C.UTF-8");
	setenv("SENDA_NOW", "2024-03-05T10:30:00Z", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
