/*
 * cmd_enroll.c - `senda enroll URL CODE`: register this laptop with
 * senda-server using the one-time code the administrator printed, so that
 * `senda sync` can deliver its outbox.  The device key and the pinned
 * server key are kept in the encrypted store (see src/sync/enroll.c).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/store_unlock.h"
#include "store/store.h"
#include "sync/sync.h"
#include "util/util.h"

int cmd_enroll(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pin = NULL, *label = NULL;
	bool force = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pin = optarg; break;
		case 'l': label = optarg; break;
		case 'f': force = true; break;
		default:
			return cli_usage_error("usage: senda enroll [--pin sha256//KEY] "
					       "[--label NAME] [--force] URL CODE");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("usage: senda enroll [--pin sha256//KEY] "
				       "[--label NAME] [--force] URL CODE");
	const char *url = argv[optind], *code = argv[optind + 1];
	if (pin && !str_starts_with(pin, "sha256//"))
		return cli_usage_error("--pin: expected sha256//BASE64, as senda-server enroll "
				       "prints it");

	struct store *st = NULL;
	status_t s = cli_store_open(cli, false, &st);
	if (s != ST_OK)
		return cli_fail(s);
	struct sync_enrollment e;
	s = sync_enroll(st, url, code, pin, label,
			(long)opt_num(cli->config, "sync", "timeout"), force, &e);
	store_close(st);
	if (s != ST_OK)
		return cli_fail(s);
	printf("enrolled as device %s (team %s, role %s)\n", e.device, e.team, e.role);
	if (*e.pin)
		printf("server key pinned: %s\n", e.pin);
	else
		printf("plain http on loopback: no key pinned (tests only)\n");
	return 0;
}
