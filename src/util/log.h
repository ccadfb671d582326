/*
 * log.h - levelled logging.  Commands log to stderr; while curses owns the
 * screen the console logs to a file in the data directory instead.
 *
 * Rule: never pass answers, names, free text from an interview or a
 * passphrase to these functions.  Log ids, counts, codes and file names.
 * A test fills an interview with a canary answer and greps the log for it.
 */
#ifndef SENDA_UTIL_LOG_H
#define SENDA_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* "debug", "info", "warn", "error", "off". */
bool log_parse_level(const char *s, enum log_level *out);
/* Send log lines to a file (mode 0600, appended); NULL returns to stderr. */
bool log_to_file(const char *path);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
