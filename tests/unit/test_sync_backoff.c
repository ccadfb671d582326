/*
 * test_sync_backoff.c - `senda sync --watch` waits 1 s, 2 s, 4 s ... up to
 * 15 min after failures, jittered within [d/2, d], and starts over after a
 * success; plain http is accepted only for loopback hosts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sync/backoff.h"
#include "sync/http.h"

static void test_backoff_doubles_to_ceiling(void **state)
{
	(void)state;
	struct sync_backoff b;
	sync_backoff_init(&b);
	int64_t want = 1000;
	for (int i = 0; i < 30; i++) {
		int64_t d = sync_backoff_fail(&b);
		assert_int_equal(sync_backoff_ceiling(&b), want);
		assert_true(d >= want / 2);
		assert_true(d <= want);
		want = want * 2 > SYNC_BACKOFF_MAX_MS ? SYNC_BACKOFF_MAX_MS : want * 2;
	}
	assert_int_equal(sync_backoff_ceiling(&b), 15 * 60 * 1000);
}

static void test_backoff_reset(void **state)
{
	(void)state;
	struct sync_backoff b;
	sync_backoff_init(&b);
	for (int i = 0; i < 8; i++)
		sync_backoff_fail(&b);
	sync_backoff_reset(&b);
	int64_t d = sync_backoff_fail(&b);
	assert_true(d >= 500 && d <= 1000);
}

/* Two laptops that fail together must not retry together. */
static void test_backoff_jitter_spreads(void **state)
{
	(void)state;
	int64_t seen_lo = INT64_MAX, seen_hi = 0;
	for (int k = 0; k < 50; k++) {
		struct sync_backoff b;
		sync_backoff_init(&b);
		for (int i = 0; i < 5; i++)
			sync_backoff_fail(&b);
		int64_t d = sync_backoff_fail(&b);	/* ceiling 32 s */
		seen_lo = d < seen_lo ? d : seen_lo;
		seen_hi = d > seen_hi ? d : seen_hi;
	}
	assert_true(seen_hi - seen_lo > 2000);
}

static void test_loopback_only(void **state)
{
	(void)state;
	assert_true(sync_url_is_loopback_http("http://127.0.0.1:8080"));
	assert_true(sync_url_is_loopback_http("http://localhost"));
	assert_true(sync_url_is_loopback_http("http://[::1]:1/"));
	assert_false(sync_url_is_loopback_http("http://127.0.0.1.evil.example"));
	assert_false(sync_url_is_loopback_http("http://10.0.0.1:80"));
	assert_false(sync_url_is_loopback_http("https://127.0.0.1"));

	struct sync_http *h = NULL;
	assert_int_equal(sync_http_open(&h, "http://192.168.1.5:80", NULL, 5), ST_CONFIG);
	assert_null(h);
	/* https needs a pin: the certificate is self-signed. */
	assert_int_equal(sync_http_open(&h, "https://senda.example", "", 5), ST_CONFIG);
	assert_int_equal(sync_http_open(&h, "http://127.0.0.1:9", NULL, 5), ST_OK);
	sync_http_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_to_ceiling),
		cmocka_unit_test(test_backoff_reset),
		cmocka_unit_test(test_backoff_jitter_spreads),
		cmocka_unit_test(test_loopback_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
