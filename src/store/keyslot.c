/*
 * keyslot.c - the key header (senda.keys): LUKS-style slots that each wrap
 * the random master key under a key derived from a passphrase with
 * Argon2id, one recovery slot, and the record of an unfinished rotation.
 * Layout in keyslot.h; reasons in docs/store.md.
 *
 * Two checks guard the file.  A plain SHA-256 over everything finds a
 * damaged file before any passphrase is tried, so a flipped byte reads as
 * damage and never as a wrong passphrase.  An HMAC keyed from the master
 * key, checked after unlocking, finds a file someone rewrote on purpose
 * (and fixed up the SHA-256).  Each slot's wrapping binds the store id,
 * the slot number and its own cost, so slots cannot be moved or weakened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "store/keyslot.h"
#include "util/util.h"

#define OFF_MAGIC 0
#define OFF_VERSION 8
#define OFF_FLAGS 12
#define OFF_STORE_ID 16
#define OFF_EPOCH 32
#define OFF_NEXT_EPOCH 36
#define OFF_CREATED 40
#define OFF_PENDING 64
#define OFF_SLOTS 128
#define SLOT_SIZE 128
#define OFF_MAC 1280
#define OFF_SUM 1312

/* Offsets inside a slot. */
#define S_STATE 0
#define S_MEM 4
#define S_ITER 8
#define S_CREATED 16
#define S_SALT 24
#define S_NONCE 40
#define S_KEY 52
#define S_TAG 84
#define S_BOUND 24		/* bytes of the slot bound into its AAD */

#define MAGIC "SENDAKY1"
#define RECOVERY_BYTES 20	/* 160 bits, 32 base-32 digits */

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";	/* Crockford */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static uint8_t *slot_ptr(uint8_t *raw, int slot)
{
	return raw + OFF_SLOTS + slot * SLOT_SIZE;
}

static const uint8_t *slot_cptr(const uint8_t *raw, int slot)
{
	return raw + OFF_SLOTS + slot * SLOT_SIZE;
}

const uint8_t *keyhdr_store_id(const uint8_t raw[KEYHDR_SIZE])
{
	return raw + OFF_STORE_ID;
}

uint32_t keyhdr_epoch(const uint8_t raw[KEYHDR_SIZE])
{
	return get32(raw + OFF_EPOCH);
}

uint32_t keyhdr_next_epoch(const uint8_t raw[KEYHDR_SIZE])
{
	return get32(raw + OFF_NEXT_EPOCH);
}

bool keyhdr_rotating(const uint8_t raw[KEYHDR_SIZE])
{
	return get32(raw + OFF_FLAGS) & KEYHDR_ROTATING;
}

bool keyslot_active(const uint8_t raw[KEYHDR_SIZE], int slot)
{
	return get32(slot_cptr(raw, slot) + S_STATE) == 1;
}

void keyslot_info(const uint8_t raw[KEYHDR_SIZE], int slot, struct store_slot_info *info)
{
	const uint8_t *s = slot_cptr(raw, slot);

	memset(info, 0, sizeof(*info));
	info->recovery = slot == STORE_RECOVERY_SLOT;
	info->active = keyslot_active(raw, slot);
	if (info->active) {
		info->memory_kib = get32(s + S_MEM);
		info->iterations = get32(s + S_ITER);
		info->created = (int64_t)get64(s + S_CREATED);
	}
}

static void mac_key(const uint8_t *master, uint8_t out[CRYPTO_MAC_LEN])
{
	static const char label[] = "senda key header mac v1";

	crypto_hmac_sha256(master, CRYPTO_KEY_LEN, label, sizeof(label) - 1, out);
}

static void hdr_seal(uint8_t raw[KEYHDR_SIZE], const uint8_t *master)
{
	uint8_t *mk = crypto_secure_alloc(CRYPTO_MAC_LEN);

	mac_key(master, mk);
	crypto_hmac_sha256(mk, CRYPTO_MAC_LEN, raw, OFF_MAC, raw + OFF_MAC);
	crypto_secure_free(mk);
	crypto_sha256(raw, OFF_SUM, raw + OFF_SUM);
}

static bool hdr_mac_ok(const uint8_t raw[KEYHDR_SIZE], const uint8_t *master)
{
	uint8_t *mk = crypto_secure_alloc(CRYPTO_MAC_LEN);
	uint8_t mac[CRYPTO_MAC_LEN];

	mac_key(master, mk);
	crypto_hmac_sha256(mk, CRYPTO_MAC_LEN, raw, OFF_MAC, mac);
	crypto_secure_free(mk);
	return crypto_equal(mac, raw + OFF_MAC, CRYPTO_MAC_LEN);
}

static status_t damaged_header(void)
{
	return st_error(ST_DAMAGED, "%s (key header)", status_message(ST_DAMAGED));
}

status_t keyhdr_load(const char *path, uint8_t raw[KEYHDR_SIZE])
{
	uint8_t sum[CRYPTO_SHA256_LEN];
	struct stat sb;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return st_error(ST_NOSTORE, "%s", status_message(ST_NOSTORE));
		return st_error(ST_IO, "cannot read %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &sb) < 0 || sb.st_size != KEYHDR_SIZE) {
		close(fd);
		return damaged_header();
	}
	n = read(fd, raw, KEYHDR_SIZE);
	close(fd);
	if (n != KEYHDR_SIZE)
		return damaged_header();
	crypto_sha256(raw, OFF_SUM, sum);
	if (memcmp(raw + OFF_MAGIC, MAGIC, 8) || get32(raw + OFF_VERSION) != 1 ||
	    !crypto_equal(sum, raw + OFF_SUM, sizeof(sum)))
		return damaged_header();
	return ST_OK;
}

static status_t fsync_dir_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return st_error(ST_IO, "cannot open the data directory: %s", strerror(errno));
	fsync(fd);
	close(fd);
	return ST_OK;
}

status_t keyhdr_save(const char *path, uint8_t raw[KEYHDR_SIZE], const uint8_t *master)
{
	char *tmp = xasprintf("%s.new", path);
	status_t st = ST_OK;
	int fd;

	hdr_seal(raw, master);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		st = st_error(ST_IO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, raw, KEYHDR_SIZE) != KEYHDR_SIZE || fsync(fd) < 0) {
		st = st_error(ST_IO, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		st = st_error(ST_IO, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	st = fsync_dir_of(path);
out:
	free(tmp);
	return st;
}

/* The recovery key as typed: case, dashes, spaces and look-alikes ignored. */
static size_t recovery_normalize(const char *in, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n < 64; i++) {
		char c = in[i];

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c == 'O')
			c = '0';
		if (c == 'I' || c == 'L')
			c = '1';
		out[n++] = c;
	}
	return n;
}

void keyslot_recovery_text(char out[STORE_RECOVERY_KEY_LEN])
{
	uint8_t *raw = crypto_secure_alloc(RECOVERY_BYTES);
	size_t o = 0;
	unsigned bits = 0, acc = 0, digits = 0;

	crypto_random(raw, RECOVERY_BYTES);
	for (size_t i = 0; i < RECOVERY_BYTES; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			if (digits && digits % 4 == 0)
				out[o++] = '-';
			out[o++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
			digits++;
		}
	}
	out[o] = '\0';
	acc = 0;
	crypto_secure_free(raw);
}

status_t keyslot_derive(const uint8_t raw[KEYHDR_SIZE], int slot, const char *pass,
			size_t pass_len, bool is_recovery, uint8_t *kek)
{
	const uint8_t *s = slot_cptr(raw, slot);
	status_t st;

	if (is_recovery) {
		char *norm = crypto_secure_alloc(64);
		size_t n = recovery_normalize(pass, pass_len, norm);

		st = crypto_argon2id(norm, n, s + S_SALT, CRYPTO_SALT_LEN, get32(s + S_MEM),
				     get32(s + S_ITER), kek, CRYPTO_KEY_LEN);
		crypto_secure_free(norm);
		return st;
	}
	return crypto_argon2id(pass, pass_len, s + S_SALT, CRYPTO_SALT_LEN, get32(s + S_MEM),
			       get32(s + S_ITER), kek, CRYPTO_KEY_LEN);
}

static void slot_aad(uint8_t aad[2 + 16 + 4 + S_BOUND], const uint8_t *raw, int slot)
{
	aad[0] = 'S';
	aad[1] = 'K';
	memcpy(aad + 2, raw + OFF_STORE_ID, 16);
	put32(aad + 18, (uint32_t)slot);
	memcpy(aad + 22, slot_cptr(raw, slot), S_BOUND);
}

bool keyslot_open(const uint8_t raw[KEYHDR_SIZE], int slot, const uint8_t *kek, uint8_t *out)
{
	const uint8_t *s = slot_cptr(raw, slot);
	uint8_t aad[2 + 16 + 4 + S_BOUND];
	struct crypto_aead *a;
	bool ok;

	if (!keyslot_active(raw, slot))
		return false;
	slot_aad(aad, raw, slot);
	a = crypto_aead_new(kek);
	ok = crypto_aead_open(a, s + S_NONCE, aad, sizeof(aad), s + S_KEY, out, CRYPTO_KEY_LEN,
			      s + S_TAG);
	crypto_aead_free(a);
	return ok;
}

void keyslot_rewrap(uint8_t raw[KEYHDR_SIZE], int slot, const uint8_t *kek, const uint8_t *key)
{
	uint8_t *s = slot_ptr(raw, slot);
	uint8_t aad[2 + 16 + 4 + S_BOUND];
	struct crypto_aead *a;

	crypto_nonce(s + S_NONCE);
	slot_aad(aad, raw, slot);
	a = crypto_aead_new(kek);
	crypto_aead_seal(a, s + S_NONCE, aad, sizeof(aad), key, s + S_KEY, CRYPTO_KEY_LEN,
			 s + S_TAG);
	crypto_aead_free(a);
}

void keyslot_clear(uint8_t raw[KEYHDR_SIZE], int slot)
{
	uint8_t *s = slot_ptr(raw, slot);

	crypto_random(s, SLOT_SIZE);
	put32(s + S_STATE, 0);
}

status_t keyslot_fill(uint8_t raw[KEYHDR_SIZE], int slot, const char *pass, size_t pass_len,
		      bool is_recovery, const struct store_kdf *kdf, const uint8_t *key)
{
	uint8_t *s = slot_ptr(raw, slot);
	uint8_t *kek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	status_t st;

	memset(s, 0, SLOT_SIZE);
	put32(s + S_STATE, 1);
	put32(s + S_MEM, kdf->memory_kib);
	put32(s + S_ITER, kdf->iterations);
	put64(s + S_CREATED, (uint64_t)util_now());
	crypto_random(s + S_SALT, CRYPTO_SALT_LEN);
	st = keyslot_derive(raw, slot, pass, pass_len, is_recovery, kek);
	if (st == ST_OK)
		keyslot_rewrap(raw, slot, kek, key);
	else
		keyslot_clear(raw, slot);
	crypto_secure_free(kek);
	return st;
}

status_t keyslot_create(struct store_keys *k, const char *pass, size_t pass_len,
			const struct store_kdf *kdf, char recovery[STORE_RECOVERY_KEY_LEN])
{
	uint8_t *raw = k->raw;
	status_t st;

	memset(k, 0, sizeof(*k));
	k->master = crypto_secure_alloc(CRYPTO_KEY_LEN);
	crypto_random(k->master, CRYPTO_KEY_LEN);
	memcpy(raw + OFF_MAGIC, MAGIC, 8);
	put32(raw + OFF_VERSION, 1);
	crypto_random(raw + OFF_STORE_ID, 16);
	put32(raw + OFF_EPOCH, 1);
	put64(raw + OFF_CREATED, (uint64_t)util_now());
	crypto_random(raw + OFF_PENDING, OFF_SLOTS - OFF_PENDING);
	for (int i = 0; i <= STORE_RECOVERY_SLOT; i++)
		keyslot_clear(raw, i);
	st = keyslot_fill(raw, 0, pass, pass_len, false, kdf, k->master);
	if (st == ST_OK) {
		keyslot_recovery_text(recovery);
		st = keyslot_fill(raw, STORE_RECOVERY_SLOT, recovery, strlen(recovery), true,
				  kdf, k->master);
	}
	k->unlocked_slot = 0;
	return st;
}

status_t keyslot_unlock(struct store_keys *k, const char *pass, size_t pass_len,
			bool is_recovery)
{
	uint8_t *kek = crypto_secure_alloc(CRYPTO_KEY_LEN);
	int first = is_recovery ? STORE_RECOVERY_SLOT : 0;
	int last = is_recovery ? STORE_RECOVERY_SLOT : STORE_N_SLOTS - 1;
	status_t st = ST_OK;

	k->master = crypto_secure_alloc(CRYPTO_KEY_LEN);
	k->unlocked_slot = -1;
	for (int i = first; i <= last; i++) {
		if (!keyslot_active(k->raw, i))
			continue;
		st = keyslot_derive(k->raw, i, pass, pass_len, is_recovery, kek);
		if (st != ST_OK)
			break;
		if (keyslot_open(k->raw, i, kek, k->master)) {
			k->unlocked_slot = i;
			break;
		}
	}
	crypto_secure_free(kek);
	if (st != ST_OK)
		return st;
	if (k->unlocked_slot < 0)
		return st_error(ST_PASSPHRASE, "%s", status_message(ST_PASSPHRASE));
	if (!hdr_mac_ok(k->raw, k->master))
		return damaged_header();
	if (keyhdr_rotating(k->raw)) {
		k->next = crypto_secure_alloc(CRYPTO_KEY_LEN);
		if (!keyhdr_open_next(k->raw, k->master, k->next))
			return damaged_header();
	}
	return ST_OK;
}

void keyslot_release(struct store_keys *k)
{
	crypto_secure_free(k->master);
	crypto_secure_free(k->next);
	crypto_wipe(k->raw, sizeof(k->raw));
	k->master = k->next = NULL;
}

static void pending_aad(uint8_t aad[2 + 16 + 4], const uint8_t *raw, uint32_t next_epoch)
{
	aad[0] = 'S';
	aad[1] = 'R';
	memcpy(aad + 2, raw + OFF_STORE_ID, 16);
	put32(aad + 18, next_epoch);
}

void keyhdr_set_rotating(uint8_t raw[KEYHDR_SIZE], uint32_t next_epoch, const uint8_t *master,
			 const uint8_t *next)
{
	uint8_t *p = raw + OFF_PENDING;
	uint8_t aad[22];
	struct crypto_aead *a;

	put32(raw + OFF_FLAGS, get32(raw + OFF_FLAGS) | KEYHDR_ROTATING);
	put32(raw + OFF_NEXT_EPOCH, next_epoch);
	pending_aad(aad, raw, next_epoch);
	crypto_nonce(p);
	a = crypto_aead_new(master);
	crypto_aead_seal(a, p, aad, sizeof(aad), next, p + 12, CRYPTO_KEY_LEN, p + 44);
	crypto_aead_free(a);
}

bool keyhdr_open_next(const uint8_t raw[KEYHDR_SIZE], const uint8_t *master, uint8_t *next)
{
	const uint8_t *p = raw + OFF_PENDING;
	uint8_t aad[22];
	struct crypto_aead *a;
	bool ok;

	pending_aad(aad, raw, get32(raw + OFF_NEXT_EPOCH));
	a = crypto_aead_new(master);
	ok = crypto_aead_open(a, p, aad, sizeof(aad), p + 12, next, CRYPTO_KEY_LEN, p + 44);
	crypto_aead_free(a);
	return ok;
}

void keyhdr_finish_rotation(uint8_t raw[KEYHDR_SIZE])
{
	put32(raw + OFF_EPOCH, get32(raw + OFF_NEXT_EPOCH));
	put32(raw + OFF_NEXT_EPOCH, 0);
	put32(raw + OFF_FLAGS, get32(raw + OFF_FLAGS) & ~KEYHDR_ROTATING);
	crypto_random(raw + OFF_PENDING, OFF_SLOTS - OFF_PENDING);
}
