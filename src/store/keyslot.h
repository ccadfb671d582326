/*
 * keyslot.h - the key header file (senda.keys) and the unlocked keys.
 * Internal to src/store; the public face is store_keys_*() in store.h.
 *
 * Layout (all integers big-endian; docs/store.md has the table):
 *     0  magic "SENDAKY1"           8
 *     8  version (1)                4
 *    12  flags (1 = rotating)       4
 *    16  store id                  16
 *    32  epoch of the master key    4
 *    36  epoch of the next key      4   (rotating)
 *    40  created                    8
 *    64  next key wrapped by the master key: nonce 12, key 32, tag 16
 *   128  9 slots of 128 bytes: state 4, memory KiB 4, iterations 4, 0 4,
 *        created 8, salt 16, nonce 12, wrapped master key 32, tag 16, 0 28
 *  1280  HMAC-SHA-256 under a key derived from the master key
 *  1312  SHA-256 of bytes 0..1311 (finds a damaged file before unlocking)
 *  1344  end
 */
#ifndef SENDA_STORE_KEYSLOT_H
#define SENDA_STORE_KEYSLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "store/vfs.h"

#define KEYHDR_SIZE 1344
#define KEYHDR_ROTATING 1u

struct store_keys {
	uint8_t raw[KEYHDR_SIZE];	/* the header as on disk */
	uint8_t *master;		/* secure memory: the key the slots wrap */
	uint8_t *next;			/* secure memory: the next key while rotating */
	int unlocked_slot;
};

/* Read and check (checksum) the header; ST_NOSTORE, ST_DAMAGED, ST_IO. */
status_t keyhdr_load(const char *path, uint8_t raw[KEYHDR_SIZE]);
/* Write it atomically (temp file, fsync, rename, fsync directory). */
status_t keyhdr_save(const char *path, uint8_t raw[KEYHDR_SIZE], const uint8_t *master);

/* A fresh header with a random master key and store id; passphrase in slot 0. */
status_t keyslot_create(struct store_keys *k, const char *pass, size_t pass_len,
			const struct store_kdf *kdf, char recovery[STORE_RECOVERY_KEY_LEN]);
/* Unlock with a passphrase or the recovery key; checks the MAC. */
status_t keyslot_unlock(struct store_keys *k, const char *pass, size_t pass_len,
			bool is_recovery);
void keyslot_release(struct store_keys *k);

const uint8_t *keyhdr_store_id(const uint8_t raw[KEYHDR_SIZE]);
uint32_t keyhdr_epoch(const uint8_t raw[KEYHDR_SIZE]);
uint32_t keyhdr_next_epoch(const uint8_t raw[KEYHDR_SIZE]);
bool keyhdr_rotating(const uint8_t raw[KEYHDR_SIZE]);

/* Key for slot from its passphrase, in secure memory (CRYPTO_KEY_LEN). */
status_t keyslot_derive(const uint8_t raw[KEYHDR_SIZE], int slot, const char *pass,
			size_t pass_len, bool is_recovery, uint8_t *kek);
/* Unwrap slot with kek into out; false when it does not open. */
bool keyslot_open(const uint8_t raw[KEYHDR_SIZE], int slot, const uint8_t *kek, uint8_t *out);
/* Fill slot afresh: new salt, cost kdf, wrapping key. */
status_t keyslot_fill(uint8_t raw[KEYHDR_SIZE], int slot, const char *pass, size_t pass_len,
		      bool is_recovery, const struct store_kdf *kdf, const uint8_t *key);
/* Re-wrap slot (same salt and cost) with kek around key. */
void keyslot_rewrap(uint8_t raw[KEYHDR_SIZE], int slot, const uint8_t *kek, const uint8_t *key);
/* Empty a slot: random bytes over everything it held. */
void keyslot_clear(uint8_t raw[KEYHDR_SIZE], int slot);
bool keyslot_active(const uint8_t raw[KEYHDR_SIZE], int slot);
void keyslot_info(const uint8_t raw[KEYHDR_SIZE], int slot, struct store_slot_info *info);
/* A new random recovery key, as text in groups. */
void keyslot_recovery_text(char out[STORE_RECOVERY_KEY_LEN]);

/* Rotation records. */
void keyhdr_set_rotating(uint8_t raw[KEYHDR_SIZE], uint32_t next_epoch, const uint8_t *master,
			 const uint8_t *next);
bool keyhdr_open_next(const uint8_t raw[KEYHDR_SIZE], const uint8_t *master, uint8_t *next);
void keyhdr_finish_rotation(uint8_t raw[KEYHDR_SIZE]);

#endif
