/*
 * passphrase.c - read a passphrase without echo from the terminal, or one
 * line from a descriptor for scripts and tests (--passphrase-fd N).  Never
 * from the command line or the environment, where other users and shell
 * history would see it.  The buffer is libgcrypt secure memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/crypto.h"

#define PASS_MAX 1024

/* One byte at a time: a buffered read would swallow the next line, which
 * may be the next passphrase (keys change, keys rotate). */
static status_t read_line(int fd, char *buf, size_t *len)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return st_error(ST_IO, "cannot read the passphrase: %s", strerror(errno));
		if (r == 0) {
			if (n == 0)
				return st_error(ST_INVALID, "no passphrase given");
			break;
		}
		if (c == '\n')
			break;
		if (n + 1 >= PASS_MAX)
			return st_error(ST_INVALID, "passphrase too long (at most %d bytes)",
					PASS_MAX - 1);
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return ST_OK;
}

static status_t passphrase_read(int fd, const char *prompt, bool allow_empty, char **out,
				size_t *len)
{
	char *buf = crypto_secure_alloc(PASS_MAX);
	struct termios old, quiet;
	status_t st;
	int tty = -1;

	if (fd < 0) {
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (tty < 0) {
			crypto_secure_free(buf);
			return st_error(ST_IO, "no terminal to read the passphrase from; "
					"use --passphrase-fd");
		}
		if (prompt && write(tty, prompt, strlen(prompt)) < 0)
			(void)0;
		if (tcgetattr(tty, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			quiet.c_lflag |= ICANON;
			tcsetattr(tty, TCSAFLUSH, &quiet);
		}
		st = read_line(tty, buf, len);
		tcsetattr(tty, TCSAFLUSH, &old);
		if (write(tty, "\n", 1) < 0)
			(void)0;
		close(tty);
	} else {
		st = read_line(fd, buf, len);
	}
	if (st == ST_OK && *len == 0 && !allow_empty)
		st = st_error(ST_INVALID, "empty passphrase");
	if (st != ST_OK) {
		crypto_secure_free(buf);
		return st;
	}
	*out = buf;
	return ST_OK;
}

status_t crypto_passphrase_read(int fd, const char *prompt, char **out, size_t *len)
{
	return passphrase_read(fd, prompt, false, out, len);
}

status_t crypto_passphrase_read_opt(int fd, const char *prompt, char **out, size_t *len)
{
	return passphrase_read(fd, prompt, true, out, len);
}
