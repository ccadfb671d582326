/*
 * cmd_help.c - `senda help [COMMAND]` and `senda version`, both read from
 * the command table so they can never disagree with what dispatch does.
 */
#include "cli/cli.h"

#include <stdio.h>

void cli_print_help(FILE *out);

int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd;

	(void)cli;
	if (argc < 2) {
		cli_print_help(stdout);
		return 0;
	}
	if (argc > 2)
		return cli_usage_error("help takes one command name");
	cmd = cli_find(argv[1]);
	if (!cmd)
		return cli_usage_error("unknown command '%s'", argv[1]);
	printf("usage: senda %s\n\n%s\n", cmd->usage, cmd->help);
	return 0;
}

int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argv;
	if (argc > 1)
		return cli_usage_error("version takes no arguments");
	printf("senda %s\n", SENDA_VERSION);
	return 0;
}
