/*
 * test_vfs.c - the encrypted store end to end inside one process: create,
 * reopen, wrong passphrase, recovery key, no plaintext in any file (also
 * with a hot journal after a simulated power cut), tamper detection on
 * every file (200+ trials each, all detected), an old journal put back
 * (refused, nothing written), torn writes and I/O errors
 * injected beneath the shim at every write of a small transaction, and the
 * pragmas and statements a senda store refuses.
 *
 * White-box: it includes store_int.h to run SQL on the store's connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/vfs.h"
#include "util/util.h"

#define PASS "correct horse battery"
#define CANARY "CANARY-7f3a9c-CANARY"

static const struct store_open_opts opts = { { 64, 1 }, 2000 };

struct fix {
	char dir[256];
	char recovery[STORE_RECOVERY_KEY_LEN];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/vfsXXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	if (system(cmd))
		(void)0;
	free(cmd);
	free(f);
	vfs_fault_set(VFS_FAULT_OFF, 0);
	return 0;
}

static char *fpath(struct fix *f, const char *name)
{
	return path_join(f->dir, name);
}

static int exec_sql(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static int64_t count_rows(struct store *st)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM t", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A store holding n rows, each with the canary in it. */
static struct store *make_store(struct fix *f, int n)
{
	struct store *st = NULL;

	assert_int_equal(store_create(f->dir, PASS, strlen(PASS), &opts, f->recovery, &st), ST_OK);
	assert_int_equal(exec_sql(st, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)"),
			 SQLITE_OK);
	exec_sql(st, "BEGIN");
	for (int i = 0; i < n; i++) {
		char *sql = xasprintf("INSERT INTO t(v) VALUES('%s %d %s')", CANARY, i,
				      "padding padding padding padding padding padding");

		assert_int_equal(exec_sql(st, sql), SQLITE_OK);
		free(sql);
	}
	exec_sql(st, "COMMIT");
	return st;
}

static status_t reopen(struct fix *f, struct store **st)
{
	return store_open(f->dir, PASS, strlen(PASS), false, &opts, st);
}

/* Count occurrences of needle in every file of dir. */
static int scan_dir(const char *dir, const char *needle)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int hits = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *p;
		char *data;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		p = path_join(dir, e->d_name);
		data = file_read_all(p, &len);
		if (data) {
			for (size_t i = 0; i + strlen(needle) <= len; i++)
				if (!memcmp(data + i, needle, strlen(needle))) {
					hits++;
					print_message("# %s: '%s' at %zu of %zu\n", e->d_name, needle, i, len);
				}
			free(data);
		}
		free(p);
	}
	closedir(d);
	return hits;
}

static void test_create_reopen(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 50);
	char *db = fpath(f, STORE_DB_NAME);
	char *head;
	size_t len;

	store_close(st);
	head = file_read_all(db, &len);
	assert_non_null(head);
	assert_true(len >= 4096 && len % 4096 == 0);
	/* No SQLite header: the file is not a database to anyone without the key. */
	assert_true(memcmp(head, "SQLite format 3", 15) != 0);
	free(head);
	assert_int_equal(scan_dir(f->dir, CANARY), 0);
	assert_int_equal(scan_dir(f->dir, "padding padding"), 0);

	assert_int_equal(reopen(f, &st), ST_OK);
	assert_int_equal(count_rows(st), 50);
	assert_int_equal(store_check(st), ST_OK);
	store_close(st);
	free(db);
}

static void test_wrong_passphrase(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 1);

	store_close(st);
	assert_int_equal(store_open(f->dir, "nope", 4, false, &opts, &st), ST_PASSPHRASE);
	assert_null(st);
	assert_string_equal(st_detail(ST_PASSPHRASE), "wrong passphrase");
	/* The passphrase is not a recovery key either. */
	assert_int_equal(store_open(f->dir, PASS, strlen(PASS), true, &opts, &st), ST_PASSPHRASE);
	assert_int_equal(store_open(f->dir, f->recovery, strlen(f->recovery), true, &opts, &st),
			 ST_OK);
	assert_int_equal(count_rows(st), 1);
	assert_int_equal(store_keys_unlocked_slot(st), STORE_RECOVERY_SLOT);
	store_close(st);
}

static void test_exists_and_missing(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 1);
	char rec[STORE_RECOVERY_KEY_LEN];

	store_close(st);
	assert_int_equal(store_create(f->dir, PASS, strlen(PASS), &opts, rec, &st), ST_EXISTS);
	char *sub = fpath(f, "empty");
	mkdir(sub, 0700);
	assert_int_equal(store_open(sub, PASS, strlen(PASS), false, &opts, &st), ST_NOSTORE);
	free(sub);
}

static void test_refusals(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 3);
	char *sql, *other = fpath(f, "copy.db");

	assert_int_not_equal(exec_sql(st, "PRAGMA journal_mode=WAL"), SQLITE_OK);
	assert_int_not_equal(exec_sql(st, "PRAGMA mmap_size=65536"), SQLITE_OK);
	assert_int_not_equal(exec_sql(st, "PRAGMA page_size=8192"), SQLITE_OK);
	assert_int_not_equal(exec_sql(st, "PRAGMA synchronous=OFF"), SQLITE_OK);
	assert_int_not_equal(exec_sql(st, "PRAGMA secure_delete=OFF"), SQLITE_OK);
	assert_int_not_equal(exec_sql(st, "PRAGMA temp_store=FILE"), SQLITE_OK);
	sql = xasprintf("ATTACH '%s' AS x", other);
	assert_int_not_equal(exec_sql(st, sql), SQLITE_OK);
	free(sql);
	sql = xasprintf("VACUUM INTO '%s'", other);
	assert_int_not_equal(exec_sql(st, sql), SQLITE_OK);
	free(sql);
	assert_int_not_equal(exec_sql(st, "SELECT load_extension('x')"), SQLITE_OK);
	assert_false(path_exists(other));
	/* Reading the settings is fine, and they are what the format needs. */
	assert_int_equal(exec_sql(st, "PRAGMA journal_mode"), SQLITE_OK);
	assert_int_equal(exec_sql(st, "VACUUM"), SQLITE_OK);
	assert_int_equal(count_rows(st), 3);
	store_close(st);
	free(other);
}

/* Flip one random bit somewhere in path; returns the original file. */
static char *flip_random(const char *path, size_t *len, size_t *where)
{
	char *orig = file_read_all(path, len);
	int fd;
	unsigned char b;

	assert_non_null(orig);
	*where = (size_t)rand() % *len;
	b = (unsigned char)orig[*where] ^ (unsigned char)(1u << (rand() % 8));
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &b, 1, (off_t)*where), 1);
	close(fd);
	return orig;
}

/* Put a file back as it was (made again if it went). */
static void restore_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Open and read everything; the status that comes out. */
static status_t open_and_check(struct fix *f)
{
	struct store *st = NULL;
	status_t s = reopen(f, &st);

	if (s == ST_OK)
		s = store_check(st);
	store_close(st);
	return s;
}

static void tamper_trials(struct fix *f, const char *name, int trials)
{
	char *path = fpath(f, name);
	int detected = 0;

	for (int i = 0; i < trials; i++) {
		size_t len, where;
		char *orig = flip_random(path, &len, &where);
		status_t s = open_and_check(f);

		if (s == ST_DAMAGED) {
			detected++;
			assert_non_null(strstr(st_detail(s),
					       "store is damaged or has been tampered with ("));
		} else {
			print_error("%s: flip at byte %zu gave status %d (%s)\n", name, where, s,
				    st_detail(s));
		}
		restore_file(path, orig, len);
		free(orig);
	}
	assert_int_equal(detected, trials);
	assert_int_equal(open_and_check(f), ST_OK);
	free(path);
}

/*
 * Pages moved inside the file are caught: each page's tag binds its page
 * number, so a valid page at the wrong place does not authenticate.
 */
static void test_swap_pages(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 400);
	char *path = fpath(f, "senda.db");
	size_t len;
	char *orig;
	int fd;

	store_close(st);
	orig = file_read_all(path, &len);
	assert_non_null(orig);
	assert_true(len >= 4 * 4096);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	/* page 2 gets page 3's bytes and page 3 gets page 2's */
	assert_int_equal(pwrite(fd, orig + 2 * 4096, 4096, 1 * 4096), 4096);
	assert_int_equal(pwrite(fd, orig + 1 * 4096, 4096, 2 * 4096), 4096);
	close(fd);
	assert_int_equal(open_and_check(f), ST_DAMAGED);
	assert_non_null(strstr(st_detail(ST_DAMAGED), "(page 2)"));
	restore_file(path, orig, len);
	assert_int_equal(open_and_check(f), ST_OK);
	free(orig);
	free(path);
}

/* Shred overwrites the key slots in place, not just unlinks the files. */
static void test_shred_overwrites(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 10);
	char *keys = fpath(f, "senda.keys");
	char *other = xasprintf("%s/../%s-keys-link", f->dir, strrchr(f->dir, '/') + 1);
	char *before, *after;
	size_t n1, n2, same = 0;

	store_close(st);
	assert_int_equal(link(keys, other), 0);	/* a second name for the same inode */
	before = file_read_all(keys, &n1);
	assert_non_null(before);
	assert_int_equal(store_shred(f->dir), ST_OK);
	assert_false(path_exists(keys));
	after = file_read_all(other, &n2);
	assert_non_null(after);
	assert_int_equal(n1, n2);
	for (size_t i = 0; i < n1; i++)
		same += before[i] == after[i];
	/* random bytes match the old ones about 1 time in 256 */
	assert_true(same < n1 / 16);
	unlink(other);
	free(before);
	free(after);
	free(other);
	free(keys);
}

static void test_tamper_db(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 200);

	store_close(st);
	srand(1);
	tamper_trials(f, STORE_DB_NAME, 200);
}

static void test_tamper_keys(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 2);

	store_close(st);
	srand(2);
	tamper_trials(f, STORE_KEYS_NAME, 200);
}

/*
 * A transaction cut by a simulated power cut after `at` writes: the journal
 * is left on disk.  Returns whether the cut happened inside the transaction.
 */
static bool crash_transaction_first(struct fix *f, long at, const char *first)
{
	struct store *st = NULL;
	bool fired;

	assert_int_equal(reopen(f, &st), ST_OK);
	vfs_fault_set(VFS_FAULT_CRASH, at);
	exec_sql(st, "BEGIN");
	if (first)
		exec_sql(st, first);
	exec_sql(st, "UPDATE t SET v = 'new " CANARY "' WHERE id % 3 = 0");
	exec_sql(st, "INSERT INTO t(v) SELECT v FROM t WHERE id < 40");
	exec_sql(st, "COMMIT");
	fired = vfs_fault_fired();
	store_close(st);	/* rollback fails too: the disk is "gone" */
	vfs_fault_set(VFS_FAULT_OFF, 0);
	return fired;
}

static bool crash_transaction(struct fix *f, long at)
{
	return crash_transaction_first(f, at, NULL);
}

static void test_hot_journal(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 300);
	char *journal = fpath(f, STORE_DB_NAME "-journal");
	bool saw_journal = false;

	store_close(st);
	/* Cut the transaction at every write; each time it must recover to the old state. */
	for (long at = 1; at < 200; at++) {
		int64_t n;

		if (!crash_transaction(f, at))
			break;
		if (path_exists(journal)) {
			saw_journal = true;
			/* Journal on disk after the crash: still no plaintext anywhere. */
			assert_int_equal(scan_dir(f->dir, CANARY), 0);
			assert_int_equal(scan_dir(f->dir, "padding padding"), 0);
		}
		{
			status_t s = reopen(f, &st);

			if (s != ST_OK)
				fail_msg("cut at write %ld: %s", at, st_detail(s));
		}
		assert_int_equal(store_check(st), ST_OK);
		n = count_rows(st);
		assert_true(n == 300 || n == 340);
		/* Put it back for the next round when the crash came after commit. */
		if (n == 340)
			assert_int_equal(exec_sql(st, "DELETE FROM t WHERE id > 300; "
						  "UPDATE t SET v = substr(v, 5) WHERE v LIKE 'new %'"),
					 SQLITE_OK);
		store_close(st);
	}
	assert_true(saw_journal);
	free(journal);
}

static void test_tamper_journal(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 300);
	char *journal = fpath(f, STORE_DB_NAME "-journal");
	char *jcopy, *db, *dbcopy;
	size_t jlen, dblen;
	int detected = 0, trials = 200;
	long at, best = 0;

	store_close(st);
	db = fpath(f, STORE_DB_NAME);
	dbcopy = file_read_all(db, &dblen);
	/* The last cut that still leaves a hot journal: the database half written. */
	for (at = 1; at < 200; at++) {
		if (!crash_transaction(f, at))
			break;
		if (path_exists(journal))
			best = at;
		assert_int_equal(reopen(f, &st), ST_OK);	/* rolls back */
		store_close(st);
	}
	assert_true(best > 0);
	restore_file(db, dbcopy, dblen);
	free(dbcopy);
	assert_true(crash_transaction(f, best));
	assert_true(path_exists(journal));
	jcopy = file_read_all(journal, &jlen);
	dbcopy = file_read_all(db, &dblen);
	assert_true(jlen > 8192);
	srand(3);
	for (int i = 0; i < trials; i++) {
		size_t len, where;
		char *orig = flip_random(journal, &len, &where);
		status_t s = open_and_check(f);

		if (s == ST_DAMAGED)
			detected++;
		else
			print_error("journal flip at %zu of %zu: status %d\n", where, len, s);
		/* Back to the crashed state: the journal and the half-written database. */
		restore_file(db, dbcopy, dblen);
		restore_file(journal, jcopy, jlen);
		free(orig);
	}
	assert_int_equal(detected, trials);
	assert_int_equal(open_and_check(f), ST_OK);
	free(jcopy);
	free(dbcopy);
	free(db);
	free(journal);
}

/* The store opens, passes every check and holds rows rows (after a cut at write `at`). */
static void expect_rows(struct fix *f, int64_t rows, long at)
{
	struct store *st = NULL;
	status_t s = reopen(f, &st);

	if (s == ST_OK)
		s = store_check(st);
	if (s != ST_OK)
		fail_msg("cut at write %ld: %s", at, st_detail(s));
	assert_int_equal(count_rows(st), rows);
	store_close(st);
}

/*
 * An old journal put back is not played back.  The journal of a
 * transaction cut by a power cut is copied aside; the next open rolls it
 * back and later transactions commit; then the copy is put back beside
 * the database.  SQLite alone would take it for a hot journal and
 * silently roll those pages back.  The open must fail as tampering, and
 * the database must not change by one byte.
 */
static void test_replay_old_journal(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 300);
	char *journal = fpath(f, STORE_DB_NAME "-journal");
	char *db = fpath(f, STORE_DB_NAME);
	char *jcopy = NULL, *before, *after;
	size_t jlen = 0, before_len, after_len;
	status_t s;

	store_close(st);
	/* A cut that leaves a journal with at least one whole block. */
	for (long at = 1; at < 200 && !jcopy; at++) {
		assert_true(crash_transaction(f, at));
		if (path_exists(journal)) {
			jcopy = file_read_all(journal, &jlen);
			if (jlen < 8192) {
				free(jcopy);
				jcopy = NULL;
			}
		}
		assert_int_equal(reopen(f, &st), ST_OK);	/* rolls back */
		assert_int_equal(count_rows(st), 300);
		store_close(st);
	}
	assert_non_null(jcopy);
	assert_false(path_exists(journal));
	/* Later transactions commit. */
	assert_int_equal(reopen(f, &st), ST_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(exec_sql(st, "INSERT INTO t(v) VALUES('later')"), SQLITE_OK);
	assert_int_equal(exec_sql(st, "UPDATE t SET v = 'changed later' WHERE id % 3 = 0"),
			 SQLITE_OK);
	store_close(st);
	before = file_read_all(db, &before_len);
	/* The old journal comes back. */
	restore_file(journal, jcopy, jlen);
	s = reopen(f, &st);
	store_close(st);
	assert_int_equal(s, ST_DAMAGED);
	assert_string_equal(st_detail(s),
			    "store is damaged or has been tampered with (journal page 0)");
	after = file_read_all(db, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	assert_true(path_exists(journal));
	/* Without it, everything that committed is there. */
	assert_int_equal(unlink(journal), 0);
	expect_rows(f, 303, 0);
	free(before);
	free(after);
	free(jcopy);
	free(db);
	free(journal);
}

/*
 * A power cut while a hot journal is being rolled back, at every write of
 * the rollback: the journal is still on disk and must still be accepted
 * (page 1, rewritten by the rollback, carries the journal's token), and
 * the next open finishes the rollback.  The transaction changes the schema
 * first, so page 1 is the journal's first record and the rollback rewrites
 * it before the cut.
 */
#define ROLLBACK_FIRST "CREATE TABLE t2(x)"

static void test_crash_during_rollback(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 300);
	char *journal = fpath(f, STORE_DB_NAME "-journal");
	char *db = fpath(f, STORE_DB_NAME);
	char *dbcopy, *jcopy;
	size_t dblen, jlen;
	long at, best = 0, rollback_writes;

	store_close(st);
	dbcopy = file_read_all(db, &dblen);
	/* The last cut that leaves a journal: the database is half written. */
	for (at = 1; at < 200; at++) {
		if (!crash_transaction_first(f, at, ROLLBACK_FIRST))
			break;
		if (path_exists(journal))
			best = at;
		assert_int_equal(reopen(f, &st), ST_OK);
		store_close(st);
	}
	assert_true(best > 0);
	restore_file(db, dbcopy, dblen);
	free(dbcopy);
	assert_true(crash_transaction_first(f, best, ROLLBACK_FIRST));
	dbcopy = file_read_all(db, &dblen);
	jcopy = file_read_all(journal, &jlen);
	assert_non_null(jcopy);
	/* How many writes does the rollback make? */
	vfs_fault_set(VFS_FAULT_OFF, 0);
	assert_int_equal(reopen(f, &st), ST_OK);
	rollback_writes = vfs_fault_count();
	store_close(st);
	assert_true(rollback_writes >= 2);
	for (at = 1; at <= rollback_writes; at++) {
		restore_file(db, dbcopy, dblen);
		restore_file(journal, jcopy, jlen);
		vfs_fault_set(VFS_FAULT_CRASH, at);
		reopen(f, &st);	/* the rollback is cut */
		store_close(st);
		st = NULL;
		vfs_fault_set(VFS_FAULT_OFF, 0);
		assert_true(path_exists(journal));
		expect_rows(f, 300, at);
	}
	free(dbcopy);
	free(jcopy);
	free(db);
	free(journal);
}

/* One fault at every write of a small transaction: error, or half a write. */
static void fault_every_write(struct fix *f, enum vfs_fault_mode mode)
{
	struct store *st = make_store(f, 100);
	long writes;

	store_close(st);
	/* How many writes does the transaction make? */
	assert_int_equal(reopen(f, &st), ST_OK);
	vfs_fault_set(VFS_FAULT_OFF, 0);
	assert_int_equal(exec_sql(st, "UPDATE t SET v = 'x' || v WHERE id < 60"), SQLITE_OK);
	writes = vfs_fault_count();
	assert_int_equal(exec_sql(st, "UPDATE t SET v = substr(v, 2) WHERE id < 60"), SQLITE_OK);
	store_close(st);
	assert_true(writes >= 3);
	for (long at = 1; at <= writes + 1; at++) {
		int64_t changed = -1;
		sqlite3_stmt *s;
		int rc;

		assert_int_equal(reopen(f, &st), ST_OK);
		vfs_fault_set(mode, at);
		rc = exec_sql(st, "UPDATE t SET v = 'x' || v WHERE id < 60");
		vfs_fault_set(VFS_FAULT_OFF, 0);
		store_close(st);
		assert_int_equal(reopen(f, &st), ST_OK);
		assert_int_equal(store_check(st), ST_OK);
		assert_int_equal(sqlite3_prepare_v2(st->db,
			"SELECT count(*) FROM t WHERE v LIKE 'x%'", -1, &s, NULL), SQLITE_OK);
		if (sqlite3_step(s) == SQLITE_ROW)
			changed = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		/* All or nothing, and all when the statement said it worked. */
		assert_true(changed == 0 || changed == 59);
		if (rc == SQLITE_OK)
			assert_int_equal(changed, 59);
		if (changed == 59)
			assert_int_equal(exec_sql(st, "UPDATE t SET v = substr(v, 2) WHERE id < 60"),
					 SQLITE_OK);
		assert_int_equal(count_rows(st), 100);
		store_close(st);
	}
}

static void test_io_errors(void **state)
{
	fault_every_write(*state, VFS_FAULT_ERROR);
}

static void test_torn_writes(void **state)
{
	fault_every_write(*state, VFS_FAULT_TORN);
}

/* A store held by another writer: ST_BUSY with a clear line, then it works. */
static void test_busy(void **state)
{
	struct fix *f = *state;
	struct store *a = make_store(f, 5), *b = NULL;
	static const struct store_open_opts quick = { { 64, 1 }, 200 };
	int rc;

	assert_int_equal(store_open(f->dir, PASS, strlen(PASS), false, &quick, &b), ST_OK);
	assert_int_equal(exec_sql(a, "BEGIN IMMEDIATE; INSERT INTO t(v) VALUES('a')"), SQLITE_OK);
	rc = exec_sql(b, "INSERT INTO t(v) VALUES('b')");
	assert_int_not_equal(rc, SQLITE_OK);
	assert_int_equal(store_sqlite_fail(b, rc, "saving"), ST_BUSY);
	assert_string_equal(st_detail(ST_BUSY), "store is in use by another process");
	assert_int_equal(exec_sql(a, "COMMIT"), SQLITE_OK);
	assert_int_equal(exec_sql(b, "INSERT INTO t(v) VALUES('b')"), SQLITE_OK);
	assert_int_equal(count_rows(a), 7);
	assert_int_equal(store_check(b), ST_OK);
	store_close(a);
	store_close(b);
}

/*
 * A transaction larger than the page cache: SQLite spills pages to the
 * database mid-transaction and keeps appending to the journal after a
 * sync.  Power cuts at a spread of writes, a torn write each time: the
 * store must come back whole, with all or nothing of the transaction.
 */
static void test_spill_crash(void **state)
{
	struct fix *f = *state;
	struct store *st = make_store(f, 2000);
	long writes;

	store_close(st);
	assert_int_equal(reopen(f, &st), ST_OK);
	exec_sql(st, "PRAGMA cache_size=10");
	vfs_fault_set(VFS_FAULT_OFF, 0);
	assert_int_equal(exec_sql(st, "UPDATE t SET v = 'y' || v"), SQLITE_OK);
	writes = vfs_fault_count();
	assert_int_equal(exec_sql(st, "UPDATE t SET v = substr(v, 2)"), SQLITE_OK);
	store_close(st);
	for (long at = 1; at <= writes; at += writes / 40 + 1) {
		int64_t changed = -1;
		sqlite3_stmt *q;
		status_t s;

		assert_int_equal(reopen(f, &st), ST_OK);
		exec_sql(st, "PRAGMA cache_size=10");
		vfs_fault_set(VFS_FAULT_CRASH, at);
		exec_sql(st, "UPDATE t SET v = 'y' || v");
		vfs_fault_set(VFS_FAULT_OFF, 0);
		store_close(st);
		s = reopen(f, &st);
		if (s != ST_OK)
			fail_msg("cut at write %ld of %ld: %s", at, writes, st_detail(s));
		s = store_check(st);
		if (s != ST_OK)
			fail_msg("cut at write %ld of %ld: %s", at, writes, st_detail(s));
		assert_int_equal(sqlite3_prepare_v2(st->db,
			"SELECT count(*) FROM t WHERE v LIKE 'y%'", -1, &q, NULL), SQLITE_OK);
		if (sqlite3_step(q) == SQLITE_ROW)
			changed = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		assert_true(changed == 0 || changed == 2000);
		if (changed)
			assert_int_equal(exec_sql(st, "UPDATE t SET v = substr(v, 2)"), SQLITE_OK);
		store_close(st);
	}
}

static void test_memory_store(void **state)
{
	struct store *st = NULL;
	int slot;

	(void)state;
	assert_int_equal(store_open_memory(&st), ST_OK);
	assert_int_equal(exec_sql(st, "CREATE TABLE t(v); INSERT INTO t VALUES(1)"), SQLITE_OK);
	assert_int_equal(count_rows(st), 1);
	assert_int_equal(store_keys_add(st, "x", 1, &opts.kdf, &slot), ST_STATE);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exists_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_db, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shred_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hot_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_old_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_during_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spill_crash, setup, teardown),
		cmocka_unit_test(test_memory_store),
	};

	crypto_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
