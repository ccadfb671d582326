/*
 * test_keyslot.c - key slots through the store API: eight passphrase slots
 * and no more, the last passphrase cannot be removed, change and recovery,
 * keys list without unlocking, a rotation cut by a simulated power cut in
 * the middle of re-encryption (the store still opens with the old slots,
 * and rotating again finishes it), and what a finished rotation leaves:
 * every page under the new epoch, dropped slots and the old recovery key
 * dead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/vfs.h"
#include "util/util.h"

static const struct store_open_opts opts = { { 64, 1 }, 2000 };

static int setup(void **state)
{
	char *dir = xasprintf("%s/ksXXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");

	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", (char *)*state);

	if (system(cmd))
		(void)0;
	free(cmd);
	free(*state);
	vfs_fault_set(VFS_FAULT_OFF, 0);
	return 0;
}

static status_t try_open(const char *dir, const char *pass, bool rec)
{
	struct store *st = NULL;
	status_t s = store_open(dir, pass, strlen(pass), rec, &opts, &st);

	if (s == ST_OK)
		s = store_check(st);
	store_close(st);
	return s;
}

static void fill(struct store *st, int n)
{
	assert_int_equal(sqlite3_exec(st->db, "CREATE TABLE IF NOT EXISTS k(v TEXT)", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		assert_int_equal(sqlite3_exec(st->db, "INSERT INTO k VALUES(hex(randomblob(300)))",
					      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

static void test_slots(void **state)
{
	const char *dir = *state;
	char rec[STORE_RECOVERY_KEY_LEN];
	struct store_slot_info info[STORE_N_SLOTS + 1];
	struct store *st;
	uint32_t epoch;
	bool rotating;
	int slot;

	assert_int_equal(store_create(dir, "p0", 2, &opts, rec, &st), ST_OK);
	/* 8 groups of 4 base-32 digits. */
	assert_int_equal(strlen(rec), 39);
	for (int i = 1; i < STORE_N_SLOTS; i++) {
		char p[16];

		snprintf(p, sizeof(p), "p%d", i);
		assert_int_equal(store_keys_add(st, p, strlen(p), &opts.kdf, &slot), ST_OK);
		assert_int_equal(slot, i);
	}
	assert_int_equal(store_keys_add(st, "p8", 2, &opts.kdf, &slot), ST_STATE);
	for (int i = 1; i < STORE_N_SLOTS; i++)
		assert_int_equal(store_keys_remove(st, i), ST_OK);
	assert_int_equal(store_keys_remove(st, 3), ST_NOTFOUND);
	assert_int_equal(store_keys_remove(st, 0), ST_STATE);	/* the last one */
	assert_int_equal(store_keys_change(st, 0, "new", 3, &opts.kdf), ST_OK);
	store_close(st);

	assert_int_equal(try_open(dir, "p0", false), ST_PASSPHRASE);
	assert_int_equal(try_open(dir, "p5", false), ST_PASSPHRASE);
	assert_int_equal(try_open(dir, "new", false), ST_OK);
	assert_int_equal(try_open(dir, rec, true), ST_OK);
	/* Typed in lower case with spaces for dashes: still the key. */
	for (char *c = rec; *c; c++)
		*c = *c == '-' ? ' ' : (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	assert_int_equal(try_open(dir, rec, true), ST_OK);

	assert_int_equal(store_keys_list(dir, info, &epoch, &rotating), ST_OK);
	assert_true(info[0].active);
	assert_false(info[1].active);
	assert_true(info[STORE_RECOVERY_SLOT].active);
	assert_int_equal(info[0].memory_kib, 64);
	assert_int_equal(epoch, 1);
	assert_false(rotating);
}

static void test_rotate_interrupted(void **state)
{
	const char *dir = *state;
	char rec[STORE_RECOVERY_KEY_LEN], rec2[STORE_RECOVERY_KEY_LEN];
	struct store_slot_info info[STORE_N_SLOTS + 1];
	struct store_rotate_slot keep[] = { { 0, "alpha", 5 } };
	struct store *st;
	uint32_t epoch, pages, old;
	bool rotating;
	int slot;

	assert_int_equal(store_create(dir, "alpha", 5, &opts, rec, &st), ST_OK);
	assert_int_equal(store_keys_add(st, "bravo", 5, &opts.kdf, &slot), ST_OK);
	fill(st, 400);
	/* A power cut in the middle of re-encryption. */
	vfs_fault_set(VFS_FAULT_CRASH, 20);
	assert_int_not_equal(store_keys_rotate(st, keep, 1, rec2), ST_OK);
	assert_true(vfs_fault_fired());
	vfs_fault_set(VFS_FAULT_OFF, 0);
	store_close(st);

	assert_int_equal(store_keys_list(dir, info, &epoch, &rotating), ST_OK);
	assert_true(rotating);
	/* Every old slot still opens it, and it is whole. */
	assert_int_equal(try_open(dir, "bravo", false), ST_OK);
	assert_int_equal(try_open(dir, rec, true), ST_OK);
	assert_int_equal(store_open(dir, "alpha", 5, false, &opts, &st), ST_OK);
	assert_true(store_keys_rotating(st));
	fill(st, 10);	/* writes under the next key meanwhile */
	/* A wrong passphrase for a kept slot changes nothing. */
	keep[0].pass = "wrong";
	assert_int_equal(store_keys_rotate(st, keep, 1, rec2), ST_PASSPHRASE);
	keep[0].pass = "alpha";
	assert_int_equal(store_keys_rotate(st, keep, 1, rec2), ST_OK);
	assert_false(store_keys_rotating(st));
	assert_int_equal(vfs_verify_file(st->vfs_reg, &pages, &old), ST_OK);
	assert_true(pages > 50);
	assert_int_equal(old, 0);
	assert_int_equal(store_check(st), ST_OK);
	store_close(st);

	assert_int_equal(store_keys_list(dir, info, &epoch, &rotating), ST_OK);
	assert_false(rotating);
	assert_int_equal(epoch, 2);
	assert_false(info[1].active);
	assert_int_equal(try_open(dir, "alpha", false), ST_OK);
	assert_int_equal(try_open(dir, "bravo", false), ST_PASSPHRASE);
	assert_int_equal(try_open(dir, rec, true), ST_PASSPHRASE);
	assert_int_equal(try_open(dir, rec2, true), ST_OK);
}

static void test_shred(void **state)
{
	const char *dir = *state;
	char rec[STORE_RECOVERY_KEY_LEN];
	struct store *st;

	assert_int_equal(store_create(dir, "alpha", 5, &opts, rec, &st), ST_OK);
	fill(st, 20);
	store_close(st);
	assert_int_equal(store_shred(dir), ST_OK);
	assert_false(store_exists(dir));
	assert_int_equal(try_open(dir, "alpha", false), ST_NOSTORE);
	assert_int_equal(store_shred(dir), ST_NOSTORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shred, setup, teardown),
	};

	crypto_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
