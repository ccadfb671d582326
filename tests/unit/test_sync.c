/*
 * test_sync.c - the sync client's outbox state machine against a scripted
 * in-process HTTP server: delivered on stored/duplicate, quarantined on
 * rejected/conflict while the rest flows, a 400 naming an item, a batch
 * that breaks the server (split until the culprit is alone), a cut link
 * (items stay queued, ST_UNREACHABLE), a `replay` answer (re-signed), the
 * signature itself (verified here with the device's public key), and the
 * decisions feed (applied once, cursor kept, 410 restarts from 0).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "proto/proto.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/util.h"

/* ---- a scripted HTTP/1.1 server on 127.0.0.1 ---- */

struct fake {
	int lfd, port;
	pthread_t th;
	pthread_mutex_t mu;
	uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN];
	/* knobs */
	int cut_first;		/* close the first N batch requests unanswered */
	int replay_first;	/* answer the first N batch requests 401 replay */
	char reject_id[37];	/* answer this item rejected */
	char named_id[37];	/* 400 naming this item's index */
	char poison_id[37];	/* 500 for any batch holding it (unnamed) */
	int expire_once;	/* 410 on the first pull with after > 0 */
	size_t max_items;	/* 413 for a batch with more items (0: no limit) */
	char huge_id[37];	/* 413 for any batch holding it */
	int skew;		/* 401 clock_skew on everything */
	/* state */
	char (*stored)[37];
	char last_interview[37];	/* `interview` of the last non-interview item */
	size_t n_stored, alloc_stored;
	/* audit items: how many, entries in all, and the chain's end so far */
	int n_audit;
	int64_t audit_entries, audit_next;	/* next seq expected */
	char audit_hash[65];
	int audit_broken;		/* an audit item that did not follow on */
	int n_batches, n_pulls, bad_sigs;
	size_t max_batch;
	struct proto_feed feed;
	char seen_nonce[64][33];
	int n_nonce;
};

static struct fake fk;

struct req {
	char method[8];
	char path[256];
	char hdr[4096];
	struct strbuf body;
};

static const char *hdr_get(const struct req *r, const char *name, char *out, size_t n)
{
	const char *p = r->hdr;
	size_t len = strlen(name);
	while ((p = strcasestr(p, name))) {
		if ((p == r->hdr || p[-1] == '\n') && p[len] == ':') {
			p += len + 1;
			while (*p == ' ')
				p++;
			size_t k = strcspn(p, "\r\n");
			snprintf(out, n, "%.*s", (int)k, p);
			return out;
		}
		p += len;
	}
	return NULL;
}

static bool read_req(int fd, struct req *r)
{
	struct strbuf in = STRBUF_INIT;
	char buf[8192];
	char *end = NULL;
	while (!(end = strstr(in.buf, "\r\n\r\n"))) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			strbuf_release(&in);
			return false;
		}
		strbuf_add(&in, buf, (size_t)n);
	}
	size_t head = (size_t)(end - in.buf) + 4;
	sscanf(in.buf, "%7s %255s", r->method, r->path);
	snprintf(r->hdr, sizeof(r->hdr), "%.*s", (int)head, in.buf);
	char cl[32];
	size_t want = hdr_get(r, "Content-Length", cl, sizeof(cl)) ? strtoul(cl, NULL, 10) : 0;
	while (in.len - head < want) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			strbuf_release(&in);
			return false;
		}
		strbuf_add(&in, buf, (size_t)n);
	}
	strbuf_init(&r->body, want);
	strbuf_add(&r->body, in.buf + head, want);
	strbuf_release(&in);
	return true;
}

static void reply(int fd, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", status, strlen(body));
	send(fd, head, (size_t)n, MSG_NOSIGNAL);
	send(fd, body, strlen(body), MSG_NOSIGNAL);
}

static void reply_error(int fd, int status, const char *code, const char *field, int item)
{
	struct strbuf sb = STRBUF_INIT;
	proto_error_encode(code, "scripted", field, item, util_now(), &sb);
	reply(fd, status, sb.buf);
	strbuf_release(&sb);
}

static bool sig_ok(const struct req *r)
{
	char dev[64], tm[32], nonce[64], sig[160], hash[65];
	uint8_t raw[CRYPTO_SIGN_SIG_LEN];
	int64_t t;
	if (!hdr_get(r, PROTO_HDR_DEVICE, dev, sizeof(dev)) ||
	    !hdr_get(r, PROTO_HDR_TIME, tm, sizeof(tm)) || !parse_int64(tm, &t) ||
	    !hdr_get(r, PROTO_HDR_NONCE, nonce, sizeof(nonce)) || strlen(nonce) != 32 ||
	    !hdr_get(r, PROTO_HDR_SIGNATURE, sig, sizeof(sig)) ||
	    !proto_hex_decode(sig, raw, sizeof(raw)))
		return false;
	for (int i = 0; i < fk.n_nonce; i++)
		if (!strcmp(fk.seen_nonce[i], nonce))
			return false;	/* a nonce must never be reused */
	if (fk.n_nonce < 64)
		memcpy(fk.seen_nonce[fk.n_nonce++], nonce, 33);
	crypto_sha256_hex(r->body.buf, r->body.len, hash);
	struct strbuf ss = STRBUF_INIT;
	proto_signing_string(r->method, r->path, t, nonce, dev, hash, &ss);
	bool ok = crypto_sign_verify(fk.pub, ss.buf, ss.len, raw);
	strbuf_release(&ss);
	return ok;
}

static bool is_stored(const char *id)
{
	for (size_t i = 0; i < fk.n_stored; i++)
		if (!strcmp(fk.stored[i], id))
			return true;
	return false;
}

/* Returns false to close the connection without an answer. */
/*
 * An audit item as the server checks it, plus what only a whole run can
 * tell: each item follows on from the one before (seq and hash), so the
 * chain arrives exactly once and in order.
 */
static void audit_take(const struct proto_item *it)
{
	struct proto_audit a;
	char *why = proto_audit_check(it->payload, it->payload_len);
	if (why)
		fprintf(stderr, "audit item refused: %s\n", why);
	assert_null(why);
	assert_null(proto_audit_decode(it->payload, it->payload_len, &a));
	if (!fk.audit_next) {
		fk.audit_next = 1;
		memset(fk.audit_hash, '0', 64);
	}
	if (a.from != fk.audit_next || strcmp(a.prev, fk.audit_hash))
		fk.audit_broken++;
	fk.audit_next = a.from + (int64_t)a.n;
	memcpy(fk.audit_hash, a.hash, sizeof(fk.audit_hash));
	fk.audit_entries += (int64_t)a.n;
	fk.n_audit++;
	proto_audit_release(&a);
}

static bool on_batch(int fd, struct req *r)
{
	int n = ++fk.n_batches;
	if (n <= fk.cut_first)
		return false;
	if (n <= fk.cut_first + fk.replay_first) {
		reply_error(fd, 401, "replay", NULL, -1);
		return true;
	}
	struct strbuf plain = STRBUF_INIT;
	struct proto_err err;
	struct proto_batch b;
	struct proto_limits lim = PROTO_LIMITS_DEFAULT;
	char ce[32];
	proto_err_init(&err);
	proto_batch_init(&b);
	if (hdr_get(r, "Content-Encoding", ce, sizeof(ce)) && !strcmp(ce, "gzip"))
		assert_int_equal(proto_gunzip(r->body.buf, r->body.len, 8u << 20, &plain, &err),
				 ST_OK);
	else
		strbuf_add(&plain, r->body.buf, r->body.len);
	assert_int_equal(proto_batch_decode(plain.buf, plain.len, &lim, &b, &err), ST_OK);
	if (b.n > fk.max_batch)
		fk.max_batch = b.n;
	if (fk.max_items && b.n > fk.max_items) {
		reply_error(fd, 413, "too_large", NULL, -1);
		goto out;
	}
	for (size_t i = 0; i < b.n; i++) {
		if (*fk.named_id && !strcmp(b.items[i].id, fk.named_id)) {
			char field[48];
			snprintf(field, sizeof(field), "items[%zu].payload", i);
			reply_error(fd, 400, "bad_request", field, (int)i);
			goto out;
		}
		if (*fk.huge_id && !strcmp(b.items[i].id, fk.huge_id)) {
			reply_error(fd, 413, "too_large", NULL, -1);
			goto out;
		}
		if (*fk.poison_id && !strcmp(b.items[i].id, fk.poison_id)) {
			reply_error(fd, 500, "internal", NULL, -1);
			goto out;
		}
	}
	struct proto_batch_reply rep;
	proto_batch_reply_init(&rep);
	for (size_t i = 0; i < b.n; i++) {
		const char *id = b.items[i].id;
		char receipt[32];
		if (b.items[i].kind == PROTO_KIND_AUDIT) {
			audit_take(&b.items[i]);
			proto_batch_reply_add(&rep, id, PROTO_STORED, "a-1", NULL);
			continue;
		}
		if (b.items[i].kind != PROTO_KIND_INTERVIEW)
			memcpy(fk.last_interview, b.items[i].interview, 37);
		snprintf(receipt, sizeof(receipt), "r-%06zu", fk.n_stored + 1);
		if (!strcmp(id, fk.reject_id)) {
			proto_batch_reply_add(&rep, id, PROTO_REJECTED, NULL, "payload.form: missing");
		} else if (is_stored(id)) {
			proto_batch_reply_add(&rep, id, PROTO_DUPLICATE, "r-dup", NULL);
		} else {
			ALLOC_GROW(fk.stored, fk.n_stored + 1, fk.alloc_stored);
			memcpy(fk.stored[fk.n_stored++], id, 37);
			proto_batch_reply_add(&rep, id, PROTO_STORED, receipt, NULL);
		}
	}
	struct strbuf out = STRBUF_INIT;
	proto_batch_reply_encode(&rep, &out);
	reply(fd, 200, out.buf);
	strbuf_release(&out);
	proto_batch_reply_release(&rep);
out:
	proto_batch_release(&b);
	strbuf_release(&plain);
	return true;
}

static void on_pull(int fd, struct req *r)
{
	long long after = 0;
	int limit = 200;
	sscanf(r->path, "/v1/decisions?after=%lld&limit=%d", &after, &limit);
	fk.n_pulls++;
	if (after > 0 && fk.expire_once) {
		fk.expire_once = 0;
		reply_error(fd, 410, "cursor_expired", NULL, -1);
		return;
	}
	struct proto_feed page;
	proto_feed_init(&page);
	for (size_t i = 0; i < fk.feed.n && page.n < (size_t)limit; i++) {
		const struct proto_decision *d = &fk.feed.v[i];
		if (d->seq > after)
			proto_feed_add(&page, d->seq, d->id, d->interview, d->kind, d->at,
				       d->payload, NULL, NULL);
	}
	page.cursor = page.n ? page.v[page.n - 1].seq : after;
	page.more = page.n && page.v[page.n - 1].seq < (int64_t)fk.feed.n;
	struct strbuf out = STRBUF_INIT;
	proto_feed_encode(&page, "decisions", &out);
	reply(fd, 200, out.buf);
	strbuf_release(&out);
	proto_feed_release(&page);
}

static void *fake_run(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(fk.lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		struct req r;
		memset(&r, 0, sizeof(r));
		while (read_req(fd, &r)) {
			bool keep = true;
			pthread_mutex_lock(&fk.mu);
			if (fk.skew) {
				reply_error(fd, 401, "clock_skew", NULL, -1);
			} else if (!sig_ok(&r)) {
				fk.bad_sigs++;
				reply_error(fd, 401, "bad_signature", NULL, -1);
			} else if (!strcmp(r.method, "POST") && !strcmp(r.path, "/v1/batches")) {
				keep = on_batch(fd, &r);
			} else if (!strcmp(r.method, "GET") &&
				   str_starts_with(r.path, "/v1/decisions?")) {
				on_pull(fd, &r);
			} else {
				reply_error(fd, 404, "not_found", NULL, -1);
			}
			pthread_mutex_unlock(&fk.mu);
			strbuf_release(&r.body);
			if (!keep)
				break;
		}
		close(fd);
	}
}

static void fake_start(void)
{
	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.mu, NULL);
	proto_feed_init(&fk.feed);
	fk.lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fk.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fk.lfd, 16), 0);
	socklen_t sl = sizeof(sa);
	getsockname(fk.lfd, (struct sockaddr *)&sa, &sl);
	fk.port = ntohs(sa.sin_port);
	pthread_create(&fk.th, NULL, fake_run, NULL);
}

static void fake_stop(void)
{
	shutdown(fk.lfd, SHUT_RDWR);
	close(fk.lfd);
	pthread_join(fk.th, NULL);
	free(fk.stored);
	proto_feed_release(&fk.feed);
	pthread_mutex_destroy(&fk.mu);
}

/* ---- fixtures ---- */

struct fixture {
	struct store *st;
	char ids[16][37];
	char ivs[16][37];
	size_t n;
};

static void enrol(struct store *st, int port)
{
	uint8_t secret[CRYPTO_SIGN_SECRET_LEN];
	char hex[65], url[64], dev[37];
	assert_int_equal(crypto_sign_keygen(fk.pub, secret), ST_OK);
	proto_hex_encode(secret, sizeof(secret), hex);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	uuid_v4(dev);
	assert_int_equal(store_kv_set(st, SYNC_KV_URL, url), ST_OK);
	assert_int_equal(store_kv_set(st, SYNC_KV_DEVICE, dev), ST_OK);
	assert_int_equal(store_kv_set(st, SYNC_KV_KEY, hex), ST_OK);
}

/* Queue n interview items, each for its own interview. */
static void queue(struct fixture *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = f->n++;
		uuid_v4(f->ivs[k]);
		char *payload = xasprintf("{\"form\":\"intake\",\"state\":\"completed\","
					  "\"answers\":{\"q\":\"%zu\"}}", k);
		assert_int_equal(store_outbox_add(f->st, "interview", f->ivs[k], payload,
						  f->ids[k]), ST_OK);
		free(payload);
	}
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	fake_start();
	assert_int_equal(store_open_memory(&f->st), ST_OK);
	enrol(f->st, fk.port);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	fake_stop();
	free(f);
	return 0;
}

static enum store_outbox_state state_of(struct fixture *f, size_t k)
{
	struct store_outbox_item it;
	memset(&it, 0, sizeof(it));
	assert_int_equal(store_outbox_get(f->st, f->ids[k], &it), ST_OK);
	enum store_outbox_state s = it.state;
	store_outbox_item_release(&it);
	return s;
}

static struct sync_opts opts(size_t batch)
{
	struct sync_opts o;
	sync_opts_init(&o);
	o.batch_size = batch;
	o.timeout_s = 5;
	return o;
}

/* ---- tests ---- */

static void test_delivers_in_batches(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(4);
	queue(f, 10);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 10);
	assert_int_equal(s.quarantined, 0);
	assert_int_equal(fk.n_batches, 3);
	assert_int_equal(fk.max_batch, 4);
	assert_int_equal(fk.n_stored, 10);
	assert_int_equal(fk.bad_sigs, 0);
	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(state_of(f, i), STORE_OUTBOX_DELIVERED);
	/* Nothing left: a second pass sends no batch. */
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(fk.n_batches, 3);
}

static void test_rejected_quarantined_rest_flows(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 5);
	memcpy(fk.reject_id, f->ids[2], 37);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 4);
	assert_int_equal(s.quarantined, 1);
	assert_int_equal(state_of(f, 2), STORE_OUTBOX_QUARANTINED);
	assert_int_equal(state_of(f, 4), STORE_OUTBOX_DELIVERED);
	struct store_outbox_item it;
	memset(&it, 0, sizeof(it));
	assert_int_equal(store_outbox_get(f->st, f->ids[2], &it), ST_OK);
	assert_non_null(strstr(it.last_error, "payload.form"));
	store_outbox_item_release(&it);

	/* After a fix, `sync retry` re-queues it and it goes. */
	fk.reject_id[0] = '\0';
	assert_int_equal(store_outbox_retry(f->st, f->ids[2]), ST_OK);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(state_of(f, 2), STORE_OUTBOX_DELIVERED);
}

static void test_named_item_quarantined(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 6);
	memcpy(fk.named_id, f->ids[3], 37);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.quarantined, 1);
	assert_int_equal(s.delivered, 5);
	assert_int_equal(state_of(f, 3), STORE_OUTBOX_QUARANTINED);
	assert_int_equal(fk.n_stored, 5);
}

/*
 * An item that makes the server fail, unnamed: halve until it is alone,
 * then quarantine it after SYNC_MAX_BREAKS failures in a row.
 */
static void test_poison_item_isolated(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 8);
	memcpy(fk.poison_id, f->ids[5], 37);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 7);
	assert_int_equal(s.quarantined, 1);
	/* 8 -> 4+4 -> 2+2 -> 1+1, then the culprit alone SYNC_MAX_BREAKS times. */
	assert_int_equal(fk.n_batches, 1 + 2 + 2 + 2 + (SYNC_MAX_BREAKS - 1));
	assert_int_equal(state_of(f, 5), STORE_OUTBOX_QUARANTINED);
	assert_int_equal(fk.n_stored, 7);
}

/* 413: split the batch; a single item over the limit is quarantined. */
static void test_too_large_split(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(4);
	queue(f, 10);
	fk.max_items = 3;
	memcpy(fk.huge_id, f->ids[7], 37);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 9);
	assert_int_equal(s.quarantined, 1);
	assert_int_equal(state_of(f, 7), STORE_OUTBOX_QUARANTINED);
	assert_int_equal(fk.n_stored, 9);
	/*
	 * The pass learns the limit instead of hitting it every time: [0-3]
	 * 413, [0,1] [2,3]; batches of two: [4,5], [6,7] 413, [6], [7] 413
	 * alone; batches of one: [8] [9], then the audit item (queued last, at
	 * the start of the pass).  Ten requests.
	 */
	assert_int_equal(fk.n_batches, 10);
}

static void test_cut_link_keeps_queued(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 3);
	fk.cut_first = 100;
	assert_int_equal(sync_pass(f->st, &o, &s), ST_UNREACHABLE);
	assert_int_equal(fk.n_batches, SYNC_MAX_TRANSPORT_FAILS);
	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(state_of(f, i), STORE_OUTBOX_QUEUED);
	assert_int_equal(fk.n_stored, 0);
	/* The link comes back: everything goes, nothing twice. */
	fk.cut_first = 0;
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 3);
	assert_int_equal(fk.n_stored, 3);
}

/* One cut, then the link holds: the same pass recovers. */
static void test_one_cut_recovers_in_pass(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 3);
	fk.cut_first = 1;
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 3);
}

static void test_replay_resigned(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 2);
	fk.replay_first = 2;
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 2);
	assert_int_equal(fk.n_batches, 3);
	assert_int_equal(fk.bad_sigs, 0);	/* every resend had a fresh nonce */
}

static void test_clock_skew_reported(void **state)
{
	struct fixture *f = *state;
	struct sync_opts o = opts(50);
	queue(f, 1);
	fk.skew = 1;
	assert_int_equal(sync_pass(f->st, &o, NULL), ST_DENIED);
	assert_non_null(strstr(st_detail(ST_DENIED), "clock"));
	assert_int_equal(state_of(f, 0), STORE_OUTBOX_QUEUED);
}

static void test_crash_left_sending(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	queue(f, 2);
	/* A kill -9 between "sending" and the answer. */
	assert_int_equal(store_outbox_mark_sending(f->st, f->ids[0]), ST_OK);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.recovered, 1);
	assert_int_equal(s.delivered, 2);
	assert_int_equal(state_of(f, 0), STORE_OUTBOX_DELIVERED);
}

static void test_not_enrolled(void **state)
{
	(void)state;
	struct store *st;
	assert_int_equal(store_open_memory(&st), ST_OK);
	assert_false(sync_enrolled(st));
	assert_int_equal(sync_pass(st, NULL, NULL), ST_NOTFOUND);
	assert_non_null(strstr(st_detail(ST_NOTFOUND), "senda enroll"));
	store_close(st);
}

static void test_decisions_applied_once(void **state)
{
	struct fixture *f = *state;
	struct sync_stats s;
	struct sync_opts o = opts(50);
	struct store_interview iv;
	store_interview_init(&iv);
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("es");
	assert_int_equal(store_interview_create(f->st, &iv), ST_OK);
	assert_int_equal(store_interview_set_status(f->st, iv.id, STORE_IV_COMPLETED), ST_OK);
	char d1[37], d2[37];
	uuid_v4(d1);
	uuid_v4(d2);
	proto_feed_add(&fk.feed, 1, d1, iv.id, "received", 100, "{\"receipt\":\"r-1\"}",
		       NULL, NULL);
	proto_feed_add(&fk.feed, 2, d2, iv.id, "returned", 200,
		       "{\"comment\":\"please check\",\"comments\":{\"q14\":\"date of birth?\"},"
		       "\"by\":\"sup\"}", NULL, NULL);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.decisions, 2);

	struct store_interview got;
	store_interview_init(&got);
	assert_int_equal(store_interview_get(f->st, iv.id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_RETURNED);
	store_interview_release(&got);
	struct store_comment_list cl = STORE_COMMENT_LIST_INIT;
	assert_int_equal(store_comments_load(f->st, iv.id, &cl), ST_OK);
	assert_int_equal(cl.n, 1);
	assert_string_equal(cl.v[0].path, "q14");
	store_comment_list_release(&cl);

	char *cur = NULL;
	assert_int_equal(store_kv_get(f->st, SYNC_KV_CURSOR, &cur), ST_OK);
	assert_string_equal(cur, "2");
	free(cur);

	/* The server lost our place: 410, pull again from 0, nothing doubled. */
	fk.expire_once = 1;
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.decisions, 2);
	struct store_decision_list dl = STORE_DECISION_LIST_INIT;
	assert_int_equal(store_decisions_load(f->st, iv.id, &dl), ST_OK);
	assert_int_equal(dl.n, 1);
	store_decision_list_release(&dl);
	store_interview_release(&iv);
}

/* A delivered interview moves completed -> submitted on this device. */
static void test_delivered_interview_submitted(void **state)
{
	struct fixture *f = *state;
	struct sync_opts o = opts(50);
	struct store_interview iv;
	store_interview_init(&iv);
	iv.form_id = xstrdup("intake");
	iv.form_version = xstrdup("1");
	iv.language = xstrdup("en");
	assert_int_equal(store_interview_create(f->st, &iv), ST_OK);
	assert_int_equal(store_interview_set_status(f->st, iv.id, STORE_IV_COMPLETED), ST_OK);
	char id[37];
	assert_int_equal(store_outbox_add(f->st, "interview", iv.id,
					  "{\"form\":\"intake\",\"state\":\"completed\"}", id), ST_OK);
	assert_int_equal(sync_pass(f->st, &o, NULL), ST_OK);
	struct store_interview got;
	store_interview_init(&got);
	assert_int_equal(store_interview_get(f->st, iv.id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_SUBMITTED);
	store_interview_release(&got);

	/* A referral names the interview by the id the server knows: the item's. */
	struct store_referral r;
	memset(&r, 0, sizeof(r));
	r.interview_id = xstrdup(iv.id);
	r.rule_id = xstrdup("r1");
	r.service = xstrdup("shelter");
	r.partner = xstrdup("p");
	r.urgency = xstrdup("normal");
	r.reason = xstrdup("x");
	r.shared_fields = xstrdup("[]");
	r.consent_ok = true;
	assert_int_equal(store_referral_add(f->st, &r), ST_OK);
	char rid[37];
	assert_int_equal(store_outbox_add(f->st, "referral", r.id,
					  "{\"service\":\"shelter\"}", rid), ST_OK);
	store_referral_release(&r);
	assert_int_equal(sync_pass(f->st, &o, NULL), ST_OK);
	assert_string_equal(fk.last_interview, id);

	/* A decision about the server's id lands on the local interview. */
	char d1[37];
	uuid_v4(d1);
	proto_feed_add(&fk.feed, 1, d1, id, "approved", 300,
		       "{\"by\":\"sup\",\"decision\":{\"action\":\"approve\"},\"state\":\"approved\"}",
		       NULL, NULL);
	assert_int_equal(sync_pass(f->st, &o, NULL), ST_OK);
	store_interview_init(&got);
	assert_int_equal(store_interview_get(f->st, iv.id, &got), ST_OK);
	assert_int_equal(got.status, STORE_IV_APPROVED);
	store_interview_release(&got);
	store_interview_release(&iv);
}

/*
 * The device's audit trail reaches the server exactly once and in order:
 * the first pass sends it all, a pass with only the sync's own bookkeeping
 * new sends no audit item, and the next real change goes with the entries
 * the passes before left, following on from the last item sent.  The
 * server's copy is the device's (same entries, same chain end).
 */
static void test_audit_chain_delivered(void **state)
{
	struct fixture *f = *state;
	struct sync_opts o = opts(50);
	struct sync_stats s;
	queue(f, 3);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(s.delivered, 3);
	assert_int_equal(s.audit, 1);
	assert_int_equal(fk.n_audit, 1);
	int64_t sent = fk.audit_entries;
	assert_true(sent > 3);

	/* Only bookkeeping since: no audit item. */
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(fk.n_audit, 1);
	assert_int_equal(s.audit, 0);

	/* A real change: it goes, after everything left since. */
	assert_int_equal(store_audit_add(f->st, "summary.print", f->ivs[0], "stdout"), ST_OK);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	assert_int_equal(fk.n_audit, 2);
	assert_int_equal(fk.audit_broken, 0);

	/* Bookkeeping alone goes too once 500 entries of it wait. */
	for (int i = 0; i < 500; i++)
		assert_int_equal(store_kv_set(f->st, "test.tick", i % 2 ? "a" : "b"), ST_OK);
	assert_int_equal(sync_pass(f->st, &o, &s), ST_OK);
	/* 500+ entries in items of SYNC_AUDIT_PER_ITEM */
	assert_true(fk.n_audit >= 2 + (500 + SYNC_AUDIT_PER_ITEM) / SYNC_AUDIT_PER_ITEM);
	assert_int_equal(fk.audit_broken, 0);

	/* What the server holds is the device's trail up to the mark. */
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	assert_int_equal(store_audit_list(f->st, 0, (size_t)fk.audit_entries, &l), ST_OK);
	assert_int_equal(l.n, (size_t)fk.audit_entries);
	assert_string_equal(l.v[l.n - 1].hash, fk.audit_hash);
	assert_int_equal(fk.audit_next, l.v[l.n - 1].seq + 1);
	/* The wire hash is the store's: recompute one entry both ways. */
	struct proto_audit_entry e = { l.v[1].seq, l.v[1].time, l.v[1].actor, l.v[1].action,
				       l.v[1].object, l.v[1].detail };
	char h[65];
	proto_audit_hash(l.v[1].prev, &e, h);
	assert_string_equal(h, l.v[1].hash);
	bool printed = false;
	for (size_t i = 0; i < l.n; i++)
		printed = printed || !strcmp(l.v[i].action, "summary.print");
	assert_true(printed);
	store_audit_list_release(&l);
}

/*
 * Long entries close an audit item before SYNC_AUDIT_PER_ITEM of them: its
 * payload stays near SYNC_AUDIT_ITEM_BYTES, well inside the server's
 * max_item, and the items still follow on from each other.
 */
static void test_audit_items_bounded(void **state)
{
	struct fixture *f = *state;
	char detail[501];
	memset(detail, 'd', 500);
	detail[500] = 0;
	for (int i = 0; i < 200; i++)
		assert_int_equal(store_audit_add(f->st, "test.long", "x", detail), ST_OK);
	size_t items = 0;
	assert_int_equal(sync_audit_queue(f->st, &items), ST_OK);
	assert_true(items >= 2);	/* 200 entries of ~540 bytes */

	struct store_outbox_list l = STORE_OUTBOX_LIST_INIT;
	assert_int_equal(store_outbox_list(f->st, 0, &l), ST_OK);
	size_t seen = 0;
	int64_t next = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].kind, "audit"))
			continue;
		struct proto_audit a;
		assert_true(strlen(l.v[i].payload) <= SYNC_AUDIT_ITEM_BYTES + 1024);
		assert_null(proto_audit_decode(l.v[i].payload, strlen(l.v[i].payload), &a));
		assert_true(!next || a.from == next);
		next = a.from + (int64_t)a.n;
		proto_audit_release(&a);
		seen++;
	}
	assert_int_equal(seen, items);
	store_outbox_list_release(&l);
}

/* The server refuses an audit item that is not a clean chain of bare entries. */
static void test_audit_payload_checked(void **state)
{
	(void)state;
	struct proto_audit_entry v[2] = {
		{ 1, 100, "caseworker", "interview.create", "x", "form intake 1, es, draft" },
		{ 2, 101, "caseworker", "answer.save", "x", "identity.name set" },
	};
	char zero[65], h1[65], h2[65];
	memset(zero, '0', 64);
	zero[64] = 0;
	proto_audit_hash(zero, &v[0], h1);
	proto_audit_hash(h1, &v[1], h2);
	char *p = proto_audit_payload(zero, v, 2, h2);
	char *why = proto_audit_check(p, strlen(p));
	assert_null(why);
	free(p);
	/* A rewritten entry no longer hashes to the end. */
	v[1].detail = "identity.name Maria";
	p = proto_audit_payload(zero, v, 2, h2);
	why = proto_audit_check(p, strlen(p));
	assert_non_null(why);
	assert_non_null(strstr(why, "chain is broken"));
	free(why);
	free(p);
	/* Anything beyond the five fields is refused: no room for answers. */
	static const char extra[] =
		"{\"entries\":[[1,\"a\",\"b\",\"c\",\"d\",\"answer\"]],\"from\":1,"
		"\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\","
		"\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"}";
	why = proto_audit_check(extra, strlen(extra));
	assert_non_null(why);
	assert_non_null(strstr(why, "entries[0]"));
	free(why);
	static const char more[] = "{\"answers\":{},\"entries\":[],\"from\":1,"
		"\"hash\":\"x\",\"prev\":\"x\"}";
	why = proto_audit_check(more, strlen(more));
	assert_non_null(why);
	free(why);
}

/*
 * An actor, action or object equal to the entry before's travels as 0 and
 * decodes back to it; the first entry and the detail must be spelled out.
 */
static void test_audit_payload_same_as_above(void **state)
{
	(void)state;
	static const char iv[] = "3c1d7a0e-6f0b-4b8e-9d5a-0d6f2f1e9a11";
	struct proto_audit_entry v[3] = {
		{ 7, 100, "caseworker", "answer.save", (char *)iv, "identity.name set" },
		{ 8, 100, "caseworker", "answer.save", (char *)iv, "identity.age set" },
		{ 9, 101, "caseworker", "interview.status", (char *)iv, "draft -> completed" },
	};
	char prev[65], h[65];
	memset(prev, 'a', 64);
	prev[64] = 0;
	memcpy(h, prev, sizeof(h));
	for (size_t i = 0; i < 3; i++) {
		char next[65];
		proto_audit_hash(h, &v[i], next);
		memcpy(h, next, sizeof(h));
	}
	char *p = proto_audit_payload(prev, v, 3, h);
	/* The interview's id once, the actor once, answer.save once. */
	assert_null(strstr(strstr(p, iv) + 1, iv));
	assert_null(strstr(strstr(p, "caseworker") + 1, "caseworker"));
	assert_null(strstr(strstr(p, "answer.save") + 1, "answer.save"));
	assert_non_null(strstr(p, "[100,0,0,0,\"identity.age set\"]"));
	assert_non_null(strstr(p, "[101,0,\"interview.status\",0,"));
	struct proto_audit a;
	assert_null(proto_audit_decode(p, strlen(p), &a));
	assert_int_equal(a.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(a.v[i].seq, v[i].seq);
		assert_string_equal(a.v[i].actor, v[i].actor);
		assert_string_equal(a.v[i].action, v[i].action);
		assert_string_equal(a.v[i].object, v[i].object);
		assert_string_equal(a.v[i].detail, v[i].detail);
	}
	proto_audit_release(&a);
	char *why = proto_audit_check(p, strlen(p));
	assert_null(why);
	free(p);

	/* The first entry has nothing above it; a detail is never "above". */
	static const char *const bad[] = {
		"{\"entries\":[[1,0,\"b\",\"c\",\"d\"]],\"from\":1,",
		"{\"entries\":[[1,\"a\",\"b\",\"c\",\"d\"],[1,0,0,0,0]],\"from\":1,",
		"{\"entries\":[[1,\"a\",\"b\",\"c\",\"d\"],[1,1,0,0,\"d\"]],\"from\":1,",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *text = xasprintf("%s\"hash\":\"%s\",\"prev\":\"%s\"}", bad[i], prev, prev);
		why = proto_audit_check(text, strlen(text));
		assert_non_null(why);
		assert_non_null(strstr(why, "payload.entries["));
		free(why);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivers_in_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_quarantined_rest_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_item_quarantined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poison_item_isolated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_link_keeps_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_cut_recovers_in_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_resigned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_skew_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_left_sending, setup, teardown),
		cmocka_unit_test(test_not_enrolled),
		cmocka_unit_test_setup_teardown(test_decisions_applied_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delivered_interview_submitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_items_bounded, setup, teardown),
		cmocka_unit_test(test_audit_payload_checked),
		cmocka_unit_test(test_audit_payload_same_as_above),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
