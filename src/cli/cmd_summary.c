/*
 * cmd_summary.c - `senda summary ID [--out FILE]`: the plain-text summary
 * for the respondent (the referrals and why each was made, in the
 * interview's language), the same text the console's result screen shows.
 * ID is the interview's number in the case list or its UUID.  The file is
 * created 0600 and must not exist yet; printing is recorded in the audit
 * trail (without the text).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/session.h"
#include "cli/cli.h"
#include "cli/store_unlock.h"
#include "ini/options.h"
#include "store/store.h"
#include "util/util.h"

int cmd_summary(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *id_arg;
	struct app_options ao;
	struct app *app;
	struct store *st = NULL;
	struct store_interview iv = STORE_INTERVIEW_INIT;
	struct app_session *s = NULL;
	status_t rc;
	int64_t seq;
	char *text;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: senda summary ID [--out FILE]\n");
			return 0;
		default:
			return cli_usage_error("unknown option for summary");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("summary needs one interview number or id");
	id_arg = argv[optind];

	rc = cli_store_open(cli, false, &st);
	if (rc != ST_OK)
		return cli_fail(rc);
	memset(&ao, 0, sizeof(ao));
	ao.data_dir = cli->data_dir;
	ao.forms_dir = opt_str(cli->config, "forms", "dir");
	app = app_new(&ao);
	app_adopt_store(app, st);
	store_set_actor("cli");

	if (parse_int64(id_arg, &seq))
		rc = store_interview_get_seq(st, seq, &iv);
	else
		rc = store_interview_get(st, id_arg, &iv);
	if (rc == ST_OK)
		rc = app_session_resume(app, iv.id, &s);
	if (rc == ST_OK) {
		text = app_session_summary(s);
		if (out)
			rc = file_write_new(out, text, strlen(text));
		else if (fputs(text, stdout) == EOF || fflush(stdout) != 0)
			rc = st_error(ST_IO, "senda: cannot write the summary");
		free(text);
		if (rc == ST_OK)
			store_audit_add(st, "summary.print", iv.id, out ? "file" : "stdout");
	}
	app_session_free(s);
	store_interview_release(&iv);
	app_free(app);
	if (rc != ST_OK)
		return cli_fail(rc);
	return 0;
}
