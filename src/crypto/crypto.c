/*
 * crypto.c - libgcrypt setup, secure memory, AES-256-GCM, Argon2id, HMAC
 * and randomness for the encrypted store (see crypto.h).
 *
 * libgcrypt must be initialised once per process before anything else
 * uses it; sign.c checks GCRYCTL_INITIALIZATION_FINISHED_P, so whichever
 * runs first wins, and crypto_init() should run first (from main) so the
 * secure memory pool exists.
 */
#include <gcrypt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "crypto/crypto.h"

#define SECMEM_POOL (256 * 1024)	/* keys, passphrases, cipher contexts */
#define NONCE_BATCH 256

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
static bool crypto_ok;
static void nonce_forget(void);

/* No core file and no ptrace by other processes of the same user: a core
 * dump would carry the master key out of secure memory's reach. */
static void crypto_harden(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void crypto_init_once(void)
{
	crypto_harden();
	/* A forked child must not hand out the parent's remaining nonces. */
	pthread_atfork(NULL, NULL, nonce_forget);
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		crypto_ok = true;	/* someone else initialised it */
		return;
	}
	if (!gcry_check_version("1.10.0"))
		return;
	/* mlock may be refused (RLIMIT_MEMLOCK); the pool still wipes on free. */
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
	gcry_control(GCRYCTL_INIT_SECMEM, SECMEM_POOL, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	crypto_ok = true;
}

status_t crypto_init(void)
{
	pthread_once(&crypto_once, crypto_init_once);
	if (!crypto_ok)
		return st_error(ST_ERR, "libgcrypt 1.10 or newer is needed");
	return ST_OK;
}

void *crypto_secure_alloc(size_t n)
{
	void *p;

	crypto_init();
	p = gcry_calloc_secure(1, n ? n : 1);
	if (!p) {
		fputs("senda: out of secure memory\n", stderr);
		abort();
	}
	return p;
}

void crypto_secure_free(void *p)
{
	gcry_free(p);		/* libgcrypt wipes secure memory on free */
}

/* explicit_bzero: a plain memset before free may be optimised away. */
void crypto_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

void crypto_random(void *buf, size_t n)
{
	crypto_init();
	gcry_randomize(buf, n, GCRY_STRONG_RANDOM);
}

/* Per thread, so two threads never hand out the same nonce. */
static _Thread_local uint8_t nonce_pool[NONCE_BATCH * CRYPTO_NONCE_LEN];
static _Thread_local unsigned nonce_left;

static void nonce_forget(void)
{
	explicit_bzero(nonce_pool, sizeof(nonce_pool));
	nonce_left = 0;
}

void crypto_nonce(uint8_t out[CRYPTO_NONCE_LEN])
{
	if (!nonce_left) {
		crypto_init();
		gcry_create_nonce(nonce_pool, sizeof(nonce_pool));
		nonce_left = NONCE_BATCH;
	}
	nonce_left--;
	memcpy(out, nonce_pool + nonce_left * CRYPTO_NONCE_LEN, CRYPTO_NONCE_LEN);
	/* A nonce handed out never stays in the pool. */
	memset(nonce_pool + nonce_left * CRYPTO_NONCE_LEN, 0, CRYPTO_NONCE_LEN);
}

struct crypto_aead {
	gcry_cipher_hd_t h;
};

struct crypto_aead *crypto_aead_new(const uint8_t key[CRYPTO_KEY_LEN])
{
	struct crypto_aead *a;

	crypto_init();
	a = crypto_secure_alloc(sizeof(*a));
	if (gcry_cipher_open(&a->h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM,
			     GCRY_CIPHER_SECURE) ||
	    gcry_cipher_setkey(a->h, key, CRYPTO_KEY_LEN)) {
		fputs("senda: AES-256-GCM is not available\n", stderr);
		abort();
	}
	return a;
}

void crypto_aead_free(struct crypto_aead *a)
{
	if (!a)
		return;
	gcry_cipher_close(a->h);
	crypto_secure_free(a);
}

status_t crypto_aead_seal(struct crypto_aead *a, const uint8_t nonce[CRYPTO_NONCE_LEN],
			  const void *aad, size_t aad_len, const void *in, void *out,
			  size_t len, uint8_t tag[CRYPTO_TAG_LEN])
{
	gcry_error_t err;

	err = gcry_cipher_setiv(a->h, nonce, CRYPTO_NONCE_LEN);
	if (!err && aad_len)
		err = gcry_cipher_authenticate(a->h, aad, aad_len);
	if (!err)
		err = gcry_cipher_final(a->h);
	if (!err)
		err = gcry_cipher_encrypt(a->h, out, len, in, len);
	if (!err)
		err = gcry_cipher_gettag(a->h, tag, CRYPTO_TAG_LEN);
	if (err)
		return st_error(ST_ERR, "encryption failed: %s", gcry_strerror(err));
	return ST_OK;
}

bool crypto_aead_open(struct crypto_aead *a, const uint8_t nonce[CRYPTO_NONCE_LEN],
		      const void *aad, size_t aad_len, const void *in, void *out,
		      size_t len, const uint8_t tag[CRYPTO_TAG_LEN])
{
	gcry_error_t err;

	err = gcry_cipher_setiv(a->h, nonce, CRYPTO_NONCE_LEN);
	if (!err && aad_len)
		err = gcry_cipher_authenticate(a->h, aad, aad_len);
	if (!err)
		err = gcry_cipher_final(a->h);
	if (!err)
		err = gcry_cipher_decrypt(a->h, out, len, in, len);
	if (!err)
		err = gcry_cipher_checktag(a->h, tag, CRYPTO_TAG_LEN);
	if (err) {
		crypto_wipe(out, len);	/* never hand out unauthenticated data */
		return false;
	}
	return true;
}

status_t crypto_argon2id(const void *pass, size_t pass_len, const uint8_t *salt,
			 size_t salt_len, uint32_t memory_kib, uint32_t iterations,
			 void *out, size_t out_len)
{
	unsigned long params[4];
	gcry_kdf_hd_t hd;
	gcry_error_t err;

	crypto_init();
	params[0] = out_len;	/* tag length */
	params[1] = iterations;
	params[2] = memory_kib;
	params[3] = 1;		/* lanes */
	err = gcry_kdf_open(&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, params, 4,
			    pass, pass_len, salt, salt_len, NULL, 0, NULL, 0);
	if (err)
		return st_error(ST_INVALID, "key derivation parameters rejected: %s",
				gcry_strerror(err));
	err = gcry_kdf_compute(hd, NULL);
	if (!err)
		err = gcry_kdf_final(hd, out_len, out);
	gcry_kdf_close(hd);
	if (err)
		return st_error(ST_ERR, "key derivation failed: %s", gcry_strerror(err));
	return ST_OK;
}

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_MAC_LEN])
{
	gcry_mac_hd_t h;
	size_t n = CRYPTO_MAC_LEN;

	crypto_init();
	if (gcry_mac_open(&h, GCRY_MAC_HMAC_SHA256, GCRY_MAC_FLAG_SECURE, NULL) ||
	    gcry_mac_setkey(h, key, key_len)) {
		fputs("senda: HMAC-SHA-256 is not available\n", stderr);
		abort();
	}
	gcry_mac_write(h, data, len);
	gcry_mac_read(h, out, &n);
	gcry_mac_close(h);
}
