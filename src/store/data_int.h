/*
 * data_int.h - helpers shared by the data API files (data_*.c, audit.c,
 * schema.c): transactions that nest as savepoints, statement preparation,
 * SQLite result codes mapped to status_t, and the audit append that every
 * change makes inside its own transaction.  Private to src/store.
 */
#ifndef SENDA_STORE_DATA_INT_H
#define SENDA_STORE_DATA_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/data.h"
#include "store/store_int.h"
#include "util/util.h"

/*
 * One unit of work.  At the top level it is a BEGIN IMMEDIATE transaction
 * (so the write lock is taken up front and a busy store waits instead of
 * failing on lock upgrade); inside store_begin() it is a savepoint, so a
 * failing call undoes only itself and the caller decides about the rest.
 */
struct data_tx {
	struct store *st;
	bool nested;
};

status_t data_tx_begin(struct store *st, struct data_tx *tx);
/* Commit (rc == ST_OK) or roll back; returns rc, or the commit failure. */
status_t data_tx_end(struct data_tx *tx, status_t rc);

/*
 * Map a SQLite result to a status with a detail line naming what failed.
 * Keeps a detail the VFS already recorded for a damaged page.
 */
status_t data_err(struct store *st, int rc, const char *what);

/* Prepare sql; on failure report it through data_err(). */
status_t data_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql);
/* Run a statement to completion (no rows expected) and finalize it. */
status_t data_run(struct store *st, sqlite3_stmt *stmt, const char *what);
/* sqlite3_exec without result rows. */
status_t data_exec(struct store *st, const char *sql, const char *what);

/* Bind text, or NULL when s is NULL. */
int data_bind_text(sqlite3_stmt *stmt, int idx, const char *s);
/* Column as a malloc'd string; NULL for SQL NULL. */
char *data_col_dup(sqlite3_stmt *stmt, int col);
/* Column as a malloc'd string; "" for SQL NULL. */
char *data_col_dup0(sqlite3_stmt *stmt, int col);
/* Copy a text column into a fixed buffer (ids, hashes). */
void data_col_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size);

/* The actor for audit entries (store_set_actor). */
const char *data_actor(void);

/* Whether s is a canonical-looking UUID (36 chars of hex and dashes). */
bool data_is_uuid(const char *s);

/*
 * An interview's status and read-only flag (readonly may be NULL), read
 * inside the caller's transaction for the checks a change makes first.
 * ST_NOTFOUND for an unknown id.
 */
status_t data_iv_state(struct store *st, const char *id,
		       enum store_iv_status *status, bool *readonly);

/* A question path: non-empty, at most 512 bytes of printable ASCII. */
status_t data_answer_check_path(const char *path);
/* Set (value non-NULL) or clear one answer inside the caller's transaction. */
status_t data_answer_write(struct store *st, const char *interview_id,
			   const char *path, const char *value, int64_t changed);

/* Upsert every answer of set ("" for a NULL value) with one statement. */
status_t data_answers_write(struct store *st, const char *interview_id,
			    const struct store_answer_list *set, int64_t now);

/*
 * Append an audit entry inside the current transaction: the caller has
 * begun one with data_tx_begin().  detail is a printf format; never pass
 * answers or names.
 */
status_t audit_append(struct store *st, const char *action, const char *object,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
