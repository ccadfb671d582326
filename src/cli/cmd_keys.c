/*
 * cmd_keys.c - `senda keys`: the passphrases that unlock the store.
 *
 *   keys list              slots in use and their cost (no passphrase needed)
 *   keys add               a further passphrase, in the first free slot
 *   keys remove SLOT       empty a slot (never the last passphrase)
 *   keys change [SLOT]     a new passphrase for SLOT (default: the one typed)
 *   keys recover [SLOT]    with the recovery key, set a passphrase in SLOT
 *   keys rotate            new master key, every page re-encrypted, a new
 *                          recovery key; asks the passphrase of each other
 *                          slot to keep it (an empty line empties the slot)
 *
 * Subcommands are a table, like the commands themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/store_unlock.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

static int keys_usage(void)
{
	return cli_usage_error("usage: senda keys list|add|remove SLOT|change [SLOT]|"
			       "recover [SLOT]|rotate");
}

static bool parse_slot(const char *s, int *slot)
{
	int64_t v;

	if (!parse_int64(s, &v) || v < 0 || v >= STORE_N_SLOTS)
		return false;
	*slot = (int)v;
	return true;
}

static int keys_list(struct cli *cli, int argc, char **argv)
{
	struct store_slot_info info[STORE_N_SLOTS + 1];
	uint32_t epoch;
	bool rotating;
	status_t s;

	(void)argv;
	if (argc != 1)
		return keys_usage();
	s = store_keys_list(cli->data_dir, info, &epoch, &rotating);
	if (s != ST_OK)
		return cli_fail(s);
	printf("%-9s %-7s %12s %6s  %s\n", "SLOT", "STATE", "KDF MEMORY", "PASSES", "CREATED");
	for (int i = 0; i <= STORE_RECOVERY_SLOT; i++) {
		char name[16], day[11];

		if (i == STORE_RECOVERY_SLOT)
			snprintf(name, sizeof(name), "recovery");
		else
			snprintf(name, sizeof(name), "%d", i);
		if (!info[i].active) {
			printf("%-9s empty\n", name);
			continue;
		}
		format_date(info[i].created / 86400, day);
		printf("%-9s %-7s %8u KiB %6u  %s\n", name, "in use", info[i].memory_kib,
		       info[i].iterations, day);
	}
	printf("key epoch %u%s\n", epoch, rotating ? " (rotation unfinished: run 'senda keys "
	       "rotate' again)" : "");
	return 0;
}

static int keys_add(struct cli *cli, int argc, char **argv)
{
	struct store_open_opts so;
	struct store *st;
	char *pass = NULL;
	size_t len;
	int slot;
	status_t s;

	(void)argv;
	if (argc != 1)
		return keys_usage();
	if ((s = cli_store_open(cli, false, &st)) != ST_OK)
		return cli_fail(s);
	cli_store_opts(cli, &so);
	s = cli_new_passphrase(cli, "New passphrase: ", &pass, &len);
	if (s == ST_OK) {
		s = store_keys_add(st, pass, len, &so.kdf, &slot);
		crypto_secure_free(pass);
	}
	store_close(st);
	if (s != ST_OK)
		return cli_fail(s);
	printf("passphrase added in slot %d\n", slot);
	return 0;
}

static int keys_remove(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	status_t s;
	int slot;

	if (argc != 2 || !parse_slot(argv[1], &slot))
		return keys_usage();
	if ((s = cli_store_open(cli, false, &st)) != ST_OK)
		return cli_fail(s);
	s = store_keys_remove(st, slot);
	store_close(st);
	if (s != ST_OK)
		return cli_fail(s);
	printf("slot %d emptied\n", slot);
	return 0;
}

/* change and recover: a new passphrase for one slot. */
static int keys_set(struct cli *cli, int argc, char **argv, bool is_recovery)
{
	struct store_open_opts so;
	struct store *st;
	char *pass = NULL;
	size_t len;
	int slot = -1;
	status_t s;

	if (argc > 2 || (argc == 2 && !parse_slot(argv[1], &slot)))
		return keys_usage();
	if ((s = cli_store_open(cli, is_recovery, &st)) != ST_OK)
		return cli_fail(s);
	if (slot < 0)
		slot = is_recovery ? 0 : store_keys_unlocked_slot(st);
	cli_store_opts(cli, &so);
	s = cli_new_passphrase(cli, "New passphrase: ", &pass, &len);
	if (s == ST_OK) {
		struct store_slot_info info[STORE_N_SLOTS + 1];
		uint32_t epoch;
		bool rotating;

		s = store_keys_list(cli->data_dir, info, &epoch, &rotating);
		if (s == ST_OK && info[slot].active) {
			s = store_keys_change(st, slot, pass, len, &so.kdf);
		} else if (s == ST_OK) {
			int got;

			s = store_keys_add(st, pass, len, &so.kdf, &got);
			slot = got;
		}
		crypto_secure_free(pass);
	}
	store_close(st);
	if (s != ST_OK)
		return cli_fail(s);
	printf("passphrase set in slot %d\n", slot);
	return 0;
}

static int keys_change(struct cli *cli, int argc, char **argv)
{
	return keys_set(cli, argc, argv, false);
}

static int keys_recover(struct cli *cli, int argc, char **argv)
{
	return keys_set(cli, argc, argv, true);
}

static int keys_rotate(struct cli *cli, int argc, char **argv)
{
	struct store_rotate_slot keep[STORE_N_SLOTS];
	struct store_slot_info info[STORE_N_SLOTS + 1];
	char recovery[STORE_RECOVERY_KEY_LEN];
	char *pass[STORE_N_SLOTS] = { NULL };
	struct store *st = NULL;
	size_t n_keep = 0, len;
	uint32_t epoch;
	bool rotating;
	int mine;
	status_t s;

	(void)argv;
	if (argc != 1)
		return keys_usage();
	if ((s = store_keys_list(cli->data_dir, info, &epoch, &rotating)) != ST_OK)
		return cli_fail(s);
	/* The passphrase that opens the store keeps its own slot. */
	s = crypto_passphrase_read(cli->passphrase_fd, "Passphrase: ", &pass[0], &len);
	if (s == ST_OK) {
		struct store_open_opts so;

		cli_store_opts(cli, &so);
		s = store_open(cli->data_dir, pass[0], len, false, &so, &st);
	}
	if (s != ST_OK)
		goto out;
	mine = store_keys_unlocked_slot(st);
	keep[n_keep++] = (struct store_rotate_slot){ mine, pass[0], len };
	for (int i = 0; i < STORE_N_SLOTS; i++) {
		char prompt[80];
		char *p = NULL;

		if (i == mine || !info[i].active)
			continue;
		snprintf(prompt, sizeof(prompt),
			 "Passphrase for slot %d (empty to empty the slot): ", i);
		/* End of input is an error, not "empty them all": only an empty line drops a slot. */
		s = crypto_passphrase_read_opt(cli->passphrase_fd, prompt, &p, &len);
		if (s != ST_OK) {
			s = st_error(ST_USAGE, "no passphrase for slot %d (an empty line empties it)", i);
			goto out;
		}
		if (!len) {
			crypto_secure_free(p);
			continue;
		}
		pass[n_keep] = p;
		keep[n_keep++] = (struct store_rotate_slot){ i, p, len };
	}
	st_clear();
	s = store_keys_rotate(st, keep, n_keep, recovery);
	if (s == ST_OK) {
		printf("master key rotated; every page is re-encrypted\n\n"
		       "New recovery key (the old one no longer works; write this down):\n\n"
		       "    %s\n\n", recovery);
		crypto_wipe(recovery, sizeof(recovery));
	}
out:
	store_close(st);
	for (size_t i = 0; i < STORE_N_SLOTS; i++)
		if (pass[i])
			crypto_secure_free(pass[i]);
	return s == ST_OK ? 0 : cli_fail(s);
}

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
} keys_cmds[] = {
	{ "list", keys_list },
	{ "add", keys_add },
	{ "remove", keys_remove },
	{ "change", keys_change },
	{ "recover", keys_recover },
	{ "rotate", keys_rotate },
};

int cmd_keys(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return keys_usage();
	for (size_t i = 0; i < ARRAY_SIZE(keys_cmds); i++)
		if (!strcmp(argv[1], keys_cmds[i].name))
			return keys_cmds[i].run(cli, argc - 1, argv + 1);
	return keys_usage();
}
