/*
 * client.c - the device's side of request authentication
 * (docs/sync-protocol.md, section 3): load the enrolment from the store,
 * sign every request over method, path, time, nonce, device and body hash,
 * and read error bodies into one line a caseworker can act on.
 */
#include "sync/sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/proto.h"
#include "store/data.h"
#include "util/log.h"

/* A replayed request is re-signed; more than this means something else. */
#define SYNC_MAX_RESIGN 3

bool sync_enrolled(struct store *st)
{
	char *v = NULL;
	bool ok = store_kv_get(st, SYNC_KV_DEVICE, &v) == ST_OK && v && *v;
	free(v);
	v = NULL;
	ok = ok && store_kv_get(st, SYNC_KV_KEY, &v) == ST_OK && v && *v;
	if (v)
		crypto_sign_wipe(v, strlen(v));
	free(v);
	st_clear();
	return ok;
}

static status_t kv_need(struct store *st, const char *key, char **out)
{
	status_t s = store_kv_get(st, key, out);
	if (s == ST_NOTFOUND)
		return st_error(ST_NOTFOUND, "this device is not enrolled; "
				"run 'senda enroll URL CODE'");
	return s;
}

status_t sync_client_open(struct sync_client *c, struct store *st, long timeout_s,
			  const char *url_override, struct sync_stats *stats)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->stats = stats;
	char *device = NULL, *key = NULL;
	status_t s;
	if ((s = kv_need(st, SYNC_KV_URL, &c->url)) != ST_OK ||
	    (s = kv_need(st, SYNC_KV_DEVICE, &device)) != ST_OK ||
	    (s = kv_need(st, SYNC_KV_KEY, &key)) != ST_OK)
		goto fail;
	if (store_kv_get(st, SYNC_KV_PIN, &c->pin) != ST_OK)
		c->pin = xstrdup("");
	if (!proto_is_uuid(device) || !proto_hex_decode(key, c->secret, sizeof(c->secret))) {
		s = st_error(ST_DAMAGED, "the stored enrolment is damaged; enrol the device again");
		goto fail;
	}
	memcpy(c->device, device, sizeof(c->device));
	if (url_override && *url_override) {
		free(c->url);
		c->url = xstrdup(url_override);
	}
	s = sync_http_open(&c->http, c->url, c->pin, timeout_s);
fail:
	free(device);
	if (key) {
		crypto_sign_wipe(key, strlen(key));
		free(key);
	}
	if (s != ST_OK)
		sync_client_release(c);
	return s;
}

void sync_client_release(struct sync_client *c)
{
	sync_http_free(c->http);
	c->http = NULL;
	free(c->url);
	free(c->pin);
	c->url = c->pin = NULL;
	sync_ivmap_release(&c->ivmap);
	crypto_sign_wipe(c->secret, sizeof(c->secret));
}

/* Build the four authentication headers for one attempt. */
static status_t sign_headers(struct sync_client *c, const char *method, const char *path,
			     const void *body, size_t len, char *hdr[4])
{
	uint8_t nonce_raw[PROTO_NONCE_HEX / 2], sig[CRYPTO_SIGN_SIG_LEN];
	char nonce[PROTO_NONCE_HEX + 1], sig_hex[PROTO_SIG_HEX + 1], body_hash[65];
	if (!util_random(nonce_raw, sizeof(nonce_raw)))
		return st_error(ST_ERR, "no random numbers for the request nonce");
	proto_hex_encode(nonce_raw, sizeof(nonce_raw), nonce);
	crypto_sha256_hex(body ? body : "", body ? len : 0, body_hash);
	int64_t now = util_now();
	struct strbuf sb = STRBUF_INIT;
	proto_signing_string(method, path, now, nonce, c->device, body_hash, &sb);
	status_t s = crypto_sign(c->secret, sb.buf, sb.len, sig);
	strbuf_release(&sb);
	if (s != ST_OK)
		return s;
	proto_hex_encode(sig, sizeof(sig), sig_hex);
	hdr[0] = xasprintf(PROTO_HDR_DEVICE ": %s", c->device);
	hdr[1] = xasprintf(PROTO_HDR_TIME ": %lld", (long long)now);
	hdr[2] = xasprintf(PROTO_HDR_NONCE ": %s", nonce);
	hdr[3] = xasprintf(PROTO_HDR_SIGNATURE ": %s", sig_hex);
	return ST_OK;
}

/* The `error` code of an answer's JSON body, or NULL; its server_time too. */
static char *answer_code(const struct sync_http_response *resp, int64_t *server_time)
{
	struct proto_error_reply er = { 0 };
	char *code = NULL;
	if (proto_error_decode(resp->body.buf, resp->body.len, &er) == ST_OK && er.error) {
		code = xstrdup(er.error);
		*server_time = er.server_time;
	}
	proto_error_reply_release(&er);
	st_clear();
	return code;
}

status_t sync_signed_request(struct sync_client *c, const char *method,
			     const char *path, const void *body, size_t len, bool gzip,
			     struct sync_http_response *resp)
{
	for (int attempt = 0;; attempt++) {
		char *hdr[7] = { 0 };
		status_t s = sign_headers(c, method, path, body, len, hdr);
		if (s != ST_OK)
			return s;
		int n = 4;
		if (body) {
			hdr[n++] = xstrdup("Content-Type: application/json");
			if (gzip)
				hdr[n++] = xstrdup("Content-Encoding: gzip");
		}
		s = sync_http_request(c->http, method, path, (const char *const *)hdr,
				      body, len, resp);
		for (int i = 0; i < n; i++)
			free(hdr[i]);
		if (c->stats)
			c->stats->requests++;
		if (s != ST_OK || resp->status != 401 || attempt >= SYNC_MAX_RESIGN)
			return s;
		int64_t server_time = 0;
		char *code = answer_code(resp, &server_time);
		bool replay = code && !strcmp(code, "replay");
		/* Noted for `sync --watch`, which waits for the clock to be fixed. */
		if (code && !strcmp(code, "clock_skew") && c->stats)
			c->stats->skew_server_time = server_time ? server_time : 1;
		free(code);
		if (!replay)
			return ST_OK;
		log_debug("sync: %s %s answered replay; signing again", method, path);
	}
}

/* "7 minutes fast" for a clock-skew answer. */
static void describe_skew(int64_t server_time, char *out, size_t n)
{
	int64_t d = util_now() - server_time;
	int64_t a = d < 0 ? -d : d;
	const char *dir = d > 0 ? "fast" : "slow";
	/* Rounded: the answer took a moment to come back. */
	if (a >= 5400)
		snprintf(out, n, "%lld hours %s", (long long)((a + 1800) / 3600), dir);
	else if (a >= 90)
		snprintf(out, n, "%lld minutes %s", (long long)((a + 30) / 60), dir);
	else
		snprintf(out, n, "%lld seconds %s", (long long)a, dir);
}

status_t sync_answer_error(const struct sync_http_response *resp, const char *what,
			   char **error_out, int *item_out)
{
	struct proto_error_reply er = { 0 };
	er.item = -1;
	bool have = proto_error_decode(resp->body.buf, resp->body.len, &er) == ST_OK;
	st_clear();
	const char *code = have && er.error ? er.error : "";
	const char *msg = have && er.message && *er.message ? er.message : NULL;
	if (error_out)
		*error_out = have && er.error ? xstrdup(er.error) : NULL;
	if (item_out)
		*item_out = have ? er.item : -1;
	status_t s;
	long http = resp->status;
	if (http == 401 && !strcmp(code, "clock_skew")) {
		char skew[64], when[64] = "";
		describe_skew(er.server_time, skew, sizeof(skew));
		time_t t = (time_t)er.server_time;
		struct tm tm;
		if (er.server_time > 0 && gmtime_r(&t, &tm) &&
		    !strftime(when, sizeof(when), " (the server's time is %Y-%m-%d %H:%M UTC)", &tm))
			when[0] = '\0';
		s = st_error(ST_DENIED, "%s: the server refused the request: this computer's "
			     "clock is %s; set the date and time%s", what, skew, when);
	} else if (http == 401 && !strcmp(code, "revoked")) {
		s = st_error(ST_DENIED, "%s: this device has been revoked; enrol it again", what);
	} else if (http == 401 || http == 403) {
		s = st_error(ST_DENIED, "%s: the server refused the device (%ld %s)%s%s", what,
			     http, *code ? code : "denied", msg ? ": " : "", msg ? msg : "");
	} else if (http >= 500 || http == 408 || http == 429) {
		s = st_error(ST_UNREACHABLE, "%s: the server is in trouble (HTTP %ld%s%s)", what,
			     http, *code ? " " : "", code);
	} else {
		s = st_error(ST_PROTOCOL, "%s: the server answered HTTP %ld%s%s", what, http,
			     msg ? ": " : "", msg ? msg : "");
	}
	proto_error_reply_release(&er);
	return s;
}
