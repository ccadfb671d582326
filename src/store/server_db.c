/*
 * server_db.c - SQLite storage for senda-server (see server_db.h).
 *
 * One connection, used under the server's lock, with every statement
 * prepared once.  Streams are gap-free because the next number is taken
 * from stream_heads inside the same transaction as the insert, never from
 * a rowid or a clock.  Stored items are never updated or deleted: a second
 * version of an id goes to conflicts, beside the first.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/server_db.h"
#include "store/store_int.h"
#include "util/util.h"

static const char server_schema[] =
	"CREATE TABLE IF NOT EXISTS srv_devices(id TEXT PRIMARY KEY, team TEXT NOT NULL,"
	" role TEXT NOT NULL, public_key TEXT NOT NULL UNIQUE, label TEXT NOT NULL,"
	" created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS srv_enroll_codes(hash TEXT PRIMARY KEY, team TEXT NOT NULL,"
	" role TEXT NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS srv_nonces(device TEXT NOT NULL, nonce TEXT NOT NULL,"
	" at INTEGER NOT NULL, PRIMARY KEY(device, nonce)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS srv_nonces_at ON srv_nonces(at);"
	"CREATE TABLE IF NOT EXISTS srv_items(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL, interview TEXT NOT NULL, hash TEXT NOT NULL, payload TEXT NOT NULL,"
	" device TEXT NOT NULL, team TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS srv_conflicts(seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
	" kind TEXT NOT NULL, hash TEXT NOT NULL, payload TEXT NOT NULL, device TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS srv_interviews(id TEXT PRIMARY KEY, team TEXT NOT NULL,"
	" owner TEXT NOT NULL, state TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS srv_stream_heads(stream TEXT PRIMARY KEY, last INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS srv_streams(stream TEXT NOT NULL, seq INTEGER NOT NULL,"
	" id TEXT NOT NULL, interview TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,"
	" payload TEXT NOT NULL, device TEXT NOT NULL, hash TEXT NOT NULL,"
	" PRIMARY KEY(stream, seq)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS srv_streams_at ON srv_streams(at);"
	"CREATE TABLE IF NOT EXISTS srv_batches(id INTEGER PRIMARY KEY, device TEXT NOT NULL,"
	" at INTEGER NOT NULL, n INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS srv_referrals(id TEXT PRIMARY KEY, interview TEXT NOT NULL,"
	" team TEXT NOT NULL, owner TEXT NOT NULL, service TEXT NOT NULL, state TEXT NOT NULL,"
	" updated INTEGER NOT NULL);";

/* Every statement, prepared once at open: index into db->stmt. */
#define SDB_STMT_INFO(_) \
	_(BEGIN, "BEGIN IMMEDIATE") \
	_(COMMIT, "COMMIT") \
	_(ROLLBACK, "ROLLBACK") \
	_(SAVEPOINT, "SAVEPOINT srv_batch") \
	_(RELEASE, "RELEASE srv_batch") \
	_(ROLLBACK_TO, "ROLLBACK TO srv_batch") \
	_(DEV_ADD, "INSERT INTO srv_devices(id,team,role,public_key,label,created) VALUES(?,?,?,?,?,?)") \
	_(DEV_GET, "SELECT id,team,role,public_key,label,created,revoked FROM srv_devices WHERE id=?") \
	_(DEV_LIST, "SELECT id,team,role,public_key,label,created,revoked FROM srv_devices ORDER BY created,id") \
	_(DEV_REVOKE, "UPDATE srv_devices SET revoked=? WHERE id=? AND revoked=0") \
	_(CODE_ADD, "INSERT INTO srv_enroll_codes(hash,team,role,expires) VALUES(?,?,?,?)") \
	_(CODE_TAKE, "UPDATE srv_enroll_codes SET used=1 WHERE hash=? AND used=0 AND expires>? RETURNING team,role") \
	_(NONCE_ADD, "INSERT OR IGNORE INTO srv_nonces(device,nonce,at) VALUES(?,?,?)") \
	_(NONCE_PRUNE, "DELETE FROM srv_nonces WHERE at<?") \
	_(ITEM_GET, "SELECT seq,id,kind,interview,hash,device,team,at FROM srv_items WHERE id=?") \
	_(ITEM_ADD, "INSERT INTO srv_items(id,kind,interview,hash,payload,device,team,at) VALUES(?,?,?,?,?,?,?,?)") \
	_(ITEM_KIND, "SELECT seq,id,interview,kind,at,payload,device,hash FROM srv_items WHERE kind=? ORDER BY seq") \
	_(CONFLICT_ADD, "INSERT INTO srv_conflicts(id,kind,hash,payload,device,at) VALUES(?,?,?,?,?,?)") \
	_(COUNT_ITEMS, "SELECT (SELECT count(*) FROM srv_items),(SELECT count(*) FROM srv_conflicts)") \
	_(IV_GET, "SELECT id,team,owner,state FROM srv_interviews WHERE id=?") \
	_(IV_PUT, "INSERT OR REPLACE INTO srv_interviews(id,team,owner,state) VALUES(?,?,?,?)") \
	_(HEAD_GET, "SELECT last FROM srv_stream_heads WHERE stream=?") \
	_(HEAD_PUT, "INSERT OR REPLACE INTO srv_stream_heads(stream,last) VALUES(?,?)") \
	_(STREAM_ADD, "INSERT INTO srv_streams(stream,seq,id,interview,kind,at,payload,device,hash) VALUES(?,?,?,?,?,?,?,?,?)") \
	_(STREAM_MIN, "SELECT min(seq) FROM srv_streams WHERE stream=?") \
	_(STREAM_READ, "SELECT seq,id,interview,kind,at,payload,device,hash FROM srv_streams WHERE stream=? AND seq>? ORDER BY seq LIMIT ?") \
	_(STREAM_PRUNE, "DELETE FROM srv_streams WHERE at<?") \
	_(BATCH_ADD, "INSERT INTO srv_batches(device,at,n) VALUES(?,?,?)") \
	_(ITEM_DECIDED, "SELECT payload FROM srv_items WHERE interview=? AND kind IN ('interview','amendment')" \
	  " AND seq<(SELECT max(seq) FROM srv_items WHERE interview=? AND kind='decision') ORDER BY seq DESC LIMIT 1") \
	_(ITEM_VERSION, "SELECT payload,hash FROM srv_items WHERE interview=? AND kind IN ('interview','amendment')" \
	  " AND (?='' OR hash=?) ORDER BY seq DESC LIMIT 1") \
	_(REF_GET, "SELECT id,interview,team,owner,service,state,updated FROM srv_referrals WHERE id=?") \
	_(REF_PUT, "INSERT OR REPLACE INTO srv_referrals(id,interview,team,owner,service,state,updated) VALUES(?,?,?,?,?,?,?)") \
	_(REF_LIST, "SELECT id,interview,team,owner,service,state,updated FROM srv_referrals WHERE ?='' OR team=? ORDER BY updated,id")

enum sdb_stmt_id {
#define SDB_STMT_ENUM_(name, sql) SDB_##name,
	SDB_STMT_INFO(SDB_STMT_ENUM_)
#undef SDB_STMT_ENUM_
	SDB_STMT_COUNT
};

static const char *const sdb_sql[] = {
#define SDB_STMT_SQL_(name, sql) sql,
	SDB_STMT_INFO(SDB_STMT_SQL_)
#undef SDB_STMT_SQL_
};

struct server_db {
	sqlite3 *db;			/* the store's connection */
	struct store *store;		/* the encrypted store holding it */
	sqlite3_stmt *stmt[SDB_STMT_COUNT];
};

static status_t sdb_fail(struct server_db *db, const char *what)
{
	int rc = sqlite3_errcode(db->db);

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return st_error(ST_BUSY, "server database busy while %s", what);
	if (rc == SQLITE_FULL || rc == SQLITE_IOERR)
		return st_error(ST_IO, "disk error while %s: %s", what, sqlite3_errmsg(db->db));
	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		return st_error(ST_DAMAGED, "server database damaged (%s)", what);
	return st_error(ST_ERR, "server database error while %s: %s", what, sqlite3_errmsg(db->db));
}

/* Reset a statement and bind text/integer arguments described by fmt. */
static sqlite3_stmt *sdb_bind(struct server_db *db, enum sdb_stmt_id id, const char *fmt, ...)
{
	sqlite3_stmt *s = db->stmt[id];
	va_list ap;
	int i = 1;

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	va_start(ap, fmt);
	for (; *fmt; fmt++, i++) {
		if (*fmt == 's') {
			const char *v = va_arg(ap, const char *);
			sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
		} else if (*fmt == 'b') {	/* text with length */
			const char *v = va_arg(ap, const char *);
			size_t n = va_arg(ap, size_t);
			sqlite3_bind_text64(s, i, v, n, SQLITE_STATIC, SQLITE_UTF8);
		} else {
			sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
		}
	}
	va_end(ap);
	return s;
}

/* Run a statement that returns no rows. */
static status_t sdb_done(struct server_db *db, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sdb_fail(db, what);
	return ST_OK;
}

static void col_copy(sqlite3_stmt *s, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	snprintf(out, size, "%s", t ? (const char *)t : "");
}

static const char *col_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? (const char *)t : "";
}

static status_t sdb_setup(struct server_db *db)
{
	char *msg = NULL;

	/*
	 * The store has set up the connection (encrypted pages, rollback
	 * journal, synchronous=FULL, busy timeout); add the server's tables.
	 */
	/*
	 * A larger page cache: every page read from disk is decrypted and
	 * authenticated, and item ids are random, so index pages are hit
	 * everywhere.  64 MiB keeps a busy server's working set in memory.
	 */
	if (sqlite3_exec(db->db, "PRAGMA cache_size=-65536", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db->db, server_schema, NULL, NULL, &msg) != SQLITE_OK) {
		status_t st = st_error(ST_ERR, "cannot set up the server database: %s",
				       msg ? msg : "unknown error");
		sqlite3_free(msg);
		return st;
	}
	for (int i = 0; i < SDB_STMT_COUNT; i++)
		if (sqlite3_prepare_v3(db->db, sdb_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->stmt[i], NULL) != SQLITE_OK)
			return sdb_fail(db, "preparing statements");
	return ST_OK;
}

/* Take over an open store: its connection gets the server's tables. */
static status_t sdb_wrap(struct store *store, struct server_db **out)
{
	struct server_db *db = xcalloc(1, sizeof(*db));
	status_t st;

	db->store = store;
	db->db = store->db;
	st = sdb_setup(db);
	if (st != ST_OK) {
		server_db_close(db);
		return st;
	}
	*out = db;
	return ST_OK;
}

status_t server_db_create(const char *dir, const char *pass, size_t pass_len,
			  uint32_t kdf_memory_kib, uint32_t kdf_iterations,
			  char recovery[STORE_RECOVERY_KEY_LEN], struct server_db **out)
{
	struct store_open_opts opts = { { kdf_memory_kib, kdf_iterations }, 0 };
	struct store *store;
	status_t st;

	*out = NULL;
	st = store_create(dir, pass, pass_len, &opts, recovery, &store);
	return st == ST_OK ? sdb_wrap(store, out) : st;
}

status_t server_db_unlock(const char *dir, const char *pass, size_t pass_len,
			  struct server_db **out)
{
	struct store *store;
	status_t st;

	*out = NULL;
	st = store_open(dir, pass, pass_len, false, NULL, &store);
	return st == ST_OK ? sdb_wrap(store, out) : st;
}

status_t server_db_open(const char *path, struct server_db **out)
{
	size_t n = strlen(path), tail = strlen("/server.db");
	char *dir = n > tail && !strcmp(path + n - tail, "/server.db") ? xstrndup(path, n - tail)
		: xstrdup(path);
	char *ppath = path_join(dir, "passphrase");
	size_t len = 0;
	char *pass = file_read_all(ppath, &len);
	status_t st;

	*out = NULL;
	if (!pass) {
		st = st_error(ST_CONFIG, "cannot read the passphrase file %s", ppath);
	} else {
		while (len && (pass[len - 1] == '\n' || pass[len - 1] == '\r'))
			pass[--len] = '\0';
		st = server_db_unlock(dir, pass, len, out);
		memset(pass, 0, len);
		free(pass);
	}
	free(ppath);
	free(dir);
	return st;
}

status_t server_db_open_memory(struct server_db **out)
{
	struct store *store;
	status_t st;

	*out = NULL;
	st = store_open_memory(&store);
	return st == ST_OK ? sdb_wrap(store, out) : st;
}

void server_db_close(struct server_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < SDB_STMT_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	store_close(db->store);
	free(db);
}

status_t server_db_begin(struct server_db *db)
{
	return sdb_done(db, sdb_bind(db, SDB_BEGIN, ""), "starting a transaction");
}

status_t server_db_commit(struct server_db *db)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_COMMIT, ""), "committing");

	if (st != ST_OK)
		server_db_rollback(db);
	return st;
}

void server_db_rollback(struct server_db *db)
{
	if (!sqlite3_get_autocommit(db->db))
		sdb_done(db, sdb_bind(db, SDB_ROLLBACK, ""), "rolling back");
}

status_t server_db_savepoint(struct server_db *db)
{
	return sdb_done(db, sdb_bind(db, SDB_SAVEPOINT, ""), "starting a savepoint");
}

status_t server_db_release(struct server_db *db)
{
	return sdb_done(db, sdb_bind(db, SDB_RELEASE, ""), "releasing a savepoint");
}

void server_db_rollback_to(struct server_db *db)
{
	sdb_done(db, sdb_bind(db, SDB_ROLLBACK_TO, ""), "rolling back to a savepoint");
	sdb_done(db, sdb_bind(db, SDB_RELEASE, ""), "releasing a savepoint");
}

status_t server_db_device_add(struct server_db *db, const struct sdb_device *d)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_DEV_ADD, "sssssi", d->id, d->team, d->role,
				   d->public_key, d->label, d->created);
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT)
		return st_error(ST_EXISTS, "this device key is already enrolled");
	if (rc != SQLITE_DONE)
		return sdb_fail(db, "adding a device");
	return ST_OK;
}

/*
 * Step a statement expected to give at most one row: read it with from(),
 * ST_NOTFOUND (no message; the caller knows what was missing) when there
 * is none, the database's error otherwise.  The statement is reset.
 */
static status_t sdb_one(struct server_db *db, sqlite3_stmt *s,
			void (*from)(sqlite3_stmt *s, void *out), void *out, const char *what)
{
	int rc = sqlite3_step(s);
	status_t st = ST_OK;

	if (rc == SQLITE_ROW)
		from(s, out);
	else if (rc == SQLITE_DONE)
		st = ST_NOTFOUND;
	else
		st = sdb_fail(db, what);
	sqlite3_reset(s);
	return st;
}

static void device_from_row(sqlite3_stmt *s, void *out)
{
	struct sdb_device *d = out;

	col_copy(s, 0, d->id, sizeof(d->id));
	col_copy(s, 1, d->team, sizeof(d->team));
	col_copy(s, 2, d->role, sizeof(d->role));
	col_copy(s, 3, d->public_key, sizeof(d->public_key));
	col_copy(s, 4, d->label, sizeof(d->label));
	d->created = sqlite3_column_int64(s, 5);
	d->revoked = sqlite3_column_int64(s, 6);
}

status_t server_db_device_get(struct server_db *db, const char *id, struct sdb_device *out)
{
	status_t st = sdb_one(db, sdb_bind(db, SDB_DEV_GET, "s", id), device_from_row, out,
			      "reading a device");

	return st == ST_NOTFOUND ? st_error(ST_NOTFOUND, "no such device") : st;
}

status_t server_db_device_list(struct server_db *db, sdb_device_fn fn, void *ctx)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_DEV_LIST, "");
	status_t st = ST_OK;
	int rc;

	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sdb_device d;
		device_from_row(s, &d);
		st = fn(ctx, &d);
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = sdb_fail(db, "listing devices");
	sqlite3_reset(s);
	return st;
}

status_t server_db_device_revoke(struct server_db *db, const char *id, int64_t now)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_DEV_REVOKE, "is", now, id), "revoking");

	if (st == ST_OK && sqlite3_changes(db->db) == 0) {
		struct sdb_device d;
		st = server_db_device_get(db, id, &d);
		if (st == ST_OK)
			st = st_error(ST_STATE, "device %s is already revoked", id);
	}
	return st;
}

status_t server_db_code_add(struct server_db *db, const char *code_hash, const char *team,
			    const char *role, int64_t expires)
{
	return sdb_done(db, sdb_bind(db, SDB_CODE_ADD, "sssi", code_hash, team, role, expires),
			"adding an enrolment code");
}

status_t server_db_code_take(struct server_db *db, const char *code_hash, int64_t now,
			     char team[SDB_TEAM_MAX + 1], char role[16])
{
	sqlite3_stmt *s = sdb_bind(db, SDB_CODE_TAKE, "si", code_hash, now);
	int rc = sqlite3_step(s);
	status_t st = ST_OK;

	if (rc == SQLITE_ROW) {
		col_copy(s, 0, team, SDB_TEAM_MAX + 1);
		col_copy(s, 1, role, 16);
		rc = sqlite3_step(s);
	} else if (rc == SQLITE_DONE) {
		st = st_error(ST_DENIED, "enrolment code is unknown, used or expired");
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = sdb_fail(db, "taking an enrolment code");
	sqlite3_reset(s);
	return st;
}

status_t server_db_nonce_add(struct server_db *db, const char *device, const char *nonce,
			     int64_t at)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_NONCE_ADD, "ssi", device, nonce, at),
			       "recording a nonce");

	if (st == ST_OK && sqlite3_changes(db->db) == 0)
		return st_error(ST_EXISTS, "replayed request");
	return st;
}

status_t server_db_nonce_prune(struct server_db *db, int64_t before)
{
	return sdb_done(db, sdb_bind(db, SDB_NONCE_PRUNE, "i", before), "pruning nonces");
}

status_t server_db_item_get(struct server_db *db, const char *id, struct sdb_item *out)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_ITEM_GET, "s", id);
	int rc = sqlite3_step(s);
	status_t st = ST_OK;

	if (rc == SQLITE_ROW) {
		out->seq = sqlite3_column_int64(s, 0);
		col_copy(s, 1, out->id, sizeof(out->id));
		col_copy(s, 2, out->kind, sizeof(out->kind));
		col_copy(s, 3, out->interview, sizeof(out->interview));
		col_copy(s, 4, out->hash, sizeof(out->hash));
		col_copy(s, 5, out->device, sizeof(out->device));
		col_copy(s, 6, out->team, sizeof(out->team));
		out->at = sqlite3_column_int64(s, 7);
		out->payload = NULL;
		out->payload_len = 0;
	} else if (rc == SQLITE_DONE) {
		st = ST_NOTFOUND;
	} else {
		st = sdb_fail(db, "reading an item");
	}
	sqlite3_reset(s);
	return st;
}

status_t server_db_item_add(struct server_db *db, struct sdb_item *it)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_ITEM_ADD, "ssssbssi", it->id, it->kind,
					    it->interview, it->hash, it->payload, it->payload_len,
					    it->device, it->team, it->at), "storing an item");

	if (st == ST_OK)
		it->seq = sqlite3_last_insert_rowid(db->db);
	return st;
}

status_t server_db_conflict_add(struct server_db *db, const struct sdb_item *it, int64_t *seq)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_CONFLICT_ADD, "sssbsi", it->id, it->kind,
					    it->hash, it->payload, it->payload_len, it->device,
					    it->at), "keeping a conflict");

	if (st == ST_OK)
		*seq = sqlite3_last_insert_rowid(db->db);
	return st;
}

status_t server_db_counts(struct server_db *db, int64_t *items, int64_t *conflicts)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_COUNT_ITEMS, "");
	status_t st = ST_OK;

	if (sqlite3_step(s) == SQLITE_ROW) {
		*items = sqlite3_column_int64(s, 0);
		*conflicts = sqlite3_column_int64(s, 1);
	} else {
		st = sdb_fail(db, "counting items");
	}
	sqlite3_reset(s);
	return st;
}

static void iv_from_row(sqlite3_stmt *s, void *out)
{
	struct sdb_interview *iv = out;

	col_copy(s, 0, iv->id, sizeof(iv->id));
	col_copy(s, 1, iv->team, sizeof(iv->team));
	col_copy(s, 2, iv->owner, sizeof(iv->owner));
	col_copy(s, 3, iv->state, sizeof(iv->state));
}

status_t server_db_interview_get(struct server_db *db, const char *id, struct sdb_interview *out)
{
	return sdb_one(db, sdb_bind(db, SDB_IV_GET, "s", id), iv_from_row, out,
		       "reading an interview");
}

status_t server_db_interview_put(struct server_db *db, const struct sdb_interview *iv)
{
	return sdb_done(db, sdb_bind(db, SDB_IV_PUT, "ssss", iv->id, iv->team, iv->owner,
				     iv->state), "saving an interview state");
}

static status_t head_get(struct server_db *db, const char *stream, int64_t *last)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_HEAD_GET, "s", stream);
	int rc = sqlite3_step(s);
	status_t st = ST_OK;

	*last = 0;
	if (rc == SQLITE_ROW)
		*last = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		st = sdb_fail(db, "reading a stream head");
	sqlite3_reset(s);
	return st;
}

status_t server_db_stream_append(struct server_db *db, const char *stream,
				 const struct sdb_entry *e, int64_t *seq)
{
	int64_t last;
	status_t st = head_get(db, stream, &last);

	if (st != ST_OK)
		return st;
	st = sdb_done(db, sdb_bind(db, SDB_STREAM_ADD, "sisssisss", stream, last + 1, e->id,
				   e->interview, e->kind, e->at, e->payload, e->device, e->hash),
		      "appending to a stream");
	if (st == ST_OK)
		st = sdb_done(db, sdb_bind(db, SDB_HEAD_PUT, "si", stream, last + 1),
			      "advancing a stream");
	if (st == ST_OK && seq)
		*seq = last + 1;
	return st;
}

status_t server_db_stream_bounds(struct server_db *db, const char *stream,
				 int64_t *oldest, int64_t *last)
{
	sqlite3_stmt *s;
	status_t st = head_get(db, stream, last);

	if (st != ST_OK)
		return st;
	s = sdb_bind(db, SDB_STREAM_MIN, "s", stream);
	if (sqlite3_step(s) == SQLITE_ROW) {
		/* All pruned: the next entry to come is the oldest. */
		*oldest = sqlite3_column_type(s, 0) == SQLITE_NULL ? *last + 1
			: sqlite3_column_int64(s, 0);
	} else {
		st = sdb_fail(db, "reading stream bounds");
	}
	sqlite3_reset(s);
	return st;
}

/* Hand each row of s (seq,id,interview,kind,at,payload,device,hash) to fn. */
static status_t sdb_each_entry(struct server_db *db, sqlite3_stmt *s, sdb_entry_fn fn,
			       void *ctx, const char *what)
{
	status_t st = ST_OK;
	int rc;

	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sdb_entry e = {
			.seq = sqlite3_column_int64(s, 0),
			.id = col_text(s, 1),
			.interview = col_text(s, 2),
			.kind = col_text(s, 3),
			.at = sqlite3_column_int64(s, 4),
			.payload = col_text(s, 5),
			.device = col_text(s, 6),
			.hash = col_text(s, 7),
		};
		st = fn(ctx, &e);
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = sdb_fail(db, what);
	sqlite3_reset(s);
	return st;
}

status_t server_db_stream_read(struct server_db *db, const char *stream, int64_t after,
			       int limit, sdb_entry_fn fn, void *ctx)
{
	return sdb_each_entry(db, sdb_bind(db, SDB_STREAM_READ, "sii", stream, after,
					   (int64_t)limit), fn, ctx, "reading a stream");
}

status_t server_db_items_of_kind(struct server_db *db, const char *kind, sdb_entry_fn fn,
				 void *ctx)
{
	return sdb_each_entry(db, sdb_bind(db, SDB_ITEM_KIND, "s", kind), fn, ctx,
			      "reading items");
}

status_t server_db_stream_prune(struct server_db *db, int64_t before)
{
	return sdb_done(db, sdb_bind(db, SDB_STREAM_PRUNE, "i", before), "pruning streams");
}

status_t server_db_batch_add(struct server_db *db, const char *device, int64_t at, int n,
			     int64_t *id)
{
	status_t st = sdb_done(db, sdb_bind(db, SDB_BATCH_ADD, "sii", device, at, (int64_t)n),
			       "recording a batch");

	if (st == ST_OK)
		*id = sqlite3_last_insert_rowid(db->db);
	return st;
}

static void ref_from_row(sqlite3_stmt *s, void *out)
{
	struct sdb_referral *r = out;

	col_copy(s, 0, r->id, sizeof(r->id));
	col_copy(s, 1, r->interview, sizeof(r->interview));
	col_copy(s, 2, r->team, sizeof(r->team));
	col_copy(s, 3, r->owner, sizeof(r->owner));
	col_copy(s, 4, r->service, sizeof(r->service));
	col_copy(s, 5, r->state, sizeof(r->state));
	r->updated = sqlite3_column_int64(s, 6);
}

status_t server_db_referral_get(struct server_db *db, const char *id, struct sdb_referral *out)
{
	return sdb_one(db, sdb_bind(db, SDB_REF_GET, "s", id), ref_from_row, out,
		       "reading a referral");
}

status_t server_db_referral_put(struct server_db *db, const struct sdb_referral *r)
{
	return sdb_done(db, sdb_bind(db, SDB_REF_PUT, "ssssssi", r->id, r->interview, r->team,
				     r->owner, r->service, r->state, r->updated),
			"saving a referral state");
}

status_t server_db_referral_list(struct server_db *db, const char *team, sdb_referral_fn fn,
				 void *ctx)
{
	sqlite3_stmt *s = sdb_bind(db, SDB_REF_LIST, "ss", team ? team : "", team ? team : "");
	status_t st = ST_OK;
	int rc;

	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sdb_referral r;
		memset(&r, 0, sizeof(r));
		ref_from_row(s, &r);
		st = fn(ctx, &r);
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = sdb_fail(db, "listing referrals");
	sqlite3_reset(s);
	return st;
}

/* A stored version of an interview: its payload, and its hash when asked. */
struct item_version {
	char *payload;
	char *hash;		/* 72 bytes, or NULL */
};

static void version_from_row(sqlite3_stmt *s, void *out)
{
	struct item_version *v = out;

	v->payload = xstrdup(col_text(s, 0));
	if (v->hash && sqlite3_column_count(s) > 1)
		col_copy(s, 1, v->hash, 72);
}

status_t server_db_item_decided(struct server_db *db, const char *interview, char **payload)
{
	struct item_version v = { NULL, NULL };

	*payload = NULL;
	status_t st = sdb_one(db, sdb_bind(db, SDB_ITEM_DECIDED, "ss", interview, interview),
			      version_from_row, &v, "reading the decided version");
	*payload = v.payload;
	return st;
}

status_t server_db_item_version(struct server_db *db, const char *interview, const char *hash,
				char **payload, char hash_out[72])
{
	struct item_version v = { NULL, hash_out };

	*payload = NULL;
	status_t st = sdb_one(db, sdb_bind(db, SDB_ITEM_VERSION, "sss", interview,
					   hash ? hash : "", hash ? hash : ""),
			      version_from_row, &v, "reading a version of an interview");
	*payload = v.payload;
	return st;
}
