/*
 * audit.c - the audit trail: every change to the data appends an entry in
 * the same transaction as the change, each holding the SHA-256 of the one
 * before, so rewriting, removing or reordering entries breaks the chain.
 * A head record repeats the newest entry, so entries cut off the end are
 * noticed as well.  `senda audit verify` calls store_audit_verify().
 *
 * The store is encrypted and authenticated page by page, so the chain is
 * not the protection against an outsider; it is the record a supervisor or
 * auditor can check, and it shows whether the database was edited by
 * someone who had the key but not the program.
 */
#include "store/data_int.h"

#include <stdarg.h>
#include <string.h>

#include "crypto/sign.h"

static const char audit_zero_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The entry's link in the chain (the text hashed: crypto_audit_hash). */
static void audit_hash(const struct store_audit_entry *e, char out[65])
{
	crypto_audit_hash(e->prev, e->seq, e->time, e->actor, e->action, e->object, e->detail,
			  out);
}

/* The newest entry's seq and hash from the head record (0 and zeros if none). */
static status_t audit_head(struct store *st, int64_t *seq, char hash[65])
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	*seq = 0;
	memcpy(hash, audit_zero_hash, 65);
	if ((ret = data_prepare(st, &s, "SELECT seq, hash FROM audit_head WHERE one = 1")))
		return ret;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		data_col_copy(s, 1, hash, 65);
	} else if (rc != SQLITE_DONE) {
		ret = data_err(st, rc, "reading the audit trail");
	}
	sqlite3_finalize(s);
	return ret;
}

status_t audit_append(struct store *st, const char *action, const char *object,
		      const char *fmt, ...)
{
	struct store_audit_entry e = { 0 };
	sqlite3_stmt *s;
	status_t ret;
	va_list ap;
	char detail[512];	/* ids, paths and states: short */

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);

	if ((ret = audit_head(st, &e.seq, e.prev)))
		return ret;
	e.seq++;
	e.time = util_now();
	e.actor = (char *)data_actor();
	e.action = (char *)action;
	e.object = (char *)(object ? object : "");
	e.detail = detail;
	audit_hash(&e, e.hash);

	if ((ret = data_prepare(st, &s, "INSERT INTO audit (seq, time, actor, action, "
				"object, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")))
		return ret;
	sqlite3_bind_int64(s, 1, e.seq);
	sqlite3_bind_int64(s, 2, e.time);
	data_bind_text(s, 3, e.actor);
	data_bind_text(s, 4, e.action);
	data_bind_text(s, 5, e.object);
	data_bind_text(s, 6, e.detail);
	data_bind_text(s, 7, e.prev);
	data_bind_text(s, 8, e.hash);
	if ((ret = data_run(st, s, "writing the audit trail")))
		return ret;
	if ((ret = data_prepare(st, &s, "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?, ?) "
				"ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")))
		return ret;
	sqlite3_bind_int64(s, 1, e.seq);
	data_bind_text(s, 2, e.hash);
	return data_run(st, s, "writing the audit trail");
}

status_t store_audit_add(struct store *st, const char *action,
			 const char *object, const char *detail)
{
	struct data_tx tx;
	status_t ret;

	if (!action || !*action)
		return st_error(ST_INVALID, "audit entry without an action");
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	ret = audit_append(st, action, object, "%s", detail ? detail : "");
	return data_tx_end(&tx, ret);
}

static void audit_entry_release(struct store_audit_entry *e)
{
	free(e->actor);
	free(e->action);
	free(e->object);
	free(e->detail);
	memset(e, 0, sizeof(*e));
}

void store_audit_list_release(struct store_audit_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		audit_entry_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static void audit_from_row(sqlite3_stmt *s, struct store_audit_entry *e)
{
	e->seq = sqlite3_column_int64(s, 0);
	e->time = sqlite3_column_int64(s, 1);
	e->actor = data_col_dup0(s, 2);
	e->action = data_col_dup0(s, 3);
	e->object = data_col_dup0(s, 4);
	e->detail = data_col_dup0(s, 5);
	data_col_copy(s, 6, e->prev, sizeof(e->prev));
	data_col_copy(s, 7, e->hash, sizeof(e->hash));
}

#define AUDIT_COLS "seq, time, actor, action, object, detail, prev, hash"

status_t store_audit_list(struct store *st, int64_t after_seq, size_t max,
			  struct store_audit_list *out)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	if ((ret = data_prepare(st, &s, "SELECT " AUDIT_COLS " FROM audit "
				"WHERE seq > ? ORDER BY seq LIMIT ?")))
		return ret;
	sqlite3_bind_int64(s, 1, after_seq);
	sqlite3_bind_int64(s, 2, max ? (int64_t)max : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		audit_from_row(s, &out->v[out->n++]);
	}
	if (rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading the audit trail");
	sqlite3_finalize(s);
	return ret;
}

/*
 * Walk every entry in order, one row at a time (a long trail needs no
 * memory), checking numbering, the link to the previous entry and the
 * entry's own hash; then that the head names the last entry.
 */
status_t store_audit_verify(struct store *st, int64_t *n_entries,
			    int64_t *broken_at)
{
	struct store_audit_entry e = { 0 };
	char prev[65], hash[65], head_hash[65];
	int64_t n = 0, bad = 0, head_seq;
	sqlite3_stmt *s;
	status_t ret;
	int rc = SQLITE_DONE;

	if (broken_at)
		*broken_at = 0;
	if (n_entries)
		*n_entries = 0;
	if ((ret = audit_head(st, &head_seq, head_hash)))
		return ret;
	if ((ret = data_prepare(st, &s, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq")))
		return ret;
	memcpy(prev, audit_zero_hash, sizeof(prev));
	while (!bad && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		audit_from_row(s, &e);
		n++;
		if (e.seq != n || strcmp(e.prev, prev) != 0) {
			bad = n;
		} else {
			audit_hash(&e, hash);
			if (strcmp(hash, e.hash) != 0)
				bad = n;
		}
		memcpy(prev, e.hash, sizeof(prev));
		audit_entry_release(&e);
	}
	if (!bad && rc != SQLITE_DONE)
		ret = data_err(st, rc, "reading the audit trail");
	sqlite3_finalize(s);
	if (ret)
		return ret;
	/* Entries cut off the end, added behind the program's back, or the
	 * last one rewritten together with its hash. */
	if (!bad && head_seq > n)
		bad = n + 1;
	else if (!bad && head_seq < n)
		bad = head_seq + 1;
	else if (!bad && n && strcmp(head_hash, prev) != 0)
		bad = n;
	if (bad) {
		if (broken_at)
			*broken_at = bad;
		return st_error(ST_DAMAGED, "audit trail broken at entry %lld",
				(long long)bad);
	}
	if (n_entries)
		*n_entries = n;
	return ST_OK;
}
