/*
 * status.h - the one list of status codes used by every module.
 *
 * Each entry names a code, the exit status a program returns for it and the
 * message a person reads.  Functions return status_t; the detail of the last
 * failure (a file:line, a page number, a field name) is kept by st_error()
 * so that a program can print exactly one line and exit with the right code.
 * docs/exit-codes.md is checked against this list by a test.
 */
#ifndef SENDA_UTIL_STATUS_H
#define SENDA_UTIL_STATUS_H

#define STATUS_CODE_INFO(_) \
	_(OK,          0,  "ok") \
	_(ERR,         1,  "failed") \
	_(USAGE,       2,  "usage error") \
	_(CONFIG,      2,  "configuration error") \
	_(PASSPHRASE,  3,  "wrong passphrase") \
	_(DAMAGED,     4,  "store is damaged or has been tampered with") \
	_(NOSTORE,     5,  "no store found; run 'senda init' first") \
	_(EXISTS,      6,  "already exists") \
	_(BUSY,        7,  "store is in use by another process") \
	_(NOTFOUND,    8,  "not found") \
	_(IO,          9,  "input/output error") \
	_(NOMEM,       10, "out of memory") \
	_(INVALID,     11, "invalid value") \
	_(FORM,        12, "form has errors") \
	_(STATE,       13, "not allowed in the current state") \
	_(CONFLICT,    14, "conflicting change") \
	_(UNREACHABLE, 75, "server cannot be reached") \
	_(PROTOCOL,    76, "server sent an invalid response") \
	_(DENIED,      77, "permission denied")

typedef enum {
#define STATUS_ENUM_(name, exit_code, msg) ST_##name,
	STATUS_CODE_INFO(STATUS_ENUM_)
#undef STATUS_ENUM_
	ST_COUNT_
} status_t;

/* "ST_DAMAGED" -> "DAMAGED"; NULL for an out-of-range code. */
const char *status_name(status_t st);
/* The generic message for a code. */
const char *status_message(status_t st);
/* The exit status a program returns for a code. */
int status_exit(status_t st);

/*
 * Record a detail line for the failure being returned and return st, so that
 * callers write `return st_error(ST_CONFIG, "%s:%d: unknown key", f, l);`.
 * The detail must never hold answers, names or passphrases.
 */
status_t st_error(status_t st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The detail recorded by the last st_error(), or the code's message. */
const char *st_detail(status_t st);
/* Forget the recorded detail. */
void st_clear(void);

#endif
