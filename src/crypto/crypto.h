/*
 * crypto.h - the store's cryptography over libgcrypt (the only module that
 * includes gcrypt.h): process hardening, secure memory, AES-256-GCM for
 * pages and key slots, Argon2id for passphrases, HMAC-SHA-256 for the key
 * header, random keys and batched nonces, and reading a passphrase without
 * echo.  Ed25519 and plain SHA-256 for sync live in crypto/sign.h.
 *
 * Secrets live in libgcrypt's secure memory (locked, never swapped, wiped
 * when freed).  Every function is safe to call before crypto_init(): it
 * initialises on first use, but call crypto_init() first thing in main so
 * core dumps are off before any secret exists.
 */
#ifndef SENDA_CRYPTO_CRYPTO_H
#define SENDA_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define CRYPTO_KEY_LEN 32	/* AES-256 */
#define CRYPTO_NONCE_LEN 12	/* GCM IV */
#define CRYPTO_TAG_LEN 16	/* GCM tag */
#define CRYPTO_SALT_LEN 16	/* Argon2id salt */
#define CRYPTO_MAC_LEN 32	/* HMAC-SHA-256 */

/*
 * Initialise libgcrypt with a secure memory pool, and disable core dumps
 * (RLIMIT_CORE 0, PR_SET_DUMPABLE 0).  Idempotent.  ST_ERR when libgcrypt
 * is too old.
 */
status_t crypto_init(void);

/* Secure memory: locked, zeroed on allocation and wiped on free.  Aborts
 * on exhaustion like xmalloc. */
void *crypto_secure_alloc(size_t n);
void crypto_secure_free(void *p);
/* Overwrite memory in a way the compiler keeps. */
void crypto_wipe(void *p, size_t n);
/* Compare in constant time. */
bool crypto_equal(const void *a, const void *b, size_t n);

/* Key-grade random bytes. */
void crypto_random(void *buf, size_t n);
/*
 * A fresh random 96-bit nonce.  Drawn from a batch refilled by one
 * gcry_create_nonce call per 256 nonces: one call per page would cost more
 * than the AES-GCM itself.
 */
void crypto_nonce(uint8_t out[CRYPTO_NONCE_LEN]);

/* AES-256-GCM with a fixed key; the key schedule sits in secure memory. */
struct crypto_aead;
struct crypto_aead *crypto_aead_new(const uint8_t key[CRYPTO_KEY_LEN]);
void crypto_aead_free(struct crypto_aead *a);
/* Encrypt len bytes of in to out (may be equal) and produce tag. */
status_t crypto_aead_seal(struct crypto_aead *a, const uint8_t nonce[CRYPTO_NONCE_LEN],
			  const void *aad, size_t aad_len, const void *in, void *out,
			  size_t len, uint8_t tag[CRYPTO_TAG_LEN]);
/* Decrypt and verify; false (out wiped) when the tag does not match. */
bool crypto_aead_open(struct crypto_aead *a, const uint8_t nonce[CRYPTO_NONCE_LEN],
		      const void *aad, size_t aad_len, const void *in, void *out,
		      size_t len, const uint8_t tag[CRYPTO_TAG_LEN]);

/*
 * Argon2id (one lane) of pass with salt, memory_kib KiB and iterations
 * passes, into out (out_len bytes, keep it in secure memory).
 */
status_t crypto_argon2id(const void *pass, size_t pass_len, const uint8_t *salt,
			 size_t salt_len, uint32_t memory_kib, uint32_t iterations,
			 void *out, size_t out_len);

/* HMAC-SHA-256. */
void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
			uint8_t out[CRYPTO_MAC_LEN]);

/*
 * Read one passphrase line into secure memory (*out, NUL-terminated,
 * *len bytes without the newline).  fd >= 0: read from that descriptor,
 * one byte at a time so that several passphrases can follow each other on
 * one pipe.  fd < 0: prompt on /dev/tty and read with echo off.
 * ST_INVALID for an empty passphrase or end of input; ST_IO when there is
 * no terminal.  Free with crypto_secure_free().
 */
status_t crypto_passphrase_read(int fd, const char *prompt, char **out, size_t *len);
/* The same, but an empty line is ST_OK with *len 0 (only end of input is ST_INVALID). */
status_t crypto_passphrase_read_opt(int fd, const char *prompt, char **out, size_t *len);

#endif
