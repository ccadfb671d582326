/*
 * test_lifecycle.c - the one transition table (src/proto/lifecycle.c) must
 * match docs/review.md row for row, and the store's own status checks
 * (store_iv_transition_ok, store_ref_transition_ok) must allow exactly what
 * the table allows, so device, server and document cannot drift apart.
 * Tests run from the top of the tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/lifecycle.h"
#include "store/data.h"
#include "util/util.h"

static const char *actor_words(unsigned a, char *buf, size_t n)
{
	static const struct { unsigned bit; const char *word; } words[] = {
		{ LC_CASEWORKER, "caseworker" },
		{ LC_SUPERVISOR, "supervisor" },
		{ LC_SERVER, "server" },
	};
	size_t i;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (a & words[i].bit)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s",
				 buf[0] ? ", " : "", words[i].word);
	return buf;
}

/* Each row of the table is in the doc; the doc has no extra rows. */
static void test_doc_matches_table(void **state)
{
	char *doc = file_read_all("docs/review.md", NULL);
	size_t i, doc_rows = 0;
	const char *p;

	(void)state;
	assert_non_null(doc);
	for (i = 0; i < lc_n_transitions; i++) {
		const struct lc_transition *t = &lc_transitions[i];
		char who[64], *row;
		row = xasprintf("| %s | %s | %s | %s |\n", t->from, t->event, t->to,
				actor_words(t->actors, who, sizeof(who)));
		if (!strstr(doc, row))
			fail_msg("docs/review.md has no row: %s", row);
		free(row);
	}
	/* Count the transition rows in the doc: lines of 4 cells after a
	 * "| from | event | to | who |" header. */
	for (p = doc; (p = strstr(p, "| from | event | to | who |\n")); ) {
		p = strchr(p, '\n') + 1;
		p = strchr(p, '\n') + 1;	/* |------| */
		while (*p == '|') {
			doc_rows++;
			p = strchr(p, '\n') + 1;
		}
	}
	assert_int_equal(doc_rows, lc_n_transitions);
	free(doc);
}

/* The store's interview status matrix allows exactly the table's moves
 * among the statuses the device keeps (escalated is server-side). */
static void test_store_interview_agrees(void **state)
{
	int from, to;

	(void)state;
	for (from = 0; from < STORE_IV_N_STATUS; from++)
		for (to = 0; to < STORE_IV_N_STATUS; to++) {
			const char *f = store_iv_status_name((enum store_iv_status)from);
			const char *t = store_iv_status_name((enum store_iv_status)to);
			bool lc = from != to && lc_allows(LC_INTERVIEW, f, t);
			if (lc != store_iv_transition_ok((enum store_iv_status)from,
							 (enum store_iv_status)to))
				fail_msg("interview %s -> %s: table %d, store %d", f, t, lc, !lc);
		}
	for (from = 0; from < STORE_IV_N_STATUS; from++)
		assert_true(lc_is_state(LC_INTERVIEW,
					store_iv_status_name((enum store_iv_status)from)));
}

static void test_store_referral_agrees(void **state)
{
	int from, to;

	(void)state;
	for (from = 0; from < STORE_REF_N_STATES; from++)
		for (to = 0; to < STORE_REF_N_STATES; to++) {
			const char *f = store_ref_state_name((enum store_ref_state)from);
			const char *t = store_ref_state_name((enum store_ref_state)to);
			/* The device may catch up one skipped step (lifecycle.h). */
			int steps = lc_steps(LC_REFERRAL, f, t);
			bool lc = steps > 0 && steps <= LC_REFERRAL_CATCH_UP;
			if (lc != store_ref_transition_ok((enum store_ref_state)from,
							  (enum store_ref_state)to))
				fail_msg("referral %s -> %s: table %d, store %d", f, t, lc, !lc);
		}
}

static void test_find_and_actors(void **state)
{
	const struct lc_transition *t;
	char buf[128];

	(void)state;
	t = lc_find(LC_INTERVIEW, "submitted", "return", LC_SUPERVISOR);
	assert_non_null(t);
	assert_string_equal(t->to, "returned");
	/* A caseworker cannot approve their own interview. */
	assert_null(lc_find(LC_INTERVIEW, "submitted", "approve", LC_CASEWORKER));
	assert_non_null(lc_find(LC_INTERVIEW, "submitted", "approve", 0));
	/* Nothing leaves approved; nothing returns a draft. */
	assert_null(lc_find(LC_INTERVIEW, "approved", "return", 0));
	assert_null(lc_find(LC_INTERVIEW, "draft", "approve", 0));
	assert_null(lc_find(LC_INTERVIEW, "escalated", "escalate", 0));
	assert_null(lc_find(LC_INTERVIEW, NULL, "approve", 0));
	assert_null(lc_find(LC_INTERVIEW, "submitted", "bogus", 0));
	/* The machines are separate: "send" is a referral event. */
	assert_null(lc_find(LC_INTERVIEW, "pending", "send", 0));
	t = lc_find(LC_REFERRAL, "pending", "send", LC_SERVER);
	assert_non_null(t);
	assert_string_equal(t->to, "sent");
	assert_null(lc_find(LC_REFERRAL, "declined", "revoke", 0));
	assert_null(lc_find(LC_REFERRAL, "sent", "accept", LC_CASEWORKER));

	assert_string_equal(lc_refusal(LC_INTERVIEW, "approved", "return", buf, sizeof(buf)),
			    "the interview is approved; it cannot take 'return'");
	assert_string_equal(lc_feed_kind("approve"), "approved");
	assert_string_equal(lc_feed_kind("return"), "returned");
	assert_string_equal(lc_feed_kind("escalate"), "escalated");
	assert_null(lc_feed_kind("delete"));
	assert_null(lc_feed_kind(NULL));

	assert_int_equal(lc_steps(LC_REFERRAL, "pending", "pending"), 0);
	assert_int_equal(lc_steps(LC_REFERRAL, "pending", "sent"), 1);
	assert_int_equal(lc_steps(LC_REFERRAL, "pending", "accepted"), 2);
	assert_int_equal(lc_steps(LC_REFERRAL, "pending", "closed"), 3);
	assert_int_equal(lc_steps(LC_REFERRAL, "closed", "pending"), -1);
	assert_int_equal(lc_steps(LC_INTERVIEW, "draft", "approved"), 2);
	assert_int_equal(lc_steps(LC_INTERVIEW, "approved", "returned"), -1);
	assert_int_equal(lc_steps(LC_INTERVIEW, NULL, "returned"), -1);
}

/* Final states have no way out; every other state has one, and every
 * state but the first of each machine is reachable. */
static void test_finals_and_reachability(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < lc_n_transitions; i++) {
		const struct lc_transition *t = &lc_transitions[i];
		bool reached = false;
		assert_false(lc_is_final(t->machine, t->from));
		assert_true(t->actors != 0);
		assert_true(t->why && *t->why);
		for (j = 0; j < lc_n_transitions; j++)
			if (lc_transitions[j].machine == t->machine &&
			    !strcmp(lc_transitions[j].to, t->from))
				reached = true;
		if (strcmp(t->from, "draft") && strcmp(t->from, "pending"))
			assert_true(reached);
		/* (from, event) is unique: one answer to "what does X do now". */
		for (j = i + 1; j < lc_n_transitions; j++)
			assert_false(lc_transitions[j].machine == t->machine &&
				     !strcmp(lc_transitions[j].from, t->from) &&
				     !strcmp(lc_transitions[j].event, t->event));
	}
	assert_true(lc_is_final(LC_INTERVIEW, "approved"));
	assert_true(lc_is_final(LC_REFERRAL, "closed"));
	assert_true(lc_is_final(LC_REFERRAL, "revoked"));
	assert_false(lc_is_final(LC_INTERVIEW, "returned"));
	assert_true(lc_is_state(LC_INTERVIEW, "escalated"));
	assert_false(lc_is_state(LC_INTERVIEW, "sent"));
	assert_false(lc_is_state(LC_REFERRAL, NULL));
}

/* The limits in the header are the ones the store enforces. */
static void test_limits(void **state)
{
	(void)state;
	assert_int_equal(LC_COMMENT_MAX, STORE_COMMENT_MAX);
	assert_true(LC_QUESTION_COMMENT_MAX <= LC_COMMENT_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_matches_table),
		cmocka_unit_test(test_store_interview_agrees),
		cmocka_unit_test(test_store_referral_agrees),
		cmocka_unit_test(test_find_and_actors),
		cmocka_unit_test(test_finals_and_reachability),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
