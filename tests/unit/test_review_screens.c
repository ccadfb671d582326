/*
 * test_review_screens.c - the review views driven in-process by key
 * scripts over an in-memory store seeded with a supervisor's queue: the
 * queue opens from the case list sorted by urgency then age, j/k and `n`
 * move, Enter opens an interview read-only, `c` writes a comment on the
 * focused question, `r` returns it (recorded and queued in the outbox),
 * and on the caseworker's side the returned interview comes first in the
 * case list, shows the comments beside their questions, is fixed through
 * the interview view and resubmitted as one amendment.  Scripts are tests/screens/review_*.keys (`expect` steps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/review.h"
#include "store/data.h"
#include "ui/ui.h"
#include "util/util.h"

#define SCREENS "tests/screens/"

static void seed(struct app *app, const char *id, enum store_iv_status status, const char *meta,
		 const char *age)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_answer_list ans = STORE_ANSWER_LIST_INIT;

	memcpy(iv.id, id, 37);
	iv.form_id = xstrdup("mini");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("en");
	iv.status = status;
	iv.meta = xstrdup(meta);
	store_answer_list_add(&ans, "consent", "yes", 1);
	store_answer_list_add(&ans, "given_name", "Ana", 1);
	store_answer_list_add(&ans, "age", age, 1);
	store_answer_list_add(&ans, "nationality", "cuba", 1);
	assert_int_equal(store_interview_import(app->store, &iv, &ans), ST_OK);
	store_interview_release(&iv);
	store_answer_list_release(&ans);
}

#define IV_A "aaaaaaaa-0000-4000-8000-000000000001"
#define IV_B "bbbbbbbb-0000-4000-8000-000000000002"
#define IV_C "cccccccc-0000-4000-8000-000000000003"

static struct app *seeded_app(void)
{
	struct app_options ao = { 0 };
	struct app *app;

	ao.forms_dir = "tests/forms/console";
	app = app_new(&ao);
	assert_int_equal(app_unlock(app, ""), ST_OK);
	seed(app, IV_A, STORE_IV_SUBMITTED, "{\"urgency\":\"normal\",\"received\":100,"
	     "\"caseworker\":\"cw-one\"}", "34");
	seed(app, IV_B, STORE_IV_SUBMITTED, "{\"urgency\":\"high\",\"received\":200,"
	     "\"caseworker\":\"cw-two\",\"flags\":[\"gbv\"]}", "140");
	seed(app, IV_C, STORE_IV_APPROVED, "{\"received\":50}", "20");
	return app;
}

static int run_keys(struct app *app, const char *name, char **screen)
{
	struct ui_options uo = { 0 };
	struct ui ui;
	char *keys = xasprintf(SCREENS "%s.keys", name);
	size_t len;
	FILE *f;
	int rc;

	uo.keys_script = keys;
	uo.rows = 24;
	uo.cols = 80;
	ui_init(&ui, app, &uo);
	ui_push(&ui, &view_cases_ops, NULL);
	rc = ui_run(&ui);
	if (ui.dirty)
		ui_draw(&ui);
	f = open_memstream(screen, &len);
	ui_screen_dump(&ui.scr, f);
	fclose(f);
	ui_release(&ui);
	free(keys);
	return rc;
}

static enum store_iv_status status_of(struct app *app, const char *id)
{
	struct store_interview iv;
	enum store_iv_status s;

	assert_int_equal(store_interview_get(app->store, id, &iv), ST_OK);
	s = iv.status;
	store_interview_release(&iv);
	return s;
}

/* Queue order, read-only view, a comment on a question, return. */
static void test_queue_return(void **state)
{
	struct app *app = seeded_app();
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	char *screen = NULL;

	(void)state;
	if (run_keys(app, "review_queue_return", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	/* B (high) was first: returned with the note on age. */
	assert_int_equal(status_of(app, IV_B), STORE_IV_RETURNED);
	assert_int_equal(status_of(app, IV_A), STORE_IV_SUBMITTED);
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 1);
	assert_string_equal(ob.v[0].kind, "decision");
	assert_string_equal(ob.v[0].object_id, IV_B);
	assert_string_equal(ob.v[0].payload,
			    "{\"action\":\"return\",\"comments\":{\"age\":\"Age 140?\"}}");
	assert_int_equal(app_review_comments(app, IV_B, &cl), ST_OK);
	assert_string_equal(app_review_comment_at(&cl, "age"), "Age 140?");
	store_comment_list_release(&cl);
	store_outbox_list_release(&ob);
	app_free(app);
}

/* Approve from the list, next, and the refusal of a return without notes. */
static void test_queue_approve_next(void **state)
{
	struct app *app = seeded_app();
	char *screen = NULL;

	(void)state;
	if (run_keys(app, "review_queue_approve", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	assert_int_equal(status_of(app, IV_B), STORE_IV_SUBMITTED);	/* refused return */
	assert_int_equal(status_of(app, IV_A), STORE_IV_APPROVED);
	app_free(app);
}

/* The caseworker's side: the returned interview is first in the case list,
 * opens with the comments beside their questions, Enter fixes a question
 * in the interview view, F10 resubmits. */
static void test_caseworker_sees_comments(void **state)
{
	struct app *app = seeded_app();
	struct app_review_draft d = APP_REVIEW_DRAFT_INIT;
	char *screen = NULL;

	(void)state;
	assert_int_equal(app_review_draft_comment(&d, "Check the age"), ST_OK);
	assert_int_equal(app_review_draft_note(&d, "age", "Born when?"), ST_OK);
	assert_int_equal(app_review_decide(app, IV_A, "return", &d), ST_OK);
	app_review_draft_release(&d);
	if (run_keys(app, "review_caseworker", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	/* Fixed through the interview view and resubmitted as an amendment. */
	assert_int_equal(status_of(app, IV_A), STORE_IV_RESUBMITTED);
	{
		struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
		char *v = NULL;
		assert_int_equal(store_answer_get(app->store, IV_A, "age", &v), ST_OK);
		assert_string_equal(v, "43");
		free(v);
		assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
		assert_int_equal(ob.n, 2);
		assert_string_equal(ob.v[1].kind, "amendment");
		assert_string_equal(ob.v[1].object_id, IV_A);
		assert_non_null(strstr(ob.v[1].payload, "\"age\":43"));
		assert_non_null(strstr(ob.v[1].payload, "\"state\":\"resubmitted\""));
		store_outbox_list_release(&ob);
	}
	app_free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_return),
		cmocka_unit_test(test_queue_approve_next),
		cmocka_unit_test(test_caseworker_sees_comments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
