/*
 * status.c - names, messages and exit codes for status_t, and the one-line
 * detail of the most recent failure.
 */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
	const char *name;
	int exit_code;
	const char *msg;
} status_table[] = {
#define STATUS_ROW_(name, exit_code, msg) { #name, exit_code, msg },
	STATUS_CODE_INFO(STATUS_ROW_)
#undef STATUS_ROW_
};

/* One detail line is enough: every program prints one line and exits. */
static _Thread_local char st_detail_buf[512];

const char *status_name(status_t st)
{
	if ((unsigned)st >= ST_COUNT_)
		return NULL;
	return status_table[st].name;
}

const char *status_message(status_t st)
{
	if ((unsigned)st >= ST_COUNT_)
		return "unknown status";
	return status_table[st].msg;
}

int status_exit(status_t st)
{
	if ((unsigned)st >= ST_COUNT_)
		return 1;
	return status_table[st].exit_code;
}

status_t st_error(status_t st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st_detail_buf, sizeof(st_detail_buf), fmt, ap);
	va_end(ap);
	return st;
}

const char *st_detail(status_t st)
{
	if (st_detail_buf[0])
		return st_detail_buf;
	return status_message(st);
}

void st_clear(void)
{
	st_detail_buf[0] = '\0';
}
