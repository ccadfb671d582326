/*
 * log.c - levelled log lines with a UTC timestamp, to stderr or to a file.
 * The file is opened 0600 and appended, so a shared laptop's other users
 * cannot read it; what goes in it must still never be personal data.
 */
#include "util/log.h"
#include "util/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_level = LOG_WARN;
static FILE *log_file;

static const char *const log_names[] = { "debug", "info", "warn", "error", "off" };

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

bool log_parse_level(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(log_names); i++)
		if (!strcmp(s, log_names[i])) {
			*out = (enum log_level)i;
			return true;
		}
	return false;
}

bool log_to_file(const char *path)
{
	int fd;
	FILE *f;

	log_close();
	if (!path)
		return true;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return false;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return true;
}

void log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE *out = log_file ? log_file : stderr;
	char stamp[32];
	time_t t;
	struct tm tm;
	va_list ap;

	if (level < log_level || level >= LOG_OFF)
		return;
	t = (time_t)util_now();
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "%s senda[%d] %s: ", stamp, (int)getpid(), log_names[level]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
