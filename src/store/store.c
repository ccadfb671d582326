/*
 * store.c - open, create and close a senda store: unlock the key header,
 * register the keys with the encrypting VFS, open SQLite through it with
 * the settings the format depends on, and bring the schema up to date.
 *
 * The settings are not a matter of taste: DELETE journal and
 * synchronous=FULL keep a crash from losing an acknowledged answer;
 * temp_store=MEMORY keeps temp tables off the disk (the VFS refuses temp
 * files anyway); secure_delete overwrites freed content; the authorizer
 * refuses ATTACH and load_extension, and the VFS refuses any other file,
 * so no SQL can copy the data somewhere unencrypted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/keyslot.h"
#include "store/store_int.h"
#include "store/vfs.h"
#include "util/util.h"

#define DEFAULT_BUSY_MS 10000

status_t store_sqlite_fail(struct store *st, int rc, const char *what)
{
	const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

	if (st && st->vfs_reg && st->vfs_reg->damaged)
		return st_error(ST_DAMAGED, "%s (%spage %u)", status_message(ST_DAMAGED),
				st->vfs_reg->damaged_journal ? "journal " : "",
				st->vfs_reg->damaged_no);
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return st_error(ST_DAMAGED, "%s (%s)", status_message(ST_DAMAGED), msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return st_error(ST_BUSY, "%s", status_message(ST_BUSY));
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return st_error(ST_IO, "%s: %s", what, msg);
	case SQLITE_NOMEM:
		return st_error(ST_NOMEM, "%s: %s", what, msg);
	default:
		return st_error(ST_ERR, "%s: %s", what, msg);
	}
}

/* ATTACH could copy the data to a plain file; extensions could do anything. */
static int store_authorizer(void *ctx, int action, const char *a1, const char *a2,
			    const char *db, const char *trigger)
{
	(void)ctx; (void)a2; (void)db; (void)trigger;
	switch (action) {
	case SQLITE_ATTACH:
		/* '' is an in-memory temp database (temp_store=MEMORY): plain VACUUM. */
		return a1 && !*a1 ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_DETACH:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		return a2 && !strcasecmp(a2, "load_extension") ? SQLITE_DENY : SQLITE_OK;
	default:
		return SQLITE_OK;
	}
}

static struct store *store_new(void)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->lock_fd = -1;
	return st;
}

void store_close(struct store *st)
{
	sqlite3_stmt *stmt;

	if (!st)
		return;
	if (st->db) {
		while ((stmt = sqlite3_next_stmt(st->db, NULL)))
			sqlite3_finalize(stmt);
		sqlite3_close(st->db);
	}
	vfs_key_remove(st->vfs_reg);
	if (st->keys) {
		keyslot_release(st->keys);
		free(st->keys);
	}
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->dir);
	free(st->db_path);
	free(st->keys_path);
	free(st);
}

static status_t exec(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? ST_OK : store_sqlite_fail(st, rc, what);
}

/* The settings the format depends on, then a first read of page 1. */
static status_t store_configure(struct store *st, int busy_ms)
{
	int reserve = VFS_RESERVE;
	status_t s;

	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, busy_ms > 0 ? busy_ms : DEFAULT_BUSY_MS);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (st->keys) {
		/* Before the first write: page 1 gets reserved-bytes = 32. */
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
		s = exec(st, "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE; "
			 "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
			 "PRAGMA mmap_size=0", "configuring the store");
		if (s != ST_OK)
			return s;
	}
	s = exec(st, "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON; "
		 "SELECT count(*) FROM sqlite_schema", "opening the store");
	if (s != ST_OK)
		return s;
	sqlite3_set_authorizer(st->db, store_authorizer, st);
	return store_migrate(st);
}

status_t store_open_memory(struct store **out)
{
	struct store *st = store_new();
	status_t s;
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			     NULL);
	if (rc != SQLITE_OK) {
		s = store_sqlite_fail(st, rc, "opening an in-memory store");
		store_close(st);
		return s;
	}
	s = store_configure(st, 0);
	if (s != ST_OK) {
		store_close(st);
		return s;
	}
	*out = st;
	return ST_OK;
}

bool store_exists(const char *dir)
{
	char *p = path_join(dir, STORE_KEYS_NAME);
	bool yes = path_exists(p);

	free(p);
	return yes;
}

/* Size of a file, -1 when it is missing. */
static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 ? -1 : sb.st_size;
}

/* Paths as SQLite will name them: absolute and without symlinks. */
static status_t store_paths(struct store *st, const char *dir)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		return st_error(errno == ENOENT ? ST_NOSTORE : ST_IO, "%s: %s", dir,
				errno == ENOENT ? status_message(ST_NOSTORE) : strerror(errno));
	st->dir = xstrdup(real);
	st->db_path = path_join(real, STORE_DB_NAME);
	st->keys_path = path_join(real, STORE_KEYS_NAME);
	return ST_OK;
}

/*
 * A shared lock on the data directory while the store is open; a key
 * rotation takes it exclusively, since a process holding only the old key
 * could not read pages written under the new one.
 */
static status_t store_lock(struct store *st, bool exclusive)
{
	if (st->lock_fd < 0)
		st->lock_fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lock_fd < 0)
		return st_error(ST_IO, "cannot open %s: %s", st->dir, strerror(errno));
	if (flock(st->lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0)
		return st_error(ST_BUSY, "%s", status_message(ST_BUSY));
	return ST_OK;
}

status_t store_lock_exclusive(struct store *st)
{
	return store_lock(st, true);
}

void store_lock_shared(struct store *st)
{
	store_lock(st, false);
}

/* Register the unlocked keys with the VFS and open the database. */
static status_t store_open_db(struct store *st, int busy_ms)
{
	struct store_keys *k = st->keys;
	status_t s;
	int rc, fd;

	s = vfs_register();
	if (s != ST_OK)
		return s;
	st->vfs_reg = vfs_key_add(st->db_path, keyhdr_store_id(k->raw));
	if (k->next) {
		vfs_key_set(st->vfs_reg, keyhdr_epoch(k->raw), k->master, false);
		vfs_key_set(st->vfs_reg, keyhdr_next_epoch(k->raw), k->next, true);
	} else {
		vfs_key_set(st->vfs_reg, keyhdr_epoch(k->raw), k->master, true);
	}
	/* SQLite would create it 0644; the journal takes the database's mode. */
	fd = open(st->db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return st_error(ST_IO, "cannot open %s: %s", st->db_path, strerror(errno));
	close(fd);
	rc = sqlite3_open_v2(st->db_path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE,
			     VFS_NAME);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, rc, "opening the database");
	return store_configure(st, busy_ms);
}

status_t store_create(const char *dir, const char *pass, size_t pass_len,
		      const struct store_open_opts *opts,
		      char recovery[STORE_RECOVERY_KEY_LEN], struct store **out)
{
	struct store *st = store_new();
	status_t s;

	*out = NULL;
	s = crypto_init();
	if (s == ST_OK)
		s = store_paths(st, dir);
	if (s != ST_OK)
		goto fail;
	if (path_exists(st->keys_path)) {
		s = st_error(ST_EXISTS, "a store already exists in %s", st->dir);
		goto fail;
	}
	s = store_lock(st, false);
	if (s != ST_OK)
		goto fail;
	/*
	 * The database is made first and the key header written last, so a
	 * store with a header always has its database: an empty or missing
	 * one is then damage (someone emptied it), not a fresh store.  A
	 * database without a header is what an init cut short leaves; nothing
	 * can ever decrypt it, so it goes.
	 */
	unlink(st->db_path);
	{
		char *journal = xasprintf("%s-journal", st->db_path);

		unlink(journal);
		free(journal);
	}
	st->keys = xcalloc(1, sizeof(*st->keys));
	s = keyslot_create(st->keys, pass, pass_len, &opts->kdf, recovery);
	if (s == ST_OK)
		s = store_open_db(st, opts->busy_timeout_ms);
	if (s == ST_OK && file_size(st->db_path) == 0)
		s = exec(st, "PRAGMA user_version = 0", "creating the store");
	if (s == ST_OK)
		s = keyhdr_save(st->keys_path, st->keys->raw, st->keys->master);
	if (s != ST_OK)
		goto fail;
	*out = st;
	return ST_OK;
fail:
	store_close(st);
	return s;
}

status_t store_open(const char *dir, const char *pass, size_t pass_len,
		    bool is_recovery, const struct store_open_opts *opts,
		    struct store **out)
{
	struct store *st = store_new();
	status_t s;

	*out = NULL;
	s = crypto_init();
	if (s == ST_OK)
		s = store_paths(st, dir);
	if (s != ST_OK)
		goto fail;
	st->keys = xcalloc(1, sizeof(*st->keys));
	s = keyhdr_load(st->keys_path, st->keys->raw);
	if (s == ST_OK)
		s = store_lock(st, false);
	if (s == ST_OK)
		s = keyslot_unlock(st->keys, pass, pass_len, is_recovery);
	if (s == ST_OK && file_size(st->db_path) <= 0)
		s = st_error(ST_DAMAGED, "%s (database missing or empty)",
			     status_message(ST_DAMAGED));
	if (s == ST_OK)
		s = store_open_db(st, opts ? opts->busy_timeout_ms : 0);
	if (s != ST_OK)
		goto fail;
	*out = st;
	return ST_OK;
fail:
	store_close(st);
	return s;
}

status_t store_check(struct store *st)
{
	sqlite3_stmt *stmt;
	status_t s = ST_OK;
	int rc;

	/* A read transaction first: no writer can touch the file while we scan it. */
	rc = sqlite3_exec(st->db, "SAVEPOINT store_check; SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		s = store_sqlite_fail(st, rc, "checking the store");
		sqlite3_exec(st->db, "RELEASE store_check", NULL, NULL, NULL);
		return s;
	}
	if (st->vfs_reg) {
		uint32_t pages, old;

		s = vfs_verify_file(st->vfs_reg, &pages, &old);
		if (s != ST_OK) {
			sqlite3_exec(st->db, "RELEASE store_check", NULL, NULL, NULL);
			return s;
		}
	}
	rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		s = store_sqlite_fail(st, rc, "checking the store");
		sqlite3_exec(st->db, "RELEASE store_check", NULL, NULL, NULL);
		return s;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(stmt, 0);

		if (t && strcmp(t, "ok") && s == ST_OK)
			s = st_error(ST_DAMAGED, "%s (integrity check: %.200s)",
				     status_message(ST_DAMAGED), t);
	}
	if (rc != SQLITE_DONE && s == ST_OK)
		s = store_sqlite_fail(st, rc, "checking the store");
	sqlite3_finalize(stmt);
	sqlite3_exec(st->db, "RELEASE store_check", NULL, NULL, NULL);
	return s;
}
