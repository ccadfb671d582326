/*
 * test_server.c - senda-server's handlers driven in process, without
 * sockets, on an in-memory database: enrolment, each authentication
 * failure, dedupe and conflicts, team isolation, the review state machine,
 * gap-free feeds with 410 for expired cursors, and that a failed batch
 * stores nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/sign.h"
#include "server/server.h"

struct hdr {
	const char *name, *value;
};

struct fake {
	struct hdr h[8];
	int n;
};

static const char *fake_header(void *ctx, const char *name)
{
	struct fake *f = ctx;

	for (int i = 0; i < f->n; i++)
		if (!strcasecmp(f->h[i].name, name))
			return f->h[i].value;
	return NULL;
}

struct device {
	uint8_t sec[32], pub[32];
	char pub_hex[65];
	char id[37];
};

/* Send a request; sign it as dev unless dev is NULL.  Returns the status. */
static int call(struct srv *s, struct device *dev, const char *method, const char *uri,
		const char *body, int64_t skew, struct strbuf *out)
{
	char nonce[33], ts[32], sig_hex[129];
	struct fake f = { .n = 0 };
	struct srv_request req = { 0 };
	struct srv_response resp;
	struct strbuf ss = STRBUF_INIT;
	char bh[65];
	uint8_t rnd[16], sig[64];
	int st;

	req.method = method;
	req.uri = uri;
	req.header = fake_header;
	req.header_ctx = &f;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	if (body)
		f.h[f.n++] = (struct hdr){ "Content-Type", "application/json" };
	if (dev) {
		util_random(rnd, sizeof(rnd));
		proto_hex_encode(rnd, sizeof(rnd), nonce);
		snprintf(ts, sizeof(ts), "%lld", (long long)(util_now() + skew));
		crypto_sha256_hex(body ? body : "", req.body_len, bh);
		proto_signing_string(method, uri, util_now() + skew, nonce, dev->id, bh, &ss);
		crypto_sign(dev->sec, ss.buf, ss.len, sig);
		proto_hex_encode(sig, 64, sig_hex);
		f.h[f.n++] = (struct hdr){ PROTO_HDR_DEVICE, dev->id };
		f.h[f.n++] = (struct hdr){ PROTO_HDR_TIME, ts };
		f.h[f.n++] = (struct hdr){ PROTO_HDR_NONCE, nonce };
		f.h[f.n++] = (struct hdr){ PROTO_HDR_SIGNATURE, sig_hex };
		strbuf_release(&ss);
	}
	srv_response_init(&resp);
	srv_handle(s, &req, &resp);
	st = resp.status;
	if (out) {
		strbuf_reset(out);
		strbuf_add(out, resp.body.buf, resp.body.len);
	}
	srv_response_release(&resp);
	return st;
}

static void enroll(struct srv *s, const char *team, const char *role, struct device *d)
{
	struct proto_enroll_req q = { 0 };
	struct proto_enroll_reply r;
	struct strbuf proof = STRBUF_INIT, body = STRBUF_INIT, out = STRBUF_INIT;
	char code[15];
	int64_t exp;
	uint8_t sig[64];

	assert_int_equal(srv_enroll_code_new(s, team, role, code, &exp), ST_OK);
	assert_int_equal(crypto_sign_keygen(d->pub, d->sec), ST_OK);
	proto_hex_encode(d->pub, 32, d->pub_hex);
	q.code = code;
	memcpy(q.public_key, d->pub_hex, 65);
	proto_enroll_proof_string(code, d->pub_hex, &proof);
	crypto_sign(d->sec, proof.buf, proof.len, sig);
	proto_hex_encode(sig, 64, q.proof);
	proto_enroll_req_encode(&q, &body);
	assert_int_equal(call(s, NULL, "POST", "/v1/enroll", body.buf, 0, &out), 200);
	assert_int_equal(proto_enroll_reply_decode(out.buf, out.len, &r), ST_OK);
	assert_string_equal(r.team, team);
	memcpy(d->id, r.device, 37);
	proto_enroll_reply_release(&r);
	/* The code is spent. */
	assert_int_equal(call(s, NULL, "POST", "/v1/enroll", body.buf, 0, &out), 403);
	strbuf_release(&proof);
	strbuf_release(&body);
	strbuf_release(&out);
}

struct fixture {
	struct srv s;
	struct device cw, cw_b, sup, other;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	assert_int_equal(srv_open_memory(&fx->s), ST_OK);
	enroll(&fx->s, "t1", "caseworker", &fx->cw);
	enroll(&fx->s, "t1", "caseworker", &fx->cw_b);
	enroll(&fx->s, "t1", "supervisor", &fx->sup);
	enroll(&fx->s, "t2", "caseworker", &fx->other);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	srv_close(&fx->s);
	free(fx);
	return 0;
}

/* A one-item batch body. */
static char *one(const char *id, enum proto_kind k, const char *iv, const char *payload)
{
	struct proto_batch b;
	struct strbuf out = STRBUF_INIT;

	proto_batch_init(&b);
	assert_int_equal(proto_batch_add(&b, id, k, iv, payload), ST_OK);
	proto_batch_encode(&b, false, &out);
	proto_batch_release(&b);
	return strbuf_detach(&out, NULL);
}

/* Upload one item and return its result. */
static enum proto_result upload(struct fixture *fx, struct device *d, const char *id,
				enum proto_kind k, const char *iv, const char *payload,
				char **reason)
{
	char *body = one(id, k, iv, payload);
	struct strbuf out = STRBUF_INIT;
	struct proto_batch_reply r;
	enum proto_result res;

	assert_int_equal(call(&fx->s, d, "POST", "/v1/batches", body, 0, &out), 200);
	proto_batch_reply_init(&r);
	assert_int_equal(proto_batch_reply_decode(out.buf, out.len, &r), ST_OK);
	assert_int_equal(r.n, 1);
	res = r.v[0].status;
	if (reason)
		*reason = r.v[0].reason ? xstrdup(r.v[0].reason) : NULL;
	proto_batch_reply_release(&r);
	strbuf_release(&out);
	free(body);
	return res;
}

#define IV1 "11111111-1111-4111-8111-111111111111"
#define IV2 "22222222-2222-4222-8222-222222222222"
#define X1 "33333333-3333-4333-8333-333333333333"
#define SUBMITTED "{\"form\":\"intake\",\"state\":\"submitted\"}"

static void test_auth_failures(void **state)
{
	struct fixture *fx = *state;
	struct strbuf out = STRBUF_INIT;
	struct device ghost = fx->cw;

	assert_int_equal(call(&fx->s, NULL, "GET", "/v1/decisions", NULL, 0, &out), 401);
	assert_non_null(strstr(out.buf, "\"unauthenticated\""));
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions", NULL, 301, &out), 401);
	assert_non_null(strstr(out.buf, "\"clock_skew\""));
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions", NULL, -301, &out), 401);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions", NULL, 299, &out), 200);
	memcpy(ghost.id, "00000000-0000-4000-8000-000000000000", 37);
	assert_int_equal(call(&fx->s, &ghost, "GET", "/v1/decisions", NULL, 0, &out), 401);
	assert_non_null(strstr(out.buf, "\"unknown_device\""));
	/* Right id, wrong key. */
	memcpy(ghost.id, fx->cw.id, 37);
	memcpy(ghost.sec, fx->sup.sec, 32);
	assert_int_equal(call(&fx->s, &ghost, "GET", "/v1/decisions", NULL, 0, &out), 401);
	assert_non_null(strstr(out.buf, "\"bad_signature\""));
	assert_int_equal(fx->s.be.ops->device_revoke(fx->s.be.impl, fx->other.id, 1), ST_OK);
	assert_int_equal(call(&fx->s, &fx->other, "GET", "/v1/decisions", NULL, 0, &out), 401);
	assert_non_null(strstr(out.buf, "revoked"));
	strbuf_release(&out);
}

static void test_routes(void **state)
{
	struct fixture *fx = *state;
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/nope", NULL, 0, &out), 404);
	assert_int_equal(call(&fx->s, &fx->cw, "PUT", "/v1/batches", NULL, 0, &out), 405);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=-1", NULL, 0, &out), 400);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?limit=0", NULL, 0, &out), 400);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?x=1", NULL, 0, &out), 400);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=1", NULL, 0, &out), 410);
	assert_int_equal(srv_route_lookup("GET", "/v1/decisions?after=3"), SRV_ROUTE_OK);
	assert_int_equal(srv_route_lookup("GET", "/v1/batches"), SRV_ROUTE_BAD_METHOD);
	assert_int_equal(srv_route_lookup("GET", "/v1/batchesX"), SRV_ROUTE_NOT_FOUND);
	strbuf_release(&out);
}

static void test_dedupe_and_conflict(void **state)
{
	struct fixture *fx = *state;
	int64_t items, conflicts;
	char *reason;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_DUPLICATE);
	/* The same content from another device of the team is still a duplicate. */
	assert_int_equal(upload(fx, &fx->cw_b, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_DUPLICATE);
	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL,
				"{\"form\":\"intake\",\"state\":\"completed\"}", &reason), PROTO_CONFLICT);
	assert_non_null(strstr(reason, "original unchanged"));
	free(reason);
	assert_int_equal(fx->s.be.ops->counts(fx->s.be.impl, &items, &conflicts), ST_OK);
	assert_int_equal(items, 1);
	assert_int_equal(conflicts, 1);
}

static void test_team_isolation(void **state)
{
	struct fixture *fx = *state;
	struct strbuf out = STRBUF_INIT;
	char *body;
	int64_t items, conflicts;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	body = one(X1, PROTO_KIND_REFERRAL, IV1, "{\"service\":\"shelter\"}");
	assert_int_equal(call(&fx->s, &fx->other, "POST", "/v1/batches", body, 0, &out), 403);
	assert_non_null(strstr(out.buf, "\"field\":\"items[0].interview\""));
	free(body);
	/* Guessing an id of another team says 403, not "duplicate". */
	body = one(IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED);
	assert_int_equal(call(&fx->s, &fx->other, "POST", "/v1/batches", body, 0, &out), 403);
	free(body);
	assert_int_equal(fx->s.be.ops->counts(fx->s.be.impl, &items, &conflicts), ST_OK);
	assert_int_equal(items, 1);
	strbuf_release(&out);
}

/* A 403 anywhere in a batch rolls back the items before it. */
static void test_forbidden_batch_stores_nothing(void **state)
{
	struct fixture *fx = *state;
	struct proto_batch b;
	struct strbuf body = STRBUF_INIT, out = STRBUF_INIT;
	int64_t items, conflicts;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	proto_batch_init(&b);
	proto_batch_add(&b, IV2, PROTO_KIND_INTERVIEW, NULL, SUBMITTED);
	proto_batch_add(&b, X1, PROTO_KIND_DECISION, IV1, "{\"action\":\"approve\"}");
	proto_batch_encode(&b, false, &body);
	assert_int_equal(call(&fx->s, &fx->cw, "POST", "/v1/batches", body.buf, 0, &out), 403);
	assert_non_null(strstr(out.buf, "\"item\":1"));
	assert_int_equal(fx->s.be.ops->counts(fx->s.be.impl, &items, &conflicts), ST_OK);
	assert_int_equal(items, 1);
	proto_batch_release(&b);
	strbuf_release(&body);
	strbuf_release(&out);
}

static void test_review_state_machine(void **state)
{
	struct fixture *fx = *state;
	struct strbuf out = STRBUF_INIT;
	struct proto_feed f;
	char id[37], *reason;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	uuid_v4(id);
	assert_int_equal(upload(fx, &fx->sup, id, PROTO_KIND_DECISION, IV1,
				"{\"action\":\"escalate\"}", NULL), PROTO_STORED);
	uuid_v4(id);
	assert_int_equal(upload(fx, &fx->sup, id, PROTO_KIND_DECISION, IV1,
				"{\"action\":\"escalate\"}", &reason), PROTO_REJECTED);
	assert_non_null(strstr(reason, "state: the interview is escalated"));
	free(reason);
	uuid_v4(id);
	assert_int_equal(upload(fx, &fx->sup, id, PROTO_KIND_DECISION, IV1,
				"{\"action\":\"approve\"}", NULL), PROTO_STORED);
	uuid_v4(id);
	assert_int_equal(upload(fx, &fx->sup, id, PROTO_KIND_DECISION, IV1,
				"{\"action\":\"return\"}", NULL), PROTO_REJECTED);

	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=0", NULL, 0, &out), 200);
	proto_feed_init(&f);
	assert_int_equal(proto_feed_decode(out.buf, out.len, "decisions", 0, &f), ST_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].kind, "received");
	assert_string_equal(f.v[1].kind, "escalated");
	assert_string_equal(f.v[2].kind, "approved");
	assert_string_equal(f.v[2].interview, IV1);
	assert_false(f.more);
	proto_feed_release(&f);

	/* The queue is the supervisor's, of this team only. */
	assert_int_equal(call(&fx->s, &fx->sup, "GET", "/v1/review-queue", NULL, 0, &out), 200);
	proto_feed_init(&f);
	assert_int_equal(proto_feed_decode(out.buf, out.len, "items", 0, &f), ST_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].device, fx->cw.id);
	proto_feed_release(&f);
	strbuf_release(&out);
}

/* Pruned entries: old cursors get 410, after=0 starts at the oldest kept. */
static void test_expired_cursor(void **state)
{
	struct fixture *fx = *state;
	struct strbuf out = STRBUF_INIT;
	struct proto_feed f;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	assert_int_equal(fx->s.be.ops->stream_prune(fx->s.be.impl, util_now() + 1), ST_OK);
	assert_int_equal(upload(fx, &fx->cw, IV2, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=1", NULL, 0, &out), 200);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=0", NULL, 0, &out), 200);
	proto_feed_init(&f);
	assert_int_equal(proto_feed_decode(out.buf, out.len, "decisions", 0, &f), ST_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0].seq, 2);
	proto_feed_release(&f);
	assert_int_equal(fx->s.be.ops->stream_prune(fx->s.be.impl, util_now() + 1), ST_OK);
	assert_int_equal(upload(fx, &fx->cw, X1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	assert_int_equal(call(&fx->s, &fx->cw, "GET", "/v1/decisions?after=1", NULL, 0, &out), 410);
	strbuf_release(&out);
}

static void test_replay(void **state)
{
	struct fixture *fx = *state;
	struct fake f = { .n = 0 };
	struct srv_request req = { 0 };
	struct srv_response resp;
	struct strbuf ss = STRBUF_INIT;
	char ts[32], bh[65], sig_hex[129];
	const char *nonce = "00112233445566778899aabbccddeeff";
	uint8_t sig[64];

	snprintf(ts, sizeof(ts), "%lld", (long long)util_now());
	crypto_sha256_hex("", 0, bh);
	proto_signing_string("GET", "/v1/decisions", util_now(), nonce, fx->cw.id, bh, &ss);
	crypto_sign(fx->cw.sec, ss.buf, ss.len, sig);
	proto_hex_encode(sig, 64, sig_hex);
	f.h[f.n++] = (struct hdr){ PROTO_HDR_DEVICE, fx->cw.id };
	f.h[f.n++] = (struct hdr){ PROTO_HDR_TIME, ts };
	f.h[f.n++] = (struct hdr){ PROTO_HDR_NONCE, nonce };
	f.h[f.n++] = (struct hdr){ PROTO_HDR_SIGNATURE, sig_hex };
	req.method = "GET";
	req.uri = "/v1/decisions";
	req.header = fake_header;
	req.header_ctx = &f;
	srv_response_init(&resp);
	srv_handle(&fx->s, &req, &resp);
	assert_int_equal(resp.status, 200);
	srv_handle(&fx->s, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_non_null(strstr(resp.body.buf, "\"replay\""));
	/* Changing the signed path breaks the signature. */
	req.uri = "/v1/decisions?after=0";
	srv_handle(&fx->s, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_non_null(strstr(resp.body.buf, "\"bad_signature\""));
	srv_response_release(&resp);
	strbuf_release(&ss);
}

/* Concurrent batches share commits; a refused one undoes only itself. */
struct writer {
	struct fixture *fx;
	struct device *dev;
	const char *iv;		/* referrals attach here; another team's: 403 */
	int ok, forbidden;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	struct strbuf out = STRBUF_INIT;

	for (int i = 0; i < 10; i++) {
		struct proto_batch b;
		struct strbuf body = STRBUF_INIT;
		int st;

		proto_batch_init(&b);
		for (int j = 0; j < 5; j++) {
			char id[37];
			uuid_v4(id);
			proto_batch_add(&b, id, PROTO_KIND_REFERRAL, w->iv, "{\"service\":\"shelter\"}");
		}
		proto_batch_encode(&b, false, &body);
		st = call(&w->fx->s, w->dev, "POST", "/v1/batches", body.buf, 0, &out);
		if (st == 200)
			w->ok++;
		else if (st == 403)
			w->forbidden++;
		proto_batch_release(&b);
		strbuf_release(&body);
	}
	strbuf_release(&out);
	return NULL;
}

static void test_group_commit(void **state)
{
	struct fixture *fx = *state;
	struct writer w[4];
	pthread_t th[4];
	int64_t items, conflicts;

	assert_int_equal(upload(fx, &fx->cw, IV1, PROTO_KIND_INTERVIEW, NULL, SUBMITTED, NULL), PROTO_STORED);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct writer){ fx, i == 3 ? &fx->other : i == 1 ? &fx->cw_b : &fx->cw, IV1, 0, 0 };
		pthread_create(&th[i], NULL, writer_run, &w[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(w[0].ok + w[1].ok + w[2].ok, 30);
	assert_int_equal(w[3].forbidden, 10);
	assert_int_equal(fx->s.be.ops->counts(fx->s.be.impl, &items, &conflicts), ST_OK);
	assert_int_equal(items, 1 + 30 * 5);
	assert_false(fx->s.txn_open);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_auth_failures),
		T(test_routes),
		T(test_dedupe_and_conflict),
		T(test_team_isolation),
		T(test_forbidden_batch_stores_nothing),
		T(test_review_state_machine),
		T(test_expired_cursor),
		T(test_replay),
		T(test_group_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
