/*
 * push.c - one sync pass: push the outbox in batches, then pull decisions.
 *
 * Each item moves queued -> sending -> delivered|quarantined with every
 * step committed before the next request, so a kill -9 anywhere means a
 * resend, never a loss; the server answers `duplicate` to the resend.
 *
 * Who is to blame decides what happens on failure:
 *  - the link (no answer, 502/503, a cut): the batch stays queued and the
 *    pass retries a few times, then ends with ST_UNREACHABLE;
 *  - one item (a per-item rejected/conflict, or a 400/403/413 naming it):
 *    that item is quarantined and the rest of the batch is sent again;
 *  - the batch without naming an item (400/413/500): it is split in halves
 *    until the item that breaks the request is alone; an item alone that
 *    the server fails on SYNC_MAX_BREAKS times in a row within one pass is
 *    quarantined.  Breaks are counted apart from attempts: an item that
 *    met many cut links is not suspect, and one 500 from a flaky gateway
 *    is not a verdict.
 */
#include "sync/sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/proto.h"
#include "store/data.h"
#include "util/log.h"

void sync_opts_init(struct sync_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->batch_size = 50;
	o->timeout_s = 30;
	o->gzip = true;
	o->pull = true;
}

struct push {
	struct sync_client *c;
	const struct sync_opts *o;
	struct sync_stats *stats;
	size_t done, total;
	int transport_fails;	/* in a row */
	/*
	 * The pass asks for items due at its start: an item failed on the
	 * link is due again at once (SYNC_AGAIN_NOW) and goes again in this
	 * pass; one the server did not answer for gets a later time and
	 * waits for the next pass.
	 */
	int64_t started;
	/* Items per request; a 413 halves it for the rest of the pass. */
	size_t batch;
	/* Items the server failed on while alone, this pass: id -> count. */
	struct push_break { char id[37]; int n; } *breaks;
	size_t n_breaks, alloc_breaks;
};

/* Count one more server failure of an item sent alone; the new count. */
static int push_break(struct push *p, const char *id)
{
	for (size_t i = 0; i < p->n_breaks; i++)
		if (!strcmp(p->breaks[i].id, id))
			return ++p->breaks[i].n;
	ALLOC_GROW(p->breaks, p->n_breaks + 1, p->alloc_breaks);
	memcpy(p->breaks[p->n_breaks].id, id, 37);
	p->breaks[p->n_breaks].n = 1;
	return p->breaks[p->n_breaks++].n;
}

#define SYNC_LATER 60	/* seconds before a server-failed item goes again */
/*
 * "Due now", whatever the clock says: not util_now(), which may be wrong
 * (the clock-skew answer is exactly that case) and would strand the item
 * until the wrong time comes round once the clock is fixed.
 */
#define SYNC_AGAIN_NOW 0

static void emit(struct push *p, const struct store_outbox_item *it, enum sync_event ev,
		 const char *detail)
{
	switch (ev) {
	case SYNC_EV_DUPLICATE:
	case SYNC_EV_DELIVERED:
		p->done++;
		if (!strcmp(it->kind, "audit")) {
			/* Housekeeping, counted apart from the caseworker's items. */
			p->stats->audit++;
			break;
		}
		p->stats->delivered++;
		if (ev == SYNC_EV_DUPLICATE)
			p->stats->duplicate++;
		break;
	case SYNC_EV_QUARANTINED:
		p->stats->quarantined++;
		p->done++;
		break;
	case SYNC_EV_RETRY:
		break;
	}
	if (p->o->on_item)
		p->o->on_item(p->o->ctx, it, ev, detail);
}

/*
 * The interview an item belongs to, for the wire: the payload's own
 * "interview" if it names one, else the referral's interview when the
 * object is a referral, else the object itself; always translated to the id
 * the server knows (sync_int.h).  NULL for an interview item (its own id
 * is the interview's on the server) and for a loose audit entry.
 */
static char *item_interview(struct sync_client *c, const struct store_outbox_item *it,
			    enum proto_kind kind)
{
	const char *obj = it->object_id && *it->object_id ? it->object_id : NULL;
	char *local = NULL;
	if (kind == PROTO_KIND_INTERVIEW)
		return NULL;
	const char *key = strstr(it->payload, "\"interview\":\"");
	if (key) {
		local = xstrndup(key + strlen("\"interview\":\""), PROTO_UUID_LEN);
		if (!proto_is_uuid(local)) {
			free(local);
			local = NULL;
		}
	}
	if (!local && kind == PROTO_KIND_REFERRAL && obj) {
		/* The object is the referral, or (as the console queues it) the interview. */
		struct store_referral r;
		memset(&r, 0, sizeof(r));
		if (store_referral_get(c->st, obj, &r) == ST_OK && r.interview_id)
			local = xstrdup(r.interview_id);
		store_referral_release(&r);
		st_clear();
	}
	if (!local && kind != PROTO_KIND_AUDIT && obj)
		local = xstrdup(obj);
	if (!local)
		return NULL;
	char *server = xstrdup(sync_server_interview(c, local));
	free(local);
	return server;
}

/* Mark items failed (back to queued, due again now) after a failed request. */
static void items_failed(struct push *p, struct store_outbox_item **v, size_t n,
			 const char *why, int64_t next_try)
{
	for (size_t i = 0; i < n; i++) {
		if (store_outbox_mark_failed(p->c->st, v[i]->id, why, next_try) != ST_OK)
			log_warn("sync: item %.8s: %s", v[i]->id, st_detail(ST_ERR));
		emit(p, v[i], SYNC_EV_RETRY, why);
	}
}

static void item_quarantine(struct push *p, struct store_outbox_item *it, const char *why)
{
	if (store_outbox_quarantine(p->c->st, it->id, why) != ST_OK)
		log_warn("sync: item %.8s: %s", it->id, st_detail(ST_ERR));
	else
		log_info("sync: item %.8s quarantined", it->id);
	emit(p, it, SYNC_EV_QUARANTINED, why);
}

/* Apply the server's per-item answers of a 200 in one transaction. */
static status_t apply_reply(struct push *p, struct store_outbox_item **v, size_t n,
			    const struct proto_batch_reply *r)
{
	struct store *st = p->c->st;
	status_t s = store_begin(st);
	if (s != ST_OK)
		return s;
	for (size_t i = 0; i < n; i++) {
		const struct proto_item_result *res = NULL;
		/* The server answers in request order; search only if it did not. */
		if (i < r->n && !strcmp(r->v[i].id, v[i]->id))
			res = &r->v[i];
		for (size_t j = 0; !res && j < r->n; j++)
			if (!strcmp(r->v[j].id, v[i]->id))
				res = &r->v[j];
		if (!res) {
			items_failed(p, &v[i], 1, "the server's answer did not mention this item",
				     util_now() + SYNC_LATER);
			continue;
		}
		switch (res->status) {
		case PROTO_STORED:
		case PROTO_DUPLICATE:
			if (store_outbox_mark_delivered(st, v[i]->id, res->receipt) != ST_OK) {
				log_warn("sync: item %.8s: %s", v[i]->id, st_detail(ST_ERR));
				break;
			}
			/* The server has the interview now: completed -> submitted. */
			if (!strcmp(v[i]->kind, "interview") && v[i]->object_id &&
			    *v[i]->object_id &&
			    store_interview_set_status(st, v[i]->object_id,
						       STORE_IV_SUBMITTED) != ST_OK)
				st_clear();
			emit(p, v[i], res->status == PROTO_STORED ? SYNC_EV_DELIVERED
				: SYNC_EV_DUPLICATE, res->receipt);
			break;
		case PROTO_CONFLICT:
		case PROTO_REJECTED: {
			char *why = xasprintf("%s by the server: %s",
					      res->status == PROTO_CONFLICT ? "conflict" : "rejected",
					      res->reason ? res->reason : "no reason given");
			item_quarantine(p, v[i], why);
			free(why);
			break;
		}
		default:
			break;
		}
	}
	return store_commit(st);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/*
 * Send items v[0..n) as one batch (already marked sending) and settle each
 * one.  ST_UNREACHABLE ends the pass; anything else lets it go on.
 */
static status_t send_items(struct push *p, struct store_outbox_item **v, size_t n)
{
	struct proto_batch b;
	struct strbuf body = STRBUF_INIT;
	struct sync_http_response resp;
	status_t s = ST_OK;
	proto_batch_init(&b);
	sync_http_response_init(&resp);
	sync_ivmap_note(p->c, v, n);

	for (size_t i = 0; i < n; i++) {
		enum proto_kind kind;
		if (!proto_kind_parse(v[i]->kind, &kind)) {
			char *why = xasprintf("unknown kind '%s'", v[i]->kind);
			item_quarantine(p, v[i], why);
			free(why);
			/* Keep v and the batch in step: drop it from v. */
			memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
			n--, i--;
			continue;
		}
		char *iv = item_interview(p->c, v[i], kind);
		if (proto_batch_add(&b, v[i]->id, kind, iv, v[i]->payload) != ST_OK) {
			char *why = xasprintf("cannot be sent: %s", st_detail(ST_INVALID));
			item_quarantine(p, v[i], why);
			free(why);
			memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
			n--, i--;
		}
		free(iv);
	}
	if (!n)
		goto out;
	if ((s = proto_batch_encode(&b, p->o->gzip, &body)) != ST_OK)
		goto out;

	s = sync_signed_request(p->c, "POST", "/v1/batches", body.buf, body.len, p->o->gzip,
				&resp);
	if (s != ST_OK) {
		/*
		 * No answer (the link: send it again), or none to trust (a key
		 * that is not the pinned one): either way nothing is known.
		 */
		char *why = xstrdup(st_detail(s));
		items_failed(p, v, n, why, SYNC_AGAIN_NOW);
		s = st_error(s, "%s", why);
		free(why);
		goto out;
	}

	if (resp.status == 200) {
		struct proto_batch_reply r;
		proto_batch_reply_init(&r);
		s = proto_batch_reply_decode(resp.body.buf, resp.body.len, &r);
		if (s == ST_OK) {
			p->transport_fails = 0;
			s = apply_reply(p, v, n, &r);
		} else {
			/* A garbled 200 (the proxy cut it): same as no answer. */
			items_failed(p, v, n, st_detail(s), SYNC_AGAIN_NOW);
			s = ST_UNREACHABLE;
		}
		proto_batch_reply_release(&r);
		goto out;
	}

	char *code = NULL;
	int item = -1;
	s = sync_answer_error(&resp, "sending the outbox", &code, &item);
	char *why = xstrdup(st_detail(s));
	bool named = item >= 0 && (size_t)item < n;
	if ((resp.status == 400 || resp.status == 403 || resp.status == 413) && named) {
		/* The server named the item: quarantine it, send the rest again. */
		item_quarantine(p, v[item], why);
		memmove(&v[item], &v[item + 1], (n - (size_t)item - 1) * sizeof(*v));
		n--;
		s = n ? send_items(p, v, n) : ST_OK;
	} else if (resp.status == 400 || resp.status == 413 || resp.status == 500) {
		if (n > 1) {
			/* Find the item that breaks the request by halving. */
			size_t h = n / 2;
			if (resp.status == 413 && h < p->batch)
				p->batch = h;
			log_info("sync: batch of %zu failed (HTTP %ld); splitting", n, resp.status);
			s = send_items(p, v, h);
			if (s != ST_UNREACHABLE)
				s = send_items(p, v + h, n - h);
			else
				items_failed(p, v + h, n - h, why, SYNC_AGAIN_NOW);
		} else if (resp.status != 500 || push_break(p, v[0]->id) >= SYNC_MAX_BREAKS) {
			char *w = resp.status == 500
				? xasprintf("the server failed on this item %d times: %s",
					    SYNC_MAX_BREAKS, why)
				: xstrdup(why);
			item_quarantine(p, v[0], w);
			free(w);
			s = ST_OK;
		} else {
			/* Again in this pass, after a breath. */
			items_failed(p, v, n, why, SYNC_AGAIN_NOW);
			sleep_ms(100);
			s = ST_OK;
		}
	} else if (s == ST_UNREACHABLE) {
		/* 502/503/429: the server or a gateway is in trouble, not the items. */
		items_failed(p, v, n, why, SYNC_AGAIN_NOW);
	} else {
		/* 401 and friends: the device, not the items; stop the pass. */
		items_failed(p, v, n, why, SYNC_AGAIN_NOW);
		if (s == ST_OK)
			s = ST_PROTOCOL;
	}
	free(why);
	free(code);
out:
	sync_http_response_release(&resp);
	strbuf_release(&body);
	proto_batch_release(&b);
	return s;
}

/*
 * The server takes a referral or an amendment only for an interview it
 * already has, and the console queues an interview's referrals before the
 * interview itself (one transaction, either order is the same to it).  So
 * a batch is picked from a look-ahead window with interview items first,
 * in queue order otherwise: every interview reaches the server in the same
 * or an earlier batch than what refers to it.
 */
#define SYNC_LOOKAHEAD 64

static size_t batch_pick(struct store_outbox_list *due, struct store_outbox_item **v,
			 size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < due->n && n < max; i++)
			if (!strcmp(due->v[i].kind, "interview") == !pass)
				v[n++] = &due->v[i];
	return n;
}

/* Push everything due; ST_UNREACHABLE after repeated link failures. */
static status_t push_outbox(struct push *p)
{
	struct store *st = p->c->st;
	int64_t counts[STORE_OUTBOX_N_STATES] = { 0 };
	if (store_outbox_counts(st, counts) == ST_OK)
		p->total = (size_t)(counts[STORE_OUTBOX_QUEUED] + counts[STORE_OUTBOX_SENDING]);
	if (p->o->on_progress)
		p->o->on_progress(p->o->ctx, 0, p->total);

	status_t s = ST_OK;
	for (;;) {
		struct store_outbox_list due = STORE_OUTBOX_LIST_INIT;
		s = store_outbox_due(st, p->started, p->batch + SYNC_LOOKAHEAD, &due);
		if (s != ST_OK || !due.n) {
			store_outbox_list_release(&due);
			break;
		}
		struct store_outbox_item **v = xcalloc(due.n, sizeof(*v));
		size_t n = batch_pick(&due, v, p->batch);
		s = store_begin(st);
		for (size_t i = 0; s == ST_OK && i < n; i++) {
			s = store_outbox_mark_sending(st, v[i]->id);
			v[i]->attempts++;
		}
		if (s == ST_OK)
			s = store_commit(st);
		else
			store_rollback(st);
		if (s == ST_OK)
			s = send_items(p, v, n);
		free(v);
		store_outbox_list_release(&due);
		if (p->o->on_progress)
			p->o->on_progress(p->o->ctx, p->done, p->total);
		if (s == ST_UNREACHABLE) {
			if (++p->transport_fails >= SYNC_MAX_TRANSPORT_FAILS)
				break;
			log_info("sync: %s; trying again", st_detail(s));
			sleep_ms(200L * p->transport_fails);
			s = ST_OK;
			continue;
		}
		if (s != ST_OK)
			break;
	}
	return s;
}

/* Push everything due now, with a fresh batch size and break count. */
static status_t push_round(struct sync_client *c, const struct sync_opts *o,
			   struct sync_stats *stats)
{
	struct push p = { .c = c, .o = o, .stats = stats, .started = util_now(),
			  .batch = o->batch_size ? o->batch_size : 50 };
	status_t s = push_outbox(&p);

	free(p.breaks);
	return s;
}

status_t sync_pass(struct store *st, const struct sync_opts *o, struct sync_stats *stats)
{
	struct sync_stats local;
	struct sync_opts defaults;
	if (!stats)
		stats = &local;
	if (!o) {
		sync_opts_init(&defaults);
		o = &defaults;
	}
	memset(stats, 0, sizeof(*stats));
	struct sync_client c;
	status_t s = sync_client_open(&c, st, o->timeout_s, o->server_url, stats);
	if (s != ST_OK)
		return s;
	store_set_actor("sync");
	c.opts = o;

	int64_t recovered = 0;
	if ((s = store_outbox_recover(st, &recovered)) != ST_OK)
		goto out;
	stats->recovered = (size_t)recovered;
	if (recovered)
		log_info("sync: %lld items were left sending by an earlier run; sending again",
			 (long long)recovered);

	/* The audit trail rides along: queued before the push, sent with it. */
	if ((s = sync_audit_queue(st, NULL)) != ST_OK)
		goto out;
	s = push_round(&c, o, stats);
	if (s == ST_OK && o->pull)
		s = sync_pull(&c);
	/*
	 * Decisions applied are audited too; send those entries now rather
	 * than with the next pass, so a pass that changed something leaves
	 * nothing behind but its own bookkeeping.
	 */
	size_t more = 0;
	if (s == ST_OK && stats->decisions)
		s = sync_audit_queue(st, &more);
	if (s == ST_OK && more)
		s = push_round(&c, o, stats);
	if (s == ST_OK) {
		int64_t counts[STORE_OUTBOX_N_STATES] = { 0 };
		if (store_outbox_counts(st, counts) == ST_OK)
			stats->retry = (size_t)(counts[STORE_OUTBOX_QUEUED] +
						counts[STORE_OUTBOX_SENDING]);
	}
	if (s == ST_OK) {
		char now[32];
		snprintf(now, sizeof(now), "%lld", (long long)util_now());
		s = store_kv_set(st, SYNC_KV_LAST, now);
	}
out:
	sync_client_release(&c);
	return s;
}
