/*
 * test_outbox_audit.c - what the outbox writes in the audit trail, and
 * what that costs on the wire.  Every sync pass leaves two entries per
 * item (outbox.sending, outbox.delivered) that travel to the server with
 * the next pass (src/sync/audit_out.c), so they name the item by its queue
 * number ("#N"), which gzip packs into a few bytes, and only outbox.add
 * names the UUID, tying the two together.  Issue 7's goal of at most 400
 * wire bytes per referral in steady use depends on it (`make bench-sync`).
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
#include "store/store.h"
#include "util/util.h"

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
		cmocka_unit_test_setup_teardown(test_entries_name_queue_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookkeeping_wire_cost, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
