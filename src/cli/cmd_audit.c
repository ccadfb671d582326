/*
 * cmd_audit.c - `senda audit verify`: walk the store's hash-chained audit
 * trail and say whether it is intact or the first entry where it breaks;
 * `senda audit log`: print the entries (time, actor, action, object,
 * detail), which never hold answers or names, for a supervisor or an
 * auditor reading what happened on this laptop.
 */
#include "cli/cli.h"
#include "cli/store_unlock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

static int audit_verify(struct store *st)
{
	int64_t n = 0, broken = 0;
	status_t s = store_audit_verify(st, &n, &broken);

	if (s)
		return cli_fail(s);
	printf("audit trail intact (%lld %s)\n", (long long)n, n == 1 ? "entry" : "entries");
	return 0;
}

/* Entries in pages, so a long trail prints in bounded memory. */
static int audit_log(struct store *st, int64_t after, int64_t limit)
{
	struct store_audit_list l = STORE_AUDIT_LIST_INIT;
	int64_t printed = 0;
	status_t s;

	for (;;) {
		size_t i, page = 500;

		if (limit && limit - printed < (int64_t)page)
			page = (size_t)(limit - printed);
		if (!page)
			break;
		if ((s = store_audit_list(st, after, page, &l))) {
			store_audit_list_release(&l);
			return cli_fail(s);
		}
		for (i = 0; i < l.n; i++) {
			const struct store_audit_entry *e = &l.v[i];
			time_t t = (time_t)e->time;
			struct tm tm;
			char when[32];

			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
			printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)e->seq, when, e->actor,
			       e->action, *e->object ? e->object : "-", e->detail);
			after = e->seq;
		}
		printed += (int64_t)l.n;
		if (l.n < page) {
			store_audit_list_release(&l);
			break;
		}
		store_audit_list_release(&l);
	}
	return 0;
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "after", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t after = 0, limit = 0;
	struct store *st = NULL;
	const char *sub;
	status_t s;
	int c, rc;

	if (argc < 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "log")))
		return cli_usage_error("usage: senda audit verify | senda audit log "
				       "[--after N] [--limit N]");
	sub = argv[1];
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'a' && !strcmp(sub, "log") && parse_int64(optarg, &after) && after >= 0)
			continue;
		if (c == 'n' && !strcmp(sub, "log") && parse_int64(optarg, &limit) && limit >= 0)
			continue;
		if (c == '?' || c == ':')
			return cli_usage_error("audit %s: unknown option '%s'", sub, argv[optind - 1]);
		return cli_usage_error("audit %s: invalid value for --%s: '%s'", sub,
				       c == 'a' ? "after" : "limit", optarg);
	}
	if (optind < argc)
		return cli_usage_error("audit %s: unexpected argument '%s'", sub, argv[optind]);

	if ((s = cli_store_open(cli, false, &st)))
		return cli_fail(s);
	store_set_actor("cli");
	rc = !strcmp(sub, "verify") ? audit_verify(st) : audit_log(st, after, limit);
	store_close(st);
	return rc;
}
