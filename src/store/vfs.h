/*
 * vfs.h - the encrypting SQLite VFS shim ("senda") and the fault-injecting
 * layer beneath it ("senda-fault").  Internal to src/store.
 *
 *   SQLite -> senda (AES-256-GCM per page / journal block)
 *          -> senda-fault (test faults; a plain pass-through otherwise)
 *          -> unix (the default VFS)
 *
 * A database is opened through the shim only after its keys are
 * registered under its full path; any other file (ATTACH, VACUUM INTO, a
 * temp file, a WAL) is refused, so nothing can be written unencrypted.
 */
#ifndef SENDA_STORE_VFS_H
#define SENDA_STORE_VFS_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "util/status.h"

#define VFS_NAME "senda"
#define VFS_PAGE_SIZE 4096
#define VFS_RESERVE 32			/* nonce 12 + tag 16 + epoch 4 */
#define VFS_PAYLOAD (VFS_PAGE_SIZE - VFS_RESERVE)
#define VFS_STORE_ID_LEN 16
#define VFS_MAX_KEYS 2			/* current and, while rotating, previous */

/* Keys and state of one registered database (and its journal). */
struct vfs_file_key {
	char *db_path;
	char *journal_path;
	uint8_t store_id[VFS_STORE_ID_LEN];
	struct crypto_aead *aead[VFS_MAX_KEYS];
	uint32_t epoch[VFS_MAX_KEYS];
	int n_keys;
	int write_key;			/* index into aead[] for writes */
	/* The last authentication failure: page number (main) or journal block. */
	bool damaged;
	bool damaged_journal;
	uint32_t damaged_no;
	struct vfs_file_key *next;
};

/* Register the shim (once); ST_ERR if SQLite refuses. */
status_t vfs_register(void);

/* Register a database path (as SQLite will see it: absolute, canonical). */
struct vfs_file_key *vfs_key_add(const char *db_path, const uint8_t store_id[VFS_STORE_ID_LEN]);
/* Add a key for an epoch; the last one added with for_write encrypts writes. */
void vfs_key_set(struct vfs_file_key *k, uint32_t epoch, const uint8_t key[CRYPTO_KEY_LEN],
		 bool for_write);
/* Drop all keys but the write key (after a rotation). */
void vfs_key_drop_old(struct vfs_file_key *k);
void vfs_key_remove(struct vfs_file_key *k);

/*
 * Authenticate every page of the database file as it is on disk, without
 * SQLite.  *n_pages is set; *n_old counts pages under another epoch than
 * the write key's.  ST_DAMAGED with the page number on the first failure.
 */
status_t vfs_verify_file(struct vfs_file_key *k, uint32_t *n_pages, uint32_t *n_old);

/* ---- Fault injection (tests only; see store/fault.h) ---- */
enum vfs_fault_mode {
	VFS_FAULT_OFF,
	VFS_FAULT_ERROR,	/* write number N fails, writing nothing; others work */
	VFS_FAULT_TORN,		/* write N writes half its bytes and fails; others work */
	VFS_FAULT_CRASH,	/* write N is torn and every later write, sync and
				 * delete fails, as if the power went */
};
void vfs_fault_set(enum vfs_fault_mode mode, long at_write);
long vfs_fault_count(void);
bool vfs_fault_fired(void);

#endif
