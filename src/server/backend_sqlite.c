/*
 * backend_sqlite.c - the SQLite backend: store/server_db.c behind the
 * struct srv_backend_ops table.  Each entry only adapts the opaque handle;
 * a PostgreSQL backend would be a sibling file with its own table.
 */
#include <string.h>

#include "server/backend.h"

#define DB(impl) ((struct server_db *)(impl))

static void b_close(void *impl) { server_db_close(DB(impl)); }
static status_t b_begin(void *impl) { return server_db_begin(DB(impl)); }
static status_t b_commit(void *impl) { return server_db_commit(DB(impl)); }
static void b_rollback(void *impl) { server_db_rollback(DB(impl)); }
static status_t b_savepoint(void *impl) { return server_db_savepoint(DB(impl)); }
static status_t b_release(void *impl) { return server_db_release(DB(impl)); }
static void b_rollback_to(void *impl) { server_db_rollback_to(DB(impl)); }

static status_t b_device_add(void *impl, const struct sdb_device *d)
{ return server_db_device_add(DB(impl), d); }
static status_t b_device_get(void *impl, const char *id, struct sdb_device *out)
{ return server_db_device_get(DB(impl), id, out); }
static status_t b_device_list(void *impl, sdb_device_fn fn, void *ctx)
{ return server_db_device_list(DB(impl), fn, ctx); }
static status_t b_device_revoke(void *impl, const char *id, int64_t now)
{ return server_db_device_revoke(DB(impl), id, now); }

static status_t b_code_add(void *impl, const char *h, const char *team, const char *role,
			   int64_t expires)
{ return server_db_code_add(DB(impl), h, team, role, expires); }
static status_t b_code_take(void *impl, const char *h, int64_t now, char team[SDB_TEAM_MAX + 1],
			    char role[16])
{ return server_db_code_take(DB(impl), h, now, team, role); }

static status_t b_nonce_add(void *impl, const char *device, const char *nonce, int64_t at)
{ return server_db_nonce_add(DB(impl), device, nonce, at); }
static status_t b_nonce_prune(void *impl, int64_t before)
{ return server_db_nonce_prune(DB(impl), before); }

static status_t b_item_get(void *impl, const char *id, struct sdb_item *out)
{ return server_db_item_get(DB(impl), id, out); }
static status_t b_item_add(void *impl, struct sdb_item *it)
{ return server_db_item_add(DB(impl), it); }
static status_t b_conflict_add(void *impl, const struct sdb_item *it, int64_t *seq)
{ return server_db_conflict_add(DB(impl), it, seq); }
static status_t b_counts(void *impl, int64_t *items, int64_t *conflicts)
{ return server_db_counts(DB(impl), items, conflicts); }

static status_t b_interview_get(void *impl, const char *id, struct sdb_interview *out)
{ return server_db_interview_get(DB(impl), id, out); }
static status_t b_interview_put(void *impl, const struct sdb_interview *iv)
{ return server_db_interview_put(DB(impl), iv); }

static status_t b_stream_append(void *impl, const char *stream, const struct sdb_entry *e,
				int64_t *seq)
{ return server_db_stream_append(DB(impl), stream, e, seq); }
static status_t b_stream_bounds(void *impl, const char *stream, int64_t *oldest, int64_t *last)
{ return server_db_stream_bounds(DB(impl), stream, oldest, last); }
static status_t b_stream_read(void *impl, const char *stream, int64_t after, int limit,
			      sdb_entry_fn fn, void *ctx)
{ return server_db_stream_read(DB(impl), stream, after, limit, fn, ctx); }
static status_t b_stream_prune(void *impl, int64_t before)
{ return server_db_stream_prune(DB(impl), before); }

static status_t b_batch_add(void *impl, const char *device, int64_t at, int n, int64_t *id)
{ return server_db_batch_add(DB(impl), device, at, n, id); }

static status_t b_item_decided(void *impl, const char *interview, char **payload)
{ return server_db_item_decided(DB(impl), interview, payload); }
static status_t b_item_version(void *impl, const char *interview, const char *hash,
			       char **payload, char hash_out[72])
{ return server_db_item_version(DB(impl), interview, hash, payload, hash_out); }
static status_t b_items_of_kind(void *impl, const char *kind, sdb_entry_fn fn, void *ctx)
{ return server_db_items_of_kind(DB(impl), kind, fn, ctx); }
static status_t b_referral_get(void *impl, const char *id, struct sdb_referral *out)
{ return server_db_referral_get(DB(impl), id, out); }
static status_t b_referral_put(void *impl, const struct sdb_referral *r)
{ return server_db_referral_put(DB(impl), r); }
static status_t b_referral_list(void *impl, const char *team, sdb_referral_fn fn, void *ctx)
{ return server_db_referral_list(DB(impl), team, fn, ctx); }

static const struct srv_backend_ops sqlite_ops = {
	.name = "sqlite",
	.close = b_close,
	.begin = b_begin,
	.commit = b_commit,
	.rollback = b_rollback,
	.savepoint = b_savepoint,
	.release = b_release,
	.rollback_to = b_rollback_to,
	.device_add = b_device_add,
	.device_get = b_device_get,
	.device_list = b_device_list,
	.device_revoke = b_device_revoke,
	.code_add = b_code_add,
	.code_take = b_code_take,
	.nonce_add = b_nonce_add,
	.nonce_prune = b_nonce_prune,
	.item_get = b_item_get,
	.item_add = b_item_add,
	.conflict_add = b_conflict_add,
	.item_decided = b_item_decided,
	.item_version = b_item_version,
	.counts = b_counts,
	.interview_get = b_interview_get,
	.interview_put = b_interview_put,
	.stream_append = b_stream_append,
	.stream_bounds = b_stream_bounds,
	.stream_read = b_stream_read,
	.stream_prune = b_stream_prune,
	.batch_add = b_batch_add,
	.items_of_kind = b_items_of_kind,
	.referral_get = b_referral_get,
	.referral_put = b_referral_put,
	.referral_list = b_referral_list,
};

status_t srv_backend_sqlite_open(const char *dir, const char *pass, size_t pass_len,
				 struct srv_backend *out)
{
	struct server_db *db;
	status_t st;

	memset(out, 0, sizeof(*out));
	st = dir ? server_db_unlock(dir, pass, pass_len, &db) : server_db_open_memory(&db);
	if (st != ST_OK)
		return st;
	out->ops = &sqlite_ops;
	out->impl = db;
	return ST_OK;
}

status_t srv_backend_sqlite_create(const char *dir, const char *pass, size_t pass_len,
				   uint32_t kdf_memory_kib, uint32_t kdf_iterations,
				   char recovery[STORE_RECOVERY_KEY_LEN], struct srv_backend *out)
{
	struct server_db *db;
	status_t st;

	memset(out, 0, sizeof(*out));
	st = server_db_create(dir, pass, pass_len, kdf_memory_kib, kdf_iterations, recovery, &db);
	if (st != ST_OK)
		return st;
	out->ops = &sqlite_ops;
	out->impl = db;
	return ST_OK;
}

void srv_backend_close(struct srv_backend *b)
{
	if (b->ops)
		b->ops->close(b->impl);
	b->ops = NULL;
	b->impl = NULL;
}
