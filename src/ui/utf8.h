/*
 * utf8.h - the little UTF-8 the console needs: decode one code point,
 * column width of a code point and of a string (wide East Asian characters
 * take two columns, combining marks none), and grapheme-ish clusters (a base
 * character with the combining marks after it) so that the cursor and
 * backspace never split "é" written as e + U+0301.
 */
#ifndef SENDA_UI_UTF8_H
#define SENDA_UI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point at s (at most n bytes); returns its length in bytes
 * (>= 1).  Invalid or truncated sequences decode as U+FFFD of length 1, so
 * a loop over bad input always advances.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Columns cp takes: 0 (combining), 1 or 2; control characters count 1. */
int utf8_cp_width(uint32_t cp);
/* Columns of the first n bytes of s. */
int utf8_width(const char *s, size_t n);
/* Byte length of the cluster starting at s[i] (base + combining marks). */
size_t utf8_next_cluster(const char *s, size_t len, size_t i);
/* Byte offset of the cluster ending at s[i] (i > 0). */
size_t utf8_prev_cluster(const char *s, size_t i);
/* Longest prefix of s (n bytes) that fits in cols columns, in bytes. */
size_t utf8_fit(const char *s, size_t n, int cols);

#endif
