/*
 * srv_core.c - the transport-neutral heart of senda-server: the route
 * table, request authentication (device, timestamp, nonce, Ed25519
 * signature; docs/sync-protocol.md section 3), enrolment and the two
 * gap-free feeds.  Batch ingest is in srv_ingest.c.
 *
 * Every answer that is not 200 goes through srv_error(), so the body is
 * always the protocol's error JSON with the server time in it.  Log lines
 * carry device ids, counts and codes, never payload text or labels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "server/server.h"
#include "util/log.h"

void srv_config_init(struct srv_config *c)
{
	static const struct proto_limits lim = PROTO_LIMITS_DEFAULT;

	memset(c, 0, sizeof(*c));
	c->listen = xstrdup("127.0.0.1:8443");
	c->threads = 4;
	c->max_connections = 256;
	c->timeout = 30;
	c->retention = 90 * 86400;
	c->limits = lim;
	c->kdf_memory = 65536;
	c->kdf_iterations = 3;
}

void srv_config_release(struct srv_config *c)
{
	free(c->data_dir);
	free(c->listen);
	free(c->port_file);
	free(c->log_file);
	free(c->log_level);
	free(c->passphrase_file);
	memset(c, 0, sizeof(*c));
}

static void srv_init_common(struct srv *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->group_cond, NULL);
	s->last_prune = 0;
	if (!s->pin)
		s->pin = xstrdup("");
}

char *srv_passphrase_path(const struct srv_config *cfg)
{
	return cfg->passphrase_file ? xstrdup(cfg->passphrase_file)
		: path_join(cfg->data_dir, "passphrase");
}

/*
 * Read the passphrase: the whole file less a final newline.  A file others
 * may read is refused, as ssh refuses a private key anyone can read.
 */
static status_t read_passphrase(const char *path, char **pass, size_t *len)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return st_error(ST_CONFIG, "cannot read the passphrase file %s", path);
	if (sb.st_mode & 077)
		return st_error(ST_CONFIG, "%s: passphrase file must not be readable by others "
				"(chmod 600)", path);
	*pass = file_read_all(path, len);
	if (!*pass)
		return st_error(ST_CONFIG, "cannot read the passphrase file %s", path);
	while (*len && ((*pass)[*len - 1] == '\n' || (*pass)[*len - 1] == '\r'))
		(*pass)[--*len] = '\0';
	if (!*len) {
		free(*pass);
		return st_error(ST_CONFIG, "%s: the passphrase is empty", path);
	}
	return ST_OK;
}

static void wipe_free(char *p, size_t n)
{
	if (p) {
		crypto_sign_wipe(p, n);
		free(p);
	}
}

/* A new random passphrase file (mode 0600): 32 random bytes in hex. */
static status_t make_passphrase(const char *path)
{
	unsigned char rnd[32];
	char hex[65];
	int fd;
	status_t st = ST_OK;

	if (!util_random(rnd, sizeof(rnd)))
		return st_error(ST_ERR, "no random numbers");
	proto_hex_encode(rnd, sizeof(rnd), hex);
	crypto_sign_wipe(rnd, sizeof(rnd));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, hex, 64) != 64 || write(fd, "\n", 1) != 1 || fsync(fd) != 0)
		st = st_error(ST_IO, "cannot write the passphrase file %s", path);
	if (fd >= 0)
		close(fd);
	crypto_sign_wipe(hex, sizeof(hex));
	return st;
}

static status_t srv_start_common(struct srv *s, struct srv_config *cfg, bool create,
				 char recovery[STORE_RECOVERY_KEY_LEN])
{
	char *ppath, *pass = NULL;
	size_t plen = 0;
	status_t st = ST_OK;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	ppath = srv_passphrase_path(&s->cfg);
	if (create && !path_exists(ppath))
		st = make_passphrase(ppath);
	if (st == ST_OK)
		st = read_passphrase(ppath, &pass, &plen);
	free(ppath);
	if (st == ST_OK && create)
		st = srv_backend_sqlite_create(s->cfg.data_dir, pass, plen, s->cfg.kdf_memory,
					       s->cfg.kdf_iterations, recovery, &s->be);
	else if (st == ST_OK)
		st = srv_backend_sqlite_open(s->cfg.data_dir, pass, plen, &s->be);
	wipe_free(pass, plen);
	/* Without TLS files (plain loopback tests) the pin is "". */
	if (st == ST_OK && srv_tls_exists(s->cfg.data_dir))
		st = srv_tls_pin(s->cfg.data_dir, &s->pin);
	if (st != ST_OK) {
		srv_backend_close(&s->be);
		srv_config_release(&s->cfg);
		free(s->pin);
		s->pin = NULL;
		return st;
	}
	srv_init_common(s);
	return ST_OK;
}

status_t srv_open(struct srv *s, struct srv_config *cfg)
{
	return srv_start_common(s, cfg, false, NULL);
}

status_t srv_create(struct srv *s, struct srv_config *cfg, char recovery[STORE_RECOVERY_KEY_LEN])
{
	return srv_start_common(s, cfg, true, recovery);
}

status_t srv_open_memory(struct srv *s)
{
	status_t st;

	memset(s, 0, sizeof(*s));
	srv_config_init(&s->cfg);
	s->cfg.insecure_loopback = true;
	st = srv_backend_sqlite_open(NULL, NULL, 0, &s->be);
	if (st != ST_OK) {
		srv_config_release(&s->cfg);
		return st;
	}
	srv_init_common(s);
	return ST_OK;
}

void srv_close(struct srv *s)
{
	srv_backend_close(&s->be);
	srv_config_release(&s->cfg);
	free(s->pin);
	s->pin = NULL;
	pthread_cond_destroy(&s->group_cond);
	pthread_mutex_destroy(&s->lock);
}

void srv_response_init(struct srv_response *r)
{
	r->status = 500;
	strbuf_init(&r->body, 0);
}

void srv_response_release(struct srv_response *r)
{
	strbuf_release(&r->body);
}

void srv_error(struct srv_response *resp, int status, const char *error, const char *field,
	       int item, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp->status = status;
	strbuf_reset(&resp->body);
	proto_error_encode(error, msg, field, item, util_now(), &resp->body);
}

/* A storage failure: 503 when it may pass (busy), else 500.  No detail leaks. */
void srv_storage_error(struct srv_response *resp, status_t st)
{
	log_error("storage: %s", st_detail(st));
	if (st == ST_BUSY)
		srv_error(resp, 503, "unavailable", NULL, -1, "server busy; try again");
	else
		srv_error(resp, 500, "internal", NULL, -1, "server error; try again later");
}

/* ---- authentication ---- */

/*
 * Check the four auth headers (section 3) and fill dev.  Returns false with
 * resp filled when the request must be refused.
 */
static bool srv_auth(struct srv *s, const struct srv_request *req, struct sdb_device *dev,
		     struct srv_response *resp)
{
	const char *id = req->header(req->header_ctx, PROTO_HDR_DEVICE);
	const char *ts = req->header(req->header_ctx, PROTO_HDR_TIME);
	const char *nonce = req->header(req->header_ctx, PROTO_HDR_NONCE);
	const char *sig_hex = req->header(req->header_ctx, PROTO_HDR_SIGNATURE);
	uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN], sig[CRYPTO_SIGN_SIG_LEN], nb[16];
	char body_hash[65];
	struct strbuf sstr = STRBUF_INIT;
	int64_t t, now = util_now();
	status_t st;
	bool ok;

	if (!id || !ts || !nonce || !sig_hex) {
		srv_error(resp, 401, "unauthenticated", NULL, -1,
			  "missing %s, %s, %s or %s header", PROTO_HDR_DEVICE, PROTO_HDR_TIME,
			  PROTO_HDR_NONCE, PROTO_HDR_SIGNATURE);
		return false;
	}
	if (!proto_is_uuid(id) || !parse_int64(ts, &t) || !proto_hex_decode(nonce, nb, sizeof(nb)) ||
	    !proto_hex_decode(sig_hex, sig, sizeof(sig))) {
		srv_error(resp, 401, "unauthenticated", NULL, -1, "malformed authentication headers");
		return false;
	}
	pthread_mutex_lock(&s->lock);
	st = s->be.ops->device_get(s->be.impl, id, dev);
	pthread_mutex_unlock(&s->lock);
	if (st == ST_NOTFOUND) {
		srv_error(resp, 401, "unknown_device", NULL, -1, "this device is not enrolled");
		return false;
	}
	if (st != ST_OK) {
		srv_storage_error(resp, st);
		return false;
	}
	if (dev->revoked) {
		log_info("refused revoked device %s", dev->id);
		srv_error(resp, 401, "revoked", NULL, -1,
			  "this device has been revoked; enrol it again");
		return false;
	}
	if (t > now + PROTO_MAX_SKEW || t < now - PROTO_MAX_SKEW) {
		srv_error(resp, 401, "clock_skew", NULL, -1,
			  "request time differs from server time by %lld seconds (limit %d)",
			  (long long)(t - now), PROTO_MAX_SKEW);
		return false;
	}
	crypto_sha256_hex(req->body ? req->body : "", req->body ? req->body_len : 0, body_hash);
	proto_signing_string(req->method, req->uri, t, nonce, id, body_hash, &sstr);
	ok = proto_hex_decode(dev->public_key, pub, sizeof(pub)) &&
	     crypto_sign_verify(pub, sstr.buf, sstr.len, sig);
	strbuf_release(&sstr);
	if (!ok) {
		log_info("bad signature from device %s", dev->id);
		srv_error(resp, 401, "bad_signature", NULL, -1, "signature does not verify");
		return false;
	}
	/* Only a verified request may spend a nonce, or anyone could burn them. */
	pthread_mutex_lock(&s->lock);
	if (now - s->last_prune >= 60) {
		s->last_prune = now;
		s->be.ops->nonce_prune(s->be.impl, now - PROTO_NONCE_WINDOW);
		if (s->cfg.retention > 0)
			s->be.ops->stream_prune(s->be.impl, now - s->cfg.retention);
	}
	st = s->be.ops->nonce_add(s->be.impl, id, nonce, now);
	pthread_mutex_unlock(&s->lock);
	if (st == ST_EXISTS) {
		log_info("replayed request from device %s", dev->id);
		srv_error(resp, 401, "replay", NULL, -1, "request was already received (replay)");
		return false;
	}
	if (st != ST_OK) {
		srv_storage_error(resp, st);
		return false;
	}
	return true;
}

/* ---- query strings ---- */

/*
 * Parse "after=N&limit=M" strictly: only known keys, decimal values.
 * Returns false with resp filled.
 */
static bool query_args(const char *uri, int64_t *after, int64_t *limit,
		       struct srv_response *resp)
{
	const char *q = strchr(uri, '?');
	char *copy, *tok, *save = NULL;
	bool ok = true;

	*after = 0;
	*limit = 200;
	if (!q || !q[1])
		return true;
	copy = xstrdup(q + 1);
	for (tok = strtok_r(copy, "&", &save); tok && ok; tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		int64_t v;

		if (!eq) {
			ok = false;
			srv_error(resp, 400, "bad_request", "query", -1, "malformed query string");
			break;
		}
		*eq = '\0';
		if (!parse_int64(eq + 1, &v) || v < 0) {
			ok = false;
			srv_error(resp, 400, "bad_request", strcmp(tok, "limit") ? "after" : "limit",
				  -1, "must be a non-negative decimal number");
		} else if (!strcmp(tok, "after")) {
			*after = v;
		} else if (!strcmp(tok, "limit")) {
			if (v < 1 || v > 1000) {
				ok = false;
				srv_error(resp, 400, "bad_request", "limit", -1, "must be 1 to 1000");
			}
			*limit = v;
		} else {
			ok = false;
			srv_error(resp, 400, "bad_request", "query", -1, "unknown query parameter");
		}
	}
	free(copy);
	return ok;
}

/* ---- feeds ---- */

static status_t feed_add_entry(void *ctx, const struct sdb_entry *e)
{
	proto_feed_add(ctx, e->seq, e->id, e->interview, e->kind, e->at, e->payload,
		       e->device[0] ? e->device : NULL, e->hash[0] ? e->hash : NULL);
	return ST_OK;
}

static void serve_stream(struct srv *s, const struct srv_request *req, const char *stream,
			 const char *list, struct srv_response *resp)
{
	struct proto_feed f;
	int64_t after, limit, oldest = 0, last = 0;
	status_t st;

	if (!query_args(req->uri, &after, &limit, resp))
		return;
	proto_feed_init(&f);
	pthread_mutex_lock(&s->lock);
	st = s->be.ops->stream_bounds(s->be.impl, stream, &oldest, &last);
	if (st == ST_OK && (after > last || (after > 0 && after < oldest - 1))) {
		pthread_mutex_unlock(&s->lock);
		srv_error(resp, 410, "cursor_expired", "after", -1,
			  "cursor %lld is no longer valid; pull again from after=0",
			  (long long)after);
		return;
	}
	if (st == ST_OK)
		st = s->be.ops->stream_read(s->be.impl, stream, after, (int)limit, feed_add_entry, &f);
	pthread_mutex_unlock(&s->lock);
	if (st != ST_OK) {
		proto_feed_release(&f);
		srv_storage_error(resp, st);
		return;
	}
	if (f.n == 0)
		f.cursor = after;
	f.more = f.cursor < last;
	resp->status = 200;
	proto_feed_encode(&f, list, &resp->body);
	proto_feed_release(&f);
}

static void h_decisions(struct srv *s, const struct srv_request *req,
			const struct sdb_device *dev, struct srv_response *resp)
{
	char stream[64];

	snprintf(stream, sizeof(stream), "d:%s", dev->id);
	serve_stream(s, req, stream, "decisions", resp);
}

static void h_review_queue(struct srv *s, const struct srv_request *req,
			   const struct sdb_device *dev, struct srv_response *resp)
{
	char stream[80];

	if (strcmp(dev->role, "supervisor")) {
		srv_error(resp, 403, "forbidden", NULL, -1, "the review queue is for supervisor devices");
		return;
	}
	snprintf(stream, sizeof(stream), "t:%s", dev->team);
	serve_stream(s, req, stream, "items", resp);
}

/* ---- enrolment ---- */

void srv_code_hash(const char *code, char out[65])
{
	struct strbuf n = STRBUF_INIT;

	strbuf_addstr(&n, "senda-code:");
	for (const char *p = code; *p; p++)
		if (*p != '-' && *p != ' ')
			strbuf_addch(&n, *p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	crypto_sha256_hex(n.buf, n.len, out);
	strbuf_release(&n);
}

status_t srv_enroll_code_new(struct srv *s, const char *team, const char *role,
			     char code[15], int64_t *expires)
{
	/* Crockford base32: no I, L, O or U, so a code read aloud is unambiguous. */
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char rnd[12];
	char hash[65];
	status_t st;
	int j = 0;

	if (!util_random(rnd, sizeof(rnd)))
		return st_error(ST_ERR, "no random numbers");
	for (int i = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			code[j++] = '-';
		code[j++] = alphabet[rnd[i] & 31];
	}
	code[j] = '\0';
	*expires = util_now() + PROTO_ENROLL_TTL;
	srv_code_hash(code, hash);
	pthread_mutex_lock(&s->lock);
	srv_wait_idle(s);
	st = s->be.ops->code_add(s->be.impl, hash, team, role, *expires);
	pthread_mutex_unlock(&s->lock);
	return st;
}

static void h_enroll(struct srv *s, const struct srv_request *req,
		     const struct sdb_device *unused, struct srv_response *resp)
{
	struct proto_enroll_req q;
	struct proto_enroll_reply r;
	struct proto_err err;
	struct sdb_device dev;
	struct strbuf proof = STRBUF_INIT;
	uint8_t pub[32], sig[64];
	char hash[65];
	bool ok;
	status_t st;

	(void)unused;
	proto_err_init(&err);
	if (proto_enroll_req_decode(req->body, req->body_len, &q, &err) != ST_OK) {
		srv_error(resp, err.http, err.error, err.field, -1, "%s", err.message);
		return;
	}
	proto_enroll_proof_string(q.code, q.public_key, &proof);
	ok = proto_hex_decode(q.public_key, pub, 32) && proto_hex_decode(q.proof, sig, 64) &&
	     crypto_sign_verify(pub, proof.buf, proof.len, sig);
	strbuf_release(&proof);
	if (!ok) {
		proto_enroll_req_release(&q);
		srv_error(resp, 401, "bad_signature", "proof", -1, "proof does not verify");
		return;
	}
	memset(&dev, 0, sizeof(dev));
	uuid_v4(dev.id);
	memcpy(dev.public_key, q.public_key, sizeof(dev.public_key));
	snprintf(dev.label, sizeof(dev.label), "%s", q.label ? q.label : "");
	dev.created = util_now();
	srv_code_hash(q.code, hash);
	proto_enroll_req_release(&q);

	pthread_mutex_lock(&s->lock);
	srv_wait_idle(s);
	st = s->be.ops->begin(s->be.impl);
	if (st == ST_OK)
		st = s->be.ops->code_take(s->be.impl, hash, dev.created, dev.team, dev.role);
	if (st == ST_OK)
		st = s->be.ops->device_add(s->be.impl, &dev);
	if (st == ST_OK)
		st = s->be.ops->commit(s->be.impl);
	else
		s->be.ops->rollback(s->be.impl);
	pthread_mutex_unlock(&s->lock);
	if (st == ST_DENIED) {
		log_info("enrolment refused: bad code");
		srv_error(resp, 403, "enroll_code", "code", -1,
			  "enrolment code is unknown, used or expired");
		return;
	}
	if (st == ST_EXISTS) {
		srv_error(resp, 400, "bad_request", "public_key", -1, "this key is already enrolled");
		return;
	}
	if (st != ST_OK) {
		srv_storage_error(resp, st);
		return;
	}
	log_info("enrolled device %s (team %s, role %s)", dev.id, dev.team, dev.role);
	memcpy(r.device, dev.id, sizeof(r.device));
	r.team = dev.team;
	r.role = dev.role;
	r.server_time = util_now();
	r.pin = s->pin;
	resp->status = 200;
	proto_enroll_reply_encode(&r, &resp->body);
}

/* ---- routes ---- */

typedef void (*srv_handler)(struct srv *s, const struct srv_request *req,
			    const struct sdb_device *dev, struct srv_response *resp);

/* Every endpoint, one line each: method, path, whether it is signed, handler. */
static const struct srv_route {
	const char *method;
	const char *path;
	bool signed_request;
	bool has_body;
	srv_handler handler;
} srv_routes[] = {
	{ "POST", "/v1/enroll", false, true, h_enroll },
	{ "POST", "/v1/batches", true, true, srv_h_batches },
	{ "GET", "/v1/decisions", true, false, h_decisions },
	{ "GET", "/v1/review-queue", true, false, h_review_queue },
};

/* The route for uri (query ignored) and method; *path_found says if the path exists. */
static const struct srv_route *route_find(const char *method, const char *uri, bool *path_found)
{
	size_t plen = strcspn(uri, "?");

	*path_found = false;
	for (size_t i = 0; i < ARRAY_SIZE(srv_routes); i++) {
		const struct srv_route *r = &srv_routes[i];

		if (strlen(r->path) != plen || strncmp(r->path, uri, plen))
			continue;
		*path_found = true;
		if (!strcmp(r->method, method))
			return r;
	}
	return NULL;
}

enum srv_route_match srv_route_lookup(const char *method, const char *uri)
{
	bool found;

	if (route_find(method, uri, &found))
		return SRV_ROUTE_OK;
	return found ? SRV_ROUTE_BAD_METHOD : SRV_ROUTE_NOT_FOUND;
}

/* application/json, with an optional "; charset=utf-8". */
static bool content_type_ok(const char *ct)
{
	size_t n = strlen("application/json");

	if (!ct || strncasecmp(ct, "application/json", n))
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

void srv_handle(struct srv *s, const struct srv_request *req, struct srv_response *resp)
{
	struct sdb_device dev;
	const struct srv_route *r;
	bool found;

	strbuf_reset(&resp->body);
	r = route_find(req->method, req->uri, &found);
	if (!r) {
		if (found)
			srv_error(resp, 405, "method_not_allowed", NULL, -1, "method not allowed here");
		else
			srv_error(resp, 404, "not_found", NULL, -1, "no such endpoint");
		return;
	}
	if (r->has_body) {
		const char *enc = req->header(req->header_ctx, "Content-Encoding");

		if (!content_type_ok(req->header(req->header_ctx, "Content-Type"))) {
			srv_error(resp, 415, "unsupported_media_type", NULL, -1,
				  "Content-Type must be application/json");
			return;
		}
		if (enc && strcasecmp(enc, "gzip") && strcasecmp(enc, "identity")) {
			srv_error(resp, 415, "unsupported_media_type", NULL, -1,
				  "Content-Encoding must be gzip or identity");
			return;
		}
		if (req->body_too_large) {
			srv_error(resp, 413, "too_large", NULL, -1,
				  "body is larger than %zu bytes", s->cfg.limits.max_body);
			return;
		}
	}
	memset(&dev, 0, sizeof(dev));
	if (r->signed_request && !srv_auth(s, req, &dev, resp))
		return;
	r->handler(s, req, &dev, resp);
}
