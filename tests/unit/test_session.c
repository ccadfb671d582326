/*
 * test_session.c - the interview session over an in-memory store: every
 * accepted answer is in the store when the call returns, resume restores
 * answers, members, acknowledged warnings and the position, removing a
 * member renumbers the rest, finishing queues the interview and only the
 * referrals that consent allows, and a completed interview is amended.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/review.h"
#include "app/session.h"
#include "store/data.h"
#include "store/store.h"
#include "util/util.h"

static struct app *new_app(void)
{
	struct app_options ao = { 0 };
	struct app *app;

	ao.forms_dir = "tests/forms/console";
	app = app_new(&ao);
	assert_int_equal(app_unlock(app, ""), ST_OK);
	return app;
}

static struct form_ref ref(struct app_session *s, const char *path)
{
	struct form_ref r;

	assert_true(form_state_resolve(s->fs, path, &r));
	return r;
}

static char *stored(struct app *app, const char *id, const char *path)
{
	char *v = NULL;

	if (store_answer_get(app->store, id, path, &v) != ST_OK)
		return NULL;
	return v;
}

static void answer(struct app_session *s, const char *path, const char *text)
{
	assert_int_equal(app_session_answer(s, ref(s, path), text), ST_OK);
}

static void test_answer_and_resume(void **state)
{
	struct app *app = new_app();
	struct app_session *s, *r;
	char id[37], *v;

	(void)state;
	assert_int_equal(app_session_new(app, "mini", "es", NULL, &s), ST_OK);
	memcpy(id, s->iv.id, sizeof(id));
	answer(s, "consent", "yes");
	answer(s, "given_name", "Ana");
	/* Bad text is refused and nothing reaches the store. */
	assert_int_equal(app_session_answer(s, ref(s, "age"), "abc"), ST_INVALID);
	assert_null(stored(app, id, "age"));
	answer(s, "age", "101");
	assert_true(form_state_warning(s->fs, ref(s, "age")));
	assert_int_equal(app_session_ack_warning(s, ref(s, "age")), ST_OK);
	/* The answer is in the store as soon as the call returns. */
	v = stored(app, id, "given_name");
	assert_string_equal(v, "Ana");
	free(v);
	assert_true(app_session_goto(s, "age"));
	assert_true(app_session_move(s, 1));
	assert_int_equal(app_session_save_position(s), ST_OK);
	app_session_free(s);

	assert_int_equal(app_session_resume(app, id, &r), ST_OK);
	assert_string_equal(r->iv.respondent, "Ana");
	assert_string_equal(r->form->languages[r->lang], "es");
	v = app_answer_text(r, ref(r, "age"));
	assert_string_equal(v, "101");
	free(v);
	assert_true(form_state_warning_acked(r->fs, ref(r, "age")));
	/* Back at the question after age (pregnant: shown since age >= 12). */
	assert_string_equal(r->form->questions[app_session_current(r)->ref.q].id, "pregnant");
	app_session_free(r);
	app_free(app);
}

static void test_members(void **state)
{
	struct app *app = new_app();
	struct app_session *s, *r;
	size_t rp, idx, i;
	char id[37], *v;
	static const char *names[] = { "Luis", "Rosa", "Eva" };

	(void)state;
	assert_int_equal(app_session_new(app, "mini", "en", NULL, &s), ST_OK);
	memcpy(id, s->iv.id, sizeof(id));
	rp = form_find_repeat(s->form, "members");
	for (i = 0; i < 3; i++) {
		char path[64];
		assert_int_equal(app_session_member_add(s, rp, &idx), ST_OK);
		assert_int_equal(idx, i);
		snprintf(path, sizeof(path), "members[%zu].member_name", i);
		answer(s, path, names[i]);
	}
	/* A member with no answers yet survives a restart too. */
	assert_int_equal(app_session_member_add(s, rp, &idx), ST_OK);
	assert_int_equal(app_session_member_remove(s, rp, 1), ST_OK);
	v = stored(app, id, "members[1].member_name");
	assert_string_equal(v, "Eva");
	free(v);
	assert_null(stored(app, id, "members[2].member_name"));
	app_session_free(s);

	assert_int_equal(app_session_resume(app, id, &r), ST_OK);
	assert_int_equal(form_state_repeat_count(r->fs, rp), 3);
	v = app_answer_text(r, ref(r, "members[0].member_name"));
	assert_string_equal(v, "Luis");
	free(v);
	v = app_answer_text(r, ref(r, "members[1].member_name"));
	assert_string_equal(v, "Eva");
	free(v);
	/* Scoped navigation walks one member's questions. */
	app_session_scope(r, rp, 1);
	assert_int_equal(r->n_items, 2);
	assert_int_equal(app_session_current(r)->ref.inst, 1);
	app_session_free(r);
	app_free(app);
}

static size_t count_outbox(struct app *app, const char *kind)
{
	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	size_t i, n = 0;

	assert_int_equal(store_outbox_list(app->store, 0, &l), ST_OK);
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].kind, kind))
			n++;
	store_outbox_list_release(&l);
	return n;
}

static void fill_minimum(struct app_session *s)
{
	answer(s, "consent", "yes");
	answer(s, "given_name", "Ana");
	answer(s, "age", "30");
	answer(s, "nationality", "honduras");
}

/*
 * A finished interview that sync submitted and the supervisor returned:
 * the minimum answers plus pairs (path, value, ..., NULL).
 */
static void finished_and_returned(struct app *app, char id[37], const char *const *pairs)
{
	struct app_session *s;

	assert_int_equal(app_session_new(app, "mini", "en", NULL, &s), ST_OK);
	memcpy(id, s->iv.id, 37);
	fill_minimum(s);
	for (; *pairs; pairs += 2)
		answer(s, pairs[0], pairs[1]);
	assert_int_equal(app_session_finish(s), ST_OK);
	app_session_free(s);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_SUBMITTED), ST_OK);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_RETURNED), ST_OK);
}

static void test_finish_and_consent(void **state)
{
	struct app *app = new_app();
	struct app_session *s, *r;
	struct store_referral_list refs = STORE_REFERRAL_LIST_INIT;
	struct app_issue_list issues = { NULL, 0, 0 };
	char id[37];

	(void)state;
	assert_int_equal(app_session_new(app, "mini", "en", NULL, &s), ST_OK);
	memcpy(id, s->iv.id, sizeof(id));
	/* Required questions unanswered: finishing is refused. */
	app_session_issues(s, &issues);
	assert_true(issues.n >= 3);
	assert_int_equal(issues.v[0].kind, APP_ISSUE_REQUIRED);
	app_issue_list_release(&issues);
	assert_int_equal(app_session_finish(s), ST_STATE);

	fill_minimum(s);
	answer(s, "fear", "yes");		/* legal referral ... */
	answer(s, "share_legal", "no");		/* ... without consent */
	answer(s, "needs", "shelter");
	assert_true(app_session_can_finish(s));
	assert_int_equal(app_session_finish(s), ST_OK);
	assert_int_equal(s->iv.status, STORE_IV_COMPLETED);
	assert_int_equal(store_referrals_load(app->store, id, &refs), ST_OK);
	assert_int_equal(refs.n, 2);
	assert_false(refs.v[0].consent_ok);
	store_referral_list_release(&refs);
	/* The interview is queued; no referral without consent leaves. */
	assert_int_equal(count_outbox(app, "interview"), 1);
	assert_int_equal(count_outbox(app, "referral"), 0);
	app_session_free(s);

	/* Editing it again is an amendment, queued as one. */
	assert_int_equal(app_session_resume(app, id, &r), ST_OK);
	assert_true(r->amending);
	answer(r, "share_legal", "yes");
	assert_int_equal(app_session_finish(r), ST_OK);
	assert_int_equal(count_outbox(app, "amendment"), 1);
	/* The edit of a completed interview is in the audit trail as an amendment. */
	{
		struct store_audit_list al = STORE_AUDIT_LIST_INIT;
		size_t k, amends = 0;

		assert_int_equal(store_audit_list(app->store, 0, 100000, &al), ST_OK);
		for (k = 0; k < al.n; k++)
			if (!strcmp(al.v[k].action, "answer.amend") &&
			    !strcmp(al.v[k].object, id))
				amends++;
		assert_int_equal(amends, 1);
		store_audit_list_release(&al);
	}
	/* Consent now given: both referrals (legal, shelter) may leave, but
	 * only once a supervisor approved the interview. */
	assert_int_equal(count_outbox(app, "referral"), 0);
	app_session_free(r);

	/* A second amendment does not make the same referrals again. */
	assert_int_equal(app_session_resume(app, id, &r), ST_OK);
	answer(r, "age", "31");
	assert_int_equal(app_session_finish(r), ST_OK);
	assert_int_equal(count_outbox(app, "amendment"), 2);
	assert_int_equal(count_outbox(app, "referral"), 0);
	assert_int_equal(store_referrals_load(app->store, id, &refs), ST_OK);
	assert_int_equal(refs.n, 2);
	store_referral_list_release(&refs);
	app_session_free(r);

	/* Approved (the pulled decision): both are queued, once. */
	{
		size_t queued = 9;

		assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_SUBMITTED), ST_OK);
		assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_APPROVED), ST_OK);
		assert_int_equal(app_review_queue_approved(app->store, &queued), ST_OK);
		assert_int_equal(queued, 2);
		assert_int_equal(count_outbox(app, "referral"), 2);
		assert_int_equal(app_review_queue_approved(app->store, &queued), ST_OK);
		assert_int_equal(queued, 0);
		assert_int_equal(count_outbox(app, "referral"), 2);
	}
	app_free(app);
}

/* A returned interview, fixed and finished again, is one amendment. */
static void test_returned_resubmits_as_amendment(void **state)
{
	struct app *app = new_app();
	struct app_session *s;
	char id[37];

	(void)state;
	/* sync submits it; the supervisor returns it */
	finished_and_returned(app, id, (const char *const[]){ "needs", "shelter", NULL });

	assert_int_equal(app_session_resume(app, id, &s), ST_OK);
	answer(s, "age", "31");
	assert_int_equal(app_session_finish(s), ST_OK);
	assert_int_equal(s->iv.status, STORE_IV_RESUBMITTED);
	/* never a second "interview" item: the server would make a new case */
	assert_int_equal(count_outbox(app, "interview"), 1);
	assert_int_equal(count_outbox(app, "amendment"), 1);
	app_session_free(s);
	app_free(app);
}

/* A wrong passphrase makes the next try wait longer each time; the right one resets it. */
/* The state of the referral made by rule on interview id. */
static enum store_ref_state rule_state(struct app *app, const char *id, const char *rule)
{
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	enum store_ref_state st = STORE_REF_N_STATES;
	size_t i, n = 0;

	assert_int_equal(store_referrals_load(app->store, id, &rl), ST_OK);
	for (i = 0; i < rl.n; i++)
		if (!strcmp(rl.v[i].rule_id, rule)) {
			st = rl.v[i].state;
			n++;
		}
	assert_int_equal(n, 1);	/* never made twice */
	store_referral_list_release(&rl);
	return st;
}

/*
 * Returned and resubmitted with other answers: the referrals follow the
 * latest ones.  Consent withdrawn revokes the pending referral; a rule
 * that no longer fires revokes its referral; on approval only what is
 * still consented is queued, with the latest shared values.
 */
static void test_resubmit_follows_answers(void **state)
{
	struct app *app = new_app();
	struct app_session *s;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char id[37];
	size_t queued, i;

	(void)state;
	finished_and_returned(app, id, (const char *const[]){
		"fear", "yes", "share_legal", "yes", "needs", "shelter", NULL });
	assert_int_equal(rule_state(app, id, "legal"), STORE_REF_PENDING);
	assert_int_equal(rule_state(app, id, "shelter"), STORE_REF_PENDING);

	/* Fixed: no more fear (the legal rule stops firing), a new name. */
	assert_int_equal(app_session_resume(app, id, &s), ST_OK);
	answer(s, "fear", "no");
	answer(s, "given_name", "Anabel");
	assert_int_equal(app_review_resubmit(s), ST_OK);
	assert_int_equal(s->iv.status, STORE_IV_RESUBMITTED);
	app_session_free(s);
	assert_int_equal(rule_state(app, id, "legal"), STORE_REF_REVOKED);
	assert_int_equal(rule_state(app, id, "shelter"), STORE_REF_PENDING);
	assert_int_equal(count_outbox(app, "referral"), 0);

	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_APPROVED), ST_OK);
	assert_int_equal(app_review_queue_approved(app->store, &queued), ST_OK);
	assert_int_equal(queued, 1);
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	for (i = 0; i < ob.n; i++)
		if (!strcmp(ob.v[i].kind, "referral")) {
			assert_non_null(strstr(ob.v[i].payload, "\"service\":\"shelter\""));
			assert_non_null(strstr(ob.v[i].payload, "Anabel"));	/* the latest */
		}
	store_outbox_list_release(&ob);
	app_free(app);
}

/* Consent withdrawn at resubmission: the pending referral is revoked. */
static void test_resubmit_consent_withdrawn(void **state)
{
	struct app *app = new_app();
	struct app_session *s;
	char id[37];
	size_t queued;

	(void)state;
	finished_and_returned(app, id, (const char *const[]){
		"fear", "yes", "share_legal", "yes", NULL });
	assert_int_equal(app_session_resume(app, id, &s), ST_OK);
	answer(s, "share_legal", "no");
	assert_int_equal(app_review_resubmit(s), ST_OK);
	app_session_free(s);
	assert_int_equal(rule_state(app, id, "legal"), STORE_REF_REVOKED);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_APPROVED), ST_OK);
	assert_int_equal(app_review_queue_approved(app->store, &queued), ST_OK);
	assert_int_equal(queued, 0);
	assert_int_equal(count_outbox(app, "referral"), 0);
	app_free(app);
}

static void test_unlock_delay_grows(void **state)
{
	struct store_open_opts so = { { 8, 1 }, 0 };
	char dir[] = "/tmp/senda-unlock-XXXXXX";
	char recovery[STORE_RECOVERY_KEY_LEN];
	struct app_options ao = { 0 };
	struct store *st;
	struct app *app;
	const int want[] = { 500, 1000, 2000, 4000 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_create(dir, "right", 5, &so, recovery, &st), ST_OK);
	store_close(st);
	ao.data_dir = dir;
	ao.forms_dir = "tests/forms/console";
	ao.kdf_memory = 8;
	ao.kdf_iterations = 1;
	app = app_new(&ao);
	assert_int_equal(app_unlock_delay_ms(app), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(app_unlock(app, "wrong"), ST_PASSPHRASE);
		assert_false(app_is_unlocked(app));
		assert_int_equal(app_unlock_delay_ms(app), want[i]);
	}
	assert_int_equal(app_unlock(app, "right"), ST_OK);
	assert_true(app_is_unlocked(app));
	assert_int_equal(app_unlock_delay_ms(app), 0);
	app_free(app);
	assert_int_equal(store_shred(dir), ST_OK);
	rmdir(dir);
}

static void test_language_and_summary(void **state)
{
	struct app *app = new_app();
	struct app_session *s;
	char *sum;
	struct store_interview iv = STORE_INTERVIEW_INIT;

	(void)state;
	assert_int_equal(app_session_new(app, "mini", "en", NULL, &s), ST_OK);
	fill_minimum(s);
	answer(s, "fear", "yes");
	assert_int_equal(app_session_set_language(s, 1), ST_OK);
	assert_int_equal(store_interview_get(app->store, s->iv.id, &iv), ST_OK);
	assert_string_equal(iv.language, "es");
	store_interview_release(&iv);
	sum = app_session_summary(s);
	assert_non_null(strstr(sum, "Admisión mínima"));
	assert_non_null(strstr(sum, "abogado"));
	free(sum);
	app_session_free(s);
	app_free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_and_resume),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_finish_and_consent),
		cmocka_unit_test(test_returned_resubmits_as_amendment),
		cmocka_unit_test(test_resubmit_follows_answers),
		cmocka_unit_test(test_resubmit_consent_withdrawn),
		cmocka_unit_test(test_unlock_delay_grows),
		cmocka_unit_test(test_language_and_summary),
	};

	setlocale(LC_ALL, "C.UTF-8");
	setenv("SENDA_NOW", "2024-03-05T10:30:00Z", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
