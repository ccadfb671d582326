/*
 * crashwriter - the child of the crash tests.  It stands in for the
 * console saving answers: each answer is one transaction, and only after
 * the commit returns does it report "ack N" on stdout (unbuffered), so the
 * parent knows exactly which answers the store has promised to keep.
 *
 *   crashwriter DIR PASS write [N]   save answers 1.. after the last saved
 *                                    one, forever or N of them
 *   crashwriter DIR PASS check ACK   open, check every page and the
 *                                    structure, and require answers 1..ACK
 *                                    (more is fine: a commit may land just
 *                                    before the kill without its ack)
 *   crashwriter DIR PASS create      create the store (KDF cost 64 KiB, 1 pass)
 *
 * Each answer holds the canary SENDA-CANARY-<n> so tests can scan for it.
 * Exit status: 0 fine, the store's exit code (3, 4, ...) on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/util.h"

static const struct store_open_opts opts = { { 64, 1 }, 10000 };

static int die(status_t s)
{
	fprintf(stderr, "crashwriter: %s\n", st_detail(s));
	return status_exit(s);
}

static int64_t last_saved(struct store *st)
{
	sqlite3_stmt *q;
	int64_t n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(n), 0) FROM crash_answers", -1, &q,
			       NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static int do_write(struct store *st, int64_t count)
{
	sqlite3_stmt *ins;
	int64_t n = last_saved(st);
	int rc;

	rc = sqlite3_prepare_v2(st->db, "INSERT INTO crash_answers(n, value) VALUES(?, ?)", -1,
				&ins, NULL);
	if (rc != SQLITE_OK)
		return die(store_sqlite_fail(st, rc, "preparing"));
	for (int64_t done = 0; count < 0 || done < count; done++) {
		char value[160], ack[32];
		int len;

		n++;
		snprintf(value, sizeof(value), "SENDA-CANARY-%lld fled with two children, "
			 "route via Tapachula, fear of return", (long long)n);
		sqlite3_bind_int64(ins, 1, n);
		sqlite3_bind_text(ins, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE)
			return die(store_sqlite_fail(st, rc, "saving an answer"));
		len = snprintf(ack, sizeof(ack), "ack %lld\n", (long long)n);
		if (write(1, ack, (size_t)len) != len)
			return 1;
	}
	sqlite3_finalize(ins);
	return 0;
}

static int do_check(struct store *st, int64_t ack)
{
	sqlite3_stmt *q;
	int64_t n = 0, lo = 0, hi = 0;
	status_t s = store_check(st);

	if (s != ST_OK)
		return die(s);
	if (sqlite3_prepare_v2(st->db, "SELECT count(*), coalesce(min(n), 0), coalesce(max(n), 0) "
			       "FROM crash_answers", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		n = sqlite3_column_int64(q, 0);
		lo = sqlite3_column_int64(q, 1);
		hi = sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	if (hi < ack || n != hi || (n && lo != 1)) {
		fprintf(stderr, "crashwriter: acknowledged %lld answers, store has %lld (%lld..%lld)\n",
			(long long)ack, (long long)n, (long long)lo, (long long)hi);
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
	rc = sqlite3_exec(st->db, "CREATE TABLE IF NOT EXISTS crash_answers("
			  "n INTEGER PRIMARY KEY, value TEXT NOT NULL)", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		s = store_sqlite_fail(st, rc, "creating the table");
		store_close(st);
		return die(s);
	}
	if (!strcmp(argv[3], "write"))
		rc = do_write(st, arg);
	else if (!strcmp(argv[3], "check"))
		rc = do_check(st, arg < 0 ? 0 : arg);
	else
		rc = 0;
	store_close(st);
	return rc;
}
