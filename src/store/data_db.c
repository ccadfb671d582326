/*
 * data_db.c - the plumbing under the data API: transactions (top level or
 * nested as savepoints), statement helpers, mapping SQLite results to
 * status_t, and the process-wide audit actor.
 */
#include "store/data_int.h"

#include <string.h>

static char data_actor_buf[64] = "local";

void store_set_actor(const char *actor)
{
	if (!actor || !*actor)
		actor = "local";
	snprintf(data_actor_buf, sizeof(data_actor_buf), "%s", actor);
}

const char *data_actor(void)
{
	return data_actor_buf;
}

/*
 * A constraint failure is the caller's doing: an id already taken is
 * ST_EXISTS, anything else (a NULL where a value is needed) ST_INVALID.
 * Everything else goes through store-core's store_sqlite_fail(), which
 * knows when the encrypting VFS found a damaged page and keeps its
 * "(page N)" detail.
 */
status_t data_err(struct store *st, int rc, const char *what)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return st_error(ST_EXISTS, "%s: %s", what, sqlite3_errmsg(st->db));
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return st_error(ST_INVALID, "%s: %s", what, sqlite3_errmsg(st->db));
	return store_sqlite_fail(st, rc, what);
}

status_t data_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK) {
		*stmt = NULL;
		return data_err(st, rc, "prepare");
	}
	return ST_OK;
}

status_t data_run(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	status_t ret = ST_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = data_err(st, rc, what);
	sqlite3_finalize(stmt);
	return ret;
}

status_t data_exec(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return data_err(st, rc, what);
	return ST_OK;
}

int data_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(stmt, idx);
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT);
}

char *data_col_dup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	if (!t)
		return NULL;
	return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(stmt, col));
}

char *data_col_dup0(sqlite3_stmt *stmt, int col)
{
	char *s = data_col_dup(stmt, col);

	return s ? s : xstrdup("");
}

void data_col_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

bool data_is_uuid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

status_t data_tx_begin(struct store *st, struct data_tx *tx)
{
	tx->st = st;
	tx->nested = !sqlite3_get_autocommit(st->db);
	if (tx->nested)
		return data_exec(st, "SAVEPOINT data_sp", "begin");
	return data_exec(st, "BEGIN IMMEDIATE", "begin");
}

status_t data_tx_end(struct data_tx *tx, status_t rc)
{
	struct store *st = tx->st;
	status_t ret;

	if (tx->nested) {
		if (rc != ST_OK)
			sqlite3_exec(st->db, "ROLLBACK TO data_sp", NULL, NULL, NULL);
		ret = data_exec(st, "RELEASE data_sp", "release");
		return rc != ST_OK ? rc : ret;
	}
	if (rc == ST_OK) {
		ret = data_exec(st, "COMMIT", "commit");
		if (ret == ST_OK)
			return ST_OK;
		rc = ret;
	}
	/* After a failed COMMIT the transaction may still be open. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

status_t store_begin(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return st_error(ST_STATE, "a transaction is already open");
	return data_exec(st, "BEGIN IMMEDIATE", "begin");
}

status_t store_commit(struct store *st)
{
	status_t ret;

	if (sqlite3_get_autocommit(st->db))
		return st_error(ST_STATE, "no transaction is open");
	ret = data_exec(st, "COMMIT", "commit");
	if (ret != ST_OK && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}
