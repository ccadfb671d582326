/*
 * test_review_server.c - the server's side of the referral lifecycle on an
 * in-memory database, without sockets: an administrator's partner answer
 * (srv_referral_event) is held to lc_transitions, changes the stored state
 * and feeds the owning device a "referral" entry; forbidden moves and
 * unknown ids change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/lifecycle.h"
#include "server/server.h"

#define IV "11111111-1111-4111-8111-111111111111"
#define REF "22222222-2222-4222-8222-222222222222"
#define OWNER "33333333-3333-4333-8333-333333333333"

struct feed {
	int n;
	char last[512];
};

static status_t on_entry(void *ctx, const struct sdb_entry *e)
{
	struct feed *f = ctx;

	assert_string_equal(e->kind, "referral");
	assert_string_equal(e->interview, IV);
	snprintf(f->last, sizeof(f->last), "%s", e->payload);
	f->n++;
	return ST_OK;
}

static void read_feed(struct srv *s, struct feed *f)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(s->be.ops->stream_read(s->be.impl, "d:" OWNER, 0, 100, on_entry, f),
			 ST_OK);
}

static const char *state_of(struct srv *s)
{
	static struct sdb_referral r;

	assert_int_equal(s->be.ops->referral_get(s->be.impl, REF, &r), ST_OK);
	return r.state;
}

static void test_partner_answers(void **state)
{
	struct srv s;
	struct sdb_interview iv = { IV, "t1", OWNER, "approved" };
	struct sdb_referral r = { REF, IV, "t1", OWNER, "shelter", "sent", 1 };
	struct feed f;
	char to[16];

	(void)state;
	assert_int_equal(srv_open_memory(&s), ST_OK);
	assert_int_equal(s.be.ops->interview_put(s.be.impl, &iv), ST_OK);
	assert_int_equal(s.be.ops->referral_put(s.be.impl, &r), ST_OK);

	assert_int_equal(srv_referral_event(&s, REF, "accept", to), ST_OK);
	assert_string_equal(to, "accepted");
	assert_string_equal(state_of(&s), "accepted");
	read_feed(&s, &f);
	assert_int_equal(f.n, 1);
	assert_non_null(strstr(f.last, "\"status\":\"accepted\""));
	assert_non_null(strstr(f.last, "\"referral\":\"" REF "\""));

	/* The table forbids these: nothing changes, nothing is fed. */
	assert_int_equal(srv_referral_event(&s, REF, "accept", to), ST_STATE);
	assert_int_equal(srv_referral_event(&s, REF, "decline", to), ST_STATE);
	assert_null(lc_find(LC_REFERRAL, "accepted", "decline", LC_SERVER));
	assert_int_equal(srv_referral_event(&s, REF, "revoke", to), ST_STATE);	/* not the server's */
	assert_int_equal(srv_referral_event(&s, "44444444-4444-4444-8444-444444444444", "close", to),
			 ST_NOTFOUND);
	assert_string_equal(state_of(&s), "accepted");
	read_feed(&s, &f);
	assert_int_equal(f.n, 1);

	assert_int_equal(srv_referral_event(&s, REF, "close", to), ST_OK);
	assert_string_equal(state_of(&s), "closed");
	assert_int_equal(srv_referral_event(&s, REF, "close", to), ST_STATE);	/* final */
	read_feed(&s, &f);
	assert_int_equal(f.n, 2);
	assert_non_null(strstr(f.last, "\"status\":\"closed\""));
	srv_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partner_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
