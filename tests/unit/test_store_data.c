/*
 * test_store_data.c - the data API on an in-memory store: interviews and
 * their status machine, answers (autosave, amendments, repeat groups),
 * transactions, referrals, decisions and comments, sync state, deletion,
 * and that the audit trail records each change without personal data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/data.h"
#include "store/store.h"
#include "util/util.h"

#define T0 1700000000LL

static int setup(void **state)
{
	struct store *st = NULL;

	setenv("SENDA_NOW", "1700000000", 1);
	store_set_actor("caseworker");
	if (store_open_memory(&st) != ST_OK)
		return -1;
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	unsetenv("SENDA_NOW");
	return 0;
}

/* get into a struct that may hold an earlier record */
static status_t iv_get(struct store *st, const char *id, struct store_interview *got)
{
	store_interview_release(got);
	return store_interview_get(st, id, got);
}

static status_t iv_get_seq(struct store *st, int64_t seq, struct store_interview *got)
{
	store_interview_release(got);
	return store_interview_get_seq(st, seq, got);
}

static status_t ref_get(struct store *st, const char *id, struct store_referral *got)
{
	store_referral_release(got);
	return store_referral_get(st, id, got);
}

/* A draft interview with the given respondent; returns its id in id. */
static void new_interview(struct store *st, const char *respondent, char id[37])
{
	struct store_interview iv = STORE_INTERVIEW_INIT;

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023.1");
	iv.language = xstrdup("es");
	iv.respondent = respondent ? xstrdup(respondent) : NULL;
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	memcpy(id, iv.id, 37);
	store_interview_release(&iv);
}

static void test_interview_create_get(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT, got = STORE_INTERVIEW_INIT;

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023.1");
	iv.language = xstrdup("ht");
	iv.respondent = xstrdup("Marie Joseph");
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	assert_int_equal(strlen(iv.id), 36);
	assert_int_equal(iv.seq, 1);
	assert_int_equal(iv.created, T0);

	assert_int_equal(iv_get(st, iv.id, &got), ST_OK);
	assert_string_equal(got.id, iv.id);
	assert_int_equal(got.seq, 1);
	assert_string_equal(got.form_id, "intake");
	assert_string_equal(got.form_version, "2023.1");
	assert_string_equal(got.language, "ht");
	assert_string_equal(got.respondent, "Marie Joseph");
	assert_null(got.position);
	assert_int_equal(got.status, STORE_IV_DRAFT);
	assert_int_equal(got.created, T0);
	assert_int_equal(got.updated, T0);
	assert_int_equal(got.n_answers, 0);
	assert_int_equal(got.sync_state, STORE_SYNC_NONE);

	/* The same id again is refused; so is a missing form. */
	iv.seq = 0;
	assert_int_equal(store_interview_create(st, &iv), ST_EXISTS);
	free(iv.form_id);
	iv.form_id = NULL;
	iv.id[0] = '\0';
	assert_int_equal(store_interview_create(st, &iv), ST_INVALID);

	assert_int_equal(iv_get(st, "00000000-0000-4000-8000-000000000000", &got),
			 ST_NOTFOUND);
	/* A failed get leaves even an uninitialised struct safe to release. */
	{
		struct store_interview junk;
		struct store_referral rjunk;

		memset(&junk, 0x5a, sizeof(junk));
		memset(&rjunk, 0x5a, sizeof(rjunk));
		assert_int_equal(store_interview_get(st, "nope", &junk), ST_NOTFOUND);
		store_interview_release(&junk);
		assert_int_equal(store_referral_get(st, "nope", &rjunk), ST_NOTFOUND);
		store_referral_release(&rjunk);
	}
	store_interview_release(&iv);
	store_interview_release(&got);
}

static void test_interview_seq_and_list(void **state)
{
	struct store *st = *state;
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;
	struct store_interview got = STORE_INTERVIEW_INIT;
	char a[37], b[37], c[37];

	new_interview(st, "A", a);
	setenv("SENDA_NOW", "1700000100", 1);
	new_interview(st, "B", b);
	setenv("SENDA_NOW", "1700000200", 1);
	new_interview(st, "C", c);

	assert_int_equal(iv_get_seq(st, 2, &got), ST_OK);
	assert_string_equal(got.id, b);
	assert_int_equal(iv_get_seq(st, 9, &got), ST_NOTFOUND);

	assert_int_equal(store_interview_set_status(st, b, STORE_IV_COMPLETED), ST_OK);
	setenv("SENDA_NOW", "1700000300", 1);
	assert_int_equal(store_answer_save(st, a, "name", "x", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, a, "age", "7", NULL), ST_OK);

	/* Newest change first: a was touched last, then c and b (a tie at
	 * 1700000200, broken by the newer sequence number). */
	assert_int_equal(store_interviews_list(st, 0, &l), ST_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, a);
	assert_int_equal(l.v[0].n_answers, 2);
	assert_string_equal(l.v[1].id, c);
	assert_string_equal(l.v[2].id, b);
	store_interview_list_release(&l);

	assert_int_equal(store_interviews_list(st, STORE_IV_BIT(STORE_IV_COMPLETED), &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].id, b);
	assert_int_equal(l.v[0].status, STORE_IV_COMPLETED);
	store_interview_list_release(&l);

	assert_int_equal(store_interviews_list(st, STORE_IV_BIT(STORE_IV_APPROVED), &l), ST_OK);
	assert_int_equal(l.n, 0);
	store_interview_list_release(&l);
	store_interview_release(&got);
}

static void test_status_machine(void **state)
{
	struct store *st = *state;
	struct store_interview got = STORE_INTERVIEW_INIT;
	enum store_iv_status s;
	char id[37];

	new_interview(st, NULL, id);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_APPROVED), ST_STATE);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_DRAFT), ST_STATE);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_SUBMITTED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_RETURNED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_APPROVED), ST_STATE);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_RESUBMITTED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_SUBMITTED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_APPROVED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_RETURNED), ST_STATE);
	assert_non_null(strstr(st_detail(ST_STATE), "approved"));
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_APPROVED);
	assert_int_equal(store_interview_set_status(st, "nope", STORE_IV_COMPLETED), ST_NOTFOUND);

	assert_true(store_iv_status_parse("resubmitted", &s));
	assert_int_equal(s, STORE_IV_RESUBMITTED);
	assert_false(store_iv_status_parse("Draft", &s));
	assert_string_equal(store_iv_status_name(STORE_IV_RETURNED), "returned");
	store_interview_release(&got);
}

static void test_answers_autosave(void **state)
{
	struct store *st = *state;
	struct store_answer_list l = STORE_ANSWER_LIST_INIT;
	struct store_interview got = STORE_INTERVIEW_INIT;
	char id[37], *v;

	new_interview(st, NULL, id);
	setenv("SENDA_NOW", "1700000050", 1);
	assert_int_equal(store_answer_save(st, id, "consent", "yes", "name"), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members[2].age", "34", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members[1].age", "\"12\"", "members[1].age"), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members[2].age", "35", NULL), ST_OK);

	assert_int_equal(store_answer_get(st, id, "members[2].age", &v), ST_OK);
	assert_string_equal(v, "35");
	free(v);
	assert_int_equal(store_answer_get(st, id, "nothing", &v), ST_NOTFOUND);
	assert_null(v);

	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_string_equal(got.position, "members[1].age");
	assert_int_equal(got.updated, 1700000050);
	assert_int_equal(got.n_answers, 3);

	/* Clearing removes it; bad paths are refused before any write. */
	assert_int_equal(store_answer_save(st, id, "consent", NULL, NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "", "x", NULL), ST_INVALID);
	assert_int_equal(store_answer_save(st, id, "a b", "x", NULL), ST_INVALID);
	assert_int_equal(store_answer_save(st, "00000000-0000-4000-8000-000000000000",
					   "x", "1", NULL), ST_NOTFOUND);

	assert_int_equal(store_answers_load(st, id, &l), ST_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].path, "members[1].age");
	assert_string_equal(l.v[0].value, "\"12\"");
	assert_string_equal(l.v[1].path, "members[2].age");
	assert_string_equal(l.v[1].value, "35");
	assert_int_equal(l.v[1].changed, 1700000050);
	store_answer_list_release(&l);

	assert_int_equal(store_interview_set_position(st, id, "journey.origin", 4, 9), ST_OK);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_string_equal(got.position, "journey.origin");
	assert_int_equal(got.progress_done, 4);
	assert_int_equal(got.progress_total, 9);
	store_interview_release(&got);
}

static void test_answers_after_completion(void **state)
{
	struct store *st = *state;
	struct store_interview got = STORE_INTERVIEW_INIT;
	char id[37], *v;

	new_interview(st, NULL, id);
	assert_int_equal(store_answer_save(st, id, "q1", "a", NULL), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	assert_int_equal(store_answer_save(st, id, "q1", "b", NULL), ST_STATE);
	assert_int_equal(store_answer_get(st, id, "q1", &v), ST_OK);
	assert_string_equal(v, "a");
	free(v);

	assert_int_equal(store_answer_amend(st, id, "q1", "b"), ST_OK);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_int_equal(got.amendment, 1);
	assert_int_equal(got.status, STORE_IV_COMPLETED);

	/* Returned: editable again, each edit an amendment. */
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_RETURNED), ST_OK);
	assert_int_equal(store_answer_save(st, id, "q1", "c", "q1"), ST_OK);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_int_equal(got.amendment, 2);

	/* Read-only (reassigned): nothing may change the answers. */
	assert_int_equal(store_interview_set_readonly(st, id, "reassigned"), ST_OK);
	assert_int_equal(store_answer_save(st, id, "q1", "d", NULL), ST_STATE);
	assert_int_equal(store_answer_amend(st, id, "q1", "d"), ST_STATE);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_string_equal(got.readonly_note, "reassigned");
	assert_int_equal(store_interview_set_readonly(st, id, NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "q1", "d", NULL), ST_OK);
	store_interview_release(&got);
}

static void test_answers_replace_group(void **state)
{
	struct store *st = *state;
	struct store_answer_list set = STORE_ANSWER_LIST_INIT, l = STORE_ANSWER_LIST_INIT;
	char id[37];

	new_interview(st, NULL, id);
	assert_int_equal(store_answer_save(st, id, "members[1].name", "Ana", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members[2].name", "Luis", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members[3].name", "Eva", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, id, "members_count", "3", NULL), ST_OK);

	/* Remove member 2: members 1 and 3 become 1 and 2, in one transaction. */
	store_answer_list_add(&set, "members[1].name", "Ana", 0);
	store_answer_list_add(&set, "members[2].name", "Eva", 0);
	assert_int_equal(store_answers_replace(st, id, "members[", &set), ST_OK);
	assert_int_equal(store_answers_load(st, id, &l), ST_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].path, "members[1].name");
	assert_string_equal(l.v[1].path, "members[2].name");
	assert_string_equal(l.v[1].value, "Eva");
	assert_string_equal(l.v[2].path, "members_count");
	{
		struct store_interview got = STORE_INTERVIEW_INIT;

		assert_int_equal(iv_get(st, id, &got), ST_OK);
		assert_int_equal(got.n_answers, 3);
		store_interview_release(&got);
	}
	assert_int_equal(store_answers_replace(st, id, "", &set), ST_INVALID);
	store_answer_list_release(&set);
	store_answer_list_release(&l);
}

static void test_transactions(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT, got = STORE_INTERVIEW_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char id[37];

	/* Rolled back: neither the interview nor its outbox item exists. */
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("en");
	assert_int_equal(store_begin(st), ST_OK);
	assert_int_equal(store_begin(st), ST_STATE);
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", iv.id, "{}", NULL), ST_OK);
	store_rollback(st);
	assert_int_equal(iv_get(st, iv.id, &got), ST_NOTFOUND);
	assert_int_equal(store_outbox_list(st, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 0);

	/* A failing call inside undoes only itself. */
	new_interview(st, NULL, id);
	assert_int_equal(store_begin(st), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_DRAFT), ST_STATE);
	assert_int_equal(store_outbox_add(st, "interview", id, "{\"a\":1}", NULL), ST_OK);
	assert_int_equal(store_commit(st), ST_OK);
	assert_int_equal(store_commit(st), ST_STATE);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_COMPLETED);
	assert_int_equal(got.sync_state, STORE_OUTBOX_QUEUED);
	assert_int_equal(store_outbox_list(st, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 1);
	assert_string_equal(ob.v[0].object_id, id);
	store_outbox_list_release(&ob);
	store_interview_release(&iv);
	store_interview_release(&got);
}

static void test_referrals(void **state)
{
	struct store *st = *state;
	struct store_referral r = { 0 }, got = { 0 };
	struct store_referral_list l = STORE_REFERRAL_LIST_INIT;
	char id[37], refused[37];

	new_interview(st, NULL, id);
	r.interview_id = xstrdup(id);
	r.rule_id = xstrdup("us_cbp_one");
	r.service = xstrdup("legal_orientation");
	r.partner = xstrdup("Al Otro Lado");
	r.urgency = xstrdup("high");
	r.reason = xstrdup("Tiene cita CBP One");
	r.consent_ok = true;
	r.shared_fields = xstrdup("[\"name\",\"dob\"]");
	assert_int_equal(store_referral_add(st, &r), ST_OK);
	assert_int_equal(strlen(r.id), 36);
	assert_int_equal(r.state, STORE_REF_PENDING);

	free(r.rule_id);
	r.rule_id = xstrdup("gbv");
	r.consent_ok = false;
	r.id[0] = '\0';
	assert_int_equal(store_referral_add(st, &r), ST_OK);
	memcpy(refused, r.id, 37);

	assert_int_equal(store_referrals_load(st, id, &l), ST_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].rule_id, "us_cbp_one");
	assert_string_equal(l.v[0].partner, "Al Otro Lado");
	assert_string_equal(l.v[0].shared_fields, "[\"name\",\"dob\"]");
	assert_true(l.v[0].consent_ok);
	assert_false(l.v[1].consent_ok);

	/* Lifecycle, and no consent means it can never be sent. */
	assert_int_equal(store_referral_set_state(st, l.v[0].id, STORE_REF_SENT), ST_OK);
	assert_int_equal(store_referral_set_state(st, l.v[0].id, STORE_REF_PENDING), ST_STATE);
	assert_int_equal(store_referral_set_state(st, l.v[0].id, STORE_REF_ACCEPTED), ST_OK);
	assert_int_equal(store_referral_set_state(st, l.v[0].id, STORE_REF_CLOSED), ST_OK);
	assert_int_equal(store_referral_set_state(st, l.v[0].id, STORE_REF_REVOKED), ST_STATE);
	assert_int_equal(store_referral_set_state(st, refused, STORE_REF_SENT), ST_DENIED);
	assert_int_equal(store_referral_set_state(st, refused, STORE_REF_ACCEPTED), ST_DENIED);
	assert_true(store_ref_transition_ok(STORE_REF_PENDING, STORE_REF_ACCEPTED));
	assert_false(store_ref_transition_ok(STORE_REF_ACCEPTED, STORE_REF_SENT));
	assert_false(store_ref_transition_ok(STORE_REF_DECLINED, STORE_REF_ACCEPTED));
	assert_int_equal(ref_get(st, l.v[0].id, &got), ST_OK);
	assert_int_equal(got.state, STORE_REF_CLOSED);

	/* Re-running the rules drops only the pending ones. */
	assert_int_equal(store_referrals_clear_pending(st, id), ST_OK);
	store_referral_list_release(&l);
	assert_int_equal(store_referrals_load(st, id, &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(ref_get(st, refused, &got), ST_NOTFOUND);

	free(r.interview_id);
	r.interview_id = xstrdup("00000000-0000-4000-8000-000000000000");
	r.id[0] = '\0';
	assert_int_equal(store_referral_add(st, &r), ST_NOTFOUND);
	store_referral_release(&r);
	store_referral_release(&got);
	store_referral_list_release(&l);
}

static void test_review_records(void **state)
{
	struct store *st = *state;
	struct store_decision d = { 0 };
	struct store_comment c = { 0 };
	struct store_decision_list dl = STORE_DECISION_LIST_INIT;
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	char id[37], *longtext;

	new_interview(st, NULL, id);
	d.interview_id = xstrdup(id);
	d.kind = xstrdup("return");
	d.author = xstrdup("supervisor");
	d.text = xstrdup("Revise la sección 3");
	assert_int_equal(store_decision_add(st, &d), ST_OK);
	/* The same feed entry again is recognised, not recorded twice. */
	assert_int_equal(store_decision_add(st, &d), ST_EXISTS);

	c.interview_id = xstrdup(id);
	c.decision_id = xstrdup(d.id);
	c.path = xstrdup("journey.date_left");
	c.author = xstrdup("supervisor");
	c.text = xstrdup("La fecha no coincide");
	assert_int_equal(store_comment_add(st, &c), ST_OK);

	longtext = xmalloc(STORE_COMMENT_MAX + 2);
	memset(longtext, 'x', STORE_COMMENT_MAX + 1);
	longtext[STORE_COMMENT_MAX + 1] = '\0';
	free(c.text);
	c.text = longtext;
	c.id[0] = '\0';
	assert_int_equal(store_comment_add(st, &c), ST_INVALID);
	longtext[STORE_COMMENT_MAX] = '\0';
	assert_int_equal(store_comment_add(st, &c), ST_OK);

	assert_int_equal(store_decisions_load(st, id, &dl), ST_OK);
	assert_int_equal(dl.n, 1);
	assert_string_equal(dl.v[0].kind, "return");
	assert_string_equal(dl.v[0].text, "Revise la sección 3");
	assert_string_equal(dl.v[0].id, d.id);
	assert_int_equal(store_comments_load(st, id, &cl), ST_OK);
	assert_int_equal(cl.n, 2);
	assert_string_equal(cl.v[0].path, "journey.date_left");
	assert_string_equal(cl.v[0].decision_id, d.id);
	assert_string_equal(cl.v[0].text, "La fecha no coincide");
	assert_int_equal(strlen(cl.v[1].text), STORE_COMMENT_MAX);

	store_decision_release(&d);
	store_comment_release(&c);
	store_decision_list_release(&dl);
	store_comment_list_release(&cl);
}

static void test_kv(void **state)
{
	struct store *st = *state;
	char *v;

	assert_int_equal(store_kv_get(st, "decisions.cursor", &v), ST_NOTFOUND);
	assert_int_equal(store_kv_set(st, "decisions.cursor", "41"), ST_OK);
	assert_int_equal(store_kv_set(st, "decisions.cursor", "42"), ST_OK);
	assert_int_equal(store_kv_get(st, "decisions.cursor", &v), ST_OK);
	assert_string_equal(v, "42");
	free(v);
	assert_int_equal(store_kv_set(st, "decisions.cursor", NULL), ST_OK);
	assert_int_equal(store_kv_get(st, "decisions.cursor", &v), ST_NOTFOUND);
	assert_int_equal(store_kv_set(st, "", "x"), ST_INVALID);
}

static void test_delete_interview(void **state)
{
	struct store *st = *state;
	struct store_answer_list l = STORE_ANSWER_LIST_INIT;
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	struct store_interview got = STORE_INTERVIEW_INIT;
	struct store_referral r = { 0 };
	char id[37], other[37];

	new_interview(st, NULL, id);
	new_interview(st, NULL, other);
	assert_int_equal(store_answer_save(st, id, "q", "1", NULL), ST_OK);
	assert_int_equal(store_answer_save(st, other, "q", "2", NULL), ST_OK);
	r.interview_id = xstrdup(id);
	r.rule_id = xstrdup("r");
	r.service = xstrdup("shelter");
	assert_int_equal(store_referral_add(st, &r), ST_OK);
	assert_int_equal(store_outbox_add(st, "referral", r.id, "{}", NULL), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", id, "{}", NULL), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", other, "{}", NULL), ST_OK);

	assert_int_equal(store_interview_delete(st, id), ST_OK);
	assert_int_equal(iv_get(st, id, &got), ST_NOTFOUND);
	assert_int_equal(store_answers_load(st, id, &l), ST_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_referrals_load(st, id, &rl), ST_OK);
	assert_int_equal(rl.n, 0);
	assert_int_equal(store_outbox_list(st, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 1);
	assert_string_equal(ob.v[0].object_id, other);
	assert_int_equal(store_answers_load(st, other, &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(store_interview_delete(st, id), ST_NOTFOUND);

	store_answer_list_release(&l);
	store_referral_list_release(&rl);
	store_outbox_list_release(&ob);
	store_referral_release(&r);
	store_interview_release(&got);
}

/* The supervisor's copy: created by import, then replaced whole. */
static void test_interview_import(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT, got = STORE_INTERVIEW_INIT;
	struct store_answer_list set = STORE_ANSWER_LIST_INIT, l = STORE_ANSWER_LIST_INIT;
	char other[37];

	new_interview(st, NULL, other);
	strcpy(iv.id, "5b0c7c2e-6f7a-4a43-9a55-0d6b1c2f3e4d");
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023.1");
	iv.language = xstrdup("es");
	iv.status = STORE_IV_SUBMITTED;
	iv.meta = xstrdup("{\"urgency\":\"high\",\"caseworker\":\"dev-7\"}");
	store_answer_list_add(&set, "consent", "yes", 1699999000);
	store_answer_list_add(&set, "members[1].age", "4", 0);
	assert_int_equal(store_interview_import(st, &iv, &set), ST_OK);
	assert_int_equal(iv.seq, 2);
	assert_int_equal(iv_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_SUBMITTED);
	assert_string_equal(got.meta, "{\"urgency\":\"high\",\"caseworker\":\"dev-7\"}");
	assert_int_equal(got.n_answers, 2);
	assert_int_equal(store_answers_load(st, iv.id, &l), ST_OK);
	assert_int_equal(l.v[0].changed, 1699999000);
	assert_int_equal(l.v[1].changed, T0);
	store_answer_list_release(&l);

	/* Again with fewer answers and a new status: same seq, answers replaced. */
	store_answer_list_release(&set);
	store_answer_list_add(&set, "consent", "no", 0);
	iv.status = STORE_IV_APPROVED;
	iv.seq = 0;
	assert_int_equal(store_interview_import(st, &iv, &set), ST_OK);
	assert_int_equal(iv.seq, 2);
	assert_int_equal(store_answers_load(st, iv.id, &l), ST_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].value, "no");
	assert_int_equal(iv_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_APPROVED);

	/* The default metadata, and changing it. */
	assert_int_equal(iv_get(st, other, &got), ST_OK);
	assert_string_equal(got.meta, "{}");
	assert_int_equal(store_interview_set_meta(st, other, "{\"flags\":[\"uasc\"]}"), ST_OK);
	assert_int_equal(iv_get(st, other, &got), ST_OK);
	assert_string_equal(got.meta, "{\"flags\":[\"uasc\"]}");

	iv.id[0] = '\0';
	assert_int_equal(store_interview_import(st, &iv, &set), ST_INVALID);
	store_answer_list_release(&set);
	store_answer_list_release(&l);
	store_interview_release(&iv);
	store_interview_release(&got);
}

/* A crossed amendment and decision: both values kept until resolved. */
static void test_conflicts(void **state)
{
	struct store *st = *state;
	struct store_conflict c = { 0 }, s2 = { 0 };
	struct store_conflict_list l = STORE_CONFLICT_LIST_INIT;
	struct store_interview got = STORE_INTERVIEW_INIT;
	char id[37], *v;

	new_interview(st, NULL, id);
	assert_int_equal(store_answer_save(st, id, "journey.left", "2023-04-01", NULL), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	c.interview_id = xstrdup(id);
	c.path = xstrdup("journey.left");
	c.local_value = xstrdup("2023-04-01");
	c.remote_value = xstrdup("2023-03-01");
	assert_int_equal(store_conflict_add(st, &c), ST_OK);
	s2.interview_id = xstrdup(id);
	s2.path = xstrdup("");
	s2.local_value = xstrdup("resubmitted");
	s2.remote_value = xstrdup("approved");
	assert_int_equal(store_conflict_add(st, &s2), ST_OK);

	assert_int_equal(store_conflicts_load(st, id, true, &l), ST_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].remote_value, "2023-03-01");
	assert_null(l.v[0].resolution);
	assert_int_equal(l.v[0].resolved, 0);
	store_conflict_list_release(&l);

	assert_int_equal(store_conflict_resolve(st, c.id, "2023-03-01", "sideways"), ST_INVALID);
	assert_int_equal(store_conflict_resolve(st, c.id, "2023-03-01", "remote"), ST_OK);
	assert_int_equal(store_conflict_resolve(st, c.id, "2023-04-01", "local"), ST_STATE);
	assert_int_equal(store_answer_get(st, id, "journey.left", &v), ST_OK);
	assert_string_equal(v, "2023-03-01");
	free(v);
	assert_int_equal(iv_get(st, id, &got), ST_OK);
	assert_int_equal(got.amendment, 1);
	assert_int_equal(store_conflict_resolve(st, s2.id, NULL, "other"), ST_OK);

	assert_int_equal(store_conflicts_load(st, id, true, &l), ST_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_conflicts_load(st, NULL, false, &l), ST_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].resolution, "remote");
	assert_int_equal(l.v[0].resolved, T0);
	assert_string_equal(l.v[1].resolution, "other");

	free(c.interview_id);
	c.interview_id = xstrdup("00000000-0000-4000-8000-000000000000");
	assert_int_equal(store_conflict_add(st, &c), ST_NOTFOUND);
	assert_int_equal(store_conflict_resolve(st, "nope", NULL, "local"), ST_NOTFOUND);
	store_conflict_release(&c);
	store_conflict_release(&s2);
	store_conflict_list_release(&l);
	store_interview_release(&got);
}

/* Missing arguments are refused with a status, never a crash. */
static void test_null_arguments(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_referral r = { 0 };
	struct store_decision d = { 0 };
	struct store_comment c = { 0 };
	struct store_conflict cf = { 0 };
	char *v;

	assert_int_not_equal(store_interview_create(st, &iv), ST_OK);
	assert_int_not_equal(store_interview_set_status(st, NULL, STORE_IV_COMPLETED), ST_OK);
	assert_int_not_equal(store_interview_set_position(st, NULL, NULL, 0, 0), ST_OK);
	assert_int_not_equal(store_interview_set_language(st, NULL, NULL), ST_OK);
	assert_int_not_equal(store_interview_delete(st, NULL), ST_OK);
	assert_int_not_equal(store_answer_save(st, NULL, "q", "v", NULL), ST_OK);
	assert_int_not_equal(store_answer_save(st, NULL, NULL, NULL, NULL), ST_OK);
	assert_int_not_equal(store_answer_get(st, NULL, NULL, &v), ST_OK);
	assert_int_not_equal(store_answers_replace(st, NULL, NULL, NULL), ST_OK);
	assert_int_not_equal(store_referral_add(st, &r), ST_OK);
	assert_int_not_equal(store_referral_set_state(st, NULL, STORE_REF_SENT), ST_OK);
	assert_int_not_equal(store_decision_add(st, &d), ST_OK);
	assert_int_not_equal(store_comment_add(st, &c), ST_OK);
	assert_int_not_equal(store_conflict_add(st, &cf), ST_OK);
	assert_int_not_equal(store_conflict_resolve(st, NULL, NULL, NULL), ST_OK);
	assert_int_not_equal(store_outbox_add(st, NULL, NULL, NULL, NULL), ST_OK);
	assert_int_not_equal(store_outbox_mark_sending(st, NULL), ST_OK);
	assert_int_not_equal(store_outbox_retry(st, NULL), ST_OK);
	assert_int_not_equal(store_kv_get(st, NULL, &v), ST_OK);
	assert_int_not_equal(store_kv_set(st, NULL, NULL), ST_OK);
	assert_int_not_equal(store_audit_add(st, NULL, NULL, NULL), ST_OK);
	assert_int_equal(store_audit_verify(st, NULL, NULL), ST_OK);
}

/* Each change leaves one audit entry; none carries a name or an answer. */
static void test_audit_records_changes(void **state)
{
	struct store *st = *state;
	struct store_audit_list al = STORE_AUDIT_LIST_INIT;
	int64_t n0, n, broken;
	size_t i;
	char id[37];

	assert_int_equal(store_audit_verify(st, &n0, &broken), ST_OK);
	new_interview(st, "CANARY-NAME-7391", id);
	assert_int_equal(store_answer_save(st, id, "story", "CANARY-ANSWER-7391", "story"), ST_OK);
	assert_int_equal(store_interview_set_respondent(st, id, "CANARY-OTHER-7391"), ST_OK);
	assert_int_equal(store_interview_set_status(st, id, STORE_IV_COMPLETED), ST_OK);
	assert_int_equal(store_audit_add(st, "summary.print", id, "summary printed"), ST_OK);
	/* A refused change leaves no entry. */
	assert_int_equal(store_answer_save(st, id, "story", "x", NULL), ST_STATE);

	assert_int_equal(store_audit_verify(st, &n, &broken), ST_OK);
	assert_int_equal(n, n0 + 5);
	assert_int_equal(store_audit_list(st, n0, 0, &al), ST_OK);
	assert_int_equal(al.n, 5);
	assert_string_equal(al.v[0].action, "interview.create");
	assert_string_equal(al.v[0].object, id);
	assert_string_equal(al.v[0].actor, "caseworker");
	assert_string_equal(al.v[1].action, "answer.save");
	assert_string_equal(al.v[1].detail, "story set");
	assert_string_equal(al.v[3].action, "interview.status");
	assert_string_equal(al.v[3].detail, "draft -> completed");
	assert_string_equal(al.v[4].action, "summary.print");
	for (i = 0; i < al.n; i++) {
		assert_null(strstr(al.v[i].detail, "CANARY"));
		assert_int_equal(al.v[i].seq, n0 + 1 + (int64_t)i);
		if (i)
			assert_string_equal(al.v[i].prev, al.v[i - 1].hash);
	}
	store_audit_list_release(&al);
	assert_int_equal(store_audit_list(st, 0, 2, &al), ST_OK);
	assert_int_equal(al.n, 2);
	store_audit_list_release(&al);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interview_create_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interview_seq_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answers_autosave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answers_after_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answers_replace_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_referrals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_review_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_interview, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interview_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_records_changes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
