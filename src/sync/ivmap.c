/*
 * ivmap.c - join the device's interview UUIDs to the server's (the id of
 * the outbox item that delivered the interview), see sync_int.h.
 *
 * Built from the outbox once per pass; interview items of each batch are
 * noted as it is sent (an interview finished while the pass runs is in
 * the same batch as its referrals or an earlier one), and a miss reloads,
 * a few times per pass at most.  The oldest interview item of an interview
 * wins, so a resubmission keeps pointing at the interview the server knows.
 */
#include "sync/sync_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/data.h"

#define SYNC_IVMAP_RELOADS 8	/* per pass: a miss reloads, but not forever */

static int by_local(const void *a, const void *b)
{
	return strcmp(((const struct sync_ivmap_entry *)a)->local,
		      ((const struct sync_ivmap_entry *)b)->local);
}

/* By local id, then queue order: the first of each run is the oldest. */
static int by_local_order(const void *a, const void *b)
{
	const struct sync_ivmap_entry *x = a, *y = b;
	int c = strcmp(x->local, y->local);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int by_server(const void *a, const void *b)
{
	return strcmp(((const struct sync_ivmap_entry *)a)->server,
		      ((const struct sync_ivmap_entry *)b)->server);
}

static void ivmap_load(struct sync_client *c)
{
	struct sync_ivmap *m = &c->ivmap;
	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	m->n = 0;
	c->ivmap_loaded = true;
	c->ivmap_reloads++;
	if (store_outbox_list(c->st, 0, &l) != ST_OK) {
		st_clear();
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct store_outbox_item *it = &l.v[i];
		if (strcmp(it->kind, "interview") || !it->object_id ||
		    strlen(it->object_id) != 36)
			continue;
		ALLOC_GROW(m->by_local, m->n + 1, m->alloc);
		struct sync_ivmap_entry *e = &m->by_local[m->n++];
		memcpy(e->local, it->object_id, 37);
		memcpy(e->server, it->id, 37);
		e->order = i;
	}
	store_outbox_list_release(&l);
	if (!m->n)
		return;
	qsort(m->by_local, m->n, sizeof(*m->by_local), by_local_order);
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++)
		if (!k || strcmp(m->by_local[k - 1].local, m->by_local[i].local))
			m->by_local[k++] = m->by_local[i];
	m->n = k;
	m->by_server = xrealloc(m->by_server, m->n * sizeof(*m->by_server));
	memcpy(m->by_server, m->by_local, m->n * sizeof(*m->by_local));
	qsort(m->by_server, m->n, sizeof(*m->by_server), by_server);
}

/* Look up without reloading. */
static const struct sync_ivmap_entry *ivmap_lookup(struct sync_client *c, const char *id,
						   bool server)
{
	struct sync_ivmap_entry key;
	snprintf(server ? key.server : key.local, 37, "%s", id);
	return c->ivmap.n
		? bsearch(&key, server ? c->ivmap.by_server : c->ivmap.by_local, c->ivmap.n,
			  sizeof(key), server ? by_server : by_local)
		: NULL;
}

static const struct sync_ivmap_entry *ivmap_find(struct sync_client *c, const char *id,
						 bool server)
{
	for (int round = 0; round < 2; round++) {
		if (!c->ivmap_loaded || (round && c->ivmap_reloads < SYNC_IVMAP_RELOADS))
			ivmap_load(c);
		else if (round)
			break;
		const struct sync_ivmap_entry *e = ivmap_lookup(c, id, server);
		if (e)
			return e;
	}
	return NULL;
}

void sync_ivmap_note(struct sync_client *c, struct store_outbox_item *const *v, size_t n)
{
	struct sync_ivmap *m = &c->ivmap;
	size_t added = 0;
	if (!c->ivmap_loaded) {
		ivmap_load(c);	/* the outbox holds these items already */
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_item *it = v[i];
		if (strcmp(it->kind, "interview") || !it->object_id ||
		    strlen(it->object_id) != 36 || ivmap_lookup(c, it->object_id, false))
			continue;
		ALLOC_GROW(m->by_local, m->n + added + 1, m->alloc);
		struct sync_ivmap_entry *e = &m->by_local[m->n + added++];
		memcpy(e->local, it->object_id, 37);
		memcpy(e->server, it->id, 37);
		e->order = SIZE_MAX;
	}
	if (!added)
		return;
	m->n += added;
	m->by_server = xrealloc(m->by_server, m->n * sizeof(*m->by_server));
	memcpy(m->by_server, m->by_local, m->n * sizeof(*m->by_local));
	qsort(m->by_local, m->n, sizeof(*m->by_local), by_local);
	qsort(m->by_server, m->n, sizeof(*m->by_server), by_server);
}

const char *sync_server_interview(struct sync_client *c, const char *local)
{
	const struct sync_ivmap_entry *e = ivmap_find(c, local, false);
	return e ? e->server : local;
}

const char *sync_local_interview(struct sync_client *c, const char *server)
{
	const struct sync_ivmap_entry *e = ivmap_find(c, server, true);
	return e ? e->local : server;
}

void sync_ivmap_release(struct sync_ivmap *m)
{
	free(m->by_local);
	free(m->by_server);
	memset(m, 0, sizeof(*m));
}
