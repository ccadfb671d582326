/*
 * test_util.c - strict parsers, strbuf, dates and the status table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/status.h"
#include "util/util.h"

static void test_parse_int64(void **state)
{
	int64_t v;

	(void)state;
	assert_true(parse_int64("0", &v) && v == 0);
	assert_true(parse_int64("-42", &v) && v == -42);
	assert_true(parse_int64("9223372036854775807", &v) && v == INT64_MAX);
	assert_false(parse_int64("9223372036854775808", &v));
	assert_false(parse_int64("010", &v));	/* iniparser would say 8 */
	assert_false(parse_int64("12x", &v));
	assert_false(parse_int64(" 1", &v));
	assert_false(parse_int64("", &v));
	assert_false(parse_int64("-", &v));
	assert_false(parse_int64("0x10", &v));
}

static void test_parse_double(void **state)
{
	double d;

	(void)state;
	assert_true(parse_double("1.5", &d) && d == 1.5);
	assert_true(parse_double("-0.25", &d) && d == -0.25);
	assert_true(parse_double("3", &d) && d == 3.0);
	assert_false(parse_double("1e3", &d));
	assert_false(parse_double("nan", &d));
	assert_false(parse_double(".", &d));
	assert_false(parse_double("1.2.3", &d));
}

static void test_parse_bool_duration(void **state)
{
	bool b;
	int64_t s;

	(void)state;
	assert_true(parse_bool("on", &b) && b);
	assert_true(parse_bool("No", &b) && !b);
	assert_false(parse_bool("maybe", &b));
	assert_true(parse_duration("90", &s) && s == 90);
	assert_true(parse_duration("5m", &s) && s == 300);
	assert_true(parse_duration("2h", &s) && s == 7200);
	assert_true(parse_duration("1d", &s) && s == 86400);
	assert_false(parse_duration("5x", &s));
	assert_false(parse_duration("m", &s));
	assert_false(parse_duration("-5m", &s));
}

static void test_dates(void **state)
{
	int64_t d;
	char out[11];

	(void)state;
	assert_true(parse_date("1970-01-01", &d) && d == 0);
	assert_true(parse_date("2024-02-29", &d));
	format_date(d, out);
	assert_string_equal(out, "2024-02-29");
	assert_false(parse_date("2023-02-29", &d));
	assert_false(parse_date("2023-13-01", &d));
	assert_false(parse_date("2023-1-01", &d));
	assert_true(parse_date("2023-01-12", &d));
	format_date(d + 365, out);
	assert_string_equal(out, "2024-01-12");
}

static void test_now_override(void **state)
{
	(void)state;
	setenv("SENDA_NOW", "2023-01-12T10:30:00Z", 1);
	assert_int_equal(util_now(), 1673519400);
	setenv("SENDA_NOW", "86400", 1);
	assert_int_equal(util_today(), 1);
	unsetenv("SENDA_NOW");
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "  a");
	strbuf_addch(&sb, 'b');
	strbuf_addf(&sb, "%d  ", 42);
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "ab42");
	s = strbuf_detach(&sb, NULL);
	assert_string_equal(s, "ab42");
	free(s);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_uuid(void **state)
{
	char a[37], b[37];

	(void)state;
	uuid_v4(a);
	uuid_v4(b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '4');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_string_not_equal(a, b);
}

static void test_status(void **state)
{
	(void)state;
	assert_string_equal(status_name(ST_DAMAGED), "DAMAGED");
	assert_int_equal(status_exit(ST_PASSPHRASE), 3);
	assert_int_equal(status_exit(ST_DAMAGED), 4);
	assert_int_equal(status_exit(ST_UNREACHABLE), 75);
	assert_int_equal(st_error(ST_IO, "x: %d", 5), ST_IO);
	assert_string_equal(st_detail(ST_IO), "x: 5");
	st_clear();
	assert_string_equal(st_detail(ST_PASSPHRASE), "wrong passphrase");
}

static void test_diag(void **state)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *s;

	(void)state;
	diag_add(&dl, DIAG_WARNING, "b.ini", 3, "w %s", "x");
	diag_add(&dl, DIAG_ERROR, "a.ini", 9, "late");
	diag_add(&dl, DIAG_ERROR, "a.ini", 2, "early");
	diag_sort(&dl);
	assert_int_equal(diag_count(&dl, DIAG_ERROR), 2);
	s = diag_format(&dl.v[0], true);
	assert_string_equal(s, "a.ini:2: error: early");
	free(s);
	s = diag_format(&dl.v[2], false);
	assert_string_equal(s, "b.ini:3: w x");
	free(s);
	diag_list_release(&dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int64),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_parse_bool_duration),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_now_override),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_diag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
