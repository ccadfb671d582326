/*
 * backend.h - the server's storage interface.  The HTTP layer and the
 * ingest rules (srv_ingest.c) reach storage only through this vtable, so a
 * PostgreSQL backend is one new file that fills in struct srv_backend_ops;
 * nothing above it changes.  The record types are the plain structs of
 * store/server_db.h, which hold no SQL.
 *
 * Calls are made under the server's lock, one at a time; a backend needs
 * no locking of its own.  Each returns ST_OK or a status with st_error().
 */
#ifndef SENDA_SERVER_BACKEND_H
#define SENDA_SERVER_BACKEND_H

#include "store/server_db.h"

struct srv_backend_ops {
	const char *name;
	void (*close)(void *impl);
	status_t (*begin)(void *impl);
	status_t (*commit)(void *impl);
	void (*rollback)(void *impl);
	status_t (*savepoint)(void *impl);
	status_t (*release)(void *impl);
	void (*rollback_to)(void *impl);

	status_t (*device_add)(void *impl, const struct sdb_device *d);
	status_t (*device_get)(void *impl, const char *id, struct sdb_device *out);
	status_t (*device_list)(void *impl, sdb_device_fn fn, void *ctx);
	status_t (*device_revoke)(void *impl, const char *id, int64_t now);

	status_t (*code_add)(void *impl, const char *code_hash, const char *team,
			     const char *role, int64_t expires);
	status_t (*code_take)(void *impl, const char *code_hash, int64_t now,
			      char team[SDB_TEAM_MAX + 1], char role[16]);

	status_t (*nonce_add)(void *impl, const char *device, const char *nonce, int64_t at);
	status_t (*nonce_prune)(void *impl, int64_t before);

	status_t (*item_get)(void *impl, const char *id, struct sdb_item *out);
	status_t (*item_add)(void *impl, struct sdb_item *it);
	status_t (*conflict_add)(void *impl, const struct sdb_item *it, int64_t *seq);
	status_t (*item_decided)(void *impl, const char *interview, char **payload);
	status_t (*item_version)(void *impl, const char *interview, const char *hash,
				 char **payload, char hash_out[72]);
	status_t (*counts)(void *impl, int64_t *items, int64_t *conflicts);

	status_t (*interview_get)(void *impl, const char *id, struct sdb_interview *out);
	status_t (*interview_put)(void *impl, const struct sdb_interview *iv);

	status_t (*stream_append)(void *impl, const char *stream, const struct sdb_entry *e,
				  int64_t *seq);
	status_t (*stream_bounds)(void *impl, const char *stream, int64_t *oldest, int64_t *last);
	status_t (*stream_read)(void *impl, const char *stream, int64_t after, int limit,
				sdb_entry_fn fn, void *ctx);
	status_t (*stream_prune)(void *impl, int64_t before);

	status_t (*batch_add)(void *impl, const char *device, int64_t at, int n, int64_t *id);

	status_t (*items_of_kind)(void *impl, const char *kind, sdb_entry_fn fn, void *ctx);
	status_t (*referral_get)(void *impl, const char *id, struct sdb_referral *out);
	status_t (*referral_put)(void *impl, const struct sdb_referral *r);
	status_t (*referral_list)(void *impl, const char *team, sdb_referral_fn fn, void *ctx);
};

struct srv_backend {
	const struct srv_backend_ops *ops;
	void *impl;
};

/*
 * The SQLite backend: an encrypted store in dir unlocked with pass, or an
 * in-memory one when dir is NULL (unit tests).  create makes a new store
 * and returns its recovery key.
 */
status_t srv_backend_sqlite_open(const char *dir, const char *pass, size_t pass_len,
				 struct srv_backend *out);
status_t srv_backend_sqlite_create(const char *dir, const char *pass, size_t pass_len,
				   uint32_t kdf_memory_kib, uint32_t kdf_iterations,
				   char recovery[STORE_RECOVERY_KEY_LEN], struct srv_backend *out);
/* Close and clear; safe on a closed backend. */
void srv_backend_close(struct srv_backend *b);

#endif
