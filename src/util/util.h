/*
 * util.h - small helpers every module uses: allocation that never returns
 * NULL, a growable string buffer (git's strbuf), strict parsing of numbers,
 * booleans and durations (never iniparser's typed getters, which read "010"
 * as octal), time with a test override, UUIDs and private directories.
 */
#ifndef SENDA_UTIL_UTIL_H
#define SENDA_UTIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/status.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: abort with a one-line message on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *v (of *alloc elements of elem bytes) so that it holds at least need. */
void *xgrow(void *v, size_t *alloc, size_t need, size_t elem);
#define ALLOC_GROW(v, need, alloc) ((v) = xgrow((v), &(alloc), (need), sizeof(*(v))))

/*
 * strbuf: buf is always NUL-terminated and never NULL after init;
 * len excludes the NUL.  Release with strbuf_release().
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { strbuf_empty_, 0, 0 }
extern char strbuf_empty_[];
void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_trim(struct strbuf *sb);

/* Strict parsers: whole string, decimal only, no surrounding space. */
bool parse_int64(const char *s, int64_t *out);
bool parse_double(const char *s, double *out);
/* true/false, yes/no, on/off, 1/0 (any case). */
bool parse_bool(const char *s, bool *out);
/* "90" (seconds), "30s", "5m", "2h", "1d". */
bool parse_duration(const char *s, int64_t *seconds);
/* "YYYY-MM-DD", a real calendar date; days since 1970-01-01. */
bool parse_date(const char *s, int64_t *days);
void format_date(int64_t days, char out[11]);

/* Whitespace trimming in place; returns s. */
char *str_trim(char *s);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);

/*
 * Wall-clock time in seconds since the epoch.  Tests pin "now" with
 * SENDA_NOW (epoch seconds or YYYY-MM-DD[THH:MM:SSZ]); it holds no secret.
 */
int64_t util_now(void);
/* Days since the epoch for util_now(), in UTC. */
int64_t util_today(void);

/* Random version-4 UUID in canonical form (getrandom(2)). */
void uuid_v4(char out[37]);
/* Fill buf with n random bytes from the kernel; false on failure. */
bool util_random(void *buf, size_t n);

/* Create path and its parents with mode (existing directories are kept). */
status_t path_mkdir_p(const char *path, mode_t mode);
char *path_join(const char *a, const char *b);
bool path_exists(const char *path);

/* Read a whole file; NULL with st_error() set on failure. */
char *file_read_all(const char *path, size_t *len);
/*
 * Write n bytes to a NEW file, mode 0600, and fsync it: never over an
 * existing file (ST_EXISTS), since what senda writes out (exports, a
 * respondent's summary) is something a person asked for by name.
 */
status_t file_write_new(const char *path, const void *data, size_t n);

#endif
