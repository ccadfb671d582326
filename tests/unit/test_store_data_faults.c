/*
 * test_store_data_faults.c - the data API on a real encrypted store while
 * the disk misbehaves beneath it: an I/O error, a torn write, or a power
 * cut at every write of an answer save and of finishing an interview
 * (status, referral and outbox item in one transaction).  After reopening,
 * each change is all or nothing, its audit entry is there exactly when the
 * change is, every change that reported success is kept, and the audit
 * chain is intact.
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
#include "store/vfs.h"
#include "util/util.h"

#define PASS "fault test passphrase"

static const struct store_open_opts opts = { { 64, 1 }, 2000 };

struct fix {
	char dir[256];
	char iv[37];
};

static status_t reopen(struct fix *f, struct store **st)
{
	return store_open(f->dir, PASS, strlen(PASS), false, &opts, st);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct store_interview iv = STORE_INTERVIEW_INIT;
	char recovery[STORE_RECOVERY_KEY_LEN];
	const char *tmp = getenv("TMPDIR");
	struct store *st = NULL;

	snprintf(f->dir, sizeof(f->dir), "%s/datafaultXXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (store_create(f->dir, PASS, strlen(PASS), &opts, recovery, &st) != ST_OK)
		return -1;
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	if (store_interview_create(st, &iv) != ST_OK)
		return -1;
	memcpy(f->iv, iv.id, sizeof(f->iv));
	store_interview_release(&iv);
	store_close(st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	vfs_fault_set(VFS_FAULT_OFF, 0);
	if (system(cmd))
		(void)0;
	free(cmd);
	free(f);
	return 0;
}

/*
 * One change under test: prepare (outside the fault), run (under it), and
 * applied (after reopening: did the change land?).  ctx carries ids.
 */
struct change {
	void (*prepare)(struct store *st, struct fix *f, long n, char ctx[37]);
	status_t (*run)(struct store *st, struct fix *f, long n, const char ctx[37]);
	bool (*applied)(struct store *st, struct fix *f, long n, const char ctx[37]);
	int64_t audit_entries;	/* a successful run appends this many */
};

static void no_prepare(struct store *st, struct fix *f, long n, char ctx[37])
{
	(void)st; (void)f; (void)n;
	ctx[0] = '\0';
}

static status_t save_run(struct store *st, struct fix *f, long n, const char ctx[37])
{
	char value[32];

	(void)ctx;
	snprintf(value, sizeof(value), "value %ld", n);
	return store_answer_save(st, f->iv, "fault.q", value, "fault.q");
}

static bool save_applied(struct store *st, struct fix *f, long n, const char ctx[37])
{
	char want[32], *v = NULL;
	bool ok;

	(void)ctx;
	snprintf(want, sizeof(want), "value %ld", n);
	ok = store_answer_get(st, f->iv, "fault.q", &v) == ST_OK && !strcmp(v, want);
	free(v);
	return ok;
}

static const struct change save_change = { no_prepare, save_run, save_applied, 1 };

/* A fresh draft to finish, made before the fault is armed. */
static void finish_prepare(struct store *st, struct fix *f, long n, char ctx[37])
{
	struct store_interview iv = STORE_INTERVIEW_INIT;

	(void)f; (void)n;
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("en");
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	memcpy(ctx, iv.id, 37);
	store_interview_release(&iv);
}

static status_t finish_run(struct store *st, struct fix *f, long n, const char ctx[37])
{
	struct store_referral r = { 0 };
	status_t s;

	(void)f; (void)n;
	if ((s = store_begin(st)))
		return s;
	r.interview_id = xstrdup(ctx);
	r.rule_id = xstrdup("shelter");
	r.service = xstrdup("shelter");
	r.consent_ok = true;
	if (!(s = store_interview_set_status(st, ctx, STORE_IV_COMPLETED)) &&
	    !(s = store_referral_add(st, &r)) &&
	    !(s = store_outbox_add(st, "interview", ctx, "{\"done\":true}", NULL)))
		s = store_commit(st);
	if (s)
		store_rollback(st);
	store_referral_release(&r);
	return s;
}

static bool finish_applied(struct store *st, struct fix *f, long n, const char ctx[37])
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	bool completed;

	(void)f; (void)n;
	assert_int_equal(store_interview_get(st, ctx, &iv), ST_OK);
	assert_int_equal(store_referrals_load(st, ctx, &rl), ST_OK);
	completed = iv.status == STORE_IV_COMPLETED;
	/* The three parts land together or not at all. */
	assert_int_equal(rl.n, completed ? 1 : 0);
	assert_int_equal(iv.sync_state, completed ? STORE_OUTBOX_QUEUED : STORE_SYNC_NONE);
	store_interview_release(&iv);
	store_referral_list_release(&rl);
	return completed;
}

static const struct change finish_change = { finish_prepare, finish_run, finish_applied, 3 };

static int64_t audit_count(struct store *st)
{
	int64_t n = -1;

	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	return n;
}

/* Run the change once per write it makes, the fault at that write. */
static void fault_every_write(struct fix *f, const struct change *c, enum vfs_fault_mode mode)
{
	struct store *st = NULL;
	long writes, at;
	char ctx[37];
	int failures = 0;

	assert_int_equal(reopen(f, &st), ST_OK);
	c->prepare(st, f, 0, ctx);
	vfs_fault_set(VFS_FAULT_OFF, 0);
	assert_int_equal(c->run(st, f, 0, ctx), ST_OK);
	writes = vfs_fault_count();
	store_close(st);
	assert_true(writes >= 2);

	for (at = 1; at <= writes; at++) {
		int64_t before, after;
		status_t rc;
		bool applied;

		assert_int_equal(reopen(f, &st), ST_OK);
		c->prepare(st, f, at, ctx);
		before = audit_count(st);
		vfs_fault_set(mode, at);
		rc = c->run(st, f, at, ctx);
		vfs_fault_set(VFS_FAULT_OFF, 0);
		store_close(st);

		assert_int_equal(reopen(f, &st), ST_OK);
		assert_int_equal(store_check(st), ST_OK);
		after = audit_count(st);
		applied = c->applied(st, f, at, ctx);
		if (rc == ST_OK)
			assert_true(applied);
		else
			failures++;
		assert_int_equal(after, before + (applied ? c->audit_entries : 0));
		store_close(st);
	}
	/* The faults did reach the change. */
	assert_true(failures > 0);
}

static void test_save_io_error(void **state)
{
	fault_every_write(*state, &save_change, VFS_FAULT_ERROR);
}

static void test_save_torn_write(void **state)
{
	fault_every_write(*state, &save_change, VFS_FAULT_TORN);
}

static void test_save_power_cut(void **state)
{
	fault_every_write(*state, &save_change, VFS_FAULT_CRASH);
}

static void test_finish_io_error(void **state)
{
	fault_every_write(*state, &finish_change, VFS_FAULT_ERROR);
}

static void test_finish_power_cut(void **state)
{
	fault_every_write(*state, &finish_change, VFS_FAULT_CRASH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_torn_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_power_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish_power_cut, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
