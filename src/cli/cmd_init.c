/*
 * cmd_init.c - `senda init`: create the encrypted store in the data
 * directory, protected by a first passphrase, and print the recovery key
 * once, in groups a person can copy onto paper.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_unlock.h"
#include "crypto/crypto.h"
#include "store/store.h"

int cmd_init(struct cli *cli, int argc, char **argv)
{
	char recovery[STORE_RECOVERY_KEY_LEN];
	struct store_open_opts so;
	struct store *st = NULL;
	char *pass = NULL;
	size_t len = 0;
	status_t s;

	(void)argv;
	if (argc != 1)
		return cli_usage_error("usage: senda init");
	if ((s = crypto_init()) != ST_OK)
		return cli_fail(s);
	if ((s = cli_ensure_data_dir(cli)) != ST_OK)
		return cli_fail(s);
	if (store_exists(cli->data_dir))
		return cli_fail(st_error(ST_EXISTS, "a store already exists in %s", cli->data_dir));
	s = cli_new_passphrase(cli, "New passphrase: ", &pass, &len);
	if (s != ST_OK)
		return cli_fail(s);
	cli_store_opts(cli, &so);
	s = store_create(cli->data_dir, pass, len, &so, recovery, &st);
	crypto_secure_free(pass);
	if (s != ST_OK)
		return cli_fail(s);
	store_close(st);
	printf("Store created in %s\n\n", cli->data_dir);
	printf("Recovery key (shown only this once; write it down and keep it apart\n"
	       "from this laptop - with it, 'senda keys recover' sets a new passphrase):\n\n"
	       "    %s\n\n", recovery);
	crypto_wipe(recovery, sizeof(recovery));
	return 0;
}
