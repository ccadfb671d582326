/*
 * crashwriter - the child of the crash tests.  It stands in for the
 * console saving answers: it writes through the data API, one
 * store_answer_save() (one transaction) per answer into one draft
 * interview, and only after the save returns does it report "ack N" on
 * stdout (unbuffered), so the parent knows exactly which answers the store
 * has promised to keep.  The check reads them back through the data API.
 *
 *   crashwriter DIR PASS write [N]   save answers 1.. after the last saved
 *                                    one, forever or N of them
 *   crashwriter DIR PASS check ACK   open, check every page and the
 *                                    structure, and require answers 1..ACK
 *                                    (more is fine: a commit may land just
 *                                    before the kill without its ack)
 *   crashwriter DIR PASS create      create the store (KDF cost 64 KiB, 1 pass)
 *
 * Answer n is at path "crash[n].answer" and holds the canary
 * SENDA-CANARY-<n> so tests can scan for it.
 * Exit status: 0 fine, the store's exit code (3, 4, ...) on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "store/data.h"
#include "store/store.h"
#include "util/util.h"

static const struct store_open_opts opts = { { 64, 1 }, 10000 };

static int die(status_t s)
{
	fprintf(stderr, "crashwriter: %s\n", st_detail(s));
	return status_exit(s);
}

static void answer_value(char *buf, size_t size, int64_t n)
{
	snprintf(buf, size, "SENDA-CANARY-%lld fled with two children, "
		 "route via Tapachula, fear of return", (long long)n);
}

/* The number in "crash[n].answer", or 0 for any other path. */
static int64_t answer_number(const char *path)
{
	long long n;
	char tail[16];

	if (sscanf(path, "crash[%lld%15s", &n, tail) != 2 || strcmp(tail, "].answer") || n < 1)
		return 0;
	return n;
}

/* The crash interview (the first one), made when the store has none. */
static status_t crash_interview(struct store *st, char id[37])
{
	struct store_interview iv = STORE_INTERVIEW_INIT;
	status_t s = store_interview_get_seq(st, 1, &iv);

	if (s == ST_NOTFOUND) {
		store_interview_release(&iv);
		store_interview_init(&iv);
		iv.form_id = xstrdup("crash");
		iv.form_version = xstrdup("1");
		iv.language = xstrdup("en");
		s = store_interview_create(st, &iv);
	}
	if (s == ST_OK)
		memcpy(id, iv.id, 37);
	store_interview_release(&iv);
	return s;
}

/* Load the saved answers: *max the highest n, *count how many. */
static status_t saved_answers(struct store *st, const char *id, int64_t *max, int64_t *count,
			      bool *values_ok)
{
	struct store_answer_list l = STORE_ANSWER_LIST_INIT;
	status_t s = store_answers_load(st, id, &l);

	*max = *count = 0;
	*values_ok = true;
	for (size_t i = 0; s == ST_OK && i < l.n; i++) {
		int64_t n = answer_number(l.v[i].path);
		char want[160];

		if (!n) {
			*values_ok = false;
			continue;
		}
		answer_value(want, sizeof(want), n);
		if (strcmp(l.v[i].value, want))
			*values_ok = false;
		(*count)++;
		if (n > *max)
			*max = n;
	}
	store_answer_list_release(&l);
	return s;
}

static int do_write(struct store *st, int64_t count)
{
	int64_t n, saved;
	char id[37];
	bool ok;
	status_t s = crash_interview(st, id);

	if (s == ST_OK)
		s = saved_answers(st, id, &n, &saved, &ok);
	if (s != ST_OK)
		return die(s);
	for (int64_t done = 0; count < 0 || done < count; done++) {
		char value[160], path[48], ack[32];
		int len;

		n++;
		answer_value(value, sizeof(value), n);
		snprintf(path, sizeof(path), "crash[%lld].answer", (long long)n);
		s = store_answer_save(st, id, path, value, path);
		if (s != ST_OK)
			return die(s);
		len = snprintf(ack, sizeof(ack), "ack %lld\n", (long long)n);
		if (write(1, ack, (size_t)len) != len)
			return 1;
	}
	return 0;
}

static int do_check(struct store *st, int64_t ack)
{
	int64_t n = 0, hi = 0;
	bool values_ok = true;
	char id[37];
	status_t s = store_check(st);

	if (s == ST_OK)
		s = crash_interview(st, id);
	if (s == ST_OK)
		s = saved_answers(st, id, &hi, &n, &values_ok);
	if (s != ST_OK)
		return die(s);
	/* Paths are unique, so n == hi means exactly answers 1..hi. */
	if (hi < ack || n != hi || !values_ok) {
		fprintf(stderr, "crashwriter: acknowledged %lld answers, store has %lld "
			"(highest %lld)%s\n", (long long)ack, (long long)n, (long long)hi,
			values_ok ? "" : ", some with the wrong value");
		return 1;
	}
	printf("%lld\n", (long long)n);
	return 0;
}

int main(int argc, char **argv)
{
	char recovery[STORE_RECOVERY_KEY_LEN];
	struct store *st = NULL;
	int64_t arg = -1;
	status_t s;
	int rc;

	if (argc < 4 || (argc == 5 && !parse_int64(argv[4], &arg)) || argc > 5) {
		fprintf(stderr, "usage: crashwriter DIR PASS write [N] | check ACK | create\n");
		return 2;
	}
	crypto_init();
	if (!strcmp(argv[3], "create")) {
		s = store_create(argv[1], argv[2], strlen(argv[2]), &opts, recovery, &st);
		if (s == ST_OK)
			printf("%s\n", recovery);
	} else {
		s = store_open(argv[1], argv[2], strlen(argv[2]), false, &opts, &st);
	}
	if (s != ST_OK)
		return die(s);
	if (!strcmp(argv[3], "write"))
		rc = do_write(st, arg);
	else if (!strcmp(argv[3], "check"))
		rc = do_check(st, arg < 0 ? 0 : arg);
	else
		rc = 0;
	store_close(st);
	return rc;
}
