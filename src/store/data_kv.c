/*
 * data_kv.c - a small key-value table for sync state (cursors, the last
 * successful sync) so such state is encrypted and transactional like
 * everything else, and is never a side file beside the store.
 */
#include "store/data_int.h"

#include <string.h>

static status_t kv_check_key(const char *key)
{
	if (!key || !*key || strlen(key) > 128)
		return st_error(ST_INVALID, "invalid key");
	return ST_OK;
}

status_t store_kv_get(struct store *st, const char *key, char **value)
{
	sqlite3_stmt *s;
	status_t ret;
	int rc;

	*value = NULL;
	if ((ret = kv_check_key(key)))
		return ret;
	if ((ret = data_prepare(st, &s, "SELECT value FROM kv WHERE key = ?")))
		return ret;
	data_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = data_col_dup0(s, 0);
	else if (rc == SQLITE_DONE)
		ret = st_error(ST_NOTFOUND, "no value for %s", key);
	else
		ret = data_err(st, rc, "reading sync state");
	sqlite3_finalize(s);
	return ret;
}

status_t store_kv_set(struct store *st, const char *key, const char *value)
{
	struct data_tx tx;
	sqlite3_stmt *s;
	status_t ret;

	if ((ret = kv_check_key(key)))
		return ret;
	if ((ret = data_tx_begin(st, &tx)))
		return ret;
	if (value)
		ret = data_prepare(st, &s, "INSERT INTO kv (key, value) VALUES (?1, ?2) "
				   "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	else
		ret = data_prepare(st, &s, "DELETE FROM kv WHERE key = ?1");
	if (ret)
		return data_tx_end(&tx, ret);
	data_bind_text(s, 1, key);
	data_bind_text(s, 2, value);
	if (!(ret = data_run(st, s, "saving sync state")))
		ret = audit_append(st, "kv.set", key, "%s", value ? "set" : "deleted");
	return data_tx_end(&tx, ret);
}
