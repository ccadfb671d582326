/*
 * cmd_shred.c - `senda shred --yes`: destroy the store on purpose.  The
 * key header is overwritten with random bytes and synced first, so from
 * that moment nothing can be decrypted, passphrase or not; then the files
 * go.  No passphrase is needed: whoever holds the laptop at a checkpoint
 * must be able to do it quickly.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

int cmd_shred(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	bool yes = false;
	status_t s;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "y", longopts, NULL)) != -1) {
		if (c == 'y')
			yes = true;
		else
			return cli_usage_error("usage: senda shred --yes");
	}
	if (optind != argc || !yes)
		return cli_usage_error("senda shred destroys every interview on this laptop "
				       "for good; run 'senda shred --yes'");
	s = store_shred(cli->data_dir);
	if (s != ST_OK)
		return cli_fail(s);
	printf("store destroyed: the keys are overwritten and the files removed\n");
	return 0;
}
