/*
 * parse.c - strict parsers for the values people type into config and form
 * files.  The whole string must be the value: "10x", " 10", "010" (which
 * iniparser reads as octal 8) and "1e3" are all refused, so a typo is an
 * error with a line number instead of a silently different setting.
 */
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool parse_int64(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t v = 0;
	bool neg = false;

	if (!s || !*s)
		return false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return false;
	if (*p == '0' && p[1])		/* no leading zeros: "010" is not 10 or 8 */
		return false;
	for (; *p; p++) {
		int d;

		if (!isdigit((unsigned char)*p))
			return false;
		d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	return true;
}

bool parse_double(const char *s, double *out)
{
	const char *p = s;
	char *end;
	double v;
	bool digits = false;

	if (!s || !*s)
		return false;
	/* Only [+-]digits[.digits]: no hex, exponents, inf or nan. */
	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
	}
	if (*p || !digits)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool parse_bool(const char *s, bool *out)
{
	static const struct { const char *word; bool value; } words[] = {
		{ "true", true }, { "yes", true }, { "on", true }, { "1", true },
		{ "false", false }, { "no", false }, { "off", false }, { "0", false },
	};

	if (!s)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i].word)) {
			*out = words[i].value;
			return true;
		}
	return false;
}

bool parse_duration(const char *s, int64_t *seconds)
{
	static const struct { char unit; int64_t mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char num[32];
	size_t len;
	int64_t v, mult = 1;

	if (!s || !*s)
		return false;
	len = strlen(s);
	if (len >= sizeof(num))
		return false;
	memcpy(num, s, len + 1);
	if (!isdigit((unsigned char)num[len - 1])) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (num[len - 1] == units[i].unit)
				break;
		if (i == ARRAY_SIZE(units))
			return false;
		mult = units[i].mult;
		num[--len] = '\0';
	}
	if (!len || num[0] == '-' || num[0] == '+' || !parse_int64(num, &v))
		return false;
	if (v > INT64_MAX / mult)
		return false;
	*seconds = v * mult;
	return true;
}

/* Days from civil date (Howard Hinnant's algorithm), proleptic Gregorian. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

bool parse_date(const char *s, int64_t *days)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, m, d, lim;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = (unsigned)atoi(s);
	m = (unsigned)atoi(s + 5);
	d = (unsigned)atoi(s + 8);
	if (y < 1800 || m < 1 || m > 12 || d < 1)
		return false;
	lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	if (d > lim)
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

void format_date(int64_t days, char out[11])
{
	int y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u, d % 100u);
}

char *str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}
