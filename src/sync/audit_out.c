/*
 * audit_out.c - the device's audit trail goes to the server too (issue 7:
 * the upload carries "audit entries"), so a seized or wiped laptop does not
 * take the record of what was done on it along.
 *
 * At the start of a push, the entries after a high-water mark (kept in the
 * store's key-value table) become `audit` outbox items of up to
 * SYNC_AUDIT_PER_ITEM entries and about SYNC_AUDIT_ITEM_BYTES of payload
 * each, queued in ONE transaction with the move
 * of the mark: a crash leaves either both or neither, so every entry is
 * queued exactly once and the outbox delivers each item exactly once.
 *
 * Queuing, sending and delivering are themselves audited (outbox.*, kv.set),
 * so every pass leaves a few new entries behind.  Those alone do not make
 * an item, or every pass would send one about the pass before, for ever;
 * they go with the next real change (an interview, a decision, a print),
 * or once SYNC_AUDIT_IDLE_MAX of them wait (a laptop left syncing for
 * days): that bounds both what a pass loads and what a lost laptop takes
 * along.
 */
#include "sync/sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "store/data.h"

/* Bookkeeping entries that go even without a real change. */
#define SYNC_AUDIT_IDLE_MAX 500

/* Entries that only record the sync's own bookkeeping. */
static bool audit_is_bookkeeping(const struct store_audit_entry *e)
{
	return !strncmp(e->action, "outbox.", 7) || !strcmp(e->action, "kv.set");
}

static status_t audit_mark(struct store *st, int64_t *out)
{
	char *v = NULL;
	status_t s = store_kv_get(st, SYNC_KV_AUDIT_SENT, &v);

	*out = 0;
	if (s == ST_NOTFOUND) {
		st_clear();
		return ST_OK;
	}
	if (s == ST_OK && (!v || !parse_int64(v, out) || *out < 0))
		s = st_error(ST_DAMAGED, "the audit high-water mark '%s' is damaged",
			     SYNC_KV_AUDIT_SENT);
	free(v);
	return s;
}

/* An upper bound on a string's bytes in the payload (JSON_ENSURE_ASCII). */
static size_t json_bytes(const char *s)
{
	size_t n = 2;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p >= 0x80 || *p < 0x20 ? 6 : *p == '"' || *p == '\\' ? 2 : 1;
	return n;
}

/* How many of v[0..n) go in the next item: the count and the byte bounds. */
static size_t audit_run(const struct store_audit_entry *v, size_t n)
{
	size_t k = 0, bytes = 0;

	while (k < n && k < SYNC_AUDIT_PER_ITEM) {
		bytes += 32 + json_bytes(v[k].actor) + json_bytes(v[k].action) +
			json_bytes(v[k].object) + json_bytes(v[k].detail);
		if (k && bytes > SYNC_AUDIT_ITEM_BYTES)
			break;
		k++;
	}
	return k;
}

/* Queue entries v[0..n) as one audit item. */
static status_t audit_queue_one(struct store *st, const struct store_audit_entry *v, size_t n)
{
	struct proto_audit_entry *pe = xcalloc(n, sizeof(*pe));

	for (size_t i = 0; i < n; i++) {
		/* Borrowed, not copied: pe lives only as long as this call. */
		pe[i].seq = v[i].seq;
		pe[i].time = v[i].time;
		pe[i].actor = v[i].actor;
		pe[i].action = v[i].action;
		pe[i].object = v[i].object;
		pe[i].detail = v[i].detail;
	}
	char *payload = proto_audit_payload(v[0].prev, pe, n, v[n - 1].hash);
	status_t s = store_outbox_add(st, "audit", "", payload, NULL);

	free(payload);
	free(pe);
	return s;
}

status_t sync_audit_queue(struct store *st, size_t *items_out)
{
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	int64_t mark = 0;
	size_t items = 0;
	bool worth = false;
	/*
	 * Mark and tail are read inside the write transaction: two passes at
	 * once (a review sync beside the timer's) cannot queue the same run.
	 */
	status_t s = store_begin(st);

	if (s == ST_OK)
		s = audit_mark(st, &mark);
	if (s == ST_OK)
		s = store_audit_list(st, mark, 0, &l);
	worth = l.n >= SYNC_AUDIT_IDLE_MAX;
	for (size_t i = 0; s == ST_OK && i < l.n && !worth; i++)
		worth = !audit_is_bookkeeping(&l.v[i]);
	for (size_t i = 0, n; s == ST_OK && worth && i < l.n; i += n) {
		n = audit_run(&l.v[i], l.n - i);
		s = audit_queue_one(st, &l.v[i], n);
		items++;
	}
	if (s == ST_OK && worth) {
		char seq[24];

		snprintf(seq, sizeof(seq), "%lld", (long long)l.v[l.n - 1].seq);
		s = store_kv_set(st, SYNC_KV_AUDIT_SENT, seq);
	}
	if (s == ST_OK && worth)
		s = store_commit(st);
	else
		store_rollback(st);
	store_audit_list_release(&l);
	if (items_out)
		*items_out = s == ST_OK ? items : 0;
	return s;
}
