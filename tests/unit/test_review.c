/*
 * test_review.c - supervisor review over an in-memory store: the queue
 * sorts by urgency then age and filters by status, caseworker, form and
 * flag; decisions are checked against the lifecycle table, recorded with
 * their comments and queued in the outbox in one go; a return needs a
 * comment and respects the length limits; the caseworker gets the latest
 * return's comments by question, and returned interviews come first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "app/review.h"
#include "proto/lifecycle.h"
#include "store/data.h"
#include "util/util.h"

static struct app *new_app(void)
{
	struct app_options ao = { 0 };
	struct app *app = app_new(&ao);

	assert_int_equal(app_unlock(app, ""), ST_OK);
	return app;
}

/* An interview as the review queue imports it: status and meta. */
static void add_iv(struct app *app, char id[37], const char *form, enum store_iv_status status,
		   const char *meta)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_answer_list ans = STORE_ANSWER_LIST_INIT;

	uuid_v4(iv.id);
	iv.form_id = xstrdup(form);
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	iv.status = status;
	iv.meta = xstrdup(meta);
	store_answer_list_add(&ans, "consent", "yes", 1);
	store_answer_list_add(&ans, "age", "140", 1);
	assert_int_equal(store_interview_import(app->store, &iv, &ans), ST_OK);
	memcpy(id, iv.id, 37);
	store_interview_release(&iv);
	store_answer_list_release(&ans);
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

static const char *shown_id(const struct app_review_queue *q, size_t i)
{
	return q->items[q->shown[i]].iv.id;
}

static void test_queue_order_and_filters(void **state)
{
	struct app *app = new_app();
	struct app_review_queue q = APP_REVIEW_QUEUE_INIT;
	struct app_review_filter f = APP_REVIEW_FILTER_INIT;
	char old_normal[37], new_high[37], old_high[37], low[37], done[37], draft[37];

	(void)state;
	add_iv(app, new_high, "intake", STORE_IV_SUBMITTED,
	       "{\"urgency\":\"high\",\"received\":300,\"caseworker\":\"aaaa-1\",\"flags\":[\"gbv\"]}");
	add_iv(app, old_normal, "intake", STORE_IV_SUBMITTED,
	       "{\"urgency\":\"normal\",\"received\":100,\"caseworker\":\"bbbb-2\"}");
	add_iv(app, low, "followup", STORE_IV_RESUBMITTED,
	       "{\"urgency\":\"low\",\"received\":50,\"caseworker\":\"aaaa-1\"}");
	add_iv(app, old_high, "intake", STORE_IV_COMPLETED,
	       "{\"urgency\":\"high\",\"received\":200,\"caseworker\":\"bbbb-2\",\"flags\":[\"minor\",\"gbv\"]}");
	add_iv(app, done, "intake", STORE_IV_APPROVED, "{\"received\":10}");
	add_iv(app, draft, "intake", STORE_IV_DRAFT, "not json");

	assert_int_equal(app_review_queue_load(app, &q), ST_OK);
	assert_int_equal(q.n_items, 6);
	app_review_queue_apply(&q, NULL);
	/* Waiting only; high before normal before low; oldest first within. */
	assert_int_equal(q.n_shown, 4);
	assert_string_equal(shown_id(&q, 0), old_high);
	assert_string_equal(shown_id(&q, 1), new_high);
	assert_string_equal(shown_id(&q, 2), old_normal);
	assert_string_equal(shown_id(&q, 3), low);

	f.caseworker = "aaaa";
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 2);
	assert_string_equal(shown_id(&q, 0), new_high);
	assert_string_equal(shown_id(&q, 1), low);

	f.caseworker = NULL;
	f.flag = "gbv";
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 2);
	f.flag = "minor";
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 1);
	assert_string_equal(shown_id(&q, 0), old_high);

	f.flag = NULL;
	f.form = "followup";
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 1);
	assert_string_equal(shown_id(&q, 0), low);

	f.form = NULL;
	f.status = STORE_IV_APPROVED;
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 1);
	assert_string_equal(shown_id(&q, 0), done);

	f.status = -1;
	f.all = true;
	app_review_queue_apply(&q, &f);
	assert_int_equal(q.n_shown, 6);
	/* next skips the decided ones and wraps around. */
	{
		size_t i, approved_at = 0, nxt;
		for (i = 0; i < q.n_shown; i++)
			if (!strcmp(shown_id(&q, i), done))
				approved_at = i;
		nxt = app_review_queue_next(&q, approved_at == 0 ? q.n_shown - 1 : approved_at - 1);
		assert_true(app_review_waiting(q.items[q.shown[nxt]].iv.status));
	}
	app_review_queue_release(&q);
	app_free(app);
}

static void test_return_then_approve(void **state)
{
	struct app *app = new_app();
	struct app_review_draft d = APP_REVIEW_DRAFT_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	struct store_decision_list dl = STORE_DECISION_LIST_INIT;
	char id[37], big[LC_COMMENT_MAX + 2];

	(void)state;
	add_iv(app, id, "intake", STORE_IV_SUBMITTED, "{}");

	/* A return must say what to fix. */
	assert_int_equal(app_review_decide(app, id, "return", NULL), ST_INVALID);
	assert_int_equal(app_review_decide(app, id, "return", &d), ST_INVALID);
	assert_int_equal(app_review_decide(app, id, "delete", &d), ST_INVALID);

	/* Limits: refused when typed, nothing stored. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(app_review_draft_comment(&d, big), ST_INVALID);
	big[LC_QUESTION_COMMENT_MAX + 1] = 0;
	assert_int_equal(app_review_draft_note(&d, "age", big), ST_INVALID);
	assert_int_equal(app_review_draft_note(&d, "", "x"), ST_INVALID);

	assert_int_equal(app_review_draft_note(&d, "age", "Age 140?"), ST_OK);
	assert_int_equal(app_review_draft_note(&d, "consent", "asked?"), ST_OK);
	assert_int_equal(app_review_draft_note(&d, "consent", NULL), ST_OK);	/* removed */
	assert_null(app_review_draft_get(&d, "consent"));
	assert_string_equal(app_review_draft_get(&d, "age"), "Age 140?");
	assert_int_equal(app_review_draft_comment(&d, "Please check the age."), ST_OK);
	assert_int_equal(app_review_decide(app, id, "return", &d), ST_OK);
	assert_int_equal(status_of(app, id), STORE_IV_RETURNED);

	/* Recorded and queued together. */
	assert_int_equal(store_decisions_load(app->store, id, &dl), ST_OK);
	assert_int_equal(dl.n, 1);
	assert_string_equal(dl.v[0].kind, "return");
	assert_string_equal(dl.v[0].text, "Please check the age.");
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 1);
	assert_string_equal(ob.v[0].kind, "decision");
	assert_string_equal(ob.v[0].object_id, id);
	assert_string_equal(ob.v[0].payload,
			    "{\"action\":\"return\",\"comment\":\"Please check the age.\","
			    "\"comments\":{\"age\":\"Age 140?\"}}");
	store_outbox_list_release(&ob);

	/* The caseworker's view: the overall comment, then per question. */
	assert_int_equal(app_review_comments(app, id, &cl), ST_OK);
	assert_int_equal(cl.n, 2);
	assert_string_equal(app_review_comment_at(&cl, ""), "Please check the age.");
	assert_string_equal(app_review_comment_at(&cl, "age"), "Age 140?");
	assert_null(app_review_comment_at(&cl, "consent"));
	store_comment_list_release(&cl);

	/* Returned: the supervisor cannot approve until it is resubmitted. */
	assert_int_equal(app_review_decide(app, id, "approve", NULL), ST_STATE);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_RESUBMITTED), ST_OK);
	assert_int_equal(app_review_decide(app, id, "approve", NULL), ST_OK);
	assert_int_equal(status_of(app, id), STORE_IV_APPROVED);
	/* Final. */
	assert_int_equal(app_review_decide(app, id, "return", &d), ST_STATE);
	assert_int_equal(app_review_decide(app, id, "escalate", NULL), ST_STATE);
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 2);
	assert_string_equal(ob.v[1].payload, "{\"action\":\"approve\"}");
	store_outbox_list_release(&ob);

	/* After approval the caseworker still sees the last return's notes. */
	assert_int_equal(app_review_comments(app, id, &cl), ST_OK);
	assert_int_equal(cl.n, 2);
	store_comment_list_release(&cl);

	/* Every transition is in the audit trail, with ids and states only. */
	{
		static const char *const want[] = {
			"submitted -> returned", "returned -> resubmitted",
			"resubmitted -> approved",
		};
		struct store_audit_list al = STORE_AUDIT_LIST_INIT;
		size_t i, k = 0, decisions = 0, comments = 0;

		assert_int_equal(store_audit_list(app->store, 0, 100000, &al), ST_OK);
		for (i = 0; i < al.n; i++) {
			const struct store_audit_entry *e = &al.v[i];
			assert_null(strstr(e->detail ? e->detail : "", "Please check"));
			assert_null(strstr(e->detail ? e->detail : "", "Age 140"));
			if (!strcmp(e->action, "interview.status") && !strcmp(e->object, id) &&
			    k < ARRAY_SIZE(want) && !strcmp(e->detail, want[k]))
				k++;
			decisions += !strcmp(e->action, "decision.add");
			comments += !strcmp(e->action, "comment.add");
		}
		assert_int_equal(k, ARRAY_SIZE(want));	/* all three, in order */
		assert_int_equal(decisions, 2);
		assert_int_equal(comments, 1);		/* age's; the overall one is the decision's */
		store_audit_list_release(&al);
	}

	store_decision_list_release(&dl);
	app_review_draft_release(&d);
	app_free(app);
}

static void test_escalate(void **state)
{
	struct app *app = new_app();
	struct app_review_queue q = APP_REVIEW_QUEUE_INIT;
	char a[37], b[37];

	(void)state;
	add_iv(app, a, "intake", STORE_IV_SUBMITTED, "{\"received\":1,\"urgency\":\"high\"}");
	add_iv(app, b, "intake", STORE_IV_SUBMITTED, "{\"received\":2,\"urgency\":\"low\"}");
	assert_int_equal(app_review_decide(app, b, "escalate", NULL), ST_OK);
	/* The device has no escalated status: it stays submitted, marked. */
	assert_int_equal(status_of(app, b), STORE_IV_SUBMITTED);
	/* Escalated twice is refused by the table. */
	assert_int_equal(app_review_decide(app, b, "escalate", NULL), ST_STATE);
	assert_int_equal(app_review_queue_load(app, &q), ST_OK);
	app_review_queue_apply(&q, NULL);
	assert_int_equal(q.n_shown, 2);
	assert_true(q.items[q.shown[1]].escalated);
	assert_string_equal(shown_id(&q, 1), b);	/* high now; a is older */
	assert_int_equal(q.items[q.shown[1]].urgency, APP_URG_HIGH);
	assert_int_equal(app_review_decide(app, b, "approve", NULL), ST_OK);
	assert_int_equal(status_of(app, b), STORE_IV_APPROVED);
	/* A draft is never reviewable; an unknown id is not found. */
	assert_int_equal(app_review_decide(app, "00000000-0000-4000-8000-000000000000",
					   "approve", NULL), ST_NOTFOUND);
	app_review_queue_release(&q);
	app_free(app);
}

/* A read-only (reassigned) interview takes no decision. */
static void test_readonly_refused(void **state)
{
	struct app *app = new_app();
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char a[37];

	(void)state;
	add_iv(app, a, "intake", STORE_IV_SUBMITTED, "{}");
	assert_int_equal(store_interview_set_readonly(app->store, a, "reassigned"), ST_OK);
	assert_int_equal(app_review_decide(app, a, "approve", NULL), ST_STATE);
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	assert_int_equal(ob.n, 0);
	store_outbox_list_release(&ob);
	app_free(app);
}

/* After approval the consented, delivered referrals are sent; no others. */
static void test_settle_referrals(void **state)
{
	struct app *app = new_app();
	struct store_referral refs[3];
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	char id[37], out_id[37];
	size_t n, i;

	(void)state;
	add_iv(app, id, "intake", STORE_IV_SUBMITTED, "{}");
	for (i = 0; i < 3; i++) {
		memset(&refs[i], 0, sizeof(refs[i]));
		refs[i].interview_id = id;
		refs[i].rule_id = (char *)"legal";
		refs[i].service = (char *)"legal_orientation";
		refs[i].partner = (char *)"";
		refs[i].urgency = (char *)"normal";
		refs[i].reason = (char *)"";
		refs[i].shared_fields = (char *)"[]";
		refs[i].consent_ok = i != 1;	/* #1: consent refused */
		assert_int_equal(store_referral_add(app->store, &refs[i]), ST_OK);
	}
	/* #0 and #1 queued and delivered (#1 never would be; the check must not
	 * rely on that), #2 still queued. */
	for (i = 0; i < 3; i++) {
		char *pl = xasprintf("{\"referral\":\"%s\"}", refs[i].id);
		assert_int_equal(store_outbox_add(app->store, "referral", id, pl, out_id), ST_OK);
		if (i < 2)
			assert_int_equal(store_outbox_mark_delivered(app->store, out_id, "r-1"), ST_OK);
		free(pl);
	}
	/* Not approved yet: nothing moves. */
	assert_int_equal(app_review_settle_referrals(app, &n), ST_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_APPROVED), ST_OK);
	assert_int_equal(app_review_settle_referrals(app, &n), ST_OK);
	assert_int_equal(n, 1);
	{
		struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
		assert_int_equal(store_referrals_load(app->store, id, &rl), ST_OK);
		assert_int_equal(rl.n, 3);
		for (i = 0; i < rl.n; i++) {
			enum store_ref_state want = !strcmp(rl.v[i].id, refs[0].id) ?
				STORE_REF_SENT : STORE_REF_PENDING;
			assert_int_equal(rl.v[i].state, want);
		}
		store_referral_list_release(&rl);
	}
	/* Again: harmless. */
	assert_int_equal(app_review_settle_referrals(app, &n), ST_OK);
	assert_int_equal(n, 0);
	store_outbox_list_release(&ob);
	app_free(app);
}

/* One consented referral on interview id, in state `to` (through the store). */
static void add_ref(struct app *app, const char *id, struct store_referral *r)
{
	memset(r, 0, sizeof(*r));
	r->interview_id = (char *)id;
	r->rule_id = (char *)"legal";
	r->service = (char *)"legal_orientation";
	r->partner = (char *)"";
	r->urgency = (char *)"normal";
	r->reason = (char *)"";
	r->shared_fields = (char *)"[]";
	r->consent_ok = true;
	assert_int_equal(store_referral_add(app->store, r), ST_OK);
}

static enum store_ref_state ref_state(struct app *app, const char *id)
{
	struct store_referral r;
	enum store_ref_state s;

	assert_int_equal(store_referral_get(app->store, id, &r), ST_OK);
	s = r.state;
	store_referral_release(&r);
	return s;
}

/* Outbox items of kind referral: how many, and how many carry a revoke. */
static size_t count_referral_items(struct app *app, size_t *revokes)
{
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	size_t i, n = 0;

	*revokes = 0;
	assert_int_equal(store_outbox_list(app->store, 0, &ob), ST_OK);
	for (i = 0; i < ob.n; i++)
		if (!strcmp(ob.v[i].kind, "referral")) {
			n++;
			*revokes += strstr(ob.v[i].payload, "\"event\":\"revoke\"") != NULL;
		}
	store_outbox_list_release(&ob);
	return n;
}

/*
 * Consent withdrawn: a pending referral (held, or queued and not yet
 * delivered) is revoked and never leaves; a sent or accepted one is
 * revoked and the server is told; final states refuse, as the table says.
 */
static void test_revoke(void **state)
{
	struct app *app = new_app();
	struct store_referral held, queued, sent, accepted, declined;
	char id[37];
	size_t revokes;
	const struct lc_transition *t;

	(void)state;
	add_iv(app, id, "intake", STORE_IV_SUBMITTED, "{}");
	add_ref(app, id, &held);
	assert_int_equal(app_review_referral_hold(app->store, held.id, "{\"service\":\"x\"}"),
			 ST_OK);
	add_ref(app, id, &queued);
	add_ref(app, id, &sent);
	add_ref(app, id, &accepted);
	add_ref(app, id, &declined);
	{
		char *pl = xasprintf("{\"referral\":\"%s\",\"service\":\"x\"}", queued.id);
		assert_int_equal(store_outbox_add(app->store, "referral", queued.id, pl, NULL), ST_OK);
		free(pl);
	}
	assert_int_equal(store_referral_set_state(app->store, sent.id, STORE_REF_SENT), ST_OK);
	assert_int_equal(store_referral_set_state(app->store, accepted.id, STORE_REF_ACCEPTED), ST_OK);
	assert_int_equal(store_referral_set_state(app->store, declined.id, STORE_REF_DECLINED), ST_OK);
	assert_int_equal(count_referral_items(app, &revokes), 1);

	/* Pending and held: revoked, the held payload dropped, nothing queued. */
	assert_int_equal(app_review_revoke(app, held.id), ST_OK);
	assert_int_equal(ref_state(app, held.id), STORE_REF_REVOKED);
	assert_int_equal(store_interview_set_status(app->store, id, STORE_IV_APPROVED), ST_OK);
	{
		size_t n = 9;
		assert_int_equal(app_review_queue_approved(app->store, &n), ST_OK);
		assert_int_equal(n, 0);	/* the revoked one is not queued on approval */
	}
	/* Pending, queued, not delivered: the item is withdrawn, never sent. */
	assert_int_equal(app_review_revoke(app, queued.id), ST_OK);
	assert_int_equal(ref_state(app, queued.id), STORE_REF_REVOKED);
	assert_int_equal(count_referral_items(app, &revokes), 0);
	/* Sent, accepted: revoked here and a revoke item for the server. */
	assert_int_equal(app_review_revoke(app, sent.id), ST_OK);
	assert_int_equal(app_review_revoke(app, accepted.id), ST_OK);
	assert_int_equal(ref_state(app, sent.id), STORE_REF_REVOKED);
	assert_int_equal(ref_state(app, accepted.id), STORE_REF_REVOKED);
	assert_int_equal(count_referral_items(app, &revokes), 2);
	assert_int_equal(revokes, 2);
	/* The table forbids it from declined and from revoked: ST_STATE, nothing queued. */
	t = lc_find(LC_REFERRAL, "declined", "revoke", 0);
	assert_null(t);
	assert_int_equal(app_review_revoke(app, declined.id), ST_STATE);
	assert_int_equal(app_review_revoke(app, sent.id), ST_STATE);
	assert_int_equal(ref_state(app, declined.id), STORE_REF_DECLINED);
	assert_int_equal(count_referral_items(app, &revokes), 2);
	assert_int_equal(app_review_revoke(app, "00000000-0000-4000-8000-000000000000"),
			 ST_NOTFOUND);
	app_free(app);
}

/* Deleting an interview takes the referral payloads held for it along. */
static void test_delete_drops_held(void **state)
{
	struct app *app = new_app();
	struct store_referral r;
	char id[37], *key, *v = NULL;

	(void)state;
	add_iv(app, id, "intake", STORE_IV_SUBMITTED, "{}");
	add_ref(app, id, &r);
	assert_int_equal(app_review_referral_hold(app->store, r.id, "{\"fields\":\"Ana\"}"),
			 ST_OK);
	key = xasprintf("referral.held.%s", r.id);
	assert_int_equal(store_kv_get(app->store, key, &v), ST_OK);
	free(v);
	v = NULL;
	assert_int_equal(store_interview_delete(app->store, id), ST_OK);
	assert_int_equal(store_kv_get(app->store, key, &v), ST_NOTFOUND);
	free(v);
	free(key);
	app_free(app);
}

static void test_returned_first(void **state)
{
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;
	static const enum store_iv_status in[] = {
		STORE_IV_DRAFT, STORE_IV_RETURNED, STORE_IV_APPROVED, STORE_IV_RETURNED,
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		ALLOC_GROW(l.v, l.n + 1, l.alloc);
		store_interview_init(&l.v[l.n]);
		l.v[l.n].status = in[i];
		l.v[l.n].seq = (int64_t)i + 1;
		l.n++;
	}
	app_review_returned_first(&l);
	assert_int_equal(l.v[0].seq, 2);
	assert_int_equal(l.v[1].seq, 4);
	assert_int_equal(l.v[2].seq, 1);
	assert_int_equal(l.v[3].seq, 3);
	store_interview_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_order_and_filters),
		cmocka_unit_test(test_return_then_approve),
		cmocka_unit_test(test_escalate),
		cmocka_unit_test(test_readonly_refused),
		cmocka_unit_test(test_settle_referrals),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_delete_drops_held),
		cmocka_unit_test(test_returned_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
