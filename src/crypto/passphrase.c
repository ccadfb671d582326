/*
 * passphrase.c - read a passphrase without echo from the terminal, or one
 * line from a descriptor for scripts and tests (--passphrase-fd N).  Never
 * from the command line or the environment, where other users and shell
 * history would see it.  The buffer is libgcrypt secure memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/crypto.h"

#define PASS_MAX 1024

/* Ctrl-C at the prompt must not leave the terminal without echo. */
static int prompt_tty = -1;
static struct termios prompt_saved;

static void prompt_interrupted(int sig)
{
	if (prompt_tty >= 0)
		tcsetattr(prompt_tty, TCSAFLUSH, &prompt_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

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
	struct sigaction on_sig, old_int, old_term;
	struct termios old, quiet;
	bool have_old = false;
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
			have_old = true;
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
			quiet.c_lflag |= ICANON;
			prompt_saved = old;
			prompt_tty = tty;
			memset(&on_sig, 0, sizeof(on_sig));
			on_sig.sa_handler = prompt_interrupted;
			sigaction(SIGINT, &on_sig, &old_int);
			sigaction(SIGTERM, &on_sig, &old_term);
			tcsetattr(tty, TCSAFLUSH, &quiet);
		}
		st = read_line(tty, buf, len);
		if (have_old)
			tcsetattr(tty, TCSAFLUSH, &old);
		if (prompt_tty >= 0) {
			sigaction(SIGINT, &old_int, NULL);
			sigaction(SIGTERM, &old_term, NULL);
			prompt_tty = -1;
		}
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
