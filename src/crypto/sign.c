/*
 * sign.c - Ed25519 keys, signatures and SHA-256 over libgcrypt, for
 * request authentication in the sync protocol (see sign.h).
 *
 * libgcrypt speaks S-expressions; the helpers here keep that inside this
 * file so callers deal in fixed-size byte arrays only.
 */
#include <gcrypt.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/sign.h"
#include "util/util.h"

/*
 * One libgcrypt initialisation per process, with secure memory, is
 * crypto.c's job; every entry point here makes sure it happened.
 */
static void sign_init(void)
{
	crypto_init();
}

void crypto_sign_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

/*
 * Copy an opaque value from an S-expression token into out, right-aligned:
 * libgcrypt may strip leading zero bytes of R or S, and public keys may come
 * with the 0x40 "compressed" prefix.
 */
static bool sexp_fixed(gcry_sexp_t sx, const char *token, uint8_t *out, size_t n)
{
	gcry_sexp_t t = gcry_sexp_find_token(sx, token, 0);
	size_t len = 0;
	const char *data;
	bool ok = false;

	if (!t)
		return false;
	data = gcry_sexp_nth_data(t, 1, &len);
	if (data) {
		if (len == n + 1 && (unsigned char)data[0] == 0x40) {
			data++;
			len--;
		}
		if (len <= n) {
			memset(out, 0, n - len);
			memcpy(out + n - len, data, len);
			ok = true;
		}
	}
	gcry_sexp_release(t);
	return ok;
}

/*
 * An Ed25519 secret is just 32 random bytes (RFC 8032): take them from the
 * kernel and derive the public key.  libgcrypt's own key generation would
 * start its entropy gatherer, whose 128 KiB buffer is never freed.
 */
status_t crypto_sign_keygen(uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN],
			    uint8_t secret[CRYPTO_SIGN_SECRET_LEN])
{
	status_t st;

	if (!util_random(secret, CRYPTO_SIGN_SECRET_LEN))
		return st_error(ST_ERR, "no random numbers for a new key");
	st = crypto_sign_public(secret, pub);
	if (st != ST_OK)
		crypto_sign_wipe(secret, CRYPTO_SIGN_SECRET_LEN);
	return st;
}

/* The private-key S-expression for a seed; libgcrypt derives Q itself. */
static gcry_sexp_t sign_private_sexp(const uint8_t secret[CRYPTO_SIGN_SECRET_LEN])
{
	gcry_sexp_t key = NULL;

	if (gcry_sexp_build(&key, NULL, "(private-key (ecc (curve Ed25519) (flags eddsa) (d %b)))",
			    (int)CRYPTO_SIGN_SECRET_LEN, secret))
		return NULL;
	return key;
}

status_t crypto_sign(const uint8_t secret[CRYPTO_SIGN_SECRET_LEN],
		     const void *msg, size_t len, uint8_t sig[CRYPTO_SIGN_SIG_LEN])
{
	gcry_sexp_t key, data = NULL, out = NULL;
	status_t st = ST_OK;

	sign_init();
	key = sign_private_sexp(secret);
	if (!key)
		return st_error(ST_ERR, "cannot load the signing key");
	if (gcry_sexp_build(&data, NULL, "(data (flags eddsa) (hash-algo sha512) (value %b))",
			    (int)len, msg) ||
	    gcry_pk_sign(&out, data, key)) {
		st = st_error(ST_ERR, "cannot sign");
		goto done;
	}
	if (!sexp_fixed(out, "r", sig, 32) || !sexp_fixed(out, "s", sig + 32, 32))
		st = st_error(ST_ERR, "unexpected Ed25519 signature format");
done:
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(out);
	return st;
}

status_t crypto_sign_public(const uint8_t secret[CRYPTO_SIGN_SECRET_LEN],
			    uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN])
{
	gcry_sexp_t key;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t q;
	unsigned char *buf = NULL;
	size_t n = 0;
	status_t st = ST_ERR;

	sign_init();
	key = sign_private_sexp(secret);
	if (!key)
		return st_error(ST_ERR, "cannot load the signing key");
	if (!gcry_mpi_ec_new(&ctx, key, NULL)) {
		q = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1);
		if (q) {
			unsigned int nbits = 0;
			const unsigned char *raw = NULL;

			/* q@eddsa is the encoded point, normally an opaque MPI. */
			if (gcry_mpi_get_flag(q, GCRYMPI_FLAG_OPAQUE))
				raw = gcry_mpi_get_opaque(q, &nbits);
			else if (!gcry_mpi_aprint(GCRYMPI_FMT_USG, &buf, &n, q))
				raw = buf, nbits = (unsigned)(n * 8);
			n = (nbits + 7) / 8;
			if (raw && n == CRYPTO_SIGN_PUBLIC_LEN + 1 && raw[0] == 0x40) {
				memcpy(pub, raw + 1, CRYPTO_SIGN_PUBLIC_LEN);
				st = ST_OK;
			} else if (raw && n == CRYPTO_SIGN_PUBLIC_LEN) {
				memcpy(pub, raw, CRYPTO_SIGN_PUBLIC_LEN);
				st = ST_OK;
			}
			gcry_free(buf);
			gcry_mpi_release(q);
		}
		gcry_ctx_release(ctx);
	}
	gcry_sexp_release(key);
	if (st != ST_OK)
		return st_error(ST_ERR, "cannot derive the public key");
	return st;
}

bool crypto_sign_verify(const uint8_t pub[CRYPTO_SIGN_PUBLIC_LEN],
			const void *msg, size_t len,
			const uint8_t sig[CRYPTO_SIGN_SIG_LEN])
{
	gcry_sexp_t key = NULL, data = NULL, s = NULL;
	bool ok = false;

	sign_init();
	if (!gcry_sexp_build(&key, NULL, "(public-key (ecc (curve Ed25519) (flags eddsa) (q %b)))",
			     (int)CRYPTO_SIGN_PUBLIC_LEN, pub) &&
	    !gcry_sexp_build(&data, NULL, "(data (flags eddsa) (hash-algo sha512) (value %b))",
			     (int)len, msg) &&
	    !gcry_sexp_build(&s, NULL, "(sig-val (eddsa (r %b) (s %b)))",
			     32, sig, 32, sig + 32))
		ok = gcry_pk_verify(s, data, key) == 0;
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(s);
	return ok;
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
	sign_init();
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, data, len);
}

void crypto_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t h[CRYPTO_SHA256_LEN];

	crypto_sha256(data, len, h);
	for (size_t i = 0; i < CRYPTO_SHA256_LEN; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = '\0';
}

void crypto_audit_hash(const char *prev, int64_t seq, int64_t time, const char *actor,
		       const char *action, const char *object, const char *detail,
		       char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "senda-audit-1\n%s\n%lld\n%lld\n", prev, (long long)seq,
		    (long long)time);
	strbuf_addf(&sb, "%zu:%s\n", strlen(actor), actor);
	strbuf_addf(&sb, "%zu:%s\n", strlen(action), action);
	strbuf_addf(&sb, "%zu:%s\n", strlen(object), object);
	strbuf_addf(&sb, "%zu:%s\n", strlen(detail), detail);
	crypto_sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}
