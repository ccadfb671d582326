/*
 * sys.c - the few things util needs from the system: the clock (with the
 * SENDA_NOW override tests use to pin "now"), kernel randomness for UUIDs,
 * private directories and whole-file reads and writes.
 */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t util_now(void)
{
	const char *pin = getenv("SENDA_NOW");
	int64_t v, days;

	if (pin && *pin) {
		if (parse_int64(pin, &v))
			return v;
		if (strlen(pin) >= 10) {
			char day[11];
			int hh = 0, mm = 0, ss = 0;

			memcpy(day, pin, 10);
			day[10] = '\0';
			if (parse_date(day, &days)) {
				if (pin[10] == 'T')
					sscanf(pin + 11, "%2d:%2d:%2d", &hh, &mm, &ss);
				return days * 86400 + hh * 3600 + mm * 60 + ss;
			}
		}
	}
	return (int64_t)time(NULL);
}

int64_t util_today(void)
{
	int64_t t = util_now();

	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

bool util_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += r;
		n -= (size_t)r;
	}
	return true;
}

void uuid_v4(char out[37])
{
	unsigned char b[16];

	if (!util_random(b, sizeof(b))) {
		fprintf(stderr, "senda: no kernel randomness\n");
		abort();
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
}

status_t path_mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	status_t st = ST_OK;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) && errno != EEXIST) {
				st = st_error(ST_IO, "%s: %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return st;
}

char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (n && a[n - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

bool path_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

char *file_read_all(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		st_error(ST_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st_error(ST_IO, "%s: %s", path, strerror(errno));
			close(fd);
			strbuf_release(&sb);
			return NULL;
		}
		if (r == 0)
			break;
		strbuf_add(&sb, buf, (size_t)r);
	}
	close(fd);
	return strbuf_detach(&sb, len);
}

status_t file_write_new(const char *path, const void *data, size_t n)
{
	const char *p = data;
	size_t off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return st_error(errno == EEXIST ? ST_EXISTS : ST_IO, "senda: %s: %s", path,
				strerror(errno));
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;

			close(fd);
			return st_error(ST_IO, "senda: %s: %s", path, strerror(e));
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return st_error(ST_IO, "senda: %s: %s", path, strerror(e));
	}
	if (close(fd) != 0)
		return st_error(ST_IO, "senda: %s: %s", path, strerror(errno));
	return ST_OK;
}
