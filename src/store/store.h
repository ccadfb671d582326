/*
 * store.h - opening, creating and closing a senda store, and managing the
 * keys that unlock it.  The data itself is reached through store/data.h.
 *
 * A store is a directory (the data directory, mode 0700) holding:
 *   senda.db          the SQLite database; every 4096-byte page is
 *                     AES-256-GCM ciphertext (docs/store.md)
 *   senda.db-journal  the rollback journal while a transaction runs,
 *                     encrypted the same way
 *   senda.keys        the key header: 8 passphrase slots and 1 recovery
 *                     slot, each wrapping the master key under Argon2id
 * Nothing else is ever written: temporary tables live in memory.
 *
 * Passphrases are given as (pointer, length) and never need a NUL; callers
 * keep them in secure memory (crypto_passphrase_read) and wipe them.
 */
#ifndef SENDA_STORE_STORE_H
#define SENDA_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"
#include "store/data.h"

struct store;

#define STORE_DB_NAME "senda.db"
#define STORE_KEYS_NAME "senda.keys"
#define STORE_N_SLOTS 8			/* passphrase slots 0..7 */
#define STORE_RECOVERY_SLOT 8		/* the recovery slot */
#define STORE_RECOVERY_KEY_LEN 64	/* "XXXXX-XXXXX-..." text incl. NUL */

/* Argon2id cost, from [store] kdf_memory and kdf_iterations. */
struct store_kdf {
	uint32_t memory_kib;
	uint32_t iterations;
};

struct store_open_opts {
	struct store_kdf kdf;	/* cost for new slots */
	int busy_timeout_ms;	/* wait for another process; 0 = default 10 s */
};

/* True when dir holds a key header (a store, maybe damaged). */
bool store_exists(const char *dir);

/*
 * Create a new store in dir (which must exist) protected by the
 * passphrase in slot 0.  A random recovery key is made for the recovery
 * slot and written to recovery (text for a person to copy, in groups).
 * ST_EXISTS when dir already holds a store.
 */
status_t store_create(const char *dir, const char *pass, size_t pass_len,
		      const struct store_open_opts *opts,
		      char recovery[STORE_RECOVERY_KEY_LEN], struct store **out);

/*
 * Open the store in dir with a passphrase (any slot) or, when
 * is_recovery, the recovery key.  ST_NOSTORE when there is none,
 * ST_PASSPHRASE for a wrong passphrase (no hint which slot), ST_DAMAGED
 * with "(page N)" or "(key header)" when a file fails authentication,
 * ST_BUSY when another process holds it past the busy timeout.
 */
status_t store_open(const char *dir, const char *pass, size_t pass_len,
		    bool is_recovery, const struct store_open_opts *opts,
		    struct store **out);

/*
 * An in-memory store with the newest schema: nothing touches the disk and
 * there are no keys (key commands on it give ST_STATE).  For unit tests
 * and benchmarks.
 */
status_t store_open_memory(struct store **out);

/* Close and wipe the keys; NULL is fine. */
void store_close(struct store *st);

/* Run PRAGMA integrity_check; ST_DAMAGED when it reports anything. */
status_t store_check(struct store *st);

/* ---------------------------------------------------------------------
 * Key slots (keyslot.c).  Each needs an open (unlocked) store.
 */

struct store_slot_info {
	bool active;
	bool recovery;
	uint32_t memory_kib, iterations;
	int64_t created;	/* seconds since the epoch */
};

/* State of every slot; works without unlocking (the header is public). */
status_t store_keys_list(const char *dir, struct store_slot_info info[STORE_N_SLOTS + 1],
			 uint32_t *epoch, bool *rotating);
/* Add a passphrase in the first free slot; *slot says which. */
status_t store_keys_add(struct store *st, const char *pass, size_t pass_len,
			const struct store_kdf *kdf, int *slot);
/* Empty a passphrase slot; refuses to remove the last passphrase slot. */
status_t store_keys_remove(struct store *st, int slot);
/* The slot the store was unlocked with (STORE_RECOVERY_SLOT for recovery). */
int store_keys_unlocked_slot(const struct store *st);
/* Replace the passphrase in slot (wraps the key afresh, new salt). */
status_t store_keys_change(struct store *st, int slot, const char *pass, size_t pass_len,
			   const struct store_kdf *kdf);
/* A new recovery key replaces the old one. */
status_t store_keys_new_recovery(struct store *st, char recovery[STORE_RECOVERY_KEY_LEN]);

/*
 * Key rotation: a new master key and epoch; every page is re-encrypted.
 * Passphrase slots must be wrapped afresh, so the caller supplies a
 * passphrase for each slot to keep (others are emptied); the recovery slot
 * gets a new recovery key.  A rotation cut short (crash, kill) leaves the
 * store readable with the passphrases of the old slots; running it again
 * finishes it.
 */
struct store_rotate_slot {
	int slot;
	const char *pass;
	size_t pass_len;
};
status_t store_keys_rotate(struct store *st, const struct store_rotate_slot *keep, size_t n_keep,
			   char recovery[STORE_RECOVERY_KEY_LEN]);
/* True while a rotation is unfinished. */
bool store_keys_rotating(const struct store *st);

/*
 * Crypto-shred: overwrite every key slot with random bytes and fsync,
 * then unlink the files.  Needs no passphrase: anyone holding the laptop
 * may destroy its data.
 */
status_t store_shred(const char *dir);

#endif
