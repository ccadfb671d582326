/*
 * sign.h - Ed25519 device keys and SHA-256, for the sync protocol.
 *
 * A device makes one key pair at enrolment and signs every request with it
 * (docs/sync-protocol.md, section 3); the server verifies with the public
 * key it registered.  The secret is the 32-byte Ed25519 seed: callers keep
 * it only in the encrypted store and wipe their copies.  Implemented over
 * libgcrypt, which only src/crypto may include.
 */
#ifndef SENDA_CRYPTO_SIGN_H
#define SENDA_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define CRYPTO_SIGN_PUBLIC_LEN 32	/* Ed25519 public key */
#define CRYPTO_SIGN_SECRET_LEN 32	/* Ed25519 seed */
#define CRYPTO_SIGN_SIG_LEN 64		/* Ed25519 signature (R || S) */
#define CRYPTO_SHA256_LEN 32

/* Make a new key pair from the kernel's random source. */
status_t crypto_sign_keygen(uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN],
			    uint8_t secret[CRYPTO_SIGN_SECRET_LEN]);
/* Public key for a secret (to check a stored pair). */
status_t crypto_sign_public(const uint8_t secret[CRYPTO_SIGN_SECRET_LEN],
			    uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN]);
/* Sign msg; Ed25519 is deterministic, so the same input gives the same sig. */
status_t crypto_sign(const uint8_t secret[CRYPTO_SIGN_SECRET_LEN],
		     const void *msg, size_t len, uint8_t sig[CRYPTO_SIGN_SIG_LEN]);
/* True only for a valid signature of msg by pub. */
bool crypto_sign_verify(const uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN],
			const void *msg, size_t len,
			const uint8_t sig[CRYPTO_SIGN_SIG_LEN]);

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);
/* Lowercase hex SHA-256 (64 digits and a NUL). */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * One link of the audit chain: lowercase hex SHA-256 over the previous
 * link and every field of an entry, each string with its length in front
 * so no two different entries give the same text.  The store that writes
 * the chain and the server that checks a device's uploaded copy must agree
 * byte for byte, so both call this one function.
 */
void crypto_audit_hash(const char *prev, int64_t seq, int64_t time, const char *actor,
		       const char *action, const char *object, const char *detail,
		       char out[65]);

/* Overwrite secret material in a way the compiler keeps. */
void crypto_sign_wipe(void *p, size_t n);

#endif
