/*
 * store_int.h - what the store's own files share and nothing else may see:
 * the open connection, where the files are, the unlocked keys, and the
 * helper that turns an SQLite failure into the one status a command
 * prints.  Only src/store includes this header (and sqlite3.h).
 *
 * Owners: store-core writes the lifecycle (store.c, vfs*.c, keyslot*.c);
 * store-data writes the migrations (schema.c) and the data API (data_*.c).
 */
#ifndef SENDA_STORE_STORE_INT_H
#define SENDA_STORE_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"
#include "util/status.h"

struct store_keys;		/* keyslot.h: the unlocked master key(s) */

struct store {
	sqlite3 *db;
	char *dir;		/* data directory; NULL for an in-memory store */
	char *db_path;		/* <dir>/senda.db */
	char *keys_path;	/* <dir>/senda.keys */
	struct store_keys *keys;	/* NULL for an in-memory store */
	struct vfs_file_key *vfs_reg;	/* this store's entry in the VFS registry */
	int lock_fd;		/* flock on the data directory, or -1 */
};

/* Take the directory lock exclusively (key rotation); ST_BUSY if shared. */
status_t store_lock_exclusive(struct store *st);
/* Back to shared. */
void store_lock_shared(struct store *st);

/*
 * Bring the schema to the newest version (schema.c, store-data).  Called
 * by store_open(), store_create() and store_open_memory() right after the
 * connection is configured.
 */
status_t store_migrate(struct store *st);

/*
 * Turn an SQLite result code into the status to return, recording a
 * one-line detail: ST_DAMAGED with "(page N)" when the encryption layer
 * found a page that failed authentication, ST_BUSY when another process
 * holds the store, ST_IO for disk errors, ST_ERR otherwise.  what names
 * the operation ("saving the answer") and never holds personal data.
 * Use it for every failing sqlite3_* call:
 *	if (rc != SQLITE_DONE) return store_sqlite_fail(st, rc, "saving the answer");
 */
status_t store_sqlite_fail(struct store *st, int rc, const char *what);

#endif
