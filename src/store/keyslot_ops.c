/*
 * keyslot_ops.c - what `senda keys` and `senda shred` do to a store: add,
 * change and remove passphrases, replace the recovery key, rotate the
 * master key (re-encrypting every page), and crypto-shred.
 *
 * Every change rewrites the key header atomically (keyhdr_save), so a
 * crash leaves either the old or the new header, never a mix.  Rotation
 * goes through three durable steps, each safe to be cut off after:
 *   1. the header records the next key, wrapped by the current one; from
 *      then on writes use the next key and reads accept both;
 *   2. VACUUM rewrites every page (under the next key), journaled as usual;
 *   3. when no page is left under the old key, the header's slots are
 *      wrapped around the next key and the old one is forgotten.
 * A store opened between 1 and 3 works normally; rotating again finishes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/keyslot.h"
#include "store/store_int.h"
#include "util/util.h"

static status_t need_keys(struct store *st)
{
	if (!st->keys)
		return st_error(ST_STATE, "an in-memory store has no keys");
	return ST_OK;
}

/* The key the slots wrap now. */
static const uint8_t *slot_key(struct store *st)
{
	return st->keys->master;
}

status_t store_keys_list(const char *dir, struct store_slot_info info[STORE_N_SLOTS + 1],
			 uint32_t *epoch, bool *rotating)
{
	char *path = path_join(dir, STORE_KEYS_NAME);
	uint8_t raw[KEYHDR_SIZE];
	status_t st = keyhdr_load(path, raw);

	free(path);
	if (st != ST_OK)
		return st;
	for (int i = 0; i <= STORE_RECOVERY_SLOT; i++)
		keyslot_info(raw, i, &info[i]);
	*epoch = keyhdr_epoch(raw);
	*rotating = keyhdr_rotating(raw);
	return ST_OK;
}

int store_keys_unlocked_slot(const struct store *st)
{
	return st->keys ? st->keys->unlocked_slot : -1;
}

bool store_keys_rotating(const struct store *st)
{
	return st->keys && keyhdr_rotating(st->keys->raw);
}

/* Write a changed copy of the header; keep the old one in memory on failure. */
static status_t header_commit(struct store *st, uint8_t *raw)
{
	status_t s = keyhdr_save(st->keys_path, raw, slot_key(st));

	if (s == ST_OK)
		memcpy(st->keys->raw, raw, KEYHDR_SIZE);
	crypto_wipe(raw, KEYHDR_SIZE);
	return s;
}

status_t store_keys_add(struct store *st, const char *pass, size_t pass_len,
			const struct store_kdf *kdf, int *slot)
{
	uint8_t raw[KEYHDR_SIZE];
	status_t s = need_keys(st);
	int i;

	if (s != ST_OK)
		return s;
	for (i = 0; i < STORE_N_SLOTS; i++)
		if (!keyslot_active(st->keys->raw, i))
			break;
	if (i == STORE_N_SLOTS)
		return st_error(ST_STATE, "all %d passphrase slots are in use; remove one first",
				STORE_N_SLOTS);
	memcpy(raw, st->keys->raw, KEYHDR_SIZE);
	s = keyslot_fill(raw, i, pass, pass_len, false, kdf, slot_key(st));
	if (s == ST_OK)
		s = header_commit(st, raw);
	crypto_wipe(raw, sizeof(raw));
	if (s == ST_OK)
		*slot = i;
	return s;
}

status_t store_keys_remove(struct store *st, int slot)
{
	uint8_t raw[KEYHDR_SIZE];
	status_t s = need_keys(st);
	int others = 0;

	if (s != ST_OK)
		return s;
	if (slot < 0 || slot >= STORE_N_SLOTS)
		return st_error(ST_INVALID, "slot must be 0 to %d", STORE_N_SLOTS - 1);
	if (!keyslot_active(st->keys->raw, slot))
		return st_error(ST_NOTFOUND, "slot %d is empty", slot);
	for (int i = 0; i < STORE_N_SLOTS; i++)
		others += i != slot && keyslot_active(st->keys->raw, i);
	if (!others)
		return st_error(ST_STATE, "slot %d holds the last passphrase; add another first",
				slot);
	memcpy(raw, st->keys->raw, KEYHDR_SIZE);
	keyslot_clear(raw, slot);
	return header_commit(st, raw);
}

status_t store_keys_change(struct store *st, int slot, const char *pass, size_t pass_len,
			   const struct store_kdf *kdf)
{
	uint8_t raw[KEYHDR_SIZE];
	status_t s = need_keys(st);

	if (s != ST_OK)
		return s;
	if (slot < 0 || slot >= STORE_N_SLOTS)
		return st_error(ST_INVALID, "slot must be 0 to %d", STORE_N_SLOTS - 1);
	if (!keyslot_active(st->keys->raw, slot))
		return st_error(ST_NOTFOUND, "slot %d is empty", slot);
	memcpy(raw, st->keys->raw, KEYHDR_SIZE);
	s = keyslot_fill(raw, slot, pass, pass_len, false, kdf, slot_key(st));
	if (s == ST_OK)
		s = header_commit(st, raw);
	crypto_wipe(raw, sizeof(raw));
	return s;
}

status_t store_keys_new_recovery(struct store *st, char recovery[STORE_RECOVERY_KEY_LEN])
{
	uint8_t raw[KEYHDR_SIZE];
	struct store_slot_info info;
	struct store_kdf kdf;
	status_t s = need_keys(st);

	if (s != ST_OK)
		return s;
	keyslot_info(st->keys->raw, STORE_RECOVERY_SLOT, &info);
	if (!info.active)	/* never: every store is made with one */
		keyslot_info(st->keys->raw, st->keys->unlocked_slot, &info);
	kdf.memory_kib = info.memory_kib;
	kdf.iterations = info.iterations;
	memcpy(raw, st->keys->raw, KEYHDR_SIZE);
	keyslot_recovery_text(recovery);
	s = keyslot_fill(raw, STORE_RECOVERY_SLOT, recovery, strlen(recovery), true, &kdf,
			 slot_key(st));
	if (s == ST_OK)
		s = header_commit(st, raw);
	crypto_wipe(raw, sizeof(raw));
	return s;
}

/* Step 2: every page rewritten under the write key, then checked. */
static status_t rotate_rewrite(struct store *st)
{
	uint32_t pages, old;
	status_t s;
	int rc;

	rc = sqlite3_exec(st->db, "VACUUM", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_sqlite_fail(st, rc, "re-encrypting the store");
	s = vfs_verify_file(st->vfs_reg, &pages, &old);
	if (s == ST_OK && old)
		s = st_error(ST_ERR, "%u of %u pages are still under the old key", old, pages);
	return s;
}

status_t store_keys_rotate(struct store *st, const struct store_rotate_slot *keep, size_t n_keep,
			   char recovery[STORE_RECOVERY_KEY_LEN])
{
	struct store_keys *k = st->keys;
	uint8_t *keks = NULL, raw[KEYHDR_SIZE];
	struct store_slot_info info;
	struct store_kdf kdf;
	status_t s = need_keys(st);
	size_t i;

	if (s != ST_OK)
		return s;
	if (!n_keep)
		return st_error(ST_INVALID, "keep at least one passphrase");
	s = store_lock_exclusive(st);
	if (s != ST_OK)
		goto out;
	/* Every kept passphrase must open its slot before anything changes. */
	keks = crypto_secure_alloc(n_keep * CRYPTO_KEY_LEN);
	for (i = 0; i < n_keep; i++) {
		uint8_t *probe = crypto_secure_alloc(CRYPTO_KEY_LEN);
		bool ok;

		if (keep[i].slot < 0 || keep[i].slot >= STORE_N_SLOTS ||
		    !keyslot_active(k->raw, keep[i].slot)) {
			crypto_secure_free(probe);
			s = st_error(ST_INVALID, "slot %d is not a passphrase slot in use",
				     keep[i].slot);
			goto out;
		}
		s = keyslot_derive(k->raw, keep[i].slot, keep[i].pass, keep[i].pass_len, false,
				   keks + i * CRYPTO_KEY_LEN);
		ok = s == ST_OK && keyslot_open(k->raw, keep[i].slot, keks + i * CRYPTO_KEY_LEN,
						probe);
		crypto_secure_free(probe);
		if (s != ST_OK)
			goto out;
		if (!ok) {
			s = st_error(ST_PASSPHRASE, "%s", status_message(ST_PASSPHRASE));
			goto out;
		}
	}
	/* Step 1 (skipped when resuming). */
	if (!k->next) {
		k->next = crypto_secure_alloc(CRYPTO_KEY_LEN);
		crypto_random(k->next, CRYPTO_KEY_LEN);
		memcpy(raw, k->raw, KEYHDR_SIZE);
		keyhdr_set_rotating(raw, keyhdr_epoch(raw) + 1, k->master, k->next);
		s = header_commit(st, raw);
		if (s != ST_OK) {
			crypto_secure_free(k->next);
			k->next = NULL;
			goto out;
		}
		vfs_key_set(st->vfs_reg, keyhdr_next_epoch(k->raw), k->next, true);
	}
	/* Step 2. */
	s = rotate_rewrite(st);
	if (s != ST_OK)
		goto out;
	/* Step 3: slots around the next key; the rest emptied. */
	memcpy(raw, k->raw, KEYHDR_SIZE);
	keyhdr_finish_rotation(raw);
	for (int slot = 0; slot < STORE_N_SLOTS; slot++) {
		for (i = 0; i < n_keep; i++)
			if (keep[i].slot == slot)
				break;
		if (i < n_keep)
			keyslot_rewrap(raw, slot, keks + i * CRYPTO_KEY_LEN, k->next);
		else
			keyslot_clear(raw, slot);
	}
	/* The new recovery slot costs what the old one did (or the first kept slot). */
	keyslot_info(k->raw, STORE_RECOVERY_SLOT, &info);
	if (!info.active)
		keyslot_info(k->raw, keep[0].slot, &info);
	kdf.memory_kib = info.memory_kib;
	kdf.iterations = info.iterations;
	keyslot_recovery_text(recovery);
	s = keyslot_fill(raw, STORE_RECOVERY_SLOT, recovery, strlen(recovery), true, &kdf,
			 k->next);
	if (s != ST_OK)
		goto out;
	s = keyhdr_save(st->keys_path, raw, k->next);
	if (s != ST_OK)
		goto out;
	memcpy(k->raw, raw, KEYHDR_SIZE);
	memcpy(k->master, k->next, CRYPTO_KEY_LEN);
	crypto_secure_free(k->next);
	k->next = NULL;
	vfs_key_drop_old(st->vfs_reg);
	if (k->unlocked_slot != STORE_RECOVERY_SLOT && !keyslot_active(k->raw, k->unlocked_slot))
		k->unlocked_slot = keep[0].slot;
out:
	crypto_wipe(raw, sizeof(raw));
	if (keks)
		crypto_secure_free(keks);
	store_lock_shared(st);
	return s;
}

/* Overwrite a file in place with random bytes and fsync it. */
static status_t overwrite_random(const char *path)
{
	uint8_t buf[4096];
	off_t size, done = 0;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? ST_OK : st_error(ST_IO, "cannot open %s: %s", path,
							  strerror(errno));
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, 0, SEEK_SET);
	while (done < size) {
		size_t n = size - done < (off_t)sizeof(buf) ? (size_t)(size - done) : sizeof(buf);

		crypto_random(buf, n);
		if (write(fd, buf, n) != (ssize_t)n)
			break;
		done += n;
	}
	if (done < size || fsync(fd) < 0) {
		close(fd);
		return st_error(ST_IO, "cannot overwrite %s: %s", path, strerror(errno));
	}
	close(fd);
	return ST_OK;
}

status_t store_shred(const char *dir)
{
	static const char *names[] = {
		STORE_KEYS_NAME, STORE_KEYS_NAME ".new", STORE_DB_NAME, STORE_DB_NAME "-journal",
	};
	status_t s = ST_OK;
	bool any = false;

	crypto_init();
	/* Keys first: once they are gone nothing can be decrypted. */
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = path_join(dir, names[i]);
		status_t s2;

		if (path_exists(p)) {
			any = true;
			/* The database is ciphertext already; one pass of the key files suffices. */
			s2 = overwrite_random(p);
			if (s2 == ST_OK && unlink(p) < 0 && errno != ENOENT)
				s2 = st_error(ST_IO, "cannot remove %s: %s", p, strerror(errno));
			if (s == ST_OK)
				s = s2;
		}
		free(p);
	}
	if (!any)
		return st_error(ST_NOSTORE, "%s", status_message(ST_NOSTORE));
	{
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return s;
}
