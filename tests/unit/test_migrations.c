/*
 * test_migrations.c - the schema migrations: the compiled-in list is
 * numbered without gaps, a new store (version 0) reaches the newest
 * version, and a store left by every earlier version (built here with that
 * version's SQL and the data each version wrote) upgrades with its data
 * intact and works with the current data API.  A store from a newer senda is refused.
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
#include "store/schema.h"
#include "store/store.h"
#include "util/util.h"

#define IV1 "11111111-1111-4111-8111-111111111111"

static int setup(void **state)
{
	struct store *st = NULL;

	setenv("SENDA_NOW", "1700000000", 1);
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

static int version_of(struct store *st)
{
	int v = -1;

	assert_int_equal(store_schema_version(st, &v), ST_OK);
	return v;
}

static void test_list_numbered(void **state)
{
	unsigned i;

	(void)state;
	assert_true(store_n_migrations >= 2);
	for (i = 0; i < store_n_migrations; i++) {
		char prefix[16];

		assert_int_equal(store_migrations[i].version, (int)i + 1);
		snprintf(prefix, sizeof(prefix), "%04u_", i + 1);
		assert_true(str_starts_with(store_migrations[i].name, prefix));
		assert_non_null(strstr(store_migrations[i].sql, "CREATE"));
	}
	assert_int_equal(store_schema_latest(), (int)store_n_migrations);
	assert_string_equal(store_migrations[0].name, "0001_init");
}

static void test_open_memory_is_latest(void **state)
{
	assert_int_equal(version_of(*state), store_schema_latest());
}

/* Some data of every kind the current API knows, then read it back. */
static void use_everything(struct store *st, const char *iv_id)
{
	struct store_comment c = { 0 };
	struct store_conflict cf = { 0 };
	struct store_decision_list dl = STORE_DECISION_LIST_INIT;
	char *v;

	assert_int_equal(store_answer_save(st, iv_id, "fresh", "1", "fresh"), ST_OK);
	assert_int_equal(store_answer_get(st, iv_id, "fresh", &v), ST_OK);
	free(v);
	c.interview_id = xstrdup(iv_id);
	c.author = xstrdup("supervisor");
	c.text = xstrdup("ok");
	assert_int_equal(store_comment_add(st, &c), ST_OK);
	assert_int_equal(store_decisions_load(st, iv_id, &dl), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", iv_id, "{}", NULL), ST_OK);
	cf.interview_id = xstrdup(iv_id);
	cf.path = xstrdup("fresh");
	cf.remote_value = xstrdup("2");
	assert_int_equal(store_conflict_add(st, &cf), ST_OK);
	assert_int_equal(store_interview_set_meta(st, iv_id, "{\"urgency\":\"high\"}"), ST_OK);
	assert_int_equal(store_kv_set(st, "cursor", "1"), ST_OK);
	assert_int_equal(store_audit_verify(st, NULL, NULL), ST_OK);
	store_comment_release(&c);
	store_conflict_release(&cf);
	store_decision_list_release(&dl);
}

/* Version 0 (a brand-new database) to the newest. */
static void test_upgrade_from_0(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_audit_list al = STORE_AUDIT_LIST_INIT;
	int64_t n;

	assert_int_equal(store_schema_reset_for_test(st), ST_OK);
	assert_int_equal(version_of(st), 0);
	assert_int_equal(store_migrate(st), ST_OK);
	assert_int_equal(version_of(st), store_schema_latest());

	/* One audit entry per migration, chained from the start. */
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_int_equal(n, store_schema_latest());
	assert_int_equal(store_audit_list(st, 0, 0, &al), ST_OK);
	assert_string_equal(al.v[0].action, "schema.migrate");
	assert_string_equal(al.v[0].detail, "0001_init (version 0 -> 1)");
	store_audit_list_release(&al);

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	use_everything(st, iv.id);

	/* Migrating again changes nothing. */
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_int_equal(store_migrate(st), ST_OK);
	{
		int64_t n2;

		assert_int_equal(store_audit_verify(st, &n2, NULL), ST_OK);
		assert_int_equal(n2, n);
	}
	store_interview_release(&iv);
}

/* Stepwise: 0 -> 1 leaves version-2 tables absent. */
static void test_migrate_to_step(void **state)
{
	struct store *st = *state;

	assert_int_equal(store_schema_reset_for_test(st), ST_OK);
	assert_int_equal(store_migrate_to(st, 1), ST_OK);
	assert_int_equal(version_of(st), 1);
	assert_int_not_equal(store_schema_exec_for_test(st, "SELECT count(*) FROM decisions"),
			     ST_OK);
	assert_int_equal(store_migrate(st), ST_OK);
	assert_int_equal(store_schema_exec_for_test(st, "SELECT count(*) FROM decisions"),
			 ST_OK);
}

/*
 * A store as senda with schema version 1 left it: an interview in draft
 * and one completed, answers, a referral, queued and delivered outbox
 * items, a sync cursor and an audit trail written by that version.
 */
static const char store_v1_data[] =
	"INSERT INTO interviews (id, form_id, form_version, language, status, respondent, "
	"  position, progress_done, progress_total, created, updated) VALUES "
	"  ('" IV1 "', 'intake', '2023.1', 'es', 'draft', 'Ana', 'journey.origin', 3, 20, "
	"   1690000000, 1690000100),"
	"  ('22222222-2222-4222-8222-222222222222', 'intake', '2023.1', 'en', 'completed', "
	"   NULL, NULL, 20, 20, 1690000200, 1690000300);"
	"INSERT INTO answers VALUES ('" IV1 "', 'consent', 'yes', 1690000010),"
	"  ('" IV1 "', 'members[1].age', '9', 1690000020);"
	"INSERT INTO referrals (id, interview_id, rule_id, service, consent_ok, state, created, "
	"  updated) VALUES ('33333333-3333-4333-8333-333333333333', '" IV1 "', 'shelter', "
	"  'shelter', 1, 'pending', 1690000030, 1690000030);"
	"INSERT INTO outbox (id, kind, object_id, payload, hash, state, created, delivered, "
	"  receipt) VALUES ('44444444-4444-4444-8444-444444444444', 'interview', "
	"  '22222222-2222-4222-8222-222222222222', '{}', "
	"  '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'delivered', "
	"  1690000300, 1690000400, 'r-1');"
	"INSERT INTO kv VALUES ('decisions.cursor', '17');";

/* Rows that use what version 2 added: a return decision with a comment. */
static const char store_v2_data[] =
	"INSERT INTO decisions (id, interview_id, kind, author, text, created) VALUES "
	"  ('55555555-5555-4555-8555-555555555555', '22222222-2222-4222-8222-222222222222', "
	"   'return', 'supervisor', 'see q3', 1690000500);"
	"INSERT INTO comments (id, interview_id, decision_id, path, author, text, created) "
	"  VALUES ('66666666-6666-4666-8666-666666666666', '22222222-2222-4222-8222-222222222222', "
	"  '55555555-5555-4555-8555-555555555555', 'journey.left', 'supervisor', 'date?', "
	"  1690000500);"
	"UPDATE interviews SET amendment = 2, status = 'returned' "
	"  WHERE id = '22222222-2222-4222-8222-222222222222';";

/* Version 3: metadata for the queue and an open conflict. */
static const char store_v3_data[] =
	"UPDATE interviews SET meta = '{\"urgency\":\"high\"}' WHERE id = '" IV1 "';"
	"INSERT INTO conflicts (id, interview_id, path, local_value, remote_value, created) "
	"  VALUES ('77777777-7777-4777-8777-777777777777', '" IV1 "', 'consent', 'yes', "
	"  'no', 1690000600);";

/* fixtures[v]: data a senda at schema version v wrote, valid from v on. */
static const char *const fixtures[] = {
	NULL, store_v1_data, store_v2_data, store_v3_data,
};

/*
 * Build a store as the senda with schema `version` left it (its tables and
 * the data of every version up to it), upgrade it, and check that all of
 * it is still there and the current API works on it.
 */
static void upgrade_from(struct store *st, int version)
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct store_answer_list al = STORE_ANSWER_LIST_INIT;
	struct store_referral_list rl = STORE_REFERRAL_LIST_INIT;
	struct store_outbox_list ol = STORE_OUTBOX_LIST_INIT;
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	int64_t n_before, n_after;
	char *v;
	int i;

	assert_int_equal(store_schema_reset_for_test(st), ST_OK);
	assert_int_equal(store_migrate_to(st, version), ST_OK);
	assert_int_equal(version_of(st), version);
	for (i = 1; i <= version && i < (int)(sizeof(fixtures) / sizeof(fixtures[0])); i++)
		assert_int_equal(store_schema_exec_for_test(st, fixtures[i]), ST_OK);
	assert_int_equal(store_audit_verify(st, &n_before, NULL), ST_OK);

	assert_int_equal(store_migrate(st), ST_OK);
	assert_int_equal(version_of(st), store_schema_latest());

	assert_int_equal(store_interview_get(st, IV1, &iv), ST_OK);
	assert_int_equal(iv.seq, 1);
	assert_string_equal(iv.respondent, "Ana");
	assert_string_equal(iv.position, "journey.origin");
	assert_int_equal(iv.progress_done, 3);
	assert_int_equal(iv.status, STORE_IV_DRAFT);
	assert_int_equal(iv.amendment, 0);
	assert_null(iv.readonly_note);
	assert_string_equal(iv.meta, version >= 3 ? "{\"urgency\":\"high\"}" : "{}");
	assert_int_equal(iv.n_answers, 2);
	store_interview_release(&iv);
	assert_int_equal(store_interview_get_seq(st, 2, &iv), ST_OK);
	assert_int_equal(iv.status, version >= 2 ? STORE_IV_RETURNED : STORE_IV_COMPLETED);
	assert_int_equal(iv.amendment, version >= 2 ? 2 : 0);
	assert_int_equal(iv.sync_state, STORE_OUTBOX_DELIVERED);

	assert_int_equal(store_answers_load(st, IV1, &al), ST_OK);
	assert_int_equal(al.n, 2);
	assert_string_equal(al.v[1].path, "members[1].age");
	assert_string_equal(al.v[1].value, "9");
	assert_int_equal(store_referrals_load(st, IV1, &rl), ST_OK);
	assert_int_equal(rl.n, 1);
	assert_true(rl.v[0].consent_ok);
	assert_int_equal(store_outbox_list(st, 0, &ol), ST_OK);
	assert_int_equal(ol.n, 1);
	assert_string_equal(ol.v[0].receipt, "r-1");
	assert_int_equal(store_kv_get(st, "decisions.cursor", &v), ST_OK);
	assert_string_equal(v, "17");
	free(v);
	assert_int_equal(store_comments_load(st, "22222222-2222-4222-8222-222222222222", &cl),
			 ST_OK);
	assert_int_equal(cl.n, version >= 2 ? 1 : 0);
	if (cl.n)
		assert_string_equal(cl.v[0].path, "journey.left");
	{
		struct store_conflict_list fl = STORE_CONFLICT_LIST_INIT;

		assert_int_equal(store_conflicts_load(st, IV1, true, &fl), ST_OK);
		assert_int_equal(fl.n, version >= 3 ? 1 : 0);
		store_conflict_list_release(&fl);
	}

	/* The trail grew by one entry per migration applied and is intact. */
	assert_int_equal(store_audit_verify(st, &n_after, NULL), ST_OK);
	assert_int_equal(n_after, n_before + store_schema_latest() - version);

	/* New interviews continue the local numbering; new tables work. */
	store_interview_release(&iv);
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("2023.2");
	iv.language = xstrdup("fr");
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	assert_int_equal(iv.seq, 3);
	use_everything(st, IV1);

	store_interview_release(&iv);
	store_answer_list_release(&al);
	store_referral_list_release(&rl);
	store_outbox_list_release(&ol);
	store_comment_list_release(&cl);
}

/* Every version a store may have been left at, 1 .. latest-1. */
static void test_upgrade_from_every_version(void **state)
{
	int version;

	/* A new migration needs a fixture for the version before it. */
	assert_true((int)(sizeof(fixtures) / sizeof(fixtures[0])) >= store_schema_latest());
	for (version = 1; version < store_schema_latest(); version++)
		upgrade_from(*state, version);
}

static void test_newer_store_refused(void **state)
{
	struct store *st = *state;
	char *sql = xasprintf("PRAGMA user_version = %d", store_schema_latest() + 1);

	assert_int_equal(store_schema_exec_for_test(st, sql), ST_OK);
	free(sql);
	assert_int_equal(store_migrate(st), ST_STATE);
	assert_non_null(strstr(st_detail(ST_STATE), "newer"));
}

/* A store whose version lies (tables already there) fails, changing nothing. */
static void test_failed_migration_rolls_back(void **state)
{
	struct store *st = *state;

	assert_int_equal(store_schema_exec_for_test(st, "PRAGMA user_version = 1"), ST_OK);
	assert_int_not_equal(store_migrate(st), ST_OK);
	assert_int_equal(version_of(st), 1);
	assert_int_equal(store_schema_exec_for_test(st, "SELECT count(*) FROM decisions"), ST_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_numbered),
		cmocka_unit_test_setup_teardown(test_open_memory_is_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_to_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_every_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_store_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
