/*
 * test_store_data_random.c - thousands of random data API calls (seeded,
 * so a failure repeats) against a few interviews, checking after every
 * batch what must always hold: each interview's answer count and sync
 * state (kept by triggers) match the rows they summarise, every successful
 * change left exactly one audit entry and a refused one none, and the
 * audit chain is intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/data.h"
#include "store/store.h"
#include "util/util.h"

#define N_IV 6
#define N_OPS 3000

struct model {
	struct store *st;
	char iv[N_IV][37];
	bool alive[N_IV];
	int64_t audit;		/* entries expected */
	uint64_t rng;
};

static uint32_t rnd(struct model *m, uint32_t n)
{
	/* xorshift64*: small, seeded, the same on every machine. */
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return (uint32_t)((m->rng * 2685821657736338717ULL) >> 33) % n;
}

static void new_iv(struct model *m, int k)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	assert_int_equal(store_interview_create(m->st, &iv), ST_OK);
	memcpy(m->iv[k], iv.id, 37);
	m->alive[k] = true;
	m->audit++;
	store_interview_release(&iv);
}

/* An outbox item about interview k, picked at random (or none). */
static bool pick_item(struct model *m, int k, char id[37])
{
	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	size_t i, n = 0;
	bool found = false;

	assert_int_equal(store_outbox_list(m->st, 0, &l), ST_OK);
	for (i = 0; i < l.n; i++)
		n += !strcmp(l.v[i].object_id, m->iv[k]);
	if (n) {
		size_t want = rnd(m, (uint32_t)n);

		for (i = 0; i < l.n; i++)
			if (!strcmp(l.v[i].object_id, m->iv[k]) && want-- == 0) {
				memcpy(id, l.v[i].id, 37);
				found = true;
				break;
			}
	}
	store_outbox_list_release(&l);
	return found;
}

static void one_op(struct model *m)
{
	int k = (int)rnd(m, N_IV);
	const char *iv = m->iv[k];
	char path[32], value[32], item[37];
	status_t s = ST_OK;
	uint32_t op = rnd(m, 11);

	if (!m->alive[k]) {
		new_iv(m, k);
		return;
	}
	snprintf(path, sizeof(path), "members[%u].q%u", 1 + rnd(m, 3), rnd(m, 4));
	snprintf(value, sizeof(value), "v%u", rnd(m, 1000));
	switch (op) {
	case 0: case 1: case 2:
		s = store_answer_save(m->st, iv, path, rnd(m, 5) ? value : NULL, path);
		break;
	case 3:
		s = store_answer_amend(m->st, iv, path, value);
		break;
	case 4: {
		struct store_answer_list set = STORE_ANSWER_LIST_INIT;
		unsigned i, n = rnd(m, 4);

		for (i = 1; i <= n; i++) {
			snprintf(path, sizeof(path), "members[%u].q0", i);
			store_answer_list_add(&set, path, value, 0);
		}
		s = store_answers_replace(m->st, iv, "members[", &set);
		store_answer_list_release(&set);
		break;
	}
	case 5: case 6:
		s = store_outbox_add(m->st, rnd(m, 2) ? "interview" : "amendment", iv, value, NULL);
		break;
	case 7:
		if (!pick_item(m, k, item))
			return;
		switch (rnd(m, 5)) {
		case 0: s = store_outbox_mark_sending(m->st, item); break;
		case 1: s = store_outbox_mark_delivered(m->st, item, "r"); break;
		case 2: s = store_outbox_mark_failed(m->st, item, "cut", 0); break;
		case 3: s = store_outbox_quarantine(m->st, item, "rejected"); break;
		default: s = store_outbox_retry(m->st, item); break;
		}
		break;
	case 8: {
		struct store_interview cur = STORE_INTERVIEW_INIT;
		enum store_iv_status to = (enum store_iv_status)rnd(m, STORE_IV_N_STATUS);

		assert_int_equal(store_interview_get(m->st, iv, &cur), ST_OK);
		s = store_interview_set_status(m->st, iv, to);
		if (s == ST_OK && cur.status == to)
			m->audit--;	/* the same status again writes nothing */
		store_interview_release(&cur);
		break;
	}
	case 9:
		if (rnd(m, 4))
			return;
		s = store_interview_delete(m->st, iv);
		m->alive[k] = false;
		break;
	default: {
		struct store_interview cp = STORE_INTERVIEW_INIT;
		struct store_answer_list set = STORE_ANSWER_LIST_INIT;

		memcpy(cp.id, iv, 37);
		cp.form_id = xstrdup("intake");
		cp.form_version = xstrdup("2");
		cp.language = xstrdup("en");
		cp.status = (enum store_iv_status)rnd(m, STORE_IV_N_STATUS);
		store_answer_list_add(&set, "consent", value, 0);
		s = store_interview_import(m->st, &cp, &set);
		store_answer_list_release(&set);
		store_interview_release(&cp);
		break;
	}
	}
	/* Refusals (a status the machine forbids, an edit after completion)
	 * are expected; anything else is a bug. */
	if (s == ST_OK)
		m->audit++;
	else
		assert_int_equal(s, ST_STATE);
}

static void check_invariants(struct model *m)
{
	struct store_interview_list l = STORE_INTERVIEW_LIST_INIT;
	struct store_outbox_list ob = STORE_OUTBOX_LIST_INIT;
	size_t i, j;
	int64_t n;

	assert_int_equal(store_interviews_list(m->st, 0, &l), ST_OK);
	assert_int_equal(store_outbox_list(m->st, 0, &ob), ST_OK);
	for (i = 0; i < l.n; i++) {
		struct store_answer_list al = STORE_ANSWER_LIST_INIT;
		int sync = STORE_SYNC_NONE;

		assert_int_equal(store_answers_load(m->st, l.v[i].id, &al), ST_OK);
		assert_int_equal(l.v[i].n_answers, (int)al.n);
		store_answer_list_release(&al);
		for (j = 0; j < ob.n; j++)
			if (!strcmp(ob.v[j].object_id, l.v[i].id))
				sync = (int)ob.v[j].state;	/* queue order: last wins */
		assert_int_equal(l.v[i].sync_state, sync);
	}
	assert_int_equal(store_audit_verify(m->st, &n, NULL), ST_OK);
	assert_int_equal(n, m->audit);
	store_interview_list_release(&l);
	store_outbox_list_release(&ob);
}

static void test_random_calls(void **state)
{
	struct model m;
	int i;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.rng = 0x5e4da2026ULL;
	setenv("SENDA_NOW", "1700000000", 1);
	assert_int_equal(store_open_memory(&m.st), ST_OK);
	assert_int_equal(store_audit_verify(m.st, &m.audit, NULL), ST_OK);
	for (i = 0; i < N_IV; i++)
		new_iv(&m, i);
	for (i = 1; i <= N_OPS; i++) {
		one_op(&m);
		if (i % 100 == 0)
			check_invariants(&m);
	}
	store_close(m.st);
	unsetenv("SENDA_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
