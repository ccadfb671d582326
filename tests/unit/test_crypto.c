/*
 * test_crypto.c - the crypto module: AES-256-GCM round trip and refusal of
 * any changed byte, tag or additional data; nonces never repeat; HMAC-SHA-256
 * against RFC 4231; Argon2id depends on passphrase, salt and cost; reading
 * passphrases line by line from a descriptor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/crypto.h"

/* After crypto_init no core dump can carry a key out of the process. */
static void test_no_core_dumps(void **state)
{
	struct rlimit rl;

	(void)state;
	assert_int_equal(crypto_init(), ST_OK);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
	assert_int_equal(rl.rlim_cur, 0);
}

static void test_aead(void **state)
{
	uint8_t key[CRYPTO_KEY_LEN], nonce[CRYPTO_NONCE_LEN], tag[CRYPTO_TAG_LEN];
	uint8_t plain[4064], cipher[4064], out[4064];
	struct crypto_aead *a;

	(void)state;
	crypto_random(key, sizeof(key));
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7);
	a = crypto_aead_new(key);
	crypto_nonce(nonce);
	assert_int_equal(crypto_aead_seal(a, nonce, "aad", 3, plain, cipher, sizeof(plain), tag),
			 ST_OK);
	assert_memory_not_equal(plain, cipher, sizeof(plain));
	assert_true(crypto_aead_open(a, nonce, "aad", 3, cipher, out, sizeof(out), tag));
	assert_memory_equal(plain, out, sizeof(plain));
	/* Every byte of ciphertext, tag, nonce and AAD matters. */
	for (size_t i = 0; i < sizeof(cipher); i += 97) {
		cipher[i] ^= 1;
		assert_false(crypto_aead_open(a, nonce, "aad", 3, cipher, out, sizeof(out), tag));
		cipher[i] ^= 1;
	}
	/* A failed open hands out nothing. */
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
	tag[3] ^= 0x80;
	assert_false(crypto_aead_open(a, nonce, "aad", 3, cipher, out, sizeof(out), tag));
	tag[3] ^= 0x80;
	nonce[0] ^= 1;
	assert_false(crypto_aead_open(a, nonce, "aad", 3, cipher, out, sizeof(out), tag));
	nonce[0] ^= 1;
	assert_false(crypto_aead_open(a, nonce, "aaD", 3, cipher, out, sizeof(out), tag));
	assert_true(crypto_aead_open(a, nonce, "aad", 3, cipher, out, sizeof(out), tag));
	crypto_aead_free(a);
}

static int cmp_nonce(const void *x, const void *y)
{
	return memcmp(x, y, CRYPTO_NONCE_LEN);
}

static void test_nonces_unique(void **state)
{
	enum { N = 5000 };
	uint8_t (*v)[CRYPTO_NONCE_LEN] = malloc(N * CRYPTO_NONCE_LEN);

	(void)state;
	for (int i = 0; i < N; i++)
		crypto_nonce(v[i]);
	qsort(v, N, CRYPTO_NONCE_LEN, cmp_nonce);
	for (int i = 1; i < N; i++)
		assert_memory_not_equal(v[i - 1], v[i], CRYPTO_NONCE_LEN);
	free(v);
}

/* After fork the child draws fresh nonces, not the parent's next ones. */
static void test_nonces_fork(void **state)
{
	uint8_t mine[CRYPTO_NONCE_LEN], child[CRYPTO_NONCE_LEN];
	int fds[2];
	pid_t pid;

	(void)state;
	crypto_nonce(mine);	/* the pool is filled and partly used */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		crypto_nonce(child);
		_exit(write(fds[1], child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], child, sizeof(child)), sizeof(child));
	close(fds[0]);
	waitpid(pid, NULL, 0);
	crypto_nonce(mine);
	assert_memory_not_equal(mine, child, sizeof(mine));
}

static void test_hmac_rfc4231(void **state)
{
	static const uint8_t want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	uint8_t mac[CRYPTO_MAC_LEN];

	(void)state;
	crypto_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	assert_memory_equal(mac, want, sizeof(want));
}

static void test_argon2id(void **state)
{
	uint8_t salt[CRYPTO_SALT_LEN] = { 1, 2, 3 }, a[32], b[32], c[32], d[32];

	(void)state;
	assert_int_equal(crypto_argon2id("pass", 4, salt, sizeof(salt), 64, 1, a, 32), ST_OK);
	assert_int_equal(crypto_argon2id("pass", 4, salt, sizeof(salt), 64, 1, b, 32), ST_OK);
	assert_memory_equal(a, b, 32);
	assert_int_equal(crypto_argon2id("pasS", 4, salt, sizeof(salt), 64, 1, b, 32), ST_OK);
	assert_memory_not_equal(a, b, 32);
	salt[0] = 9;
	assert_int_equal(crypto_argon2id("pass", 4, salt, sizeof(salt), 64, 1, c, 32), ST_OK);
	assert_memory_not_equal(a, c, 32);
	salt[0] = 1;
	assert_int_equal(crypto_argon2id("pass", 4, salt, sizeof(salt), 128, 2, d, 32), ST_OK);
	assert_memory_not_equal(a, d, 32);
}

static void test_passphrase_fd(void **state)
{
	int fds[2];
	char *p = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "first one\nsecond\r\n\nlast", 24), 24);
	close(fds[1]);
	assert_int_equal(crypto_passphrase_read(fds[0], NULL, &p, &len), ST_OK);
	assert_string_equal(p, "first one");
	assert_int_equal(len, 9);
	crypto_secure_free(p);
	assert_int_equal(crypto_passphrase_read(fds[0], NULL, &p, &len), ST_OK);
	assert_string_equal(p, "second");
	crypto_secure_free(p);
	assert_int_equal(crypto_passphrase_read(fds[0], NULL, &p, &len), ST_INVALID);
	assert_int_equal(crypto_passphrase_read(fds[0], NULL, &p, &len), ST_OK);
	assert_string_equal(p, "last");
	crypto_secure_free(p);
	assert_int_equal(crypto_passphrase_read(fds[0], NULL, &p, &len), ST_INVALID);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_core_dumps),
		cmocka_unit_test(test_aead),
		cmocka_unit_test(test_nonces_unique),
		cmocka_unit_test(test_nonces_fork),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_argon2id),
		cmocka_unit_test(test_passphrase_fd),
	};

	assert_int_equal(crypto_init(), ST_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
