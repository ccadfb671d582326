/*
 * test_review_screens.c - the review views driven in-process by key
 * scripts over an in-memory store seeded with a supervisor's queue: the
 * queue opens from the case list sorted by urgency then age, j/k and `n`
 * move, Enter opens an interview read-only, `c` writes a comment on the
 * focused question, `r` returns it (recorded and queued in the outbox),
 * and on the caseworker's side the returned interview comes first in the
 * case list, shows the comments beside their questions, is fixed through
 * the interview view and resubmitted as one amendment.  Crossed edits
 * (conflicts inserted with the store API) are marked in both lists and
 * shown with both values, with what the other side did when it resolved
 * its own (English and Spanish); `m`/`t` keep one.  `x` withdraws consent for a
 * referral after a confirmation.  The queue shows mixed urgencies and
 * flags in order, and the views speak Spanish.  Scripts are
 * tests/screens/review_*.keys (`expect` steps); some final screens must
 * equal tests/screens/NAME.screen (SENDA_UPDATE_SCREENS=1 rewrites them).
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
#include "app/review.h"
#include "store/data.h"
#include "sync/review_pull.h"
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

/* A [keys] rebinding for the next script ("action", "keys"), or none. */
static const char *bind_action, *bind_keys;

static int run_keys_lang(struct app *app, const char *name, enum ui_lang lang, char **screen)
{
	struct ui_options uo = { 0 };
	struct ui ui;
	char *keys = xasprintf(SCREENS "%s.keys", name);
	size_t len;
	FILE *f;
	int rc;

	uo.lang = lang;
	uo.keys_script = keys;
	uo.rows = 24;
	uo.cols = 80;
	ui_init(&ui, app, &uo);
	if (bind_action)
		assert_null(ui_bind(&ui, bind_action, bind_keys));
	bind_action = bind_keys = NULL;
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

static int run_keys(struct app *app, const char *name, char **screen)
{
	return run_keys_lang(app, name, UI_LANG_EN, screen);
}

/* Run a script that must pass and end on tests/screens/NAME.screen. */
static void run_golden(struct app *app, const char *name, enum ui_lang lang)
{
	char *path = xasprintf(SCREENS "%s.screen", name), *got = NULL, *want;

	if (run_keys_lang(app, name, lang, &got) != 0)
		fail_msg("script %s failed; last screen:\n%s", name, got);
	if (getenv("SENDA_UPDATE_SCREENS")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = file_read_all(path, NULL);
	if (!want || strcmp(want, got))
		fail_msg("screen %s does not match %s; got:\n%s", name, path, got);
	free(want);
	free(got);
	free(path);
}

static void set_role(struct app *app, const char *role)
{
	assert_int_equal(store_kv_set(app->store, "sync.role", role), ST_OK);
}

/* A crossed edit on one question: this device's value and the other's. */
static void add_conflict(struct app *app, const char *id, const char *path, const char *mine,
			 const char *theirs)
{
	struct store_conflict c;

	memset(&c, 0, sizeof(c));
	c.interview_id = xstrdup(id);
	c.path = xstrdup(path);
	c.local_value = xstrdup(mine);
	c.remote_value = xstrdup(theirs);
	assert_int_equal(store_conflict_add(app->store, &c), ST_OK);
	store_conflict_release(&c);
}

/* Two referrals on an interview: one sent with consent, one without. */
static void add_referrals(struct app *app, const char *id)
{
	static const struct {
		const char *service, *urgency;
		bool consent;
		enum store_ref_state state;
	} refs[] = {
		{ "legal_orientation", "high", true, STORE_REF_SENT },
		{ "shelter", "normal", false, STORE_REF_PENDING },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		struct store_referral r;
		memset(&r, 0, sizeof(r));
		r.interview_id = xstrdup(id);
		r.rule_id = xstrdup(refs[i].service);
		r.service = xstrdup(refs[i].service);
		r.partner = xstrdup("Partner");
		r.urgency = xstrdup(refs[i].urgency);
		r.reason = xstrdup("Reason");
		r.consent_ok = refs[i].consent;
		r.shared_fields = xstrdup("[\"given_name\"]");
		r.state = refs[i].state;
		assert_int_equal(store_referral_add(app->store, &r), ST_OK);
		store_referral_release(&r);
	}
}

static size_t open_conflicts(struct app *app, const char *id)
{
	struct store_conflict_list xl = STORE_CONFLICT_LIST_INIT;
	size_t n;

	assert_int_equal(store_conflicts_load(app->store, id, true, &xl), ST_OK);
	n = xl.n;
	store_conflict_list_release(&xl);
	return n;
}

static char *answer(struct app *app, const char *id, const char *path)
{
	char *v = NULL;

	assert_int_equal(store_answer_get(app->store, id, path, &v), ST_OK);
	return v;
}

/* How many audit entries have this action. */
static size_t audit_count(struct app *app, const char *action)
{
	struct store_audit_list al = STORE_AUDIT_LIST_INIT;
	size_t i, n = 0;

	assert_int_equal(store_audit_list(app->store, 0, 100000, &al), ST_OK);
	for (i = 0; i < al.n; i++)
		n += !strcmp(al.v[i].action, action);
	store_audit_list_release(&al);
	return n;
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

/* Escalate in the console: one decision in the outbox, still waiting. */
static void test_queue_escalate(void **state)
{
	struct app *app = seeded_app();
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char *screen = NULL;

	(void)state;
	if (run_keys(app, "review_queue_escalate", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	assert_int_equal(status_of(app, IV_A), STORE_IV_SUBMITTED);
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 1);
	assert_string_equal(ob.v[0].kind, "decision");
	assert_string_equal(ob.v[0].object_id, IV_A);
	assert_string_equal(ob.v[0].payload, "{\"action\":\"escalate\"}");
	store_outbox_list_release(&ob);
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

/*
 * The caseworker's side of a crossed edit: the case list marks the
 * interview, Enter shows the question with both values, `t` keeps the
 * supervisor's, `m` on the second keeps mine; each is an audit entry.
 */
static void test_conflict_caseworker(void **state)
{
	struct app *app = seeded_app();
	char *v;

	(void)state;
	set_role(app, "caseworker");
	add_conflict(app, IV_A, "age", "43", "34");
	add_conflict(app, IV_A, "given_name", "Ana María", "Ana");
	run_golden(app, "review_conflict_cw", UI_LANG_EN);
	assert_int_equal(open_conflicts(app, IV_A), 0);
	v = answer(app, IV_A, "age");
	assert_string_equal(v, "34");	/* theirs */
	free(v);
	v = answer(app, IV_A, "given_name");
	assert_string_equal(v, "Ana María");	/* mine */
	free(v);
	assert_int_equal(audit_count(app, "conflict.resolve"), 2);
	app_free(app);
}

/*
 * The other side resolved a conflict: the caseworker's view says what they
 * did under it (English and Spanish), and nothing was applied: the
 * conflict is still open and the answer still this device's until `m`.
 */
static void test_conflict_resolved_there(void **state)
{
	struct app *app = seeded_app();
	char *key = sync_conflict_note_key(IV_A, "age"), *v;

	(void)state;
	set_role(app, "caseworker");
	add_conflict(app, IV_A, "age", "43", "34");
	/* What the pull records from a "resolved" entry (src/sync/pull.c). */
	assert_int_equal(store_kv_set(app->store, key, "supervisor 0b7e12ab remote"), ST_OK);
	run_golden(app, "review_conflict_there", UI_LANG_EN);
	assert_int_equal(open_conflicts(app, IV_A), 1);
	run_golden(app, "review_conflict_there_es", UI_LANG_ES);
	assert_int_equal(open_conflicts(app, IV_A), 0);
	v = answer(app, IV_A, "age");
	assert_string_equal(v, "43");	/* mine */
	free(v);
	free(key);
	app_free(app);
}

/* A warning (not an error) shows beside its answer in the read-only view. */
static void test_read_only_warning(void **state)
{
	struct app *app = seeded_app();
	char *screen = NULL;

	(void)state;
	seed(app, "dddddddd-0000-4000-8000-000000000004", STORE_IV_SUBMITTED,
	     "{\"received\":10}", "110");
	if (run_keys(app, "review_warning", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	app_free(app);
}

/* Reassigned away (the pull's note): read-only from the case list. */
static void test_reassigned_read_only(void **state)
{
	struct app *app = seeded_app();

	(void)state;
	set_role(app, "caseworker");
	assert_int_equal(store_interview_set_readonly(app->store, IV_A,
		"reassigned to device 0b7e12ab by the server's administrator"), ST_OK);
	run_golden(app, "review_reassigned", UI_LANG_EN);
	run_golden(app, "review_reassigned_es", UI_LANG_ES);
	assert_int_equal(status_of(app, IV_A), STORE_IV_SUBMITTED);
	app_free(app);
}

/* The supervisor's side: the queue marks it, `m` (rebound to M here: the
 * hint line follows [keys]) keeps the supervisor's. */
static void test_conflict_supervisor(void **state)
{
	struct app *app = seeded_app();
	char *screen = NULL, *v;

	(void)state;
	set_role(app, "supervisor");
	add_conflict(app, IV_B, "age", "140", "41");
	bind_action = "keep_mine";
	bind_keys = "M";
	if (run_keys(app, "review_conflict_sup", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	assert_int_equal(open_conflicts(app, IV_B), 0);
	v = answer(app, IV_B, "age");
	assert_string_equal(v, "140");
	free(v);
	assert_int_equal(audit_count(app, "conflict.resolve"), 1);
	app_free(app);
}

/* Withdrawing consent: asked first, then the referral is revoked and the
 * server is told (it had been sent). */
static void test_revoke_referral(void **state)
{
	struct app *app = seeded_app();
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char *screen = NULL;
	size_t i, revokes = 0;

	(void)state;
	set_role(app, "caseworker");
	add_referrals(app, IV_C);
	if (run_keys(app, "review_revoke", &screen) != 0)
		fail_msg("script failed; last screen:\n%s", screen);
	free(screen);
	assert_int_equal(store_referrals_load(app->store, IV_C, &rl), ST_OK);
	assert_int_equal(rl.n, 2);
	assert_int_equal(rl.v[0].state, STORE_REF_REVOKED);
	assert_int_equal(rl.v[1].state, STORE_REF_PENDING);	/* not touched */
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	for (i = 0; i < ob.n; i++)
		revokes += !strcmp(ob.v[i].kind, "referral") && strstr(ob.v[i].payload, "revoke");
	assert_int_equal(revokes, 1);
	store_outbox_list_release(&ob);
	store_referral_list_release(&rl);
	app_free(app);
}

/* Mixed urgency and flags: high first (oldest first within), then normal,
 * then low; the flag filter narrows; a conflict is marked. */
static void test_queue_urgency(void **state)
{
	struct app *app = seeded_app();

	(void)state;
	seed(app, "dddddddd-0000-4000-8000-000000000004", STORE_IV_SUBMITTED,
	     "{\"urgency\":\"low\",\"received\":10,\"caseworker\":\"cw-one\","
	     "\"flags\":[\"medical\"]}", "30");
	seed(app, "eeeeeeee-0000-4000-8000-000000000005", STORE_IV_RESUBMITTED,
	     "{\"urgency\":\"high\",\"received\":300,\"caseworker\":\"cw-two\","
	     "\"flags\":[\"trafficking\",\"uasc\"]}", "15");
	add_conflict(app, IV_A, "age", "34", "43");
	run_golden(app, "review_queue_urgency", UI_LANG_EN);
	app_free(app);
}

/* The review views in Spanish: the queue, then a conflict and referrals. */
static void test_review_spanish(void **state)
{
	struct app *app = seeded_app();

	(void)state;
	set_role(app, "supervisor");
	add_conflict(app, IV_B, "age", "140", "41");
	add_referrals(app, IV_B);
	run_golden(app, "review_es", UI_LANG_ES);
	app_free(app);
}

/*
 * docs/review.md's "In the console" section names every review action of
 * src/ui/keys.h (those of the queue and the read-only view, not the
 * generic ones), and each table row's key is that action's default key.
 */
static void test_doc_keys(void **state)
{
	char *doc = file_read_all("docs/review.md", NULL), *sec, *end, *line, *next;
	size_t i, rows = 0;

	(void)state;
	assert_non_null(doc);
	sec = strstr(doc, "## In the console\n");
	assert_non_null(sec);
	end = strstr(sec + 1, "\n## ");
	if (end)
		*end = '\0';
	for (i = 0; i < ui_n_actions; i++) {
		const struct ui_action_info *a = &ui_actions[i];
		char *want;
		if (!a->name || !(a->views & (V_RQUEUE | V_RIV)) || (a->views & V_CASES) ||
		    a->id == UI_ACT_BACK)
			continue;
		want = xasprintf("(`%s`)", a->name);
		if (!strstr(sec, want))
			fail_msg("docs/review.md, In the console: no %s", want);
		free(want);
	}
	for (line = sec; line; line = next) {
		const struct ui_action_info *a;
		char key[32], name[64], *p, *q;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "| `", 3) || sscanf(line, "| `%31[^`]`", key) != 1)
			continue;
		p = strstr(line, "(`");
		for (q = p; q; q = strstr(q + 1, "(`"))
			p = q;
		if (!p || sscanf(p, "(`%63[^`]`)", name) != 1 || !(a = ui_action_by_name(name)))
			continue;
		{
			char *keys = xasprintf(" %s ", a->def_keys), *k = xasprintf(" %s ", key);
			if (!strstr(keys, k))
				fail_msg("docs/review.md: `%s` is not a default key of %s (%s)", key,
					 name, a->def_keys);
			free(keys);
			free(k);
		}
		rows++;
	}
	assert_true(rows >= 8);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_return),
		cmocka_unit_test(test_queue_approve_next),
		cmocka_unit_test(test_queue_escalate),
		cmocka_unit_test(test_caseworker_sees_comments),
		cmocka_unit_test(test_conflict_caseworker),
		cmocka_unit_test(test_conflict_supervisor),
		cmocka_unit_test(test_conflict_resolved_there),
		cmocka_unit_test(test_reassigned_read_only),
		cmocka_unit_test(test_read_only_warning),
		cmocka_unit_test(test_revoke_referral),
		cmocka_unit_test(test_queue_urgency),
		cmocka_unit_test(test_review_spanish),
		cmocka_unit_test(test_doc_keys),
	};

	setlocale(LC_ALL, "C.UTF-8");
	setenv("SENDA_NOW", "2024-03-05T10:30:00Z", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
