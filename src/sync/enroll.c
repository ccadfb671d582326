/*
 * enroll.c - `senda enroll URL CODE`: make this device's Ed25519 key pair,
 * register it with a one-time code (docs/sync-protocol.md, section 2) and
 * keep the enrolment in the encrypted store.
 *
 * Pinning: with --pin the server's key must match from the first byte.
 * Without it the device trusts the pin in the enrolment answer (trust on
 * first use) and proves it at once with a signed request over a connection
 * pinned to that key, so a device never keeps a pin it has not connected
 * through.  The store is written only after that check passes.
 */
#include "sync/sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "store/data.h"
#include "util/log.h"

static status_t post_enroll(const char *url, const char *pin, long timeout_s,
			    const struct proto_enroll_req *q, struct proto_enroll_reply *r)
{
	struct sync_http *h = NULL;
	struct strbuf body = STRBUF_INIT;
	struct sync_http_response resp;
	sync_http_response_init(&resp);
	status_t s;
	/* Without a pin yet, an https server is reached unpinned just this once. */
	if (str_starts_with(url, "https://") && (!pin || !*pin))
		s = sync_http_open_unpinned(&h, url, timeout_s);
	else
		s = sync_http_open(&h, url, pin, timeout_s);
	if (s != ST_OK)
		goto out;
	if ((s = proto_enroll_req_encode(q, &body)) != ST_OK)
		goto out;
	static const char *const hdr[] = { "Content-Type: application/json", NULL };
	s = sync_http_request(h, "POST", "/v1/enroll", hdr, body.buf, body.len, &resp);
	if (s != ST_OK)
		goto out;
	if (resp.status == 200) {
		s = proto_enroll_reply_decode(resp.body.buf, resp.body.len, r);
		goto out;
	}
	char *code = NULL;
	s = sync_answer_error(&resp, "enrolling", &code, NULL);
	if (code && !strcmp(code, "enroll_code"))
		s = st_error(ST_DENIED, "enrolling: the code is unknown, used or expired; "
			     "ask the administrator for a new one");
	free(code);
out:
	sync_http_response_release(&resp);
	strbuf_release(&body);
	sync_http_free(h);
	return s;
}

static status_t save_enrollment(struct store *st, const char *url, const char *pin,
				const struct proto_enroll_reply *r, const char *key_hex)
{
	status_t s = store_begin(st);
	if (s != ST_OK)
		return s;
	if ((s = store_kv_set(st, SYNC_KV_URL, url)) != ST_OK ||
	    (s = store_kv_set(st, SYNC_KV_PIN, pin)) != ST_OK ||
	    (s = store_kv_set(st, SYNC_KV_DEVICE, r->device)) != ST_OK ||
	    (s = store_kv_set(st, SYNC_KV_TEAM, r->team ? r->team : "")) != ST_OK ||
	    (s = store_kv_set(st, SYNC_KV_ROLE, r->role ? r->role : "")) != ST_OK ||
	    (s = store_kv_set(st, SYNC_KV_KEY, key_hex)) != ST_OK ||
	    /* A new device starts the decisions feed from the beginning. */
	    (s = store_kv_set(st, SYNC_KV_CURSOR, "0")) != ST_OK) {
		store_rollback(st);
		return s;
	}
	return store_commit(st);
}

status_t sync_enroll(struct store *st, const char *url, const char *code,
		     const char *pin, const char *label, long timeout_s, bool force,
		     struct sync_enrollment *out)
{
	memset(out, 0, sizeof(*out));
	if (!force && sync_enrolled(st))
		return st_error(ST_EXISTS, "this device is already enrolled; "
				"use --force to enrol it again");
	if (!str_starts_with(url, "https://") && !sync_url_is_loopback_http(url))
		return st_error(ST_CONFIG, "%s: the server must be https:// "
				"(plain http only on 127.0.0.1, for tests)", url);

	uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN], secret[CRYPTO_SIGN_SECRET_LEN];
	uint8_t sig[CRYPTO_SIGN_SIG_LEN];
	char key_hex[2 * CRYPTO_SIGN_SECRET_LEN + 1];
	struct proto_enroll_req q;
	struct proto_enroll_reply r;
	struct strbuf proof = STRBUF_INIT;
	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	status_t s = crypto_sign_keygen(pub, secret);
	if (s != ST_OK)
		return s;
	q.code = xstrdup(code);
	q.label = label ? xstrdup(label) : NULL;
	proto_hex_encode(pub, sizeof(pub), q.public_key);
	proto_enroll_proof_string(code, q.public_key, &proof);
	if ((s = crypto_sign(secret, proof.buf, proof.len, sig)) != ST_OK)
		goto out;
	proto_hex_encode(sig, sizeof(sig), q.proof);
	proto_hex_encode(secret, sizeof(secret), key_hex);

	if ((s = post_enroll(url, pin, timeout_s, &q, &r)) != ST_OK)
		goto out;
	const char *got = r.pin ? r.pin : "";
	if (pin && *pin && strcmp(pin, got)) {
		s = st_error(ST_DENIED, "enrolling: the server's key (%s) is not the pinned "
			     "one (%s)", *got ? got : "none", pin);
		goto out;
	}
	if (str_starts_with(url, "https://") && !*got) {
		s = st_error(ST_PROTOCOL, "enrolling: the server sent no key to pin");
		goto out;
	}
	if ((s = save_enrollment(st, url, got, &r, key_hex)) != ST_OK)
		goto out;

	/*
	 * Prove the pin and the new key with a signed request.  On failure the
	 * enrolment is taken back: a device must not keep an unproven pin.
	 */
	struct sync_client c;
	struct sync_http_response resp;
	sync_http_response_init(&resp);
	s = sync_client_open(&c, st, timeout_s, NULL, NULL);
	if (s == ST_OK) {
		s = sync_signed_request(&c, "GET", "/v1/decisions?after=0&limit=1", NULL, 0,
					false, &resp);
		if (s == ST_OK && resp.status != 200)
			s = sync_answer_error(&resp, "checking the enrolment", NULL, NULL);
		sync_client_release(&c);
	}
	sync_http_response_release(&resp);
	if (s != ST_OK) {
		char *why = xstrdup(st_detail(s));
		store_kv_set(st, SYNC_KV_DEVICE, NULL);
		store_kv_set(st, SYNC_KV_KEY, NULL);
		s = st_error(s, "%s", why);
		free(why);
		goto out;
	}
	snprintf(out->device, sizeof(out->device), "%s", r.device);
	snprintf(out->team, sizeof(out->team), "%s", r.team ? r.team : "");
	snprintf(out->role, sizeof(out->role), "%s", r.role ? r.role : "");
	snprintf(out->pin, sizeof(out->pin), "%s", got);
	log_info("sync: enrolled as device %s", out->device);
out:
	crypto_sign_wipe(secret, sizeof(secret));
	crypto_sign_wipe(key_hex, sizeof(key_hex));
	proto_enroll_req_release(&q);
	proto_enroll_reply_release(&r);
	strbuf_release(&proof);
	return s;
}
