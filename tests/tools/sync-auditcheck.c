/*
 * sync-auditcheck - that a device's audit trail reached senda-server
 * exactly once and in order, and that the server's copy is the device's
 * chain: every audit item of the device verifies on its own (its entries
 * hash to its end), the items follow on from each other without a gap or
 * an overlap from the first entry, and each entry equals the device's own.
 *
 * usage: sync-auditcheck --data SRVDIR --client STOREDIR
 * The client store's passphrase is read as one line from standard input.
 * Prints "audit items N entries M device-entries K" and exits 1 with the
 * first problem on standard error.  Run it after the server has stopped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "proto/proto.h"
#include "store/server_db.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/util.h"

struct items {
	const char *device;
	struct proto_audit *v;
	size_t n, alloc;
	int bad;
};

static status_t take(void *ctx, const struct sdb_entry *e)
{
	struct items *it = ctx;
	if (strcmp(e->device, it->device))
		return ST_OK;
	char *why = proto_audit_check(e->payload, strlen(e->payload));
	if (!why) {
		ALLOC_GROW(it->v, it->n + 1, it->alloc);
		why = proto_audit_decode(e->payload, strlen(e->payload), &it->v[it->n]);
		if (!why)
			it->n++;
	}
	if (why) {
		fprintf(stderr, "sync-auditcheck: item %s: %s\n", e->id, why);
		free(why);
		it->bad++;
	}
	return ST_OK;
}

static int by_from(const void *a, const void *b)
{
	int64_t x = ((const struct proto_audit *)a)->from, y = ((const struct proto_audit *)b)->from;
	return x < y ? -1 : x > y;
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sync-auditcheck: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5 || strcmp(argv[1], "--data") || strcmp(argv[3], "--client")) {
		fprintf(stderr, "usage: sync-auditcheck --data SRVDIR --client STOREDIR\n");
		return 2;
	}
	char *pass = NULL;
	size_t len = 0;
	struct store *st = NULL;
	struct store_open_opts so;
	memset(&so, 0, sizeof(so));
	so.busy_timeout_ms = 30000;
	status_t s = crypto_passphrase_read(0, NULL, &pass, &len);
	if (s == ST_OK)
		s = store_open(argv[4], pass, len, false, &so, &st);
	crypto_secure_free(pass);
	char *device = NULL;
	if (s == ST_OK)
		s = store_kv_get(st, SYNC_KV_DEVICE, &device);
	if (s != ST_OK) {
		fprintf(stderr, "sync-auditcheck: %s: %s\n", argv[4], st_detail(s));
		return 2;
	}
	char *path = path_join(argv[2], "server.db");
	struct server_db *db = NULL;
	if ((s = server_db_open(path, &db)) != ST_OK) {
		fprintf(stderr, "sync-auditcheck: %s: %s\n", path, st_detail(s));
		return 2;
	}
	struct items it = { .device = device };
	s = server_db_items_of_kind(db, "audit", take, &it);
	int rc = s != ST_OK || it.bad;
	qsort(it.v, it.n, sizeof(*it.v), by_from);

	/* Follow the chain across items: no gap, no overlap, from the start. */
	char prev[65];
	int64_t next = 1, entries = 0;
	memset(prev, '0', 64);
	prev[64] = 0;
	for (size_t i = 0; !rc && i < it.n; i++) {
		if (it.v[i].from != next)
			rc = bad("item from entry %lld where %lld was due (sent twice or lost)",
				 (long long)it.v[i].from, (long long)next);
		else if (strcmp(it.v[i].prev, prev))
			rc = bad("item from entry %lld does not follow on (prev hash)",
				 (long long)it.v[i].from);
		next = it.v[i].from + (int64_t)it.v[i].n;
		entries += (int64_t)it.v[i].n;
		memcpy(prev, it.v[i].hash, sizeof(prev));
	}

	/* The device's own trail, intact, and equal entry by entry. */
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	int64_t n_dev = 0;
	if (!rc && store_audit_verify(st, &n_dev, NULL) != ST_OK)
		rc = bad("the device's own audit trail does not verify");
	if (!rc && store_audit_list(st, 0, 0, &l) != ST_OK)
		rc = bad("cannot read the device's audit trail");
	if (!rc && (size_t)entries > l.n)
		rc = bad("the server holds %lld entries, the device only %zu", (long long)entries,
			 l.n);
	size_t k = 0;
	for (size_t i = 0; !rc && i < it.n; i++) {
		for (size_t j = 0; !rc && j < it.v[i].n; j++, k++) {
			const struct proto_audit_entry *e = &it.v[i].v[j];
			const struct store_audit_entry *d = &l.v[k];
			if (e->seq != d->seq || e->time != d->time || strcmp(e->actor, d->actor) ||
			    strcmp(e->action, d->action) || strcmp(e->object, d->object) ||
			    strcmp(e->detail, d->detail))
				rc = bad("entry %lld differs from the device's (%lld)", (long long)e->seq,
					 (long long)d->seq);
		}
		if (!rc && strcmp(it.v[i].hash, l.v[k - 1].hash))
			rc = bad("item ending at entry %lld: hash differs from the device's",
				 (long long)l.v[k - 1].seq);
	}
	printf("audit items %zu entries %lld device-entries %lld\n", it.n, (long long)entries,
	       (long long)n_dev);
	for (size_t i = 0; i < it.n; i++)
		proto_audit_release(&it.v[i]);
	free(it.v);
	store_audit_list_release(&l);
	server_db_close(db);
	free(path);
	free(device);
	store_close(st);
	return rc;
}
