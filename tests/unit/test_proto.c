/*
 * test_proto.c - the sync wire format: items round-trip through a batch,
 * hashes are canonical, decoders name the bad field, gzip bombs stop at the
 * limit, feeds refuse sequence gaps, and Ed25519 signatures verify only for
 * the exact signing string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/sign.h"
#include "proto/proto.h"

#define ID1 "3c1d7a0e-5b7c-4c4f-8f3e-0a9c1b2d3e4f"
#define ID2 "a2c4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3d4e"

static const struct proto_limits lim = PROTO_LIMITS_DEFAULT;

static void test_batch_round_trip(void **state)
{
	struct proto_batch b, d;
	struct strbuf body = STRBUF_INIT, plain = STRBUF_INIT;
	struct proto_err err;
	(void)state;

	proto_batch_init(&b);
	proto_batch_init(&d);
	assert_int_equal(proto_batch_add(&b, ID1, PROTO_KIND_INTERVIEW, NULL,
					 "{ \"state\": \"submitted\", \"form\": \"intake\", \"a\": \"\\u00e9\" }"),
			 ST_OK);
	assert_int_equal(proto_batch_add(&b, ID2, PROTO_KIND_REFERRAL, ID1,
					 "{\"service\":\"shelter\"}"), ST_OK);
	assert_string_equal(b.items[0].payload,
			    "{\"a\":\"\\u00E9\",\"form\":\"intake\",\"state\":\"submitted\"}");
	assert_string_equal(b.items[0].key, "submitted");
	assert_int_equal(proto_batch_encode(&b, true, &body), ST_OK);
	proto_err_init(&err);
	assert_int_equal(proto_gunzip(body.buf, body.len, lim.max_inflated, &plain, &err), ST_OK);
	assert_int_equal(proto_batch_decode(plain.buf, plain.len, &lim, &d, &err), ST_OK);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].id, ID1);
	assert_string_equal(d.items[0].hash, b.items[0].hash);
	assert_string_equal(d.items[1].interview, ID1);
	assert_string_equal(d.items[1].key, "shelter");
	assert_null(proto_item_check(&d.items[0], &lim));
	assert_null(proto_item_check(&d.items[1], &lim));
	proto_batch_release(&b);
	proto_batch_release(&d);
	strbuf_release(&body);
	strbuf_release(&plain);
}

static void test_hash_is_canonical(void **state)
{
	struct proto_batch a, b;
	(void)state;

	proto_batch_init(&a);
	proto_batch_init(&b);
	assert_int_equal(proto_batch_add(&a, ID1, PROTO_KIND_AUDIT, NULL, "{\"x\":1,\"y\":[1,2]}"), ST_OK);
	assert_int_equal(proto_batch_add(&b, ID1, PROTO_KIND_AUDIT, NULL, "{ \"y\" : [1, 2], \"x\" : 1 }"), ST_OK);
	assert_string_equal(a.items[0].hash, b.items[0].hash);
	assert_int_equal(strncmp(a.items[0].hash, "sha256:", 7), 0);
	assert_int_equal(strlen(a.items[0].hash), PROTO_HASH_LEN);
	proto_batch_release(&a);
	proto_batch_release(&b);
}

static void test_add_refuses_bad_input(void **state)
{
	struct proto_batch b;
	(void)state;

	proto_batch_init(&b);
	assert_int_equal(proto_batch_add(&b, "not-a-uuid", PROTO_KIND_AUDIT, NULL, "{}"), ST_INVALID);
	assert_int_equal(proto_batch_add(&b, ID1, PROTO_KIND_AUDIT, NULL, "[1]"), ST_INVALID);
	assert_int_equal(proto_batch_add(&b, ID1, PROTO_KIND_REFERRAL, NULL, "{}"), ST_INVALID);
	assert_int_equal(proto_batch_add(&b, ID1, PROTO_KIND_AUDIT, NULL, "{\"a\":1,\"a\":2}"), ST_INVALID);
	assert_int_equal(b.n, 0);
	proto_batch_release(&b);
}

/* Each malformed body must fail with 400 naming exactly this field. */
static void expect_bad(const char *json, int http, const char *field)
{
	struct proto_batch b;
	struct proto_err err;

	proto_batch_init(&b);
	proto_err_init(&err);
	assert_int_equal(proto_batch_decode(json, strlen(json), &lim, &b, &err), ST_INVALID);
	assert_int_equal(err.http, http);
	assert_string_equal(err.field, field);
	assert_int_equal(b.n, 0);
	proto_batch_release(&b);
}

#define H64 "0000000000000000000000000000000000000000000000000000000000000000"

static void test_decode_names_field(void **state)
{
	(void)state;
	expect_bad("{\"v\":1,\"items\":[", 400, "");
	expect_bad("[]", 400, "");
	expect_bad("{\"items\":[]}", 400, "v");
	expect_bad("{\"v\":2,\"items\":[]}", 400, "v");
	expect_bad("{\"v\":1}", 400, "items");
	expect_bad("{\"v\":1,\"items\":{}}", 400, "items");
	expect_bad("{\"v\":1,\"items\":[],\"x\":1}", 400, "x");
	expect_bad("{\"v\":1,\"items\":[1]}", 400, "items[0]");
	expect_bad("{\"v\":1,\"items\":[{\"kind\":\"audit\",\"hash\":\"sha256:" H64 "\",\"payload\":{}}]}",
		   400, "items[0].id");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":\"audit\",\"hash\":\"sha256:" H64
		   "\",\"payload\":{}},{\"id\":\"" ID2 "X\",\"kind\":\"audit\",\"hash\":\"sha256:" H64
		   "\",\"payload\":{}}]}", 400, "items[1].id");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":\"poem\",\"hash\":\"sha256:" H64
		   "\",\"payload\":{}}]}", 400, "items[0].kind");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":\"audit\",\"hash\":\"md5:1\","
		   "\"payload\":{}}]}", 400, "items[0].hash");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":\"audit\",\"hash\":\"sha256:" H64
		   "\",\"payload\":[]}]}", 400, "items[0].payload");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":\"referral\",\"hash\":\"sha256:" H64
		   "\",\"payload\":{}}]}", 400, "items[0].interview");
	expect_bad("{\"v\":1,\"items\":[{\"id\":\"" ID1 "\",\"kind\":7,\"hash\":\"sha256:" H64
		   "\",\"payload\":{}}]}", 400, "items[0].kind");
}

static void test_item_limits(void **state)
{
	struct proto_limits small = lim;
	struct strbuf js = STRBUF_INIT;
	struct proto_batch b;
	struct proto_err err;
	char *reason;
	(void)state;

	small.max_items = 2;
	strbuf_addstr(&js, "{\"v\":1,\"items\":[");
	for (int i = 0; i < 3; i++)
		strbuf_addf(&js, "%s{\"id\":\"" ID1 "\",\"kind\":\"audit\",\"hash\":\"sha256:" H64
			    "\",\"payload\":{}}", i ? "," : "");
	strbuf_addstr(&js, "]}");
	proto_batch_init(&b);
	proto_err_init(&err);
	assert_int_equal(proto_batch_decode(js.buf, js.len, &small, &b, &err), ST_INVALID);
	assert_int_equal(err.http, 413);
	proto_batch_release(&b);

	/* Wrong hash and oversize payload are per-item rejections. */
	proto_err_init(&err);
	assert_int_equal(proto_batch_decode(js.buf, js.len, &lim, &b, &err), ST_OK);
	reason = proto_item_check(&b.items[0], &lim);
	assert_non_null(reason);
	assert_non_null(strstr(reason, "hash"));
	free(reason);
	small.max_item = 1;
	reason = proto_item_check(&b.items[0], &small);
	assert_non_null(strstr(reason, "payload"));
	free(reason);
	proto_batch_release(&b);
	strbuf_release(&js);
}

static void test_kind_checks(void **state)
{
	struct proto_batch b;
	char *r;
	(void)state;

	proto_batch_init(&b);
	proto_batch_add(&b, ID1, PROTO_KIND_INTERVIEW, NULL, "{\"state\":\"draft\"}");
	proto_batch_add(&b, ID1, PROTO_KIND_DECISION, ID2, "{\"action\":\"approve\",\"comments\":{\"q1\":3}}");
	proto_batch_add(&b, ID1, PROTO_KIND_DECISION, ID2, "{\"action\":\"return\",\"comments\":{\"q1\":\"why?\"}}");
	proto_batch_add(&b, ID1, PROTO_KIND_DECISION, ID2, "{\"action\":\"burn\"}");
	r = proto_item_check(&b.items[0], &lim);
	assert_non_null(strstr(r, "payload.state"));
	free(r);
	r = proto_item_check(&b.items[1], &lim);
	assert_non_null(strstr(r, "payload.comments.q1"));
	free(r);
	assert_null(proto_item_check(&b.items[2], &lim));
	r = proto_item_check(&b.items[3], &lim);
	assert_non_null(strstr(r, "payload.action"));
	free(r);
	proto_batch_release(&b);
}

static void test_gzip_bomb(void **state)
{
	size_t n = 4u << 20;
	char *zeros = calloc(1, n);
	struct strbuf z = STRBUF_INIT, out = STRBUF_INIT;
	struct proto_err err;
	(void)state;

	assert_int_equal(proto_gzip(zeros, n, &z), ST_OK);
	assert_true(z.len < 10000);
	proto_err_init(&err);
	assert_int_equal(proto_gunzip(z.buf, z.len, 1u << 20, &out, &err), ST_INVALID);
	assert_int_equal(err.http, 413);
	assert_true(out.len <= 1u << 20);
	strbuf_reset(&out);
	proto_err_init(&err);
	assert_int_equal(proto_gunzip(z.buf, z.len / 2, n, &out, &err), ST_INVALID);
	assert_int_equal(err.http, 400);
	strbuf_reset(&out);
	assert_int_equal(proto_gunzip("hello", 5, n, &out, &err), ST_INVALID);
	assert_int_equal(err.http, 400);
	strbuf_reset(&out);
	assert_int_equal(proto_gunzip(z.buf, z.len, n, &out, &err), ST_OK);
	assert_int_equal(out.len, n);
	free(zeros);
	strbuf_release(&z);
	strbuf_release(&out);
}

static void test_reply_round_trip(void **state)
{
	struct proto_batch_reply r, d;
	struct strbuf js = STRBUF_INIT;
	(void)state;

	proto_batch_reply_init(&r);
	proto_batch_reply_init(&d);
	r.batch = xstrdup("b-1");
	r.server_time = 42;
	proto_batch_reply_add(&r, ID1, PROTO_STORED, "r-1", NULL);
	proto_batch_reply_add(&r, ID2, PROTO_REJECTED, NULL, "payload.state: \"bad\"");
	proto_batch_reply_encode(&r, &js);
	assert_int_equal(proto_batch_reply_decode(js.buf, js.len, &d), ST_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.server_time, 42);
	assert_int_equal(d.v[1].status, PROTO_REJECTED);
	assert_string_equal(d.v[1].reason, "payload.state: \"bad\"");
	assert_string_equal(d.v[0].receipt, "r-1");
	assert_int_equal(proto_batch_reply_decode("{}", 2, &d), ST_PROTOCOL);
	proto_batch_reply_release(&r);
	proto_batch_reply_release(&d);
	strbuf_release(&js);
}

static void test_feed_gap_free(void **state)
{
	struct proto_feed f, d;
	struct strbuf js = STRBUF_INIT;
	(void)state;

	proto_feed_init(&f);
	proto_feed_init(&d);
	proto_feed_add(&f, 5, ID1, ID2, "returned", 100, "{\"comment\":\"x\"}", NULL, NULL);
	proto_feed_add(&f, 6, ID2, ID2, "approved", 101, NULL, NULL, NULL);
	f.more = true;
	proto_feed_encode(&f, "decisions", &js);
	assert_int_equal(proto_feed_decode(js.buf, js.len, "decisions", 4, &d), ST_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.cursor, 6);
	assert_true(d.more);
	assert_string_equal(d.v[0].payload, "{\"comment\":\"x\"}");
	proto_feed_release(&d);
	proto_feed_init(&d);
	/* The client asked after 3: entry 4 is missing, which is a gap. */
	assert_int_equal(proto_feed_decode(js.buf, js.len, "decisions", 3, &d), ST_PROTOCOL);
	proto_feed_release(&f);
	proto_feed_release(&d);
	strbuf_release(&js);
}

static void test_enroll_and_errors(void **state)
{
	struct proto_enroll_req q = { 0 }, dq;
	struct proto_enroll_reply r = { 0 }, dr;
	struct proto_error_reply e;
	struct proto_err err;
	struct strbuf js = STRBUF_INIT;
	(void)state;

	q.code = "K7QX-M2RD-9VHT";
	memset(q.public_key, 'a', PROTO_KEY_HEX);
	memset(q.proof, 'b', PROTO_SIG_HEX);
	proto_enroll_req_encode(&q, &js);
	proto_err_init(&err);
	assert_int_equal(proto_enroll_req_decode(js.buf, js.len, &dq, &err), ST_OK);
	assert_string_equal(dq.code, q.code);
	assert_null(dq.label);
	proto_enroll_req_release(&dq);
	{
		const char *bad = "{\"code\":\"x\",\"public_key\":\"AB\"}";
		assert_int_equal(proto_enroll_req_decode(bad, strlen(bad), &dq, &err), ST_INVALID);
	}
	assert_string_equal(err.field, "public_key");

	strbuf_reset(&js);
	memcpy(r.device, ID1, sizeof(r.device));
	r.team = "t1";
	r.role = "caseworker";
	r.pin = "";
	proto_enroll_reply_encode(&r, &js);
	assert_int_equal(proto_enroll_reply_decode(js.buf, js.len, &dr), ST_OK);
	assert_string_equal(dr.role, "caseworker");
	proto_enroll_reply_release(&dr);

	strbuf_reset(&js);
	proto_error_encode("bad_request", "items[3].id: not a UUID", "items[3].id", 3, 99, &js);
	assert_int_equal(proto_error_decode(js.buf, js.len, &e), ST_OK);
	assert_string_equal(e.field, "items[3].id");
	assert_int_equal(e.item, 3);
	assert_int_equal(e.server_time, 99);
	proto_error_reply_release(&e);
	strbuf_release(&js);
}

static void test_sign_verify(void **state)
{
	uint8_t pub[32], sec[32], pub2[32], sig[64];
	struct strbuf s = STRBUF_INIT;
	char body_hash[65];
	(void)state;

	assert_int_equal(crypto_sign_keygen(pub, sec), ST_OK);
	assert_int_equal(crypto_sign_public(sec, pub2), ST_OK);
	assert_memory_equal(pub, pub2, 32);
	crypto_sha256_hex("", 0, body_hash);
	assert_string_equal(body_hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	proto_signing_string("GET", "/v1/decisions?after=41", 1796535600,
			     "6f0d5c2e9b8a47f1a3c2d4e5f6a7b8c9", ID1, body_hash, &s);
	assert_string_equal(s.buf, "senda-v1\nGET\n/v1/decisions?after=41\n1796535600\n"
			    "6f0d5c2e9b8a47f1a3c2d4e5f6a7b8c9\n" ID1 "\n" "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(crypto_sign(sec, s.buf, s.len, sig), ST_OK);
	assert_true(crypto_sign_verify(pub, s.buf, s.len, sig));
	s.buf[10] ^= 1;
	assert_false(crypto_sign_verify(pub, s.buf, s.len, sig));
	s.buf[10] ^= 1;
	sig[0] ^= 1;
	assert_false(crypto_sign_verify(pub, s.buf, s.len, sig));
	strbuf_release(&s);
}

/* RFC 8032 test vector 2: the implementation is real Ed25519. */
static void test_rfc8032(void **state)
{
	uint8_t sec[32], pub[32], sig[64], want[64];
	char hex[129];
	const uint8_t msg = 0x72;
	(void)state;

	assert_true(proto_hex_decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", sec, 32));
	assert_int_equal(crypto_sign_public(sec, pub), ST_OK);
	proto_hex_encode(pub, 32, hex);
	assert_string_equal(hex, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
	assert_int_equal(crypto_sign(sec, &msg, 1, sig), ST_OK);
	assert_true(proto_hex_decode("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
				     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00", want, 64));
	assert_memory_equal(sig, want, 64);
}

static void test_hex_uuid(void **state)
{
	uint8_t b[2];
	(void)state;
	assert_true(proto_is_uuid(ID1));
	assert_false(proto_is_uuid("3C1D7A0E-5B7C-4C4F-8F3E-0A9C1B2D3E4F"));
	assert_false(proto_is_uuid("3c1d7a0e5b7c-4c4f-8f3e-0a9c1b2d3e4f0"));
	assert_true(proto_hex_decode("0aff", b, 2));
	assert_false(proto_hex_decode("0aFF", b, 2));
	assert_false(proto_hex_decode("0af", b, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_round_trip),
		cmocka_unit_test(test_hash_is_canonical),
		cmocka_unit_test(test_add_refuses_bad_input),
		cmocka_unit_test(test_decode_names_field),
		cmocka_unit_test(test_item_limits),
		cmocka_unit_test(test_kind_checks),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_feed_gap_free),
		cmocka_unit_test(test_enroll_and_errors),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_hex_uuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
