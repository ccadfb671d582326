/*
 * test_store_data_outbox.c - the outbox state machine sync relies on
 * (ids and content hashes, due times, attempts, quarantine and retry,
 * recovery after a crash) and the audit trail's tamper detection: a
 * changed, removed, reordered or cut-off entry is named by number.
 *
 * Also what the outbox writes in the audit trail, and what that costs on
 * the wire: every sync pass leaves two entries per item (outbox.sending,
 * outbox.delivered) that travel to the server with the next pass
 * (src/sync/audit_out.c), so they name the item by its queue number
 * ("#N"), which gzip packs into a few bytes; only outbox.add names the
 * UUID, tying the two together.  Issue 7's goal of at most 400 wire bytes
 * per referral in steady use depends on it (`make bench-sync`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/proto.h"
#include "store/data.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/util.h"

#define T0 1700000000LL

static int setup(void **state)
{
	struct store *st = NULL;

	setenv("SENDA_NOW", "1700000000", 1);
	store_set_actor("sync");
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

/* get into a struct that may hold an earlier item */
static status_t ob_get(struct store *st, const char *id, struct store_outbox_item *it)
{
	store_outbox_item_release(it);
	return store_outbox_get(st, id, it);
}

static void test_outbox_add_hash(void **state)
{
	struct store *st = *state;
	struct store_outbox_item it = { 0 };
	char id[37];

	assert_int_equal(store_outbox_add(st, "referral", "ref-1", "abc", id), ST_OK);
	assert_int_equal(strlen(id), 36);
	assert_int_equal(ob_get(st, id, &it), ST_OK);
	assert_string_equal(it.id, id);
	assert_int_equal(it.seq, 1);
	assert_string_equal(it.kind, "referral");
	assert_string_equal(it.object_id, "ref-1");
	assert_string_equal(it.payload, "abc");
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	assert_string_equal(it.hash,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(it.state, STORE_OUTBOX_QUEUED);
	assert_int_equal(it.attempts, 0);
	assert_int_equal(it.created, T0);
	assert_int_equal(it.delivered, 0);
	assert_null(it.receipt);
	assert_null(it.last_error);

	assert_int_equal(store_outbox_add(st, "", "x", "{}", NULL), ST_INVALID);
	assert_int_equal(store_outbox_add(st, "x", "x", NULL, NULL), ST_INVALID);
	store_outbox_item_release(&it);
}

static void test_outbox_lifecycle(void **state)
{
	struct store *st = *state;
	struct store_outbox_list due = STORE_OUTBOX_LIST_INIT;
	struct store_outbox_item it = { 0 };
	int64_t counts[STORE_OUTBOX_N_STATES];
	char a[37], b[37], c[37];

	assert_int_equal(store_outbox_add(st, "interview", "iv-a", "{\"n\":1}", a), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", "iv-b", "{\"n\":2}", b), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", "iv-c", "{\"n\":3}", c), ST_OK);

	assert_int_equal(store_outbox_due(st, T0, 2, &due), ST_OK);
	assert_int_equal(due.n, 2);
	assert_string_equal(due.v[0].id, a);
	assert_string_equal(due.v[1].id, b);
	store_outbox_list_release(&due);

	/* a fails and waits; b is delivered; c is quarantined. */
	assert_int_equal(store_outbox_mark_sending(st, a), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, a), ST_STATE);
	assert_int_equal(store_outbox_mark_failed(st, a, "connection reset", T0 + 60), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, b), ST_OK);
	assert_int_equal(store_outbox_mark_delivered(st, b, "rcpt-77"), ST_OK);
	assert_int_equal(store_outbox_mark_delivered(st, b, "rcpt-78"), ST_STATE);
	assert_int_equal(store_outbox_mark_failed(st, b, "late", T0), ST_STATE);
	assert_int_equal(store_outbox_quarantine(st, c, "rejected: field dob"), ST_OK);

	assert_int_equal(store_outbox_due(st, T0, 0, &due), ST_OK);
	assert_int_equal(due.n, 0);
	assert_int_equal(store_outbox_due(st, T0 + 60, 0, &due), ST_OK);
	assert_int_equal(due.n, 1);
	assert_string_equal(due.v[0].id, a);
	assert_int_equal(due.v[0].attempts, 1);
	assert_string_equal(due.v[0].last_error, "connection reset");
	store_outbox_list_release(&due);

	assert_int_equal(ob_get(st, b, &it), ST_OK);
	assert_int_equal(it.state, STORE_OUTBOX_DELIVERED);
	assert_string_equal(it.receipt, "rcpt-77");
	assert_int_equal(it.delivered, T0);
	assert_int_equal(it.attempts, 1);

	assert_int_equal(store_outbox_counts(st, counts), ST_OK);
	assert_int_equal(counts[STORE_OUTBOX_QUEUED], 1);
	assert_int_equal(counts[STORE_OUTBOX_SENDING], 0);
	assert_int_equal(counts[STORE_OUTBOX_DELIVERED], 1);
	assert_int_equal(counts[STORE_OUTBOX_QUARANTINED], 1);

	/* Ledger by state; retry by id prefix and by queue number. */
	assert_int_equal(store_outbox_list(st, STORE_OUTBOX_BIT(STORE_OUTBOX_QUARANTINED), &due),
			 ST_OK);
	assert_int_equal(due.n, 1);
	assert_string_equal(due.v[0].last_error, "rejected: field dob");
	store_outbox_list_release(&due);
	assert_int_equal(store_outbox_retry(st, a), ST_STATE);
	{
		char prefix[9];

		memcpy(prefix, c, 8);
		prefix[8] = '\0';
		assert_int_equal(store_outbox_retry(st, prefix), ST_OK);
	}
	assert_int_equal(ob_get(st, "3", &it), ST_OK);
	assert_string_equal(it.id, c);
	assert_int_equal(it.state, STORE_OUTBOX_QUEUED);
	assert_int_equal(ob_get(st, "abc", &it), ST_INVALID);
	assert_int_equal(ob_get(st, "99", &it), ST_NOTFOUND);
	assert_int_equal(ob_get(st, "ffffffff-ffff", &it), ST_NOTFOUND);
	store_outbox_item_release(&it);
}

/* A crash while sending: the item goes back to the queue, same id and hash. */
static void test_outbox_recover(void **state)
{
	struct store *st = *state;
	struct store_outbox_item before = { 0 }, after = { 0 };
	int64_t n;
	char a[37];

	assert_int_equal(store_outbox_add(st, "referral", "r", "{\"x\":true}", a), ST_OK);
	assert_int_equal(store_outbox_get(st, a, &before), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, a), ST_OK);
	assert_int_equal(store_outbox_recover(st, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_outbox_get(st, a, &after), ST_OK);
	assert_int_equal(after.state, STORE_OUTBOX_QUEUED);
	assert_string_equal(after.hash, before.hash);
	assert_int_equal(after.attempts, 1);
	assert_int_equal(store_outbox_recover(st, &n), ST_OK);
	assert_int_equal(n, 0);
	store_outbox_item_release(&before);
	store_outbox_item_release(&after);
}

/* The case list shows the state of an interview's newest outbox item. */
static void test_interview_sync_state(void **state)
{
	struct store *st = *state;
	struct store_interview iv = STORE_INTERVIEW_INIT, got = STORE_INTERVIEW_INIT;
	char first[37], second[37];

	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	assert_int_equal(store_interview_create(st, &iv), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", iv.id, "{}", first), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, first), ST_OK);
	assert_int_equal(store_interview_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.sync_state, STORE_OUTBOX_SENDING);
	store_interview_release(&got);
	assert_int_equal(store_outbox_mark_delivered(st, first, "r"), ST_OK);
	assert_int_equal(store_interview_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.sync_state, STORE_OUTBOX_DELIVERED);
	store_interview_release(&got);

	/* An amendment queued later is what the list shows... */
	assert_int_equal(store_outbox_add(st, "amendment", iv.id, "{\"a\":1}", second), ST_OK);
	assert_int_equal(store_outbox_quarantine(st, second, "rejected"), ST_OK);
	/* ...even when the older item changes afterwards. */
	assert_int_equal(store_interview_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.sync_state, STORE_OUTBOX_QUARANTINED);
	store_interview_release(&got);
	assert_int_equal(store_outbox_retry(st, second), ST_OK);
	assert_int_equal(store_interview_get(st, iv.id, &got), ST_OK);
	assert_int_equal(got.sync_state, STORE_OUTBOX_QUEUED);
	store_interview_release(&got);
	store_interview_release(&iv);
}

/* Delivered payloads can be dropped; the ledger row stays. */
static void test_outbox_prune(void **state)
{
	struct store *st = *state;
	struct store_outbox_item it = { 0 };
	char a[37], b[37];
	int64_t n;

	assert_int_equal(store_outbox_add(st, "interview", "x", "{\"name\":\"Ana\"}", a), ST_OK);
	assert_int_equal(store_outbox_add(st, "interview", "y", "{\"name\":\"Luis\"}", b), ST_OK);
	assert_int_equal(store_outbox_mark_delivered(st, a, "r-1"), ST_OK);
	assert_int_equal(store_outbox_prune(st, T0, &n), ST_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_outbox_prune(st, T0 + 1, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ob_get(st, a, &it), ST_OK);
	assert_string_equal(it.payload, "");
	assert_string_equal(it.receipt, "r-1");
	assert_int_equal(strlen(it.hash), 64);
	assert_int_equal(ob_get(st, b, &it), ST_OK);
	assert_string_equal(it.payload, "{\"name\":\"Luis\"}");
	assert_int_equal(store_outbox_prune(st, T0 + 1, &n), ST_OK);
	assert_int_equal(n, 0);
	store_outbox_item_release(&it);
}

static void test_state_names(void **state)
{
	enum store_outbox_state os;
	enum store_ref_state rs;
	unsigned i;

	(void)state;
	for (i = 0; i < STORE_OUTBOX_N_STATES; i++) {
		assert_true(store_outbox_state_parse(store_outbox_state_name(i), &os));
		assert_int_equal(os, i);
	}
	for (i = 0; i < STORE_REF_N_STATES; i++) {
		assert_true(store_ref_state_parse(store_ref_state_name(i), &rs));
		assert_int_equal(rs, i);
	}
	assert_false(store_outbox_state_parse("lost", &os));
	assert_string_equal(store_outbox_state_name(STORE_OUTBOX_QUARANTINED), "quarantined");
}

/* Ten entries to tamper with. */
static int64_t fill_audit(struct store *st)
{
	int64_t n;
	int i;

	for (i = 0; i < 10; i++)
		assert_int_equal(store_kv_set(st, "k", i % 2 ? "odd" : "even"), ST_OK);
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_true(n >= 10);
	return n;
}

static void expect_broken(struct store *st, int64_t at)
{
	int64_t n, broken;
	char want[64];

	assert_int_equal(store_audit_verify(st, &n, &broken), ST_DAMAGED);
	assert_int_equal(broken, at);
	snprintf(want, sizeof(want), "audit trail broken at entry %lld", (long long)at);
	assert_string_equal(st_detail(ST_DAMAGED), want);
}

static void test_audit_tamper_detail(void **state)
{
	struct store *st = *state;

	fill_audit(st);
	assert_int_equal(store_schema_exec_for_test(st, "UPDATE audit SET detail = 'x' "
						    "WHERE seq = 4"), ST_OK);
	expect_broken(st, 4);
}

static void test_audit_tamper_removed(void **state)
{
	struct store *st = *state;

	fill_audit(st);
	assert_int_equal(store_schema_exec_for_test(st, "DELETE FROM audit WHERE seq = 6"), ST_OK);
	expect_broken(st, 6);
}

static void test_audit_tamper_truncated(void **state)
{
	struct store *st = *state;
	int64_t n = fill_audit(st);
	char *sql = xasprintf("DELETE FROM audit WHERE seq = %lld", (long long)n);

	assert_int_equal(store_schema_exec_for_test(st, sql), ST_OK);
	free(sql);
	expect_broken(st, n);
}

static void test_audit_tamper_swapped(void **state)
{
	struct store *st = *state;

	fill_audit(st);
	assert_int_equal(store_schema_exec_for_test(st,
		"UPDATE audit SET seq = -1 WHERE seq = 7;"
		"UPDATE audit SET seq = 7 WHERE seq = 8;"
		"UPDATE audit SET seq = 8 WHERE seq = -1;"), ST_OK);
	expect_broken(st, 7);
}

/* A stored hash altered is caught at its own entry. */
static void test_audit_tamper_rehashed(void **state)
{
	struct store *st = *state;

	fill_audit(st);
	assert_int_equal(store_schema_exec_for_test(st,
		"UPDATE audit SET hash = 'ab' || substr(hash, 3) WHERE seq = 2"), ST_OK);
	expect_broken(st, 2);
}

static void test_audit_empty_intact(void **state)
{
	struct store *st = *state;
	int64_t n = -1;

	assert_int_equal(store_schema_exec_for_test(st, "DELETE FROM audit; DELETE FROM audit_head"),
			 ST_OK);
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_audit_add(st, "", "x", "y"), ST_INVALID);
	assert_int_equal(store_audit_add(st, "test.first", "x", "y"), ST_OK);
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_int_equal(n, 1);
}

/* The entries after seq `after` whose action starts with "outbox.". */
static size_t outbox_entries(struct store *st, int64_t after, struct store_audit_list *l)
{
	size_t n = 0;

	assert_int_equal(store_audit_list(st, after, 0, l), ST_OK);
	for (size_t i = 0; i < l->n; i++)
		n += !strncmp(l->v[i].action, "outbox.", 7);
	return n;
}

static void test_entries_name_queue_number(void **state)
{
	struct store *st = *state;
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	char a[37], b[37];
	int64_t n = 0;

	assert_int_equal(store_outbox_add(st, "interview", "iv-1", "{}", a), ST_OK);
	assert_int_equal(store_outbox_add(st, "referral", "iv-1", "{\"x\":1}", b), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, b), ST_OK);
	assert_int_equal(store_outbox_mark_failed(st, b, "cut", 0), ST_OK);
	assert_int_equal(store_outbox_mark_sending(st, b), ST_OK);
	assert_int_equal(store_outbox_quarantine(st, b, "rejected"), ST_OK);
	assert_int_equal(store_outbox_retry(st, b), ST_OK);
	assert_int_equal(store_outbox_mark_delivered(st, b, "r-1"), ST_OK);

	assert_int_equal(outbox_entries(st, 0, &l), 8);
	/* The store's own entries (schema.migrate) come first. */
	assert_true(l.n >= 8);
	struct store_audit_entry *e = l.v + (l.n - 8);
	/* outbox.add: the UUID, and the queue number in the detail. */
	assert_string_equal(e[0].action, "outbox.add");
	assert_string_equal(e[0].object, a);
	assert_string_equal(e[0].detail, "interview iv-1 #1");
	assert_string_equal(e[1].action, "outbox.add");
	assert_string_equal(e[1].object, b);
	assert_string_equal(e[1].detail, "referral iv-1 #2");
	/* Every state change after it: the queue number alone. */
	static const char *const actions[] = {
		"outbox.sending", "outbox.failed", "outbox.sending", "outbox.quarantine",
		"outbox.retry", "outbox.delivered",
	};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(e[2 + i].action, actions[i]);
		assert_string_equal(e[2 + i].object, "#2");
		assert_null(strstr(e[2 + i].detail, b));
	}
	assert_string_equal(e[6].detail, "quarantined -> queued");
	assert_string_equal(e[7].detail, "queued -> delivered");
	/* The number finds the item, as `senda sync retry 2` would. */
	struct store_outbox_item it = { 0 };
	assert_int_equal(store_outbox_get(st, "2", &it), ST_OK);
	assert_string_equal(it.id, b);
	store_outbox_item_release(&it);

	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);
	assert_true(n >= 8);
	store_audit_list_release(&l);
}

/*
 * The bookkeeping of 100 items sent and delivered, as an audit item's
 * payload after gzip: at most 8 bytes an entry (a UUID apiece made it
 * some 15 here, 27 in real use).
 */
static void test_bookkeeping_wire_cost(void **state)
{
	struct store *st = *state;
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	struct strbuf gz = STRBUF_INIT;
	char ids[100][37];
	int64_t mark = 0, n = 0;

	for (int i = 0; i < 100; i++)
		assert_int_equal(store_outbox_add(st, "referral", "iv-1", "{}", ids[i]), ST_OK);
	assert_int_equal(store_audit_verify(st, &mark, NULL), ST_OK);
	for (int i = 0; i < 100; i++)
		assert_int_equal(store_outbox_mark_sending(st, ids[i]), ST_OK);
	for (int i = 0; i < 100; i++)
		assert_int_equal(store_outbox_mark_delivered(st, ids[i], "r"), ST_OK);

	assert_int_equal(outbox_entries(st, mark, &l), 200);
	assert_int_equal(l.n, 200);
	struct proto_audit_entry *pe = xcalloc(l.n, sizeof(*pe));
	for (size_t i = 0; i < l.n; i++) {
		pe[i].seq = l.v[i].seq;
		pe[i].time = l.v[i].time;
		pe[i].actor = l.v[i].actor;
		pe[i].action = l.v[i].action;
		pe[i].object = l.v[i].object;
		pe[i].detail = l.v[i].detail;
	}
	char *payload = proto_audit_payload(l.v[0].prev, pe, l.n, l.v[l.n - 1].hash);
	/* What the server checks: the chain still verifies end to end. */
	char *why = proto_audit_check(payload, strlen(payload));
	assert_null(why);
	assert_int_equal(proto_gzip(payload, strlen(payload), &gz), ST_OK);
	print_message("# 200 bookkeeping entries: %zu bytes of JSON, %zu after gzip\n",
		      strlen(payload), gz.len);
	assert_true(gz.len <= 200 * 8);
	assert_int_equal(store_audit_verify(st, &n, NULL), ST_OK);

	strbuf_release(&gz);
	free(payload);
	free(pe);
	store_audit_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_add_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interview_sync_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_prune, setup, teardown),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test_setup_teardown(test_audit_tamper_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_tamper_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_tamper_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_tamper_swapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_tamper_rehashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_empty_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries_name_queue_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookkeeping_wire_cost, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
