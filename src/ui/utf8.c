/*
 * utf8.c - UTF-8 decoding and column widths for the console.  Widths come
 * from wcwidth(3) (the C.UTF-8 locale knows wide and combining characters);
 * decoding is our own so that bad bytes never stop a loop.
 */
#include <wchar.h>

#include "ui/utf8.h"

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i;
	uint32_t c;

	if (n == 0) {
		*cp = 0;
		return 0;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		goto bad;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range values are invalid. */
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int utf8_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7f)
		return 1;	/* drawn as '?' by the screen model */
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int utf8_width(const char *s, size_t n)
{
	int w = 0;
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		i += utf8_decode(s + i, n - i, &cp);
		w += utf8_cp_width(cp);
	}
	return w;
}

size_t utf8_next_cluster(const char *s, size_t len, size_t i)
{
	size_t j;
	uint32_t cp;

	if (i >= len)
		return 0;
	j = i + utf8_decode(s + i, len - i, &cp);
	while (j < len) {
		size_t k = utf8_decode(s + j, len - j, &cp);
		if (utf8_cp_width(cp) != 0)
			break;
		j += k;
	}
	return j - i;
}

size_t utf8_prev_cluster(const char *s, size_t i)
{
	for (;;) {
		size_t j = i;
		uint32_t cp;

		if (j == 0)
			return 0;
		/* Step back over continuation bytes to a lead byte. */
		do
			j--;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80);
		utf8_decode(s + j, i - j, &cp);
		if (utf8_cp_width(cp) != 0 || j == 0)
			return j;
		i = j;	/* a combining mark: keep going to its base */
	}
}

size_t utf8_fit(const char *s, size_t n, int cols)
{
	size_t i = 0;
	int w = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		int cw = utf8_cp_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += k;
	}
	return i;
}
